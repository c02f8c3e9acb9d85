"""CP-SAT large-neighbourhood search on any schedule the engine can model (dated seasons, partial
round robins, extra rules): the general path's counterpart of :mod:`flextime.travel.ttp_lns`.

Each step frees a few random teams: every game between two other teams is locked, and so is
every game staff locked (``Game.locked``) or placed at a venue other than its host's (the engine
would move it home). The engine builds the model with those locks
(:func:`~flextime.engine.locks.build_locked_model`); its objective ranks like the travel agent's
key, (soft penalty, then miles): the soft weights are scaled by :data:`SOFT_SCALE` and travel is
added once. The current schedule is the hint, completed first: a copy of the model with the game
variables fixed to it is solved (about half a second on Big 12 data), so CP-SAT starts from every
variable's value. Presolve is kept light (one iteration, no probing): on the men's basketball
scenario the full presolve takes 5-6 s of the locked model's 120,000 variables.

A step's schedule replaces the current one only if the validator ranks it better in (hard
infeasibility, objective, travel) order, so the search never returns anything worse than its
input. Measured on Big 12 men's basketball (docs/travel.md, "General path"): 205,267 miles and
soft penalty 21 → 180,093 miles and soft penalty 0 in six 3 s steps of two teams (34 s).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from flextime.domain.model import Game, Instance, Schedule
from flextime.engine.build import add_hint
from flextime.engine.extract import extract_schedule
from flextime.engine.locks import build_locked_model
from flextime.engine.variables import BuiltModel
from flextime.validate import ValidationReport, validate

__all__ = ["SOFT_SCALE", "DatedLnsResult", "dated_lns", "lexicographic", "lns_step"]

SOFT_SCALE = 10**6  # one unit of soft penalty outweighs any travel change of a schedule
FREE_TEAMS = 2  # teams freed by the first step (then adapted, see dated_lns)
STEP_S = 3.0  # CP-SAT time per step (after the model is built and the hint completed)
MIN_STEP_S = 1.0  # a step needs at least this much of the remaining time
FIRST_SETUP_S = 2.0  # the set-up (model, hint) assumed for the first step: 1-3 s on Big 12 data


def lexicographic(instance: Instance) -> Instance:
    """``instance`` with an objective that ranks schedules like the travel agent: its own
    objective first (soft weights x :data:`SOFT_SCALE`), then miles."""
    obj = instance.objective
    constraints = [
        c if c.hard or not obj.soft_constraints else c.model_copy(update={"weight": c.weight * SOFT_SCALE})
        for c in instance.constraints
    ]
    travel_weight = obj.travel_weight * SOFT_SCALE + 1
    return instance.model_copy(
        update={
            "constraints": constraints,
            "objective": obj.model_copy(update={"travel_weight": travel_weight}),
        }
    )


def _kept(instance: Instance, g: Game, free: set[str]) -> bool:
    """Whether a step keeps ``g`` where it is: outside the freed teams, locked by staff, or at a
    venue other than its host's."""
    away_venue = g.venue is not None and g.venue != instance.home_venue(g.home)
    return g.locked or away_venue or (g.home not in free and g.away not in free)


def _complete_hint(built: BuiltModel, schedule: Schedule, workers: int) -> bool:
    """Hint every variable of ``built`` with its value in ``schedule``'s solution of the model
    (a copy with the game variables fixed is solved); False if that copy has no solution."""
    index = built.instance.team_index
    chosen = {(index[g.home], index[g.away], g.slot) for g in schedule.games}
    clone = built.model.clone()
    for key, var in built.x.items():
        clone.add(clone.get_bool_var_from_proto_index(var.index) == int(key in chosen))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10.0
    solver.parameters.num_workers = workers
    if solver.solve(clone) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    # the whole solution as the hint in two bulk copies: a hint per variable through the Python
    # API took 0.65-0.85 s of a men's basketball step's 2.7 s set-up (39,550 variables)
    built.model.clear_hints()
    hint = built.model.proto.solution_hint
    hint.vars.extend(range(len(built.model.proto.variables)))
    hint.values.extend(solver.response_proto.solution)
    return True


