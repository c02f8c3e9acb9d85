"""The FlexTime stack: composes the constructs (no resources of its own) and runs cdk-nag."""

from __future__ import annotations

from typing import Any

from aws_cdk import App, CfnOutput, Environment, Stack, Tags, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import Construct

from flextime_cdk import constants, environments
from flextime_cdk.api import Api
from flextime_cdk.data import Database
from flextime_cdk.environments import EnvironmentConfig
from flextime_cdk.events import EventBus
from flextime_cdk.functions import Functions, PythonFunctionFactory
from flextime_cdk.layer import SharedLayer
from flextime_cdk.nag import acknowledge, acknowledge_granular
from flextime_cdk.network import Network
from flextime_cdk.observability import Observability
from flextime_cdk.solver import Solver
from flextime_cdk.storage import Storage
from flextime_cdk.web_hosting import WebHosting
from flextime_cdk.workflow import Workflow


class FlexTimeStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, config: EnvironmentConfig, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        network = Network(self, "Network", config=config)
        storage = Storage(self, "Storage", config=config)
        layer = SharedLayer(self, "SharedLayer")
        bus = EventBus(self, "Events", config=config)
        factory = PythonFunctionFactory(
            config=config,
            layers=[layer.layer],
            vpc=network.vpc,
            subnets=network.app_subnets,
            security_groups=[network.workload_security_group],
            environment={
                "FLEXTIME_BUCKET": storage.artifacts.bucket_name,
                "FLEXTIME_EXPORTS_BUCKET": storage.exports.bucket_name,
                "FLEXTIME_EVENT_BUS": bus.bus.event_bus_name,
                "FLEXTIME_EVENT_SOURCE": constants.EVENT_SOURCE,
            },
        )
        database = Database(self, "Database", config=config, network=network, factory=factory)
        factory.environment["FLEXTIME_DATABASE_SECRET_ARN"] = database.secret.secret_arn
        functions = Functions(self, "Functions", factory=factory).agents
        for function in functions.by_folder.values():
            storage.artifacts.grant_read_write(function)
            database.secret.grant_read(function)
            bus.bus.grant_put_events_to(function)
            _after_migrations(function, database)
        solver = Solver(
            self,
            "Solver",
            config=config,
            network=network,
            artifacts=storage.artifacts,
            database_secret=database.secret,
            event_bus_name=bus.bus.event_bus_name,
        )
        bus.bus.grant_put_events_to(solver.task_definition.task_role)
        workflow = Workflow(
            self,
            "Workflow",
            config=config,
            functions=functions,
            solver=solver,
            network=network,
            artifacts=storage.artifacts,
            bus=bus.bus,
        )
        if "notify" in functions.by_folder:
            bus.route_to_notify(functions.by_folder["notify"])
        generate = workflow.state_machines.get("generate")
        if generate is not None:
            bus.nightly(generate)
        api = Api(self, "Api", config=config, handler=functions.api)
        if functions.api is not None:
            self._wire_api(functions.api, api, workflow, storage, database, bus)
        web = WebHosting(
            self, "Web", site=storage.web, logs_bucket=storage.access_logs, api_endpoint=api.endpoint
        )
        storage.allow_downloads_from(
            [f"https://{web.distribution.distribution_domain_name}", *config.web_urls]
        )
        all_functions = dict(functions.by_folder) | ({"api": functions.api} if functions.api else {})
        Observability(
            self,
            "Observability",
            config=config,
            state_machines=workflow.state_machines,
            functions=all_functions,
            dead_letter_queues=functions.dead_letter_queues | bus.dead_letter_queues,
            cluster=database.cluster,
        )
        Tags.of(self).add("project", "flextime")
        Tags.of(self).add("environment", config.name)
        CfnOutput(self, "WebUrl", value=f"https://{web.distribution.distribution_domain_name}")
        CfnOutput(self, "ApiEndpoint", value=api.endpoint)
        CfnOutput(self, "UserPoolId", value=api.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=api.client.user_pool_client_id)
        for key, machine in workflow.state_machines.items():
            CfnOutput(self, f"{key.title()}StateMachineArn", value=machine.state_machine_arn)
        CfnOutput(self, "ArtifactBucketName", value=storage.artifacts.bucket_name)
        self._suppress_library_findings()

    @staticmethod
    def _wire_api(
        handler, api: Api, workflow: Workflow, storage: Storage, database: Database, bus: EventBus
    ) -> None:
        storage.artifacts.grant_read_write(handler)
        storage.exports.grant_read_write(handler)
        database.secret.grant_read(handler)
        bus.bus.grant_put_events_to(handler)
        _after_migrations(handler, database)
        for key, machine in workflow.state_machines.items():
            machine.grant_start_execution(handler)
            machine.grant_execution(
                handler, "states:DescribeExecution", "states:GetExecutionHistory", "states:StopExecution"
            )
            env_name = (
                "FLEXTIME_STATE_MACHINE_ARN"
                if key == "generate"
                else f"FLEXTIME_{key.upper()}_STATE_MACHINE_ARN"
            )
            handler.add_environment(env_name, machine.state_machine_arn)
        handler.add_environment("FLEXTIME_API_ISSUER", api.issuer)
        handler.add_environment("FLEXTIME_API_AUDIENCE", api.client.user_pool_client_id)

    def _suppress_library_findings(self) -> None:
        """Findings on resources that CDK library constructs create (not our code), each with why."""
        acknowledge(
            self,
            "AwsSolutions-L1",
            "Runtimes of CDK-internal handlers (provider framework, bucket deployment) are chosen by "
            "aws-cdk-lib; our own functions use python3.12.",
        )


def _after_migrations(function, database: Database) -> None:
    """The function resource (not its role: the key policy names roles) waits for the schema."""
    function.node.default_child.node.add_dependency(database.migrations)


def create_app(context: dict[str, Any] | None = None, outdir: str | None = None) -> tuple[App, FlexTimeStack]:
    """The CDK app for ``-c env=<name>`` (default dev), with cdk-nag AwsSolutions checks."""
    app = App(context=context or {}, outdir=outdir)
    name = app.node.try_get_context("env") or "dev"
    overrides = (app.node.try_get_context("flextime:environments") or {}).get(name, {})
    account = app.node.try_get_context("account")
    region = app.node.try_get_context("region")
    if account:
        overrides = {**overrides, "account": str(account)}
    if region:
        overrides = {**overrides, "region": str(region)}
    config = environments.load(name, overrides)
    stack = FlexTimeStack(
        app,
        f"FlexTime-{name}",
        config=config,
        env=Environment(account=config.account, region=config.region),
        description=f"FlexTime conference scheduling ({name})",
    )
    acknowledge_granular(stack)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    return app, stack
