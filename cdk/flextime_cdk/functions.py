"""Functions: ONE factory for every Python Lambda (agents, API, migrations), and the construct that
creates one Lambda per ``functions/<agent>/handler.py`` plus the API Lambda.

Every function: python3.12 on arm64 (the layer's wheels are aarch64), the shared layer, JSON logs
in its own log group with retention, X-Ray active tracing, the private app subnets and the workload
security group, Powertools settings, and an SQS dead-letter queue when it is invoked
asynchronously (EventBridge targets)."""

from __future__ import annotations

from dataclasses import dataclass, field

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from flextime_cdk import constants
from flextime_cdk.environments import EnvironmentConfig, log_retention
from flextime_cdk.nag import acknowledge


def discover_function_dirs() -> list[str]:
    """The folders under functions/ that hold a handler.py (agents and the API), sorted."""
    return sorted(p.parent.name for p in constants.FUNCTIONS_DIR.glob("*/handler.py"))


def logical_name(folder: str) -> str:
    """``load_scenario`` -> ``LoadScenario`` (the stem the ASL placeholders use)."""
    return "".join(part.capitalize() for part in folder.split("_"))


@dataclass
class PythonFunctionFactory:
    """Creates every Python Lambda the same way; only code, spec and environment differ."""

    config: EnvironmentConfig
    layers: list[lambda_.ILayerVersion]
    vpc: ec2.IVpc
    subnets: ec2.SubnetSelection
    security_groups: list[ec2.ISecurityGroup]
    environment: dict[str, str] = field(default_factory=dict)

    def create(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code: lambda_.Code,
        spec: constants.FunctionSpec,
        environment: dict[str, str] | None = None,
        service: str = constants.SERVICE,
    ) -> lambda_.Function:
        log_group = logs.LogGroup(
            scope,
            f"{construct_id}Logs",
            retention=log_retention(self.config.log_retention_days),
            removal_policy=RemovalPolicy.RETAIN if self.config.retain_data else RemovalPolicy.DESTROY,
        )
        dead_letter_queue = None
        if spec.asynchronous:
            dead_letter_queue = sqs.Queue(
                scope,
                f"{construct_id}Dlq",
                encryption=sqs.QueueEncryption.SQS_MANAGED,
                enforce_ssl=True,
                retention_period=Duration.days(14),
            )
            acknowledge(dead_letter_queue, "AwsSolutions-SQS3", "This queue is itself a dead-letter queue.")
        function = lambda_.Function(
            scope,
            construct_id,
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=lambda_.Architecture.ARM_64,
            handler=constants.HANDLER,
            code=code,
            layers=self.layers,
            memory_size=spec.memory_mb,
            timeout=Duration.seconds(spec.timeout_s),
            description=spec.description or None,
            environment={
                "POWERTOOLS_SERVICE_NAME": service,
                "POWERTOOLS_METRICS_NAMESPACE": constants.METRICS_NAMESPACE,
                "POWERTOOLS_LOG_LEVEL": "INFO",
                "FLEXTIME_ENVIRONMENT": self.config.name,
                **self.environment,
                **(environment or {}),
            },
            tracing=lambda_.Tracing.ACTIVE,
            log_group=log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            vpc=self.vpc,
            vpc_subnets=self.subnets,
            security_groups=self.security_groups,
            dead_letter_queue=dead_letter_queue,
            retry_attempts=2 if spec.asynchronous else None,
        )
        function.dead_letter_queue_ref = dead_letter_queue  # type: ignore[attr-defined]
        return function


@dataclass
class AgentFunctions:
    by_folder: dict[str, lambda_.Function]
    api: lambda_.Function | None

    @property
    def dead_letter_queues(self) -> dict[str, sqs.IQueue]:
        out = {}
        for folder, function in self.by_folder.items():
            queue = getattr(function, "dead_letter_queue_ref", None)
            if queue is not None:
                out[folder] = queue
        return out

    def by_stem(self, stem: str) -> lambda_.Function:
        return self.by_folder[constants.FUNCTIONS.get(stem) or constants.EVENT_FUNCTIONS[stem]]


class Functions(Construct):
    """One Lambda per functions/<folder>/handler.py, all from the factory."""

    def __init__(self, scope: Construct, construct_id: str, *, factory: PythonFunctionFactory) -> None:
        super().__init__(scope, construct_id)
        functions: dict[str, lambda_.Function] = {}
        api = None
        for folder in discover_function_dirs():
            spec = constants.FUNCTION_SPECS.get(folder, constants.DEFAULT_FUNCTION_SPEC)
            function = factory.create(
                self,
                logical_name(folder),
                code=lambda_.Code.from_asset(
                    str(constants.FUNCTIONS_DIR / folder), exclude=["__pycache__", "*.pyc"]
                ),
                spec=spec,
                service=f"{constants.SERVICE}-{folder.replace('_', '-')}",
            )
            if folder == constants.API_FUNCTION_DIR:
                api = function
            else:
                functions[folder] = function
        self.agents = AgentFunctions(by_folder=functions, api=api)
