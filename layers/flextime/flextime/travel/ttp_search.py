"""The TTP annealer around the compiled kernel (:mod:`flextime.travel.ttsa`): the temperature unit,
the time-based cooling (cycles with reheats, or one global cooling with waves back to the best
schedule), the threads that share a best schedule, and the run record. :mod:`flextime.travel.race`
builds the default search (successive halving over annealer lineages) on it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from flextime.travel import ttsa

__all__ = [
    "DEFAULT_MOVE_WEIGHTS",
    "Board",
    "ProgressFn",
    "TTPRun",
    "anneal_lineage",
    "initial_temperature",
    "kernel_weights",
    "solve_ttp",
    "warm_up",
]

ProgressFn = Callable[[float, int], None]

# Move mix for the TTP kernel: swap homes, swap rounds, swap teams, partial swap rounds,
# partial swap teams (the partial swaps do most of the work).
DEFAULT_MOVE_WEIGHTS = (0.3, 0.05, 0.05, 0.3, 0.3)


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


def kernel_weights(D: np.ndarray, move_weights: tuple[float, ...], weight: float) -> tuple[float, np.ndarray]:
    """(initial weight of one broken rule = ``weight`` x mean distance, cumulative move mix)."""
    n = D.shape[0]
    w0 = weight * (float(D[~np.eye(n, dtype=bool)].mean()) or 1.0)
    cdf = np.cumsum(np.array(move_weights, dtype=np.float64))
    return w0, cdf / cdf[-1]


def warm_up(
    D: np.ndarray, S: np.ndarray, max_streak: int, no_repeat: bool, cdf: np.ndarray, w0: float
) -> None:
    """Compile the kernel (or load numba's cache) before a clock starts: one move on a copy."""
    sf = np.array([1.0, w0, 1.0, 1e308, 1e308, 1.0, 1.0, w0])
    si = np.array([0, 0, 0, 0, 0, 0, 0, 2000, 10**12, 10**12], dtype=np.int64)
    ttsa.anneal(S.copy(), D, max_streak, int(no_repeat), cdf, sf, si, S.copy(), S.copy(), 1)


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
    global_cooling: bool = False,
    unit: float | None = None,
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
    mean_d = unit or initial_temperature(S0, D, max_streak, no_repeat, seed)  # the temperature unit
    w0, cdf = kernel_weights(D, move_weights, weight)
    sf0 = np.array([t_start * mean_d, w0, t_start * mean_d, 1e308, 1e308, t_start * mean_d, 1.0, w0])
    si0 = np.array([0, 0, 0, 0, 0, 0, mode, max_c, 10**12, 10**12], dtype=np.int64)
    warm_up(D, S0, max_streak, no_repeat, cdf, w0)
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
        global_cooling=global_cooling,
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


@dataclass(kw_only=True)
class Board:
    """The best feasible schedule any annealer found, under a lock, with its history (seconds
    since ``start``, distance); ``on_progress`` and ``sink`` are told of every new best."""

    on_progress: ProgressFn | None = None
    sink: Callable[[np.ndarray, int], None] | None = None
    best: np.ndarray | None = None
    distance: int | None = None
    history: list[tuple[float, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    start: float = field(default_factory=time.perf_counter)

    def offer(self, S: np.ndarray, d: int) -> None:
        with self.lock:
            if self.distance is None or d < self.distance:
                self.best, self.distance = S.copy(), int(d)
                t = round(time.perf_counter() - self.start, 3)
                self.history.append((t, int(d)))
                if self.on_progress is not None:
                    self.on_progress(t, int(d))
                if self.sink is not None:
                    self.sink(S, int(d))

    def shared(self) -> tuple[np.ndarray | None, int | None]:
        with self.lock:
            return self.best, self.distance


@dataclass(kw_only=True)
class _Pool(Board):
    """What the annealer threads share: the problem, the schedule of temperatures, the board and
    the totals."""

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
    global_cooling: bool = False
    iterations: int = 0
    restarts: int = 0

    def temperature(self, elapsed: float) -> tuple[int, float]:
        """(cycle, temperature) at ``elapsed`` seconds: geometric cooling within each cycle."""
        c = int(elapsed // self.cycle_s)
        if self.global_cooling:
            return c, self.t_hot * (self.t_cold / self.t_hot) ** min(1.0, elapsed / self.time_limit_s)
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


def anneal_lineage(
    D: np.ndarray,
    S: np.ndarray,
    *,
    seconds: float,
    unit: float,
    t_from: float,
    t_to: float,
    wave_s: float,
    seed: int,
    max_streak: int,
    no_repeat: bool,
    cdf: np.ndarray,
    w0: float,
    mode: int = 0,
    max_c: int = 2000,
    chunk: int = 50_000,
    sink: Callable[[np.ndarray, int], None] | None = None,
) -> tuple[np.ndarray | None, int | None, int]:
    """One annealer from ``S`` for ``seconds`` in the calling thread: the temperature falls
    geometrically from ``t_from`` to ``t_to`` (units of ``unit``) and every ``wave_s`` seconds the
    search goes back to its best schedule. Returns (best feasible schedule, its distance, moves)."""
    ttsa.seed_rng(seed)  # numba keeps one random state per thread
    sf0 = np.array([t_from * unit, w0, t_from * unit, 1e308, 1e308, t_from * unit, 1.0, w0])
    si0 = np.array([0, 0, 0, 0, 0, 0, mode, max_c, 10**12, 10**12], dtype=np.int64)
    pool = _Pool(
        D=D,
        S0=np.array(S, dtype=np.int64),
        sf0=sf0,
        si0=si0,
        cdf=cdf,
        seed=seed,
        fresh=False,
        max_streak=max_streak,
        no_repeat=int(no_repeat),
        time_limit_s=seconds,
        cycle_s=max(wave_s, 1e-3),
        t_hot=t_from * unit,
        t_cold=t_to * unit,
        reheat=1.0,
        w0=w0,
        chunk=chunk,
        on_progress=None,
        global_cooling=True,
        sink=sink,
    )
    _anneal_worker(pool, 0)
    return pool.best, pool.distance, pool.iterations
