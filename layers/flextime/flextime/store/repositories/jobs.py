"""Solve jobs: status, timestamps, the Step Functions execution id, the plan, progress samples
and the error cause. The job id is the correlation id everywhere."""

from __future__ import annotations

import uuid
from typing import Any, get_args

from psycopg.types.json import Jsonb

from flextime.store.db import Tx
from flextime.store.errors import ConflictError, NotFound
from flextime.store.records import Job, JobStatus

_FINAL = ("succeeded", "failed", "cancelled")


def create_job(
    tx: Tx,
    season_id: uuid.UUID,
    *,
    scenario_id: uuid.UUID | None = None,
    kind: str = "solve",
    plan: dict[str, Any] | None = None,
    job_id: uuid.UUID | None = None,
) -> Job:
    row = tx.execute(
        "INSERT INTO jobs (tenant_id, id, season_id, scenario_id, kind, plan, created_by)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING *",
        (
            tx.tenant_id,
            job_id or uuid.uuid4(),
            season_id,
            scenario_id,
            kind,
            Jsonb(plan or {}),
            tx.scope.user_id,
        ),
    ).fetchone()
    return Job.model_validate(row)


def get_job(tx: Tx, job_id: uuid.UUID) -> Job:
    row = tx.execute("SELECT * FROM jobs WHERE id = %s", (job_id,)).fetchone()
    if row is None:
        raise NotFound("job", job_id)
    return Job.model_validate(row)


def _filters(season_id: uuid.UUID | None, status: JobStatus | None) -> dict[str, Any]:
    if status is not None and status not in get_args(JobStatus):
        raise ValueError(f"unknown job status {status!r}")
    return {"season": season_id, "status": status}


_WHERE = (
    "tenant_id = %(t)s AND (%(season)s::uuid IS NULL OR season_id = %(season)s::uuid)"
    " AND (%(status)s::text IS NULL OR status = %(status)s::text)"
)


def list_jobs(
    tx: Tx,
    season_id: uuid.UUID | None = None,
    status: JobStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Job]:
    """The tenant's jobs, newest first; optionally one season's and/or one status's (index
    ``jobs_by_season``). ``limit`` is clamped to 1..500; ``offset`` skips that many (paging)."""
    params = {
        "t": tx.tenant_id, **_filters(season_id, status),
        "limit": max(1, min(int(limit), 500)), "offset": max(0, int(offset)),
    }  # fmt: skip
    rows = tx.execute(
        f"SELECT * FROM jobs WHERE {_WHERE} ORDER BY created_at DESC, id LIMIT %(limit)s OFFSET %(offset)s",
        params,
    ).fetchall()
    return [Job.model_validate(r) for r in rows]


def count_jobs(tx: Tx, season_id: uuid.UUID | None = None, status: JobStatus | None = None) -> int:
    """How many jobs :func:`list_jobs` pages through with the same filters."""
    row = tx.execute(
        f"SELECT count(*) AS n FROM jobs WHERE {_WHERE}", {"t": tx.tenant_id, **_filters(season_id, status)}
    ).fetchone()
    return int(row["n"]) if row else 0


def mark_running(tx: Tx, job_id: uuid.UUID, execution_id: str) -> Job:
    return _transition(
        tx,
        job_id,
        "SET status = 'running', execution_id = %(x)s, started_at = now()",
        {"x": execution_id},
        ("queued",),
    )


def add_progress(tx: Tx, job_id: uuid.UUID, sample: dict[str, Any]) -> None:
    """Append one progress sample (elapsed, objective, bound, gap ...)."""
    row = tx.execute(
        "UPDATE jobs SET progress = progress || jsonb_build_array(%s::jsonb) WHERE id = %s RETURNING id",
        (Jsonb(sample), job_id),
    ).fetchone()
    if row is None:
        raise NotFound("job", job_id)


def finish_job(
    tx: Tx,
    job_id: uuid.UUID,
    status: JobStatus,
    *,
    result: dict[str, Any] | None = None,
    error_code: str | None = None,
    error_cause: str | None = None,
) -> Job:
    if status not in _FINAL:
        raise ValueError(f"finish_job needs a final status, got {status}")
    return _transition(
        tx,
        job_id,
        "SET status = %(s)s, result = %(r)s, error_code = %(c)s, error_cause = %(e)s, finished_at = now()",
        {"s": status, "r": None if result is None else Jsonb(result), "c": error_code, "e": error_cause},
        ("queued", "running"),
    )


def _transition(
    tx: Tx, job_id: uuid.UUID, set_clause: str, params: dict[str, Any], allowed_from: tuple[str, ...]
) -> Job:
    row = tx.execute(
        f"UPDATE jobs {set_clause} WHERE id = %(id)s AND status = ANY(%(from)s) RETURNING *",
        {**params, "id": job_id, "from": list(allowed_from)},
    ).fetchone()
    if row is None:
        current = get_job(tx, job_id)  # raises NotFound
        raise ConflictError(f"job {job_id} is {current.status}")
    return Job.model_validate(row)
