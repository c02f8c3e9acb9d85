"""Run the main job locally end to end: embedded PostgreSQL (or FLEXTIME_DATABASE_URL) + the local
cloud running generate-schedule; the exports are copied from (moto) S3 to ``out``."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from flextime.domain import Instance
from flextime.local.cloud import LocalCloud


@dataclass
class WorkflowRun:
    job_id: uuid.UUID
    status: str  # the execution's: SUCCEEDED / FAILED / ...
    job_status: str
    error_code: str | None
    error_cause: str | None
    summary: dict[str, Any] | None
    files: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def succeeded(self) -> bool:
        return self.status == "SUCCEEDED" and self.job_status == "succeeded"


def prepare_database() -> tuple[Any, str]:
    """(pool, url): the database migrated to the latest schema."""
    from flextime.store.db import database_url, get_pool
    from flextime.store.migrate import upgrade

    url = database_url()
    upgrade(url)
    return get_pool(), url


def run_workflow(
    instance: Instance,
    *,
    scenario: str,
    time_limit: float,
    out: Path,
    cloud: LocalCloud,
    console: Console | None = None,
    workers: int | None = None,
) -> WorkflowRun:
    """One job through generate-schedule in the local cloud (which may still be starting in the
    background: the database and the workspace are prepared first, then ``cloud.ready()``)."""
    from flextime.agents.jobs import create_job, start_execution
    from flextime.agents.runtime import platform_tx
    from flextime.local.progress import follow
    from flextime.local.workspace import open_workspace, season_for
    from flextime.store.repositories import jobs
    from flextime.store.s3 import S3ArtifactStore

    started_at = time.perf_counter()
    pool, url = prepare_database()
    ws = open_workspace(pool, url)
    season_id = season_for(pool, ws, url, scenario, instance.sport)
    options: dict[str, Any] = {"time_limit_s": time_limit}
    if workers:
        options["workers"] = workers
    cloud.ready()
    store = S3ArtifactStore(cloud.bucket, client=cloud.client("s3"))
    state = create_job(
        pool,
        store,
        tenant_id=ws.tenant,
        user_id=ws.user,
        season_id=season_id,
        instance=instance,
        options=options,
    )
    started = start_execution(cloud.client("stepfunctions"), state)
    described = follow(cloud, started.execution_arn, ws.tenant, state.job_id, console)
    with platform_tx(ws.tenant) as tx:
        job = jobs.get_job(tx, state.job_id)
    files: dict[str, Path] = {}
    summary = None
    if job.status == "succeeded" and job.result:
        out.mkdir(parents=True, exist_ok=True)
        for name, key in job.result["exports"].items():
            files[name] = out / name
            files[name].write_bytes(store.get_bytes(key))
        summary = json.loads(files["summary.json"].read_text())
    elif job.result and "explanation" in job.result:
        out.mkdir(parents=True, exist_ok=True)
        files["explanation.json"] = out / "explanation.json"
        files["explanation.json"].write_text(json.dumps(job.result["explanation"], indent=2))
    return WorkflowRun(
        job_id=state.job_id,
        status=described["status"],
        job_status=job.status,
        error_code=job.error_code,
        error_cause=job.error_cause,
        summary=summary,
        files=files,
        seconds=time.perf_counter() - started_at,
    )
