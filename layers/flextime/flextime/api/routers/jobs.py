"""Solve jobs. ``POST /v1/jobs`` creates the job row and input snapshot and starts the state
machine through the injected launcher (``flextime.agents.jobs`` in production), answering 202 with
the job's URL. With an ``Idempotency-Key`` the job id is derived from (tenant, key, request), so
retries and concurrent duplicates name the same job and the same execution."""

from __future__ import annotations

import logging
import uuid
from typing import Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from flextime.agents.jobs import JobStep
from flextime.api import queries
from flextime.api.deps import EDITORS, STAFF, Ctx, Page, Paging, allow, paging
from flextime.domain import Instance, Objective
from flextime.store.records import Job
from flextime.store.repositories import idempotency, jobs

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])
log = logging.getLogger(__name__)

_JOB_KEYS = uuid.UUID("8f9a7c1e-4a0b-4d2e-9b61-6c1f3f0e7a21")
IdempotencyKey = Header(
    None, alias="Idempotency-Key", min_length=1, max_length=200, description="Retry-safe key"
)


class JobOut(Job):
    steps: list[JobStep] | None = Field(
        None,
        description="The workflow's states in the order entered (Step Functions' execution history; "
        "[] before the execution exists; null when the history could not be read).",
    )


#: The engine's strategies (``flextime.engine.strategies.STRATEGIES``) plus "auto" (the engine selects
#: from the instance profile, ``select_strategy``). Kept in step by tests/integration/api.
Strategy = Literal["auto", "portfolio", "hard_first", "lns", "patterns"]


class SolveObjective(BaseModel):
    """Overrides of the scenario's objective for this solve (the domain ``Objective``)."""

    model_config = ConfigDict(extra="forbid")

    travel_weight: int | None = Field(
        None, ge=0, le=1000, description="Weight of total travel; default: the scenario's"
    )
    soft_constraints: bool | None = Field(
        None, description="Count soft-constraint penalties; default: the scenario's"
    )


class JobIn(BaseModel):
    season_id: uuid.UUID
    scenario_id: uuid.UUID | None = Field(None, description="Default: the season's first scenario")
    time_limit_s: float = Field(60.0, gt=0, le=3600)
    workers: int | None = Field(None, ge=1, le=64)
    strategy: Strategy = Field(
        "auto",
        description="The engine's search strategy; auto: selected from the instance profile "
        "(flextime.engine.strategies.select_strategy)",
    )
    objective: SolveObjective | None = Field(
        None, description="Objective weights for this solve (stored in the job's input snapshot)"
    )


def with_objective(instance: Instance, objective: SolveObjective | None) -> Instance:
    """The instance with the request's objective overrides (the snapshot the workflow solves)."""
    overrides = objective.model_dump(exclude_none=True) if objective else {}
    if not overrides:
        return instance
    merged = Objective.model_validate({**instance.objective.model_dump(), **overrides})
    return instance.model_copy(update={"objective": merged})


def start_job(
    ctx: Ctx, *, key: str | None, request_body: dict[str, Any], season_id: uuid.UUID,
    scenario_id: uuid.UUID | None, instance: Instance, options: dict[str, Any], kind: str,
) -> Job:  # fmt: skip
    """Claim the idempotency key, launch (once per job id) and return the job row."""
    who = ctx.who
    job_id = uuid.uuid4()
    if key:
        digest = idempotency.request_hash({"kind": kind, **request_body})
        with ctx.tx() as tx:
            claim = idempotency.claim_key(tx, f"job:{key}", {"kind": kind, **request_body})
        if not claim.fresh and claim.response:
            with ctx.tx() as tx:
                return jobs.get_job(tx, uuid.UUID(claim.response["job_id"]))
        job_id = uuid.uuid5(_JOB_KEYS, f"{who.tenant_id}:{key}:{digest}")
    ctx.svc.launcher.launch(
        ctx.pool, tenant_id=who.tenant_id, user_id=who.user_id, season_id=season_id,
        scenario_id=scenario_id, instance=instance, options=options, kind=kind, job_id=job_id,
    )  # fmt: skip
    with ctx.tx() as tx:
        if key:
            idempotency.complete_key(tx, f"job:{key}", {"job_id": str(job_id)})
        return jobs.get_job(tx, job_id)


def accepted(response: Response, job: Job) -> Job:
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    response.headers["Retry-After"] = "2"
    return job


@router.post("", response_model=Job, status_code=status.HTTP_202_ACCEPTED)
def create_job(
    body: JobIn,
    response: Response,
    ctx: Ctx = Depends(allow(*EDITORS)),
    idempotency_key: str | None = IdempotencyKey,
) -> Job:
    """Start generating a schedule for a season (202 + Location of the job)."""
    with ctx.tx() as tx:
        scenario_id = body.scenario_id or queries.default_scenario(tx, body.season_id).id
        instance = with_objective(queries.assemble_instance(tx, body.season_id, scenario_id), body.objective)
    # The job row's plan = the requested options SelectAlgorithm reads (time limit, workers,
    # strategy); the objective is in the instance snapshot the solve reads, and echoed here.
    options: dict[str, Any] = {"time_limit_s": body.time_limit_s, "strategy": body.strategy}
    if body.workers:
        options["workers"] = body.workers
    if body.objective is not None and body.objective.model_dump(exclude_none=True):
        options["objective"] = instance.objective.model_dump(mode="json")
    job = start_job(
        ctx, key=idempotency_key, request_body=body.model_dump(mode="json"), season_id=body.season_id,
        scenario_id=scenario_id, instance=instance, options=options, kind="solve",
    )  # fmt: skip
    return accepted(response, job)


@router.get("", response_model=Page[Job])
def list_jobs(
    ctx: Ctx = Depends(allow(*STAFF)),
    p: Paging = Depends(paging),
    season_id: uuid.UUID | None = Query(None),
    status: Literal["queued", "running", "succeeded", "failed", "cancelled"] | None = Query(None),
) -> Page[Job]:
    with ctx.tx() as tx:
        items = jobs.list_jobs(tx, season_id=season_id, status=status, limit=p.limit, offset=p.offset)
        total = jobs.count_jobs(tx, season_id=season_id, status=status)
    nxt = p.offset + p.limit if p.offset + p.limit < total else None
    return Page[Job](items=items, total=total, limit=p.limit, offset=p.offset, next_offset=nxt)


@router.get("/{job_id}", response_model=JobOut)
def get_job(job_id: uuid.UUID, ctx: Ctx = Depends(allow(*STAFF))) -> JobOut:
    """Status, progress samples (objective, bound, gap over time), plan, result, error cause and
    the step timeline (``steps``: one entry per workflow state entered)."""
    with ctx.tx() as tx:
        job = jobs.get_job(tx, job_id)
    return JobOut(**job.model_dump(), steps=job_timeline(ctx, job))


def job_timeline(ctx: Ctx, job: Job) -> list[JobStep] | None:
    """The launcher's step timeline; None when it has none or Step Functions cannot be read (the
    job itself is still answered: the SPA then derives the steps from the job row)."""
    timeline = getattr(ctx.svc.launcher, "steps", None)
    if timeline is None:
        return None
    try:
        return [JobStep.model_validate(s, from_attributes=True) for s in timeline(job)]
    except Exception:  # throttling, network, permissions: the job row still answers
        log.warning("job steps unavailable for %s", job.id, exc_info=True)
        return None
