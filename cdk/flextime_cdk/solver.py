"""Solver: the CP-SAT container (image asset built from solver_container/), an ECS cluster and a
Fargate task definition sized for CP-SAT (several vCPUs: one search worker each), logging to
CloudWatch. Step Functions starts it with ``ecs:runTask.sync`` and container overrides."""

from __future__ import annotations

from aws_cdk import Annotations, RemovalPolicy
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from flextime_cdk import constants
from flextime_cdk.environments import EnvironmentConfig, log_retention
from flextime_cdk.nag import acknowledge
from flextime_cdk.network import Network

# The Docker build context is the repository root (the image installs the shared package from
# layers/flextime); everything else is excluded so staging stays small and fast.
IMAGE_CONTEXT_EXCLUDES = [
    ".git", ".venv", "node_modules", "cdk.out", "out", "web", "tests", "docs", "cdk", "functions",
    "state_machines", ".hypothesis", ".mypy_cache", ".pytest_cache", ".ruff_cache", "**/__pycache__",
    "**/*.egg-info", ".flextime", "build", "dist",
]  # fmt: skip


class Solver(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        network: Network,
        artifacts: s3.IBucket,
        database_secret: secretsmanager.ISecret,
        event_bus_name: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.cluster = ecs.Cluster(
            self,
            "Cluster",
            vpc=network.vpc,
            container_insights_v2=ecs.ContainerInsights.ENABLED,
        )
        self.task_definition = ecs.FargateTaskDefinition(
            self,
            "TaskDefinition",
            cpu=config.solver_cpu,
            memory_limit_mib=config.solver_memory_mib,
            runtime_platform=ecs.RuntimePlatform(
                cpu_architecture=ecs.CpuArchitecture.ARM64,
                operating_system_family=ecs.OperatingSystemFamily.LINUX,
            ),
        )
        log_group = logs.LogGroup(
            self,
            "Logs",
            retention=log_retention(config.log_retention_days),
            removal_policy=RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY,
        )
        self.container = self.task_definition.add_container(
            constants.SOLVER_CONTAINER_NAME,
            container_name=constants.SOLVER_CONTAINER_NAME,
            image=self._image(),
            logging=ecs.LogDrivers.aws_logs(stream_prefix="solver", log_group=log_group),
            environment={
                "FLEXTIME_ENVIRONMENT": config.name,
                "FLEXTIME_BUCKET": artifacts.bucket_name,
                "FLEXTIME_EVENT_BUS": event_bus_name,
                "FLEXTIME_DATABASE_SECRET_ARN": database_secret.secret_arn,
                "POWERTOOLS_SERVICE_NAME": f"{constants.SERVICE}-solver",
                "POWERTOOLS_METRICS_NAMESPACE": constants.METRICS_NAMESPACE,
            },
            readonly_root_filesystem=False,
        )
        acknowledge(
            self.task_definition,
            "AwsSolutions-ECS2",
            "The environment holds names and ARNs only (bucket, bus, secret ARN); the credentials "
            "stay in Secrets Manager and are read at run time.",
        )
        artifacts.grant_read_write(self.task_definition.task_role)
        database_secret.grant_read(self.task_definition.task_role)

    def _image(self) -> ecs.ContainerImage:
        dockerfile = constants.SOLVER_CONTAINER_DIR / "Dockerfile"
        if not dockerfile.exists():
            Annotations.of(self).add_warning_v2(
                "flextime:solver-image",
                "solver_container/Dockerfile is missing: the task uses a placeholder image.",
            )
            return ecs.ContainerImage.from_registry("public.ecr.aws/docker/library/python:3.12-slim")
        return ecs.ContainerImage.from_asset(
            str(constants.REPO_ROOT),
            file="solver_container/Dockerfile",
            platform=ecr_assets.Platform.LINUX_ARM64,
            exclude=IMAGE_CONTEXT_EXCLUDES,
        )
