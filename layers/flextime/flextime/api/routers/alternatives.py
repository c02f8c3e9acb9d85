"""Alternatives: other good schedules near a version (``flextime.engine.alternatives``)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from flextime.api import queries
from flextime.api.deps import EDITORS, Ctx, allow
from flextime.api.errors import NotImplementedYet
from flextime.domain import Schedule
from flextime.store.repositories import schedules

router = APIRouter(prefix="/v1/schedules/{schedule_id}/alternatives", tags=["alternatives"])


class AlternativesIn(BaseModel):
    count: int = Field(3, ge=1, le=10)
    time_limit_s: float = Field(10.0, gt=0, le=60)


@router.post("")
def alternatives(schedule_id: uuid.UUID, body: AlternativesIn, ctx: Ctx = Depends(allow(*EDITORS))) -> Any:
    """Up to ``count`` alternative schedules for this version, with their differences."""
    try:
        from flextime.engine import alternatives as engine_alternatives
    except ImportError as exc:
        raise NotImplementedYet("alternatives are not available in this build") from exc
    with ctx.tx() as tx:
        version = schedules.get_version(tx, schedule_id)
        instance = queries.assemble_instance(tx, version.season_id, version.scenario_id)
        games = schedules.list_games(tx, schedule_id)
    result = engine_alternatives.alternatives(  # type: ignore[attr-defined]
        instance, Schedule(instance=instance.name, games=list(games)), count=body.count,
        time_limit_s=body.time_limit_s,
    )  # fmt: skip
    return result.model_dump(mode="json") if hasattr(result, "model_dump") else result
