"""The local cloud: an in-process moto with Step Functions execution enabled, the bucket, the
``flextime`` bus (its events copied to an SQS queue, which moto can deliver), the agent Lambdas
bound to the in-process handlers, and both state machines created from the SAME ASL files.

    with LocalCloud() as cloud:
        arn = cloud.state_machine_arns["generate"]

Start-up is mostly imports (moto, botocore service models, the agents). ``start_in_background``
runs it in a thread while the caller loads the scenario and starts the database; ``ready()`` waits
for it (``run_workflow`` calls it; entering the ``with`` starts synchronously unless a background
start is under way). ``import_moto`` imports moto's Step Functions interpreter
without ``moto.batch`` (which would pull in all of ``moto.ec2``, about 2 s, for one enum).
"""

from __future__ import annotations

import importlib.util
import io
import json
import logging
import os
import sys
import threading
import time
import types
import warnings
import zipfile
from collections.abc import Iterable
from typing import Any

from flextime.local import asl
from flextime.local.lambdas import Fault, LocalLambdas, bind, load_handler, unbind

MOTO_CONFIG: dict[str, Any] = {
    "stepfunctions": {"execute_state_machine": True},
    "lambda": {"use_docker": False},
}
ACCOUNT = "123456789012"  # moto's default account
TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


def import_moto() -> None:
    """Import moto and its Step Functions interpreter, skipping ``moto/batch/__init__.py``.

    The interpreter's Batch task module needs only ``moto.batch.utils.JobStatus``, but importing
    it runs the package's ``__init__`` (Batch models -> all of moto.ec2's models and instance-type
    data: about 2 s). While the interpreter is imported, ``moto.batch`` is a bare package (its real
    path, no ``__init__`` executed); the stub is removed afterwards, so a later ``import moto.batch``
    runs the real ``__init__`` (reusing the already imported ``utils``). moto is pinned in
    constraints.txt; a moto upgrade that changes this import only makes start-up slower again."""
    import moto  # moto.core first (mock_aws)

    if "moto.stepfunctions.parser.models" in sys.modules:
        return
    stubbed = False
    if "moto.batch" not in sys.modules:
        spec = importlib.util.find_spec("moto.batch")
        if spec is not None and spec.submodule_search_locations:
            stub = types.ModuleType("moto.batch")
            stub.__path__ = list(spec.submodule_search_locations)
            sys.modules["moto.batch"], stubbed = stub, True
    try:
        import moto.stepfunctions.parser.models  # noqa: F401
    finally:
        if stubbed:
            sys.modules.pop("moto.batch", None)


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
        machines: Iterable[str] | None = None,
    ) -> None:
        self.region, self.bucket, self.event_bus = region, bucket, event_bus
        self.timeout_overrides = timeout_overrides
        self.log_level = log_level
        # Which state machines to create (each ASL parse takes moto ~0.3-0.7 s); default: all.
        self.machines = tuple(machines) if machines is not None else tuple(asl.STATE_MACHINES)
        self.lambdas = LocalLambdas()
        self.state_machine_arns: dict[str, str] = {}
        self.events_queue_url = ""
        self.start_seconds: float | None = None
        self._mock: Any = None
        self._saved_env: dict[str, str | None] = {}
        self._clients: dict[str, Any] = {}
        self._clients_lock = threading.Lock()
        self._starter: threading.Thread | None = None
        self._start_error: BaseException | None = None
        self._started = False

    # ---- lifecycle ----------------------------------------------------------------------
    def start_in_background(self) -> LocalCloud:
        """Start (imports, mock, resources) in a thread; ``ready()`` waits for it."""
        if self._starter is None and not self._started:
            self._starter = threading.Thread(
                target=self._start_quietly, name="local-cloud-start", daemon=True
            )
            self._starter.start()
        return self

    def _start_quietly(self) -> None:
        try:
            self.start()
        except BaseException as exc:  # re-raised by ready() in the caller's thread
            self._start_error = exc

    def ready(self) -> LocalCloud:
        """Wait for a background start; start now if none was made."""
        if self._starter is not None:
            self._starter.join()
            self._starter = None
        if self._start_error is not None:
            error, self._start_error = self._start_error, None
            raise error
        if not self._started:
            self.start()
        return self

    def __enter__(self) -> LocalCloud:
        if self._starter is not None:
            return self  # starting in the background: whoever needs it calls ready()
        return self.ready()

    def start(self) -> LocalCloud:
        began = time.perf_counter()
        import_moto()
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
        self._started = True
        self.start_seconds = time.perf_counter() - began
        return self

    def close(self) -> None:
        """Stop the mock (waits for a background start first)."""
        self.__exit__(None, None, None)

    def __exit__(self, *exc: object) -> None:
        if self._starter is not None:
            self._starter.join()
            self._starter = None
        self._started = False
        self._clients.clear()
        unbind()
        if self._mock is not None:
            self._forget_resources()
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
        """One client per service (creating one loads botocore's service model: ~0.1 s)."""
        with self._clients_lock:
            if service not in self._clients:
                import boto3

                self._clients[service] = boto3.client(service, region_name=self.region)
            return self._clients[service]

    # ---- resources ----------------------------------------------------------------------
    def _forget_resources(self) -> None:
        """Leave moto as we found it. When another mock_aws is already active (e.g. a test
        session's), moto does not wipe data on our stop, so the next LocalCloud would find our
        bus, bucket and functions: delete our state machines and reset the services only we use."""
        from moto.backends import get_backend

        sfn = self.client("stepfunctions")
        for arn in self.state_machine_arns.values():
            sfn.delete_state_machine(stateMachineArn=arn)
        self.state_machine_arns.clear()
        for service in ("s3", "events", "sqs", "lambda", "iam"):
            get_backend(service).reset()

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
        for machine in self.machines:
            definition = asl.render(machine, subs, self.timeout_overrides)
            self.state_machine_arns[machine] = sfn.create_state_machine(
                name=f"flextime-{machine}-schedule", definition=definition, roleArn=role
            )["stateMachineArn"]
        arns = {"generate": "FLEXTIME_STATE_MACHINE_ARN", "repair": "FLEXTIME_REPAIR_STATE_MACHINE_ARN"}
        self._set_env(**{arns[m]: arn for m, arn in self.state_machine_arns.items() if m in arns})
        from flextime.agents.settings import reset_settings

        reset_settings()

    # ---- helpers ------------------------------------------------------------------------
    def inject(self, stem: str, fault: Fault) -> None:
        """Inject a fault into the agent behind ``<stem>FunctionArn`` (tests)."""
        self.lambdas.inject(asl.function_name(stem), fault)

    def wait(
        self, execution_arn: str, timeout: float = 300.0, poll: float = 0.05, max_poll: float = 0.25
    ) -> dict[str, Any]:
        """Poll until the execution ends (the interval grows from ``poll`` to ``max_poll``: each
        poll is a moto request, CPU the in-process solver would otherwise have)."""
        sfn, deadline = self.client("stepfunctions"), time.monotonic() + timeout
        while True:
            described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
            if described["status"] in TERMINAL or time.monotonic() > deadline:
                return described
            time.sleep(poll)
            poll = min(max_poll, poll * 1.5)

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
