"""The local cloud: an in-process moto with Step Functions execution enabled, the bucket, the
``flextime`` bus (its events copied to an SQS queue, which moto can deliver), the agent Lambdas
bound to the in-process handlers, and both state machines created from the SAME ASL files.

    with LocalCloud() as cloud:
        arn = cloud.state_machine_arns["generate"]
"""

from __future__ import annotations

import io
import json
import logging
import os
import time
import warnings
import zipfile
from typing import Any

from flextime.local import asl
from flextime.local.lambdas import Fault, LocalLambdas, bind, load_handler, unbind

MOTO_CONFIG: dict[str, Any] = {
    "stepfunctions": {"execute_state_machine": True},
    "lambda": {"use_docker": False},
}
ACCOUNT = "123456789012"  # moto's default account
TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


class LocalCloud:
    def __init__(
        self,
        *,
        region: str = "us-east-1",
        bucket: str = "flextime-local",
        event_bus: str = "flextime",
        timeout_overrides: dict[str, int] | None = None,
        log_level: str = "WARNING",
    ) -> None:
        self.region, self.bucket, self.event_bus = region, bucket, event_bus
        self.timeout_overrides = timeout_overrides
        self.log_level = log_level
        self.lambdas = LocalLambdas()
        self.state_machine_arns: dict[str, str] = {}
        self.events_queue_url = ""
        self._mock: Any = None
        self._saved_env: dict[str, str | None] = {}

    # ---- lifecycle ----------------------------------------------------------------------
    def __enter__(self) -> LocalCloud:
        from moto import mock_aws

        self._set_env(
            AWS_DEFAULT_REGION=self.region,
            AWS_REGION=self.region,
            FLEXTIME_BUCKET=self.bucket,
            FLEXTIME_EVENT_BUS=self.event_bus,
            FLEXTIME_COMPUTE="lambda",
            POWERTOOLS_TRACE_DISABLED="true",
            POWERTOOLS_METRICS_DISABLED="true",
            POWERTOOLS_LOG_LEVEL=self.log_level,
            POWERTOOLS_SERVICE_NAME="flextime",
        )
        self._mock = mock_aws(config=MOTO_CONFIG)  # type: ignore[call-overload]
        self._mock.start()
        self._quiet()
        self._reset_agent_caches()
        self._create_resources()
        bind(self.lambdas)
        return self

    def __exit__(self, *exc: object) -> None:
        unbind()
        if self._mock is not None:
            self._mock.stop()
        self._reset_agent_caches()
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    def _set_env(self, **values: str) -> None:
        for key, value in values.items():
            self._saved_env.setdefault(key, os.environ.get(key))
            os.environ[key] = value

    def _quiet(self) -> None:
        # moto logs every caught task failure with a stack trace; the workflow reports them itself.
        logging.getLogger("moto").setLevel(logging.CRITICAL)
        warnings.filterwarnings("ignore", message="No application metrics to publish")
        from flextime.agents.observability import logger

        logger.setLevel(self.log_level)

    @staticmethod
    def _reset_agent_caches() -> None:
        from flextime.agents.events import publisher
        from flextime.agents.runtime import artifacts
        from flextime.agents.settings import reset_settings

        reset_settings()
        artifacts.cache_clear()
        publisher.cache_clear()

    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(service, region_name=self.region)

    # ---- resources ----------------------------------------------------------------------
    def _create_resources(self) -> None:
        self.client("s3").create_bucket(Bucket=self.bucket)
        events = self.client("events")
        events.create_event_bus(Name=self.event_bus)
        sqs = self.client("sqs")
        self.events_queue_url = sqs.create_queue(QueueName="flextime-events")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=self.events_queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        # moto delivers pattern rules to SQS (a Lambda or state machine target breaks put_events).
        events.put_rule(
            Name="all-flextime-events",
            EventBusName=self.event_bus,
            EventPattern=json.dumps({"source": ["flextime"]}),
        )
        events.put_targets(
            Rule="all-flextime-events",
            EventBusName=self.event_bus,
            Targets=[{"Id": "events-queue", "Arn": queue_arn}],
        )
        role = self.client("iam").create_role(
            RoleName="flextime-local",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
        )["Role"]["Arn"]
        lam, code = self.client("lambda"), _zip()
        for stem, folder in {**asl.FUNCTIONS, **asl.EVENT_FUNCTIONS}.items():
            name = asl.function_name(stem)
            lam.create_function(
                FunctionName=name,
                Runtime="python3.12",
                Role=role,
                Handler="handler.handler",
                Code={"ZipFile": code},
                Timeout=900,
            )
            self.lambdas.register(name, load_handler(folder))
        subs = asl.substitutions(
            account=ACCOUNT, region=self.region, bucket=self.bucket, event_bus=self.event_bus
        )
        sfn = self.client("stepfunctions")
        for machine in asl.STATE_MACHINES:
            definition = asl.render(machine, subs, self.timeout_overrides)
            self.state_machine_arns[machine] = sfn.create_state_machine(
                name=f"flextime-{machine}-schedule", definition=definition, roleArn=role
            )["stateMachineArn"]
        self._set_env(
            FLEXTIME_STATE_MACHINE_ARN=self.state_machine_arns["generate"],
            FLEXTIME_REPAIR_STATE_MACHINE_ARN=self.state_machine_arns["repair"],
        )
        from flextime.agents.settings import reset_settings

        reset_settings()

    # ---- helpers ------------------------------------------------------------------------
    def inject(self, stem: str, fault: Fault) -> None:
        """Inject a fault into the agent behind ``<stem>FunctionArn`` (tests)."""
        self.lambdas.inject(asl.function_name(stem), fault)

    def wait(self, execution_arn: str, timeout: float = 300.0, poll: float = 0.05) -> dict[str, Any]:
        sfn, deadline = self.client("stepfunctions"), time.monotonic() + timeout
        while True:
            described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
            if described["status"] in TERMINAL or time.monotonic() > deadline:
                return described
            time.sleep(poll)

    def history(self, execution_arn: str) -> list[dict[str, Any]]:
        sfn = self.client("stepfunctions")
        events: list[dict[str, Any]] = []
        for page in sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn):
            events += page["events"]
        return events

    def received_events(self) -> list[dict[str, Any]]:
        """Drain the copy of the bus's events (EventBridge envelopes, oldest first)."""
        sqs, out = self.client("sqs"), list[dict[str, Any]]()
        while True:
            batch = sqs.receive_message(QueueUrl=self.events_queue_url, MaxNumberOfMessages=10).get(
                "Messages", []
            )
            if not batch:
                return out
            for message in batch:
                out.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self.events_queue_url, ReceiptHandle=message["ReceiptHandle"])


__all__ = ["Fault", "LocalCloud"]
