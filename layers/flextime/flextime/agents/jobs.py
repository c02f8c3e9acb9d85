"""The way in for the API: create the job row (QUEUED) and its input snapshot in S3, then start the
state machine with the job id as the execution name. Starting a job twice yields one execution."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from psycopg_pool import ConnectionPool

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
    execution_arn = arn.replace(":stateMachine:", ":execution:") + f":{name}"
    try:
        sfn.describe_execution(executionArn=execution_arn)
        return StartedJob(state.job_id, execution_arn, started=False)
    except sfn.exceptions.ExecutionDoesNotExist:
        pass
    try:
        response = sfn.start_execution(
            stateMachineArn=arn, name=name, input=state.model_dump_json(exclude_none=True)
        )
        return StartedJob(state.job_id, response["executionArn"], started=True)
    except sfn.exceptions.ExecutionAlreadyExists:
        return StartedJob(state.job_id, execution_arn, started=False)
