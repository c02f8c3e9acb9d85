"""lns: CP-SAT large-neighbourhood search around an incumbent (an any-time improver).

Each step frees the game variables of a neighbourhood and fixes every other game variable to the
incumbent (through the variable domains of a clone of the full model, so presolve removes them),
hints the complete incumbent and lets CP-SAT re-optimise the neighbourhood for a few seconds. The
hint is a solution of the sub-model, so a step never returns anything worse; the incumbent only
changes to a solution at least as good (equal-cost moves are accepted, they diversify).

Neighbourhoods (drawn at random weighted by their recent success, sizes adapted per kind: grow
when CP-SAT solves the neighbourhood to optimality in time, shrink when it times out):

- ``slots``: a window of consecutive slots (the games of the window may be re-arranged inside it);
- ``spread``: a random set of slots anywhere in the season (swaps rounds that are far apart);
- ``teams``: every game of a random set of teams;
- ``venues``: every pair keeps the slots in which it meets, but which of the two is at home is
  free everywhere (a home/away-pattern move: breaks and home/away counts change without changing
  the timetable), plus every game of a few random teams.

As a strategy: a first solution of the full model (CP-SAT stops at the first one), then LNS until
the time limit.
"""

from __future__ import annotations

import random
import time
from typing import Any

from flextime.domain.model import Instance
from flextime.engine.build import add_hint, build_model
from flextime.engine.params import SolverParams
from flextime.engine.runner import ProgressFn, SolveResult
from flextime.engine.strategies._base import Session, StrategyPlan, finish, fixed_clone, set_hint
from flextime.engine.variables import BuiltModel

NAME = "lns"
KINDS = ("slots", "spread", "teams", "venues")


def _neighbourhood(kind: str, size: int, built: BuiltModel, rng: random.Random) -> tuple[set[int], set[int]]:
    """(free slots, free teams): a game is free if its slot or one of its teams is free."""
    n, n_slots = built.n, built.n_slots
    if kind == "slots":
        w = min(size, n_slots)
        s0 = rng.randrange(0, n_slots - w + 1)
        return set(range(s0, s0 + w)), set()
    if kind == "spread":
        return set(rng.sample(range(n_slots), min(size, n_slots))), set()
    return set(), set(rng.sample(range(n), min(size, n)))


def _meetings(entries: list[tuple[int, int, int, int]], values: list[int]) -> set[tuple[int, int, int]]:
    """(low team, high team, slot) of every game of the assignment ``values``."""
    return {(min(h, a), max(h, a), s) for h, a, s, i in entries if values[i]}


def _fixed(
    kind: str,
    entries: list[tuple[int, int, int, int]],
    values: list[int],
    free_slots: set[int],
    free_teams: set[int],
) -> list[tuple[int, int]]:
    """(proto index, value) of the game variables the neighbourhood keeps at the incumbent."""
    if kind == "venues":
        meets = _meetings(entries, values)
        return [
            (i, 0)
            for h, a, s, i in entries
            if (min(h, a), max(h, a), s) not in meets and h not in free_teams and a not in free_teams
        ]
    return [
        (i, values[i])
        for h, a, s, i in entries
        if s not in free_slots and h not in free_teams and a not in free_teams
    ]


def improve(
    session: Session,
    built: BuiltModel,
    *,
    step_seconds: float,
    seed: int = 0,
    kinds: tuple[str, ...] = KINDS,
    sizes: dict[str, int] | None = None,
    workers: int | None = None,
    stats: dict[str, Any] | None = None,
    stall_steps: int = 0,
    subsolvers: list[str] | None = None,
    until: float | None = None,
) -> None:
    """Large-neighbourhood search from ``session.best`` until the session's time is up (or, with
    ``stall_steps`` > 0, until that many steps in a row did not improve; with ``until``, no step
    starts after that many seconds of the session)."""
    if session.best is None or not built.model.has_objective():
        return
    rng = random.Random(seed)
    n, n_slots = built.n, built.n_slots
    limits = {"slots": n_slots, "spread": n_slots, "teams": n, "venues": n}
    size = {
        "slots": max(2, n_slots // 5),
        "spread": max(2, n_slots // 5),
        "teams": max(2, n // 3),
        "venues": 2,
    }
    size.update(sizes or {})
    entries = [(h, a, s, v.Index()) for (h, a, s), v in built.x.items()]
    steps = improvements = stalled = 0
    # kinds are drawn by their recent success (moving average of "improved", floor 0.1)
    score = dict.fromkeys(kinds, 0.5)
    session.bound = max(0.0, session.bound or 0.0)  # every objective term is non-negative
    while session.remaining() > 0.3 and session.best.objective > session.bound:
        if until is not None and session.elapsed() >= until:
            break
        kind = rng.choices(kinds, weights=[score[k] for k in kinds])[0]
        k = size[kind]
        free_slots, free_teams = _neighbourhood(kind, k, built, rng)
        values = session.best.values
        fixed = _fixed(kind, entries, values, free_slots, free_teams)
        clone = fixed_clone(built.model, fixed)
        set_hint(clone, values)
        before = session.best.objective
        t0 = time.perf_counter()
        status, solver = session.solve(
            built,
            clone,
            step_seconds,
            workers=workers,
            subsolvers=subsolvers,
            extra={"random_seed": rng.randrange(1 << 30)},
        )
        steps += 1
        if status in ("OPTIMAL", "FEASIBLE"):
            session.offer(solver, True)
        better = session.best.objective < before
        improvements += better
        stalled = 0 if better else stalled + 1
        if stall_steps and stalled >= stall_steps:
            break
        score[kind] = max(0.1, 0.8 * score[kind] + 0.2 * better)
        if status == "OPTIMAL":
            if k >= limits[kind]:  # the whole model was free: the incumbent is optimal
                session.proven_optimal = True
                break
            size[kind] = min(limits[kind], max(k + 1, round(k * 1.2)))
        elif time.perf_counter() - t0 >= 0.9 * step_seconds:
            size[kind] = max(2, min(k - 1, round(k * 0.85)))
    if stats is not None:
        stats.update(
            {
                "lns_steps": stats.get("lns_steps", 0) + steps,
                "lns_improving_steps": stats.get("lns_improving_steps", 0) + improvements,
                "lns_final_sizes": size,
                "lns_kind_scores": {k: round(v, 2) for k, v in score.items()},
            }
        )


def run(
    instance: Instance,
    params: SolverParams,
    plan: StrategyPlan,
    on_progress: ProgressFn | None = None,
    profile: dict[str, Any] | None = None,
) -> SolveResult:
    session = Session(params, on_progress)
    t0 = time.perf_counter()
    built = build_model(instance)
    session.build_seconds = time.perf_counter() - t0
    if params.hint is not None:
        add_hint(built, params.hint)
    first_budget = session.remaining() * float(plan.get("first_fraction", 0.5))
    status, solver = session.solve(
        built, built.model, first_budget, extra={"stop_after_first_solution": True}
    )
    if status in ("OPTIMAL", "FEASIBLE"):
        session.offer(solver, built.model.has_objective())
        if status == "OPTIMAL":
            session.proven_optimal = True
    elif status == "INFEASIBLE":
        session.proven_infeasible = True
    stats: dict[str, Any] = {}
    if session.best is not None and not session.proven_optimal:
        improve(
            session,
            built,
            step_seconds=float(plan.get("step_seconds", 3.0)),
            seed=params.seed,
            workers=plan.get("step_workers", None),
            stats=stats,
        )
    session.notes += [f"{k}={v}" for k, v in stats.items()]
    return finish(session, built, params, plan, profile, status)
