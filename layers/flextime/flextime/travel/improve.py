"""The travel improver: an any-time search that lowers travel and never breaks a hard constraint.

Two paths, chosen from the instance:

* **TTP path** (:func:`ttp_shape` recognises it): a compact double round robin (not mirrored) over
  a distance matrix or venues, whose only constraints are the TTP rules (CA3 "at most k home/away
  in k+1 slots" and SE1 "no repeaters"). A beam search guided by exact per-team bounds builds
  schedules (:mod:`flextime.travel.beam`, up to 16 teams), then the compiled TTSA kernel
  (:mod:`flextime.travel.ttsa`) anneals from them: the five classic neighbourhoods, a penalty for
  broken TTP rules, a time-based cooling schedule, lineages raced by successive halving
  (:mod:`flextime.travel.race`).
* **General path** (anything else: dated, partial, extra constraints, soft penalties): a seeded
  local search over the same neighbourhoods on the game list (:mod:`flextime.travel.local_search`)
  where every candidate is scored by the independent validator and accepted only if its hard
  infeasibility does not grow and its objective (soft penalty + travel_weight x travel) drops.

Either way the returned schedule is re-checked by :func:`flextime.validate.validate` and is the
input schedule whenever the search did not find anything strictly better with no more hard
infeasibility.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, Field

from flextime.domain import CA3, SE1, Game, Instance, RoundRobin, Schedule
from flextime.travel.distances import location_distance_matrix
from flextime.travel.race import RACE_TEMPERATURES, race_ttp
from flextime.travel.ttp_search import ProgressFn, TTPRun, initial_temperature, solve_ttp
from flextime.validate import ValidationReport, validate

__all__ = [
    "DEFAULT_SEARCH",
    "SEARCHES",
    "ImproveResult",
    "TTPShape",
    "array_to_schedule",
    "improve_travel",
    "initial_temperature",
    "naive_schedule",
    "schedule_to_array",
    "solve_ttp",
    "team_distance_matrix",
    "ttp_shape",
]


SEARCHES = ("beam", "race", "cycles")  # the TTP path's searches (improve_travel(search=...))
DEFAULT_SEARCH = "beam"
BEAM_SHARE = 0.85  # of the time, for the beam of the "beam" search (the race from its schedules: the rest)
BEAM_RACE_TEMPERATURES = (0.3, 0.1)  # the race from built schedules starts cooler than from random ones


@dataclass(frozen=True)
class TTPShape:
    """What the TTP kernel needs to know about an instance."""

    n: int
    max_streak: int  # at most this many consecutive home (away) games; n - 1 means "no limit"
    no_repeat: bool


class ImproveResult(BaseModel):
    """Before/after figures (validator), the improved schedule and how the search went."""

    method: str
    seed: int
    time_limit_s: float
    wall_seconds: float
    iterations: int = 0
    time_to_best_s: float | None = None
    before_travel: int | None = None
    after_travel: int | None = None
    before_objective: int | None = None
    after_objective: int | None = None
    before_infeasibility: int | None = None
    after_infeasibility: int | None = None
    feasible: bool = False
    improved: bool = False
    history: list[tuple[float, int]] = Field(default_factory=list)
    schedule: Schedule
    report: ValidationReport


def _all_teams(ids: list[str], instance: Instance) -> bool:
    return sorted(ids) == sorted(instance.team_ids)


def ttp_shape(instance: Instance) -> TTPShape | None:
    """The TTP shape of ``instance`` or None when the TTP kernel cannot guarantee its rules."""
    fmt = instance.format
    n = len(instance.teams)
    if not isinstance(fmt, RoundRobin) or fmt.rounds != 2 or not fmt.compact or fmt.mirrored or fmt.phased:
        return None
    if n % 2 or n < 4 or len(instance.slots) != 2 * (n - 1):
        return None
    if instance.distances is None:
        venues = instance.venue_by_id
        if not all(t.venue in venues for t in instance.teams):
            return None
    max_streak, no_repeat = n - 1, False
    for c in instance.constraints:
        if isinstance(c, CA3) and c.hard and c.mode2 == "GAMES" and c.min == 0:
            if c.mode1 not in ("H", "A") or c.max != c.intp - 1:
                return None
            if not (_all_teams(c.teams1, instance) and _all_teams(c.teams2, instance)):
                return None
            max_streak = min(max_streak, c.max)
        elif isinstance(c, SE1) and c.hard and c.min <= 1 and _all_teams(c.teams, instance):
            no_repeat = no_repeat or c.min == 1
        else:
            return None
    return TTPShape(n=n, max_streak=max_streak, no_repeat=no_repeat)


def team_distance_matrix(instance: Instance) -> np.ndarray:
    """n x n distances between the teams' home locations (matrix, or venue great-circle miles)."""
    keys, matrix = location_distance_matrix(instance)
    if instance.distances is not None:
        return np.array(matrix, dtype=np.int64)
    index = {k: i for i, k in enumerate(keys)}
    homes = [index[t.venue] for t in instance.teams if t.venue is not None]
    return np.array([[matrix[a][b] for b in homes] for a in homes], dtype=np.int64)


