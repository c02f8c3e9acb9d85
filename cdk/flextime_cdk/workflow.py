"""Workflow: every ``state_machines/*.asl.json`` deployed as a STANDARD state machine. The ASL stays
a JSON file with ``${Placeholders}``; CloudFormation fills them from ``DefinitionSubstitutions``
(the same names :mod:`flextime.local.asl` fills locally). Logging ALL to CloudWatch, X-Ray on."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from flextime_cdk import constants
from flextime_cdk.environments import EnvironmentConfig, log_retention
from flextime_cdk.functions import AgentFunctions
from flextime_cdk.network import Network
from flextime_cdk.solver import Solver

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


def machine_key(file_name: str) -> str:
    """``generate_schedule.asl.json`` -> ``generate`` (the asl.STATE_MACHINES key), else the stem."""
    for key, name in constants.STATE_MACHINES.items():
        if name == file_name:
            return key
    return file_name.removesuffix(".asl.json")


@dataclass(frozen=True)
class _Resources:
    functions: AgentFunctions
    solver: Solver
    network: Network
    artifacts: s3.IBucket
    bus: events.IEventBus


class Workflow(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        functions: AgentFunctions,
        solver: Solver,
        network: Network,
        artifacts: s3.IBucket,
        bus: events.IEventBus,
    ) -> None:
        super().__init__(scope, construct_id)
        resources = _Resources(functions, solver, network, artifacts, bus)
        self.substitutions = self._substitutions(resources)
        self.state_machines: dict[str, sfn.StateMachine] = {}
        for path in sorted(constants.STATE_MACHINES_DIR.glob("*.asl.json")):
            text = path.read_text(encoding="utf-8")
            wanted = set(_PLACEHOLDER.findall(text))
            missing = wanted - self.substitutions.keys()
            if missing:
                raise ValueError(f"{path.name}: no substitution for {sorted(missing)}")
            stem = path.name.removesuffix(".asl.json")
            logical = "".join(part.capitalize() for part in stem.split("_"))
            log_group = logs.LogGroup(
                self,
                f"{logical}Logs",
                log_group_name=f"/aws/vendedlogs/states/{config.prefix}-{stem}",
                retention=log_retention(config.log_retention_days),
                removal_policy=RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY,
            )
            machine = sfn.StateMachine(
                self,
                logical,
                state_machine_type=sfn.StateMachineType.STANDARD,
                definition_body=sfn.DefinitionBody.from_string(text),
                definition_substitutions={k: v for k, v in self.substitutions.items() if k in wanted},
                logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL),
                tracing_enabled=True,
            )
            self._grant(machine, wanted, resources)
            self.state_machines[machine_key(path.name)] = machine

    @staticmethod
    def _substitutions(r: _Resources) -> dict[str, str]:
        subnets = r.network.vpc.select_subnets(subnet_group_name="app").subnet_ids
        subs = {
            constants.function_placeholder(stem): r.functions.by_folder[folder].function_arn
            for stem, folder in constants.FUNCTIONS.items()
            if folder in r.functions.by_folder
        }
        resources = {
            "ArtifactBucketName": r.artifacts.bucket_name,
            "EventBusName": r.bus.event_bus_name,
            "SolverClusterArn": r.solver.cluster.cluster_arn,
            "SolverTaskDefinitionArn": r.solver.task_definition.task_definition_arn,
            "SolverContainerName": constants.SOLVER_CONTAINER_NAME,
            "SolverSubnetA": subnets[0],
            "SolverSubnetB": subnets[1],
            "SolverSecurityGroupId": r.network.workload_security_group.security_group_id,
        }
        unknown = set(constants.RESOURCE_PLACEHOLDERS) - resources.keys()
        if unknown:
            raise ValueError(f"flextime.local.asl names placeholders CDK does not fill: {sorted(unknown)}")
        return subs | resources

    @staticmethod
    def _grant(machine: sfn.StateMachine, wanted: set[str], r: _Resources) -> None:
        for stem, folder in constants.FUNCTIONS.items():
            if constants.function_placeholder(stem) in wanted and folder in r.functions.by_folder:
                r.functions.by_folder[folder].grant_invoke(machine)
        if "EventBusName" in wanted:
            r.bus.grant_put_events_to(machine)
        stack = Stack.of(machine)
        if "SolverTaskDefinitionArn" in wanted:
            task = r.solver.task_definition
            machine.add_to_role_policy(
                iam.PolicyStatement(
                    actions=["ecs:RunTask"],
                    resources=[task.task_definition_arn],
                    conditions={"ArnEquals": {"ecs:cluster": r.solver.cluster.cluster_arn}},
                )
            )
            machine.add_to_role_policy(
                iam.PolicyStatement(
                    actions=["ecs:StopTask", "ecs:DescribeTasks"],
                    resources=[
                        stack.format_arn(
                            service="ecs",
                            resource="task",
                            resource_name=f"{r.solver.cluster.cluster_name}/*",
                        )
                    ],
                )
            )
            roles = [task.task_role.role_arn]
            if task.execution_role is not None:
                roles.append(task.execution_role.role_arn)
            machine.add_to_role_policy(
                iam.PolicyStatement(
                    actions=["iam:PassRole"],
                    resources=roles,
                    conditions={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
                )
            )
            # runTask.sync watches the task through this Step Functions managed rule.
            machine.add_to_role_policy(
                iam.PolicyStatement(
                    actions=["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                    resources=[
                        stack.format_arn(
                            service="events",
                            resource="rule",
                            resource_name="StepFunctionsGetEventsForECSTaskRule",
                        )
                    ],
                )
            )
