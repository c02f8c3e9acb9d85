"""Repair requests: re-solve part of a schedule version with as little change as possible (the
repair state machine). The disruption is given as extra constraints (e.g. a ``VenueUnavailable``
or ``TeamUnavailable``) and/or slots to free; games near them move, every other game stays."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel, Field

from flextime.api import queries
from flextime.api.deps import EDITORS, Ctx, allow
from flextime.api.errors import Unprocessable
from flextime.api.routers.jobs import IdempotencyKey, accepted, start_job
from flextime.domain import Constraint
from flextime.store.records import Job
from flextime.store.repositories import schedules

router = APIRouter(prefix="/v1/schedules/{schedule_id}/repair-requests", tags=["repair requests"])


class RepairIn(BaseModel):
    disruptions: list[Constraint] = Field(default_factory=list, max_length=200)
    free_slots: list[int] = Field(default_factory=list, max_length=500)
    window: int = Field(1, ge=0, le=10, description="Slots either side of a disruption that may change")
    time_limit_s: float = Field(60.0, gt=0, le=3600)


@router.post("", response_model=Job, status_code=status.HTTP_202_ACCEPTED)
def request_repair(
    schedule_id: uuid.UUID,
    body: RepairIn,
    response: Response,
    ctx: Ctx = Depends(allow(*EDITORS)),
    idempotency_key: str | None = IdempotencyKey,
) -> Job:
    """Start a repair job for this version (202 + Location of the job)."""
    if not body.disruptions and not body.free_slots:
        raise Unprocessable("name at least one disruption or slot to free")
    with ctx.tx() as tx:
        version = schedules.get_version(tx, schedule_id)
        base = queries.assemble_instance(tx, version.season_id, version.scenario_id)
        scenario_id = version.scenario_id or queries.default_scenario(tx, version.season_id).id
    instance = type(base).model_validate(
        {**base.model_dump(), "constraints": [*base.constraints, *body.disruptions]}
    )
    options: dict[str, Any] = {
        "parent_id": str(version.id), "disruptions": [c.id for c in body.disruptions],
        "free_slots": body.free_slots, "window": body.window, "time_limit_s": body.time_limit_s,
    }  # fmt: skip
    job = start_job(
        ctx, key=idempotency_key,
        request_body={"schedule_id": str(schedule_id), **body.model_dump(mode="json")},
        season_id=version.season_id, scenario_id=scenario_id, instance=instance, options=options,
        kind="repair",
    )  # fmt: skip
    return accepted(response, job)
