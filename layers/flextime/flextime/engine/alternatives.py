"""What-if alternatives: ``k`` good schedules that really differ.

``alternatives(instance, k, tolerance, min_difference)`` solves once for the best schedule, then
adds ``objective <= best + tolerance x |best|`` and, for every schedule found so far, a distance
constraint ``sum(x over its games) <= games - min_difference`` (at least ``min_difference`` of its
games are not in the next one), and solves again, ``k - 1`` times. The first alternative is the
best schedule itself. Figures for the side-by-side comparison come from the independent
validator, not from the solver.
"""

from __future__ import annotations

import math
import time
from typing import Any

from pydantic import BaseModel, Field

from flextime.domain.model import Instance, Schedule
from flextime.engine.build import build_model
from flextime.engine.params import SolverParams
from flextime.engine.runner import solve


class Alternative(BaseModel):
    """One schedule with the validator's figures and its distance to the others."""

    rank: int = Field(description="1 = the best schedule found.")
    schedule: Schedule
    objective: int = Field(description="Validator objective (soft penalty + travel term).")
    solver_objective: int | None = None
    soft_penalty: int = 0
    travel: int | None = None
    breaks: int = Field(0, description="Total breaks (two home or two away games in a row) of all teams.")
    violated_soft: list[str] = Field(default_factory=list, description="Ids of violated soft constraints.")
    feasible: bool = Field(True, description="Validator verdict.")
    differs_from: dict[int, int] = Field(
        default_factory=dict, description="Rank -> number of this schedule's games not in that one."
    )
    seconds: float = 0.0


def games_apart(a: Schedule, b: Schedule) -> int:
    """How many games of ``a`` (home, away, slot) are not in ``b``."""
    other = {(g.home, g.away, g.slot) for g in b.games}
    return sum((g.home, g.away, g.slot) not in other for g in a.games)


def default_min_difference(instance: Instance) -> int:
    """A tenth of the season's games (at least 1)."""
    return max(1, instance.total_games() // 10)


def alternatives(
    instance: Instance,
    k: int = 3,
    tolerance: float = 0.02,
    min_difference: int | None = None,
    params: SolverParams | None = None,
) -> list[Alternative]:
    """Up to ``k`` schedules within ``tolerance`` of the best objective found, pairwise at least
    ``min_difference`` games apart (fewer when no further one exists within the time limit).

    ``params.time_limit_s`` is the total budget, split evenly over the ``k`` solves.
    """
    from flextime.validate import validate

    params = params or SolverParams(time_limit_s=30)
    min_difference = min_difference or default_min_difference(instance)
    per_solve = params.time_limit_s / max(1, k)
    built = build_model(instance)
    m = built.model
    found: list[tuple[Schedule, int | None, float]] = []
    for i in range(k):
        t0 = time.perf_counter()
        # The previous schedule as hint: the search starts next to a good solution and moves away.
        hint = found[-1][0] if found else None
        result = solve(built, params.model_copy(update={"time_limit_s": per_solve, "hint": hint}))
        if not result.feasible or result.schedule is None:
            break
        found.append((result.schedule, result.objective, time.perf_counter() - t0))
        if i == 0 and m.has_objective() and result.objective is not None:
            best = result.objective
            m.add(built.objective <= math.floor(best + tolerance * abs(best)))
        chosen = {(g.home, g.away, g.slot) for g in result.schedule.games}
        terms = [
            v
            for key, v in built.x.items()
            if (instance.team_ids[key[0]], instance.team_ids[key[1]], key[2]) in chosen
        ]
        m.add(sum(terms) <= len(terms) - min_difference)
    out: list[Alternative] = []
    for rank, (schedule, solver_objective, seconds) in enumerate(found, start=1):
        report = validate(instance, schedule)
        out.append(
            Alternative(
                rank=rank,
                schedule=schedule,
                objective=report.objective,
                solver_objective=solver_objective,
                soft_penalty=report.soft_penalty,
                travel=report.travel_total,
                breaks=sum(report.breaks_by_team.values()),
                violated_soft=[v.constraint_id for v in report.soft_violations],
                feasible=report.feasible,
                differs_from={
                    other: games_apart(schedule, found[other - 1][0])
                    for other in range(1, len(found) + 1)
                    if other != rank
                },
                seconds=seconds,
            )
        )
    return out


def comparison_table(alts: list[Alternative]) -> list[dict[str, Any]]:
    """One flat row per alternative: objective, travel, breaks, violated soft constraints, distance."""
    rows = []
    for a in alts:
        rows.append(
            {
                "rank": a.rank,
                "objective": a.objective,
                "soft_penalty": a.soft_penalty,
                "travel": a.travel,
                "breaks": a.breaks,
                "violated_soft": len(a.violated_soft),
                "violated_ids": ", ".join(sorted(set(a.violated_soft))) or "-",
                "min_games_apart": min(a.differs_from.values()) if a.differs_from else None,
                "feasible": a.feasible,
                "seconds": round(a.seconds, 2),
            }
        )
    return rows


__all__ = ["Alternative", "alternatives", "comparison_table", "default_min_difference", "games_apart"]
