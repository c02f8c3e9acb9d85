"""``flextime bench engine-features``: explanation, repair and alternatives on the Big 12 seasons.

Rows report figures (time, core size, games moved, objectives); no row asserts a target.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from flextime import scenarios
from flextime.domain import FixedGame, Instance, Slot

MBB_SUNDAY = dt.date(2027, 2, 7)


def with_extra_dates(instance: Instance, dates: list[dt.date]) -> Instance:
    """A copy of a dated instance with more playing dates (slots re-indexed in date order).

    Only for instances whose constraints select slots by date or weekday, not by index.
    """
    old: dict[dt.date, Slot] = {}
    for s in instance.slots:
        if s.date is None:
            raise TypeError(f"with_extra_dates needs a dated instance (slot {s.index} has no date)")
        old[s.date] = s
    merged = sorted(set(old) | set(dates))
    slots = [Slot(index=i, date=d, label=old[d].label if d in old else None) for i, d in enumerate(merged)]
    data = {name: getattr(instance, name) for name in Instance.model_fields}
    data["slots"] = slots
    return Instance(**data)


def planted_sunday_conflict() -> Instance:
    """Big 12 men's basketball with a Sunday date (7 Feb 2027) and KU vs BYU fixed on it: the
    hard "BYU never on Sunday" rule and the fixed game cannot both hold (planted core of 2)."""
    inst = with_extra_dates(scenarios.load_builtin("big12-mbb-2026-27"), [MBB_SUNDAY])
    fixed = FixedGame(
        id="fixed-KU-BYU-sunday",
        label="KU vs BYU fixed on Sun 2027-02-07",
        home="KU",
        away="BYU",
        date=MBB_SUNDAY,
    )
    data = {name: getattr(inst, name) for name in Instance.model_fields}
    data["constraints"] = [*inst.constraints, fixed]
    return Instance(**data)


def bench_explain(time_budget_s: float = 4.5, presolve: bool = True) -> dict[str, Any]:
    """Explain the planted MBB conflict; the time and the core found."""
    from flextime.engine.explain import explain_infeasibility

    instance = planted_sunday_conflict()
    t0 = time.perf_counter()
    e = explain_infeasibility(instance, time_budget_s=time_budget_s, presolve=presolve)
    wall = time.perf_counter() - t0
    core_s = sum(e.timings.get(k, 0.0) for k in ("presolve", "build", "core", "shrink"))
    return {
        "measure": f"explain MBB planted conflict ({'presolve' if presolve else 'solver only'})",
        "seconds": round(wall, 2),
        "result": f"core {len(e.core)} (planted 2), minimal={'proven' if e.minimal else 'unproven'}, "
        f"core+proof in {core_s:.2f} s",
        "target": "< 5 s, core of 2",
    }


def bench_repair(time_limit: float = 10.0) -> dict[str, Any]:
    """Publish Big 12 football, postpone one week-8 game (now = week 8), repair; games moved and time."""
    from flextime.domain.changes import PostponeGame
    from flextime.engine import SolverParams, solve_instance
    from flextime.engine.repair import repair

    instance = scenarios.load_builtin("big12-football-2026")
    published = solve_instance(instance, SolverParams(time_limit_s=20)).schedule
    if published is None:
        return {
            "measure": "repair football postponed game",
            "seconds": None,
            "result": "no published schedule",
            "target": "<= 3 other games moved, < 10 s",
        }
    now = 6
    game = next(g for g in published.games if g.slot == now)
    t0 = time.perf_counter()
    result = repair(
        instance,
        published,
        [PostponeGame(home=game.home, away=game.away)],
        now_slot=now,
        params=SolverParams(time_limit_s=time_limit),
    )
    wall = time.perf_counter() - t0
    others = [d for d in result.changes if {d.home, d.away} != {game.home, game.away}]
    return {
        "measure": f"repair football: {game.home} vs {game.away} postponed ({instance.slots[now].display})",
        "seconds": round(wall, 2),
        "result": f"{result.status}: {len(others)} other games changed, {len(result.teams_affected)} teams "
        f"affected, validator {'clean' if result.validator_feasible else 'NOT clean'}",
        "target": "<= 3 other games moved, < 10 s",
    }


def bench_alternatives(time_limit: float = 45.0) -> dict[str, Any]:
    """Three Big 12 football schedules within 2% of the best."""
    from flextime.engine import SolverParams
    from flextime.engine.alternatives import alternatives, games_apart

    instance = scenarios.load_builtin("big12-football-2026")
    t0 = time.perf_counter()
    alts = alternatives(instance, k=3, tolerance=0.02, params=SolverParams(time_limit_s=time_limit))
    wall = time.perf_counter() - t0
    apart = min(
        (games_apart(a.schedule, b.schedule) for a in alts for b in alts if a.rank < b.rank), default=0
    )
    return {
        "measure": "3 football alternatives within 2%",
        "seconds": round(wall, 2),
        "result": f"{len(alts)} found, objectives {[a.objective for a in alts]}, "
        f"travel {[a.travel for a in alts]}, min {apart} games apart",
        "target": "< 60 s",
    }


def run_engine_features_bench(console: Any = None) -> list[dict[str, Any]]:
    """The three engine-feature measures (and the solver-only explanation) as table rows."""
    rows = []
    for label, fn in (
        ("explain", lambda: bench_explain()),
        ("explain solver-only", lambda: bench_explain(presolve=False)),
        ("repair", bench_repair),
        ("alternatives", bench_alternatives),
    ):
        if console is not None:
            console.print(f"bench engine-features: {label} ...")
        rows.append(fn())
    return rows