def schedule_to_array(instance: Instance, schedule: Schedule) -> np.ndarray | None:
    """The signed opponent array of a compact double round robin, or None if it is not one."""
    ids = instance.team_ids
    index = {t: i for i, t in enumerate(ids)}
    slot_pos = {s.index: k for k, s in enumerate(instance.slots)}
    n, R = len(ids), len(instance.slots)
    S = np.zeros((n, R), dtype=np.int64)
    for g in schedule.games:
        if g.home not in index or g.away not in index or g.slot not in slot_pos or g.home == g.away:
            return None
        h, a, r = index[g.home], index[g.away], slot_pos[g.slot]
        if S[h, r] or S[a, r]:
            return None
        if g.venue is not None and instance.distances is None and g.venue != instance.home_venue(g.home):
            return None
        S[h, r], S[a, r] = a + 1, -(h + 1)
    if (S == 0).any():
        return None
    for t in range(n):
        if len(set(S[t].tolist())) != R:
            return None
    return S


def array_to_schedule(instance: Instance, S: np.ndarray) -> Schedule:
    ids = instance.team_ids
    games = []
    for r, slot in enumerate(instance.slots):
        for t in range(len(ids)):
            v = int(S[t, r])
            if v > 0:
                games.append(Game(home=ids[t], away=ids[v - 1], slot=slot.index))
    return Schedule(instance=instance.name, games=games)


def _beam_then_race(
    D: np.ndarray,
    shape: TTPShape,
    initial: np.ndarray | None,
    time_limit_s: float,
    seed: int,
    workers: int,
    on_progress: ProgressFn | None,
) -> tuple[str, TTPRun]:
    """The "beam" search: beams (:mod:`flextime.travel.beam`) build schedules in
    :data:`BEAM_SHARE` of the time, then annealers race from them (and from ``initial``) for the
    rest. Where the beam cannot run (too many teams for its memory) the race has all the time."""
    from flextime.travel.beam import beam_ttp

    start = time.perf_counter()
    beam = beam_ttp(
        D,
        time_limit_s=time_limit_s * BEAM_SHARE,
        max_streak=shape.max_streak,
        no_repeat=shape.no_repeat,
        seed=seed,
        workers=workers,
    )
    schedules = beam.schedules if beam is not None else []
    starts = [S for S, _ in schedules]
    built = beam.history if beam is not None and starts else []
    if on_progress is not None:
        for t, d in built:
            on_progress(t, d)
    if starts and initial is not None:
        starts.append(initial)
    offset = time.perf_counter() - start
    # from built schedules the race starts cooler than from random ones
    t_hot, t_cold = BEAM_RACE_TEMPERATURES if starts else RACE_TEMPERATURES
    run = race_ttp(
        D,
        time_limit_s=max(0.0, time_limit_s - offset),
        seed=seed,
        initial=initial,
        starts=starts or None,
        max_streak=shape.max_streak,
        no_repeat=shape.no_repeat,
        workers=workers,
        t_start=t_hot,
        t_end=t_cold,
        on_progress=None if on_progress is None else (lambda t, d: on_progress(round(offset + t, 3), d)),
    )
    history = [*built, *((round(offset + t, 3), d) for t, d in run.history)]
    run.history = [(t, d) for k, (t, d) in enumerate(history) if all(d < e for _, e in history[:k])]
    run.time_to_best_s = run.history[-1][0] if run.history else None
    if run.S is None and schedules:
        run.S, run.distance = schedules[0]
    return ("beam+race" if starts else "race"), run


