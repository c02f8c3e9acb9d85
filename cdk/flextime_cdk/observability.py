"""Observability: alarms (failed / timed-out executions, Lambda errors, DLQ depth, Aurora CPU) that
notify an encrypted SNS topic, and one dashboard with the same signals."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_rds as rds
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from flextime_cdk.environments import EnvironmentConfig

FIVE_MINUTES = Duration.minutes(5)


class Observability(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        state_machines: dict[str, sfn.StateMachine],
        functions: dict[str, lambda_.IFunction],
        dead_letter_queues: dict[str, sqs.IQueue],
        cluster: rds.DatabaseCluster,
    ) -> None:
        super().__init__(scope, construct_id)
        key = kms.Key(self, "AlarmTopicKey", enable_key_rotation=True, description="FlexTime alarm topic")
        # CloudWatch must be able to publish to the encrypted topic.
        key.grant(iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*")
        self.topic = sns.Topic(self, "AlarmTopic", master_key=key, enforce_ssl=True)
        if config.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
        action = actions.SnsAction(self.topic)
        self.alarms: list[cloudwatch.Alarm] = []

        def alarm(name: str, metric: cloudwatch.IMetric, threshold: float, description: str) -> None:
            created = metric.create_alarm(
                self,
                name,
                threshold=threshold,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=description,
            )
            created.add_alarm_action(action)
            self.alarms.append(created)

        for key_name, machine in state_machines.items():
            title = key_name.title()
            alarm(f"{title}ExecutionsFailed", machine.metric_failed(period=FIVE_MINUTES), 1,
                  f"{key_name} state machine: failed executions")  # fmt: skip
            alarm(f"{title}ExecutionsTimedOut", machine.metric_timed_out(period=FIVE_MINUTES), 1,
                  f"{key_name} state machine: timed-out executions")  # fmt: skip
        for folder, function in functions.items():
            title = "".join(p.capitalize() for p in folder.split("_"))
            alarm(f"{title}Errors", function.metric_errors(period=FIVE_MINUTES, statistic="Sum"), 1,
                  f"Lambda {folder}: errors")  # fmt: skip
        for name, queue in dead_letter_queues.items():
            title = "".join(p.capitalize() for p in name.replace("-", "_").split("_"))
            depth = queue.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES)
            alarm(f"{title}DlqDepth", depth, 1, f"dead-letter queue {name}: messages waiting")
        cpu = cluster.metric_cpu_utilization(period=FIVE_MINUTES, statistic="Average")
        alarm("AuroraCpuHigh", cpu, 80, "Aurora CPU >= 80% (consider a higher max ACU)")

        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=f"{config.prefix}-overview")
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Executions",
                left=[
                    metric
                    for machine in state_machines.values()
                    for metric in (
                        machine.metric_started(period=FIVE_MINUTES),
                        machine.metric_succeeded(period=FIVE_MINUTES),
                        machine.metric_failed(period=FIVE_MINUTES),
                    )
                ],
                width=12,
            ),
            cloudwatch.GraphWidget(
                title="Lambda errors",
                left=[f.metric_errors(period=FIVE_MINUTES, statistic="Sum") for f in functions.values()],
                width=12,
            ),
        )
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Lambda duration p95",
                left=[f.metric_duration(period=FIVE_MINUTES, statistic="p95") for f in functions.values()],
                width=12,
            ),
            cloudwatch.GraphWidget(
                title="Dead-letter queues",
                left=[
                    q.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES)
                    for q in dead_letter_queues.values()
                ],
                width=12,
            ),
        )
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(title="Aurora CPU %", left=[cpu], width=12),
            cloudwatch.GraphWidget(
                title="Aurora capacity (ACU)",
                left=[cluster.metric("ServerlessDatabaseCapacity", period=FIVE_MINUTES, statistic="Average")],
                width=12,
            ),
            cloudwatch.AlarmStatusWidget(title="Alarms", alarms=self.alarms, width=24),
        )
