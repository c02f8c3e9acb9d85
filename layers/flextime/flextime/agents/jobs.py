"""The way in for the API: create the job row (QUEUED) and its input snapshot in S3, then start the
state machine with the job id as the execution name. Starting a job twice yields one execution.

And the way back out for the SPA's timeline: :func:`job_steps` -- the execution's states (one
entry per state entered, in order) from Step Functions' GetExecutionHistory."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from psycopg_pool import ConnectionPool
from pydantic import BaseModel, Field

from flextime.agents.settings import get_settings
from flextime.agents.state import JobState
from flextime.domain import Instance
from flextime.store.db import tenant_transaction
from flextime.store.repositories import jobs
from flextime.store.s3 import ArtifactStore, artifact_key, put_json


@dataclass(frozen=True)
class StartedJob:
    job_id: uuid.UUID
    execution_arn: str
    started: bool  # False when an execution for this job already existed


def create_job(
    pool: ConnectionPool,
    store: ArtifactStore,
    *,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    season_id: uuid.UUID,
    instance: Instance,
    scenario_id: uuid.UUID | None = None,
    options: dict[str, Any] | None = None,
    kind: str = "solve",
    job_id: uuid.UUID | None = None,
) -> JobState:
    """Job row QUEUED (as the calling user) + the input snapshot; returns the execution input."""
    job_id = job_id or uuid.uuid4()
    input_key = artifact_key(tenant_id, season_id, job_id, "inputs", "instance.json")
    put_json(store, input_key, instance.model_dump(mode="json"))
    with tenant_transaction(pool, tenant_id, user_id) as tx:
        jobs.create_job(tx, season_id, scenario_id=scenario_id, kind=kind, plan=options or {}, job_id=job_id)
    return JobState(
        tenant_id=tenant_id,
        season_id=season_id,
        job_id=job_id,
        scenario_id=scenario_id,
        kind="repair" if kind == "repair" else "generate",
        input_key=input_key,
    )


def start_execution(sfn: Any, state: JobState, state_machine_arn: str | None = None) -> StartedJob:
    """StartExecution(name = job id). Step Functions refuses a second execution with that name
    (or returns the running one for an identical input), so a retried start cannot run twice."""
    arn = state_machine_arn or (
        get_settings().repair_state_machine_arn
        if state.kind == "repair"
        else get_settings().state_machine_arn
    )
    if not arn:
        raise ValueError("no state machine ARN (FLEXTIME_STATE_MACHINE_ARN)")
    name = str(state.job_id)
    arn_of_job = execution_arn(arn, name)
    try:
        sfn.describe_execution(executionArn=arn_of_job)
        return StartedJob(state.job_id, arn_of_job, started=False)
    except sfn.exceptions.ExecutionDoesNotExist:
        pass
    try:
        response = sfn.start_execution(
            stateMachineArn=arn, name=name, input=state.model_dump_json(exclude_none=True)
        )
        return StartedJob(state.job_id, response["executionArn"], started=True)
    except sfn.exceptions.ExecutionAlreadyExists:
        return StartedJob(state.job_id, arn_of_job, started=False)


# ---- the step timeline -----------------------------------------------------------------------

StepStatus = Literal["running", "succeeded", "failed", "timed_out", "aborted"]

_TASK_FAILURES: dict[str, StepStatus] = {
    "TaskFailed": "failed",
    "TaskStartFailed": "failed",
    "TaskSubmitFailed": "failed",
    "TaskTimedOut": "timed_out",
    "LambdaFunctionFailed": "failed",
    "LambdaFunctionStartFailed": "failed",
    "LambdaFunctionScheduleFailed": "failed",
    "LambdaFunctionTimedOut": "timed_out",
}
_TASK_ATTEMPTS = ("TaskScheduled", "LambdaFunctionScheduled")
_TASK_SUCCESSES = ("TaskSucceeded", "LambdaFunctionSucceeded")
_EXECUTION_ENDS: dict[str, StepStatus] = {
    "ExecutionFailed": "failed",
    "ExecutionTimedOut": "timed_out",
    "ExecutionAborted": "aborted",
}


class JobStep(BaseModel):
    """One state the execution entered (a state entered twice, e.g. the venue re-solve, is two steps)."""

    step: str = Field(description="The state's name (LoadScenario, SolveInLambda, ...).")
    type: str = Field(description="Task, Choice, Pass, Fail, Succeed, ...")
    status: StepStatus
    started_at: dt.datetime
    ended_at: dt.datetime | None = None
    seconds: float | None = None
    attempts: int = Field(0, description="Task attempts (1 + retries); 0 for states that run no task.")
    error: str | None = Field(None, description="Error name when the step did not succeed.")
    cause: str | None = Field(
        None, description="Human cause (a Lambda error's message; never a stack trace)."
    )


def _failure(event: dict[str, Any]) -> tuple[str | None, str | None]:
    details = next((v for k, v in event.items() if k.endswith("EventDetails") and isinstance(v, dict)), {})
    error, cause = details.get("error"), details.get("cause")
    try:
        payload = json.loads(cause) if cause else None
    except (TypeError, ValueError):
        payload = None
    if isinstance(payload, dict) and "errorMessage" in payload:  # a Lambda error: drop the trace
        error, cause = payload.get("errorType") or error, str(payload["errorMessage"])
    return error, (cause[:1000] if cause else cause)


def _task_event(current: dict[str, Any], kind: str, event: dict[str, Any]) -> None:
    """A task attempt, success or failure inside the open step."""
    if kind in _TASK_ATTEMPTS:
        current["attempts"] += 1
        current["_failed"] = None
    elif kind in _TASK_SUCCESSES:
        current["_failed"] = None
    elif kind in _TASK_FAILURES:
        current["error"], current["cause"] = _failure(event)
        current["_failed"] = _TASK_FAILURES[kind]


def _step(row: dict[str, Any]) -> JobStep:
    row.pop("_failed", None)
    if row["status"] == "succeeded":
        row["error"] = row["cause"] = None
    if row.get("ended_at") is not None:
        row["seconds"] = round((row["ended_at"] - row["started_at"]).total_seconds(), 3)
    return JobStep(**row)


def steps_from_history(events: Iterable[dict[str, Any]]) -> list[JobStep]:
    """The step timeline from execution history events (oldest first, as GetExecutionHistory
    returns them by default). A step left by a Catch is ``failed`` (the next step is the Catch's
    target); a step still open when the execution ended takes the execution's end."""
    steps: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None

    def close(at: dt.datetime, status: StepStatus | None = None) -> None:
        nonlocal current
        if current is not None:
            current["ended_at"] = at
            current["status"] = status or current.get("_failed") or "succeeded"
            current = None

    for event in events:
        kind, at = event["type"], event["timestamp"]
        if entered := event.get("stateEnteredEventDetails"):
            close(at)  # the previous state was left without an exit event (a caught error)
            current = {"step": entered["name"], "type": kind.removesuffix("StateEntered")}
            current |= {"status": "running", "started_at": at, "attempts": 0}
            steps.append(current)
        elif exited := event.get("stateExitedEventDetails"):
            if current is not None and current["step"] == exited["name"]:
                close(at)
        elif current is not None and kind in _EXECUTION_ENDS:
            if current.get("error") is None:
                current["error"], current["cause"] = _failure(event)
            close(at, current.get("_failed") or _EXECUTION_ENDS[kind])
        elif current is not None and kind == "ExecutionSucceeded":
            close(at)
        elif current is not None:
            _task_event(current, kind, event)
    return [_step(row) for row in steps]


def execution_arn(state_machine_arn: str, job_id: uuid.UUID | str) -> str:
    """The execution of a job (started with ``name = job id``; the job row's ``execution_id``
    holds the same ARN once the job runs)."""
    return state_machine_arn.replace(":stateMachine:", ":execution:") + f":{job_id}"


def job_steps(sfn: Any, execution_arn: str) -> list[JobStep]:
    """The job's step timeline, read from Step Functions (GetExecutionHistory, all pages).
    An execution that does not exist (yet) has no steps."""
    events: list[dict[str, Any]] = []
    try:
        for page in sfn.get_paginator("get_execution_history").paginate(
            executionArn=execution_arn, includeExecutionData=False
        ):
            events += page["events"]
    except sfn.exceptions.ExecutionDoesNotExist:
        return []
    return steps_from_history(events)