def improve_travel(
    instance: Instance,
    schedule: Schedule | None = None,
    *,
    time_limit_s: float = 60.0,
    seed: int = 1,
    workers: int = 1,
    lns_fraction: float = 0.0,
    search: str = DEFAULT_SEARCH,
    on_progress: ProgressFn | None = None,
) -> ImproveResult:
    """Lower the travel of ``schedule`` (or build a TTP schedule from scratch when it is None and the
    instance has the TTP shape) within ``time_limit_s``. The result never has more hard
    infeasibility or a higher objective than the input (validator figures).

    TTP-shaped instances: ``search`` "beam" (the default: beam search builds schedules, then
    annealers race from them, :func:`_beam_then_race`), "race" (successive halving over annealer
    lineages from random schedules, :mod:`flextime.travel.race`) or "cycles" (one annealer per
    thread, cooling cycles with reheats, :func:`~flextime.travel.ttp_search.solve_ttp`), on
    ``workers`` threads; with
    ``lns_fraction`` > 0 the last part of the time goes to CP-SAT round-window LNS on the annealed
    schedule (:mod:`flextime.travel.ttp_lns`)."""
    if search not in SEARCHES:
        raise ValueError(f"search must be one of {', '.join(SEARCHES)}, not {search!r}")
    start = time.perf_counter()
    shape = ttp_shape(instance)
    before = validate(instance, schedule) if schedule is not None else None
    best_schedule, best_report = schedule, before
    method, iterations, history, ttb = "none", 0, [], None
    initial = schedule_to_array(instance, schedule) if (shape and schedule is not None) else None
    if shape is not None and (schedule is None or initial is not None):
        D = team_distance_matrix(instance)
        ttp_limit = time_limit_s * (1.0 - lns_fraction)
        if search == "beam":
            method, run = _beam_then_race(D, shape, initial, ttp_limit, seed, workers, on_progress)
        else:
            method = "race" if search == "race" else "ttsa"
            run = (race_ttp if search == "race" else solve_ttp)(
                D,
                time_limit_s=ttp_limit,
                seed=seed,
                initial=initial,
                max_streak=shape.max_streak,
                no_repeat=shape.no_repeat,
                workers=workers,
                on_progress=on_progress,
            )
        iterations, history, ttb = run.iterations, run.history, run.time_to_best_s
        if run.S is not None and run.distance is not None and lns_fraction > 0:
            from flextime.travel.ttp_lns import improve_rounds

            method += "+lns"
            offset = time.perf_counter() - start
            polish = improve_rounds(
                run.S,
                D,
                time_limit_s=max(0.0, time_limit_s - offset),
                max_streak=shape.max_streak,
                no_repeat=shape.no_repeat,
                seed=seed,
            )
            if polish.distance < run.distance:
                run.S, run.distance = polish.S, polish.distance
                history = [*history, *((round(offset + t, 3), d) for t, d in polish.history)]
                ttb = history[-1][0]
        if run.S is not None:
            cand = array_to_schedule(instance, run.S)
            report = validate(instance, cand)
            if best_report is None or report.improvement_key() < best_report.improvement_key():
                best_schedule, best_report = cand, report
    elif schedule is not None:
        from flextime.travel.general import improve_general

        method = "local_search"
        assert before is not None
        ls = improve_general(
            instance,
            schedule,
            before,
            time_limit_s=time_limit_s,
            seed=seed,
            workers=workers,
            on_progress=on_progress,
        )
        if ls.lns_steps:
            method = "local_search+lns"
        iterations, history, ttb = ls.iterations, ls.history, ls.time_to_best_s
        if ls.report.improvement_key() < before.improvement_key():
            best_schedule, best_report = ls.schedule, ls.report
    if best_schedule is None or best_report is None:
        raise ValueError(f"instance {instance.name!r} is not a TTP; give a schedule to improve")
    return ImproveResult(
        method=method,
        seed=seed,
        time_limit_s=time_limit_s,
        wall_seconds=round(time.perf_counter() - start, 3),
        iterations=iterations,
        time_to_best_s=ttb,
        before_travel=before.travel_total if before else None,
        after_travel=best_report.travel_total,
        before_objective=before.objective if before else None,
        after_objective=best_report.objective,
        before_infeasibility=before.infeasibility if before else None,
        after_infeasibility=best_report.infeasibility,
        feasible=best_report.feasible,
        improved=before is None or best_report.improvement_key() < before.improvement_key(),
        history=history,
        schedule=best_schedule,
        report=best_report,
    )


def warm_up(teams: int = 6) -> ImproveResult:
    """Run the TTP path once on a small circular instance, so that numba compiles every kernel
    :func:`improve_travel` uses into its cache (``NUMBA_CACHE_DIR``): the solver image does this at
    build time, otherwise its first improvement would spend about 23 s compiling (2-core machine) (the kernels
    compile before the clock starts, so the budget would be overrun by as much)."""
    from flextime.domain import Team
    from flextime.travel.ttp_instance import ttp_instance

    dist = [[min(abs(a - b), teams - abs(a - b)) for b in range(teams)] for a in range(teams)]
    instance = ttp_instance(f"warm{teams}", [Team(id=f"T{i}", name=f"T{i}") for i in range(teams)], dist)
    return improve_travel(instance, None, time_limit_s=0.2)


def naive_schedule(instance: Instance, seed: int) -> Schedule:
    """Circle method on a random team order (rounds in order, second half mirrored with homes
    swapped, homes alternating by round) - the "naive" baseline for TTP-shaped instances."""
    import random

    rng = random.Random(seed)
    ids = list(instance.team_ids)
    rng.shuffle(ids)
    n = len(ids)
    half = n - 1
    slots = [s.index for s in instance.slots]
    games = []
    for r in range(half):
        for k in range(n // 2):
            if k == 0:
                x, y = n - 1, r
                if r % 2:
                    x, y = y, x
            else:
                x, y = (r + k) % half, (r - k + half) % half
                if k % 2:
                    x, y = y, x
            games.append(Game(home=ids[x], away=ids[y], slot=slots[r]))
            games.append(Game(home=ids[y], away=ids[x], slot=slots[r + half]))
    return Schedule(instance=instance.name, games=games)
