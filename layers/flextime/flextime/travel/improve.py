"""The travel improver: an any-time search that lowers travel and never breaks a hard constraint.

Two paths, chosen from the instance:

* **TTP path** (:func:`ttp_shape` recognises it): a compact double round robin (not mirrored) over
  a distance matrix or venues, whose only constraints are the TTP rules (CA3 "at most k home/away
  in k+1 slots" and SE1 "no repeaters"). The compiled TTSA kernel (:mod:`flextime.travel.ttsa`)
  runs simulated annealing with the five classic neighbourhoods, a penalty for broken TTP rules,
  a time-based cooling schedule and restarts from the best schedule.
* **General path** (anything else: dated, partial, extra constraints, soft penalties): a seeded
  local search over the same neighbourhoods on the game list (:mod:`flextime.travel.local_search`)
  where every candidate is scored by the independent validator and accepted only if its hard
  infeasibility does not grow and its objective (soft penalty + travel_weight x travel) drops.

Either way the returned schedule is re-checked by :func:`flextime.validate.validate` and is the
input schedule whenever the search did not find anything strictly better with no more hard
infeasibility.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel, Field

from flextime.domain import CA3, SE1, Game, Instance, RoundRobin, Schedule
from flextime.travel import ttsa
from flextime.travel.distances import location_distance_matrix
from flextime.validate import ValidationReport, validate

__all__ = [
    "ImproveResult",
    "TTPShape",
    "array_to_schedule",
    "improve_travel",
    "naive_schedule",
    "schedule_to_array",
    "solve_ttp",
    "team_distance_matrix",
    "ttp_shape",
]

ProgressFn = Callable[[float, int], None]

# Move mix for the TTP kernel: swap homes, swap rounds, swap teams, partial swap rounds,
# partial swap teams (the partial swaps do most of the work).
DEFAULT_MOVE_WEIGHTS = (0.3, 0.05, 0.05, 0.3, 0.3)


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


@dataclass
class TTPRun:
    S: np.ndarray | None  # best feasible schedule (None if none found)
    distance: int | None
    iterations: int
    time_to_best_s: float | None
    history: list[tuple[float, int]]
    restarts: int


def initial_temperature(
    S: np.ndarray, D: np.ndarray, max_streak: int, no_repeat: bool, seed: int, accept: float = 0.2
) -> float:
    """The temperature at which a worsening move on ``S`` is accepted with mean probability
    ``accept`` (sampled swap-homes and partial-swap moves; bisection). It scales with how
    coarsely moves change travel: about 0.3-0.5 x the mean distance on NL and galaxy instances,
    about 1 x on circular ones (a mean-distance unit left CIRC frozen at its first local optimum)."""
    import random

    n, rounds = S.shape
    rng = random.Random(seed)
    d0, _ = ttsa.schedule_cost(S, D, max_streak, int(no_repeat))
    touched = np.zeros(n, dtype=np.int8)
    ups = []
    for _ in range(600):
        move = rng.choice((0, 3, 4))
        a, c = rng.randrange(n), rng.randrange(rounds)
        b = rng.randrange(rounds) if move == 3 else rng.randrange(n)
        cand = S.copy()
        if ttsa.apply_move(cand, move, a, b, c, touched):
            d, _ = ttsa.schedule_cost(cand, D, max_streak, int(no_repeat))
            if d > d0:
                ups.append(float(d - d0))
    mean_d = float(D[~np.eye(n, dtype=bool)].mean()) or 1.0
    if len(ups) < 20:
        return 0.4 * mean_d
    deltas = np.array(ups)
    lo, hi = 1e-6 * mean_d, 1e3 * mean_d
    for _ in range(60):
        mid = (lo * hi) ** 0.5
        if float(np.exp(-deltas / mid).mean()) < accept:
            lo = mid
        else:
            hi = mid
    return hi


def solve_ttp(
    D: np.ndarray,
    *,
    time_limit_s: float,
    seed: int = 1,
    initial: np.ndarray | None = None,
    max_streak: int = 3,
    no_repeat: bool = True,
    t_start: float = 1.0,
    t_end: float = 0.1,
    cycle_s: float | None = None,
    reheat: float = 0.6,
    move_weights: tuple[float, ...] = DEFAULT_MOVE_WEIGHTS,
    weight: float = 1.0,
    max_c: int = 2000,
    mode: int = 0,
    workers: int = 1,
    chunk: int = 50_000,
    on_progress: ProgressFn | None = None,
) -> TTPRun:
    """TTSA on distance matrix ``D`` for ``time_limit_s`` seconds.

    Temperatures are relative to :func:`initial_temperature`: the first cycle cools geometrically from
    ``t_start`` to ``t_end`` (below about 0.1 the search is frozen); later cycles
    restart from the best feasible schedule at ``reheat * t_start``. ``history`` lists
    (seconds, distance) at every new best.

    ``workers`` > 1 runs that many annealers in threads (the kernel releases the GIL), each from its
    own random schedule and seed; at every new cycle each restarts from the best schedule any of
    them found (population-based annealing in waves, after Van Hentenryck and Vergados 2007).
    ``mode`` bit 1: TTSA's nonlinear penalty sqrt(d^2 + (w f(v))^2); bit 2: the weight changes at
    new bests only and phases count accepted moves (the paper's loop); 0: linear penalty, weight
    oscillation per phase (the default, as good on NL/CIRC/GAL in our runs and simpler)."""
    D = np.ascontiguousarray(D, dtype=np.int64)
    n = D.shape[0]
    workers = max(1, int(workers))
    ttsa.seed_rng(seed)
    S0 = ttsa.random_schedule(n) if initial is None else np.array(initial, dtype=np.int64)
    mean_d = initial_temperature(S0, D, max_streak, no_repeat, seed)  # the temperature unit
    w0 = weight * (float(D[~np.eye(n, dtype=bool)].mean()) or 1.0)  # initial weight of one broken rule
    cdf = np.cumsum(np.array(move_weights, dtype=np.float64))
    cdf /= cdf[-1]
    # compile (or load the numba cache) before the clock starts
    sf0 = np.array([t_start * mean_d, w0, t_start * mean_d, 1e308, 1e308, t_start * mean_d, 1.0, w0])
    si0 = np.array([0, 0, 0, 0, 0, 0, mode, max_c, 10**12, 10**12], dtype=np.int64)
    warm = (S0.copy(), D, max_streak, int(no_repeat), cdf, sf0.copy(), si0.copy(), S0.copy(), S0.copy(), 1)
    ttsa.anneal(*warm)
    pool = _Pool(
        D=D,
        S0=S0,
        sf0=sf0,
        si0=si0,
        cdf=cdf,
        seed=seed,
        fresh=initial is None,
        max_streak=max_streak,
        no_repeat=int(no_repeat),
        time_limit_s=time_limit_s,
        cycle_s=cycle_s or time_limit_s / 4,
        t_hot=t_start * mean_d,
        t_cold=t_end * mean_d,
        reheat=reheat,
        w0=w0,
        chunk=chunk,
        on_progress=on_progress,
    )
    if workers == 1:
        _anneal_worker(pool, 0)
    else:
        threads = [threading.Thread(target=_anneal_worker, args=(pool, k)) for k in range(workers)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    found = pool.best is not None and pool.distance is not None
    return TTPRun(
        S=pool.best if found else None,
        distance=pool.distance if found else None,
        iterations=pool.iterations,
        time_to_best_s=pool.history[-1][0] if pool.history else None,
        history=pool.history,
        restarts=pool.restarts,
    )


@dataclass
class _Pool:
    """What the annealer threads share: the problem, the schedule of temperatures, the best
    schedule any of them found (under a lock) and the totals."""

    D: np.ndarray
    S0: np.ndarray
    sf0: np.ndarray
    si0: np.ndarray
    cdf: np.ndarray
    seed: int
    fresh: bool
    max_streak: int
    no_repeat: int
    time_limit_s: float
    cycle_s: float
    t_hot: float
    t_cold: float
    reheat: float
    w0: float
    chunk: int
    on_progress: ProgressFn | None
    best: np.ndarray | None = None
    distance: int | None = None
    history: list[tuple[float, int]] = field(default_factory=list)
    iterations: int = 0
    restarts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    start: float = field(default_factory=time.perf_counter)

    def offer(self, S: np.ndarray, d: int) -> None:
        with self.lock:
            if self.distance is None or d < self.distance:
                self.best, self.distance = S.copy(), d
                t = round(time.perf_counter() - self.start, 3)
                self.history.append((t, d))
                if self.on_progress is not None:
                    self.on_progress(t, d)

    def shared(self) -> tuple[np.ndarray | None, int | None]:
        with self.lock:
            return self.best, self.distance

    def temperature(self, elapsed: float) -> tuple[int, float]:
        """(cycle, temperature) at ``elapsed`` seconds: geometric cooling within each cycle."""
        c = int(elapsed // self.cycle_s)
        x = (elapsed - c * self.cycle_s) / self.cycle_s
        t0 = self.t_hot * (self.reheat if c else 1.0)
        return c, t0 * (self.t_cold / t0) ** min(1.0, x)


def _anneal_worker(pool: _Pool, k: int) -> None:
    """One annealer: from its own schedule; at every new cycle from the best any worker found."""
    D, n = pool.D, pool.D.shape[0]
    if k == 0:
        S = pool.S0.copy()
    else:
        ttsa.seed_rng(pool.seed * 7919 + k)  # numba keeps one random state per thread
        S = ttsa.random_schedule(n) if pool.fresh else pool.S0.copy()
    sf, si = pool.sf0.copy(), pool.si0.copy()
    best, best_inf = S.copy(), S.copy()
    d0, v0 = ttsa.schedule_cost(S, D, pool.max_streak, pool.no_repeat)
    if v0 == 0:
        sf[3] = d0
        pool.offer(S, int(d0))
    iterations, cycle_seen = 0, 0
    while (elapsed := time.perf_counter() - pool.start) < pool.time_limit_s:
        c, sf[0] = pool.temperature(elapsed)
        if c > cycle_seen:
            cycle_seen = c
            shared, shared_d = pool.shared()
            if shared is not None and shared_d is not None:
                S[:, :] = shared
                if shared_d < sf[3]:
                    best[:, :] = shared
                    sf[3] = shared_d
            sf[1] = pool.w0
        before = sf[3]
        ttsa.anneal(S, D, pool.max_streak, pool.no_repeat, pool.cdf, sf, si, best, best_inf, pool.chunk)
        iterations += pool.chunk
        if sf[3] < before:
            pool.offer(best, int(sf[3]))
    with pool.lock:
        pool.iterations += iterations
        pool.restarts += int(si[5]) + cycle_seen


def _key(report: ValidationReport) -> tuple[int, int, int]:
    """Hard infeasibility first, then the objective, then travel (which also counts when the
    objective does not weigh it: the travel agent never trades soft penalties for miles)."""
    return (report.infeasibility, report.objective, report.travel_total or 0)


def improve_travel(
    instance: Instance,
    schedule: Schedule | None = None,
    *,
    time_limit_s: float = 60.0,
    seed: int = 1,
    workers: int = 1,
    lns_fraction: float = 0.0,
    on_progress: ProgressFn | None = None,
) -> ImproveResult:
    """Lower the travel of ``schedule`` (or build a TTP schedule from scratch when it is None and the
    instance has the TTP shape) within ``time_limit_s``. The result never has more hard
    infeasibility or a higher objective than the input (validator figures).

    TTP-shaped instances: the annealer (``workers`` threads); with ``lns_fraction`` > 0 the last
    part of the time goes to CP-SAT round-window LNS on the annealed schedule
    (:mod:`flextime.travel.ttp_lns`)."""
    start = time.perf_counter()
    shape = ttp_shape(instance)
    before = validate(instance, schedule) if schedule is not None else None
    best_schedule, best_report = schedule, before
    method, iterations, history, ttb = "none", 0, [], None
    initial = schedule_to_array(instance, schedule) if (shape and schedule is not None) else None
    if shape is not None and (schedule is None or initial is not None):
        method = "ttsa"
        D = team_distance_matrix(instance)
        run = solve_ttp(
            D,
            time_limit_s=time_limit_s * (1.0 - lns_fraction),
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

            method = "ttsa+lns"
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
            if best_report is None or _key(report) < _key(best_report):
                best_schedule, best_report = cand, report
    elif schedule is not None:
        from flextime.travel.local_search import local_search

        method = "local_search"
        assert before is not None
        ls = local_search(
            instance, schedule, before, time_limit_s=time_limit_s, seed=seed, on_progress=on_progress
        )
        iterations, history, ttb = ls.iterations, ls.history, ls.time_to_best_s
        if _key(ls.report) < _key(before):
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
        improved=before is None or _key(best_report) < _key(before),
        history=history,
        schedule=best_schedule,
        report=best_report,
    )


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