@dataclass
class StepResult:
    schedule: Schedule
    optimal: bool  # CP-SAT proved the freed teams' best arrangement
    seconds: float  # CP-SAT's wall time


def lns_step(
    instance: Instance,
    lex: Instance,
    schedule: Schedule,
    free: set[str],
    *,
    time_limit_s: float = STEP_S,
    seed: int = 1,
    workers: int = 2,
) -> StepResult | None:
    """One step: ``schedule`` with the games of ``free`` rearranged by CP-SAT (``lex``: the
    :func:`lexicographic` instance), or None when CP-SAT found no solution in time. The games
    kept in place keep their venue and lock."""
    kept = [g for g in schedule.games if _kept(instance, g, free)]
    built = build_locked_model(lex, kept)
    add_hint(built, schedule)
    _complete_hint(built, schedule, workers)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit_s)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.max_presolve_iterations = 1
    solver.parameters.cp_model_probing_level = 0
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    originals = {(g.home, g.away, g.slot): g for g in kept}
    games = [originals.get((g.home, g.away, g.slot), g) for g in extract_schedule(built, solver).games]
    return StepResult(
        schedule=Schedule(instance=schedule.instance, games=games),
        optimal=status == cp_model.OPTIMAL,
        seconds=solver.wall_time,
    )


@dataclass
class DatedLnsResult:
    schedule: Schedule
    report: ValidationReport
    steps: int = 0
    kept: int = 0  # steps whose schedule the validator ranked better
    time_to_best_s: float | None = None
    history: list[tuple[float, int]] = field(default_factory=list)
    free_teams: list[int] = field(default_factory=list)  # teams freed, step by step
    next_free_teams: int = FREE_TEAMS  # what the next step would free (a later call starts there)


def dated_lns(
    instance: Instance,
    schedule: Schedule,
    report: ValidationReport | None = None,
    *,
    time_limit_s: float = 30.0,
    seed: int = 1,
    workers: int = 2,
    free_teams: int = FREE_TEAMS,
    step_s: float = STEP_S,
    on_progress: Callable[[float, int], None] | None = None,
) -> DatedLnsResult:
    """Steps of :func:`lns_step` with ``free_teams`` random teams each, until ``time_limit_s``
    (a step starts only while :data:`MIN_STEP_S` of CP-SAT time remains after its set-up, which
    is measured on the previous step; :data:`FIRST_SETUP_S` before the first). Never returns
    anything worse than ``schedule``."""
    start = time.perf_counter()
    rng = random.Random(seed)
    report = report or validate(instance, schedule)
    result = DatedLnsResult(schedule=schedule, report=report)
    lex = lexicographic(instance)
    k = max(1, min(free_teams, instance.n_teams))
    setup = FIRST_SETUP_S
    while (left := time_limit_s - (time.perf_counter() - start)) - setup >= MIN_STEP_S:
        free = set(rng.sample(instance.team_ids, k))
        t0 = time.perf_counter()
        solve_s = min(step_s, left - setup)
        step = lns_step(
            instance,
            lex,
            result.schedule,
            free,
            time_limit_s=solve_s,
            seed=rng.randrange(1 << 30),
            workers=workers,
        )
        result.steps += 1
        # the neighbourhood adapts: a step CP-SAT closes early frees one more team next time, a
        # step with no solution one fewer (Big 12 football closes 2 teams in about 1 s; men's
        # basketball does not close 3 in 3 s)
        if step is not None and step.optimal and step.seconds < step_s / 2:
            k = min(k + 1, instance.n_teams)
        elif step is None:
            k = max(1, k - 1)
        result.free_teams.append(len(free))
        if step is not None:
            cand = step.schedule
            check = validate(instance, cand)
            if check.improvement_key() < result.report.improvement_key():
                t = time.perf_counter() - start
                result.schedule, result.report = cand, check
                result.kept += 1
                result.time_to_best_s = round(t, 3)
                result.history.append((round(t, 3), check.travel_total or 0))
                if on_progress is not None:
                    on_progress(t, check.travel_total or 0)
        # the set-up (model, hint, validation) of the next step is taken to be this one's
        setup = max(0.0, time.perf_counter() - t0 - (step.seconds if step is not None else solve_s))
    result.next_free_teams = k
    return result
