"""Events: the custom bus, an archive for replay, the rule that delivers notifiable events to the
notify Lambda (retries + DLQ), and EventBridge Scheduler schedules for nightly re-optimisation that
start the generate-schedule state machine (which creates the job itself: CreateScheduledJob)."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from flextime_cdk import constants
from flextime_cdk.environments import EnvironmentConfig
from flextime_cdk.nag import acknowledge


def _dead_letter_queue(scope: Construct, construct_id: str) -> sqs.Queue:
    queue = sqs.Queue(
        scope,
        construct_id,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=Duration.days(14),
    )
    acknowledge(queue, "AwsSolutions-SQS3", "This queue is itself a dead-letter queue.")
    return queue


class EventBus(Construct):
    """The bus exists before the functions (they get its name); rules come later via wire()."""

    def __init__(self, scope: Construct, construct_id: str, *, config: EnvironmentConfig) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self.bus = events.EventBus(self, "Bus", event_bus_name=config.event_bus_name)
        self.bus.archive(
            "Archive",
            event_pattern=events.EventPattern(source=[constants.EVENT_SOURCE]),
            retention=Duration.days(config.event_archive_days),
        )
        self.dead_letter_queues: dict[str, sqs.IQueue] = {}

    def route_to_notify(self, notify: lambda_.IFunction) -> events.Rule:
        queue = _dead_letter_queue(self, "NotifyTargetDlq")
        self.dead_letter_queues["notify-target"] = queue
        return events.Rule(
            self,
            "NotifyRule",
            event_bus=self.bus,
            description="Notifiable FlexTime events -> notify Lambda",
            event_pattern=events.EventPattern(
                source=[constants.EVENT_SOURCE], detail_type=list(constants.NOTIFY_DETAIL_TYPES)
            ),
            targets=[
                targets.LambdaFunction(
                    notify,
                    dead_letter_queue=queue,
                    retry_attempts=4,
                    max_event_age=Duration.hours(2),
                )
            ],
        )

    def nightly(self, machine: sfn.IStateMachine) -> scheduler.ScheduleGroup:
        """One schedule per configured (tenant, season): the ScheduledRequest input."""
        group = scheduler.ScheduleGroup(
            self, "NightlyGroup", schedule_group_name=f"{self.config.prefix}-nightly"
        )
        queue = _dead_letter_queue(self, "SchedulerDlq")
        self.dead_letter_queues["scheduler"] = queue
        role = iam.Role(
            self,
            "SchedulerRole",
            assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com"),
            description="EventBridge Scheduler starts nightly re-optimisation executions",
        )
        machine.grant_start_execution(role)
        queue.grant_send_messages(role)
        expression = scheduler.ScheduleExpression.expression(
            self.config.nightly_cron, time_zone=_time_zone(self.config.nightly_timezone)
        )
        for index, target in enumerate(self.config.nightly_targets):
            scheduler.Schedule(
                self,
                f"Nightly{index + 1}",
                schedule_group=group,
                schedule=expression,
                description=f"Nightly re-optimisation of season {target['season_id']}",
                target=scheduler_targets.StepFunctionsStartExecution(
                    machine,
                    role=role,
                    dead_letter_queue=queue,
                    retry_attempts=3,
                    input=scheduler.ScheduleTargetInput.from_object(
                        {
                            "source": "schedule",
                            "tenant_id": target["tenant_id"],
                            "season_id": target["season_id"],
                            **({"scenario_id": target["scenario_id"]} if target.get("scenario_id") else {}),
                        }
                    ),
                ),
            )
        return group


def _time_zone(name: str):  # -> TimeZone
    from aws_cdk import TimeZone

    return TimeZone.of(name)
