"""Alternatives: other good schedules for a version's season and scenario
(``flextime.engine.alternatives``), with the side-by-side comparison.

The solve runs inside the request, so its time is bounded: ``time_limit_s`` (at most
``MAX_TIME_LIMIT_S``, below API Gateway's 30 s integration timeout) is the total budget, split
evenly over the ``count`` solves by the engine."""

from __future__ import annotations

import time
import uuid
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from flextime.api import queries
from flextime.api.deps import EDITORS, Ctx, allow
from flextime.domain import Schedule
from flextime.store.repositories import schedules

router = APIRouter(prefix="/v1/schedules/{schedule_id}/alternatives", tags=["alternatives"])

MAX_TIME_LIMIT_S = 25.0


class AlternativesIn(BaseModel):
    count: int = Field(3, ge=1, le=5, description="Schedules wanted (the first is the best one found)")
    time_limit_s: float = Field(
        10.0, gt=0, le=MAX_TIME_LIMIT_S, description="Total solver time, split over the solves"
    )
    tolerance: float = Field(0.02, ge=0, le=1, description="Objective within best + tolerance x |best|")
    min_difference: int | None = Field(
        None, ge=1, le=10_000, description="Games each pair differs by (default: a tenth of the games)"
    )


class ComparisonRow(BaseModel):
    rank: int
    objective: int
    soft_penalty: int
    travel: int | None = None
    breaks: int
    violated_soft: int
    violated_ids: str
    min_games_apart: int | None = None
    feasible: bool
    seconds: float
    games_changed: int = Field(description="Games (home, away, slot) of this alternative not in the version")


class AlternativeOut(BaseModel):
    rank: int
    objective: int
    solver_objective: int | None = None
    soft_penalty: int = 0
    travel: int | None = None
    breaks: int = 0
    violated_soft: list[str] = Field(default_factory=list)
    feasible: bool = True
    differs_from: dict[int, int] = Field(default_factory=dict)
    games_changed: int
    seconds: float = 0.0
    schedule: Schedule


class AlternativesOut(BaseModel):
    schedule_id: uuid.UUID
    version: int
    requested: int
    found: int = Field(description="Fewer than requested when no further one exists within the time limit")
    time_limit_s: float
    seconds: float
    comparison: list[ComparisonRow]
    alternatives: list[AlternativeOut]


@router.post("", response_model=AlternativesOut)
def alternatives(schedule_id: uuid.UUID, body: AlternativesIn, ctx: Ctx = Depends(allow(*EDITORS))) -> Any:
    """Up to ``count`` good schedules for this version's season and scenario that pairwise differ by
    at least ``min_difference`` games, each compared with the others and with this version."""
    from flextime.engine.alternatives import alternatives as solve_alternatives
    from flextime.engine.alternatives import comparison_table, games_apart
    from flextime.engine.params import SolverParams

    with ctx.tx() as tx:
        version = schedules.get_version(tx, schedule_id)
        instance = queries.assemble_instance(tx, version.season_id, version.scenario_id)
        current = Schedule(instance=instance.name, games=list(schedules.list_games(tx, schedule_id)))
    started = time.perf_counter()
    found = solve_alternatives(
        instance, k=body.count, tolerance=body.tolerance, min_difference=body.min_difference,
        params=SolverParams(time_limit_s=body.time_limit_s),
    )  # fmt: skip
    changed = {a.rank: games_apart(a.schedule, current) for a in found}
    rows = comparison_table(found)
    return AlternativesOut(
        schedule_id=version.id, version=version.version, requested=body.count, found=len(found),
        time_limit_s=body.time_limit_s, seconds=round(time.perf_counter() - started, 3),
        comparison=[ComparisonRow(**row, games_changed=changed[row["rank"]]) for row in rows],
        alternatives=[
            AlternativeOut(**a.model_dump(exclude={"schedule"}), schedule=a.schedule, games_changed=n)
            for a, n in ((a, changed[a.rank]) for a in found)
        ],
    )  # fmt: skip
