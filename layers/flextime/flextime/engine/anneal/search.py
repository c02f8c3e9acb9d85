"""Drive the annealing kernel for a time budget: cooling, restarts, and conversions.

:func:`anneal` runs the kernel in chunks (the clock is checked between chunks) with geometric
cooling from ``t_start`` to ``t_end`` over each *cycle*; a cycle that ends without a better
schedule starts again (reheat) from the best one. Two modes:

- feasibility (``w_soft = 0``): only hard deviations count; it stops at the first schedule with
  none;
- improvement (``w_soft = 1``): soft cost plus ``w_hard`` times the hard deviations (hard rules may
  be broken on the way; only schedules with none are kept as results).

Schedules cross the boundary as game sets ``{(home, away, slot)}`` of team indices (the engine's
``built.x`` keys) or as ``S`` arrays.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from flextime.engine.anneal import kernel
from flextime.engine.anneal.encode import Encoded
from flextime.travel import ttsa

Games = set[tuple[int, int, int]]
# swap homes, swap rounds, swap teams, partial swap rounds, partial swap teams (phased formats: the
# variant that keeps the phases), TTSA's partial swap teams (phased: may cross the halves, which the
# "phased" counts charge). Without phases moves 4 and 5 are the same. Phased, the mix of both did as
# well as either alone on Early_1 and 3 and kept Early_10's feasibility search moving (docs/strategies.md).
MOVE_WEIGHTS = (0.2, 0.1, 0.1, 0.3, 0.15, 0.15)


def games_to_S(games: Iterable[tuple[int, int, int]], n: int, R: int) -> np.ndarray:
    S = np.zeros((n, R), dtype=np.int64)
    for h, a, s in games:
        S[h, s] = a + 1
        S[a, s] = -(h + 1)
    if (S == 0).any():
        raise ValueError("not a compact double round robin: some team has no game in some slot")
    return S


def S_to_games(S: np.ndarray) -> Games:
    n, R = S.shape
    return {(t, int(S[t, s]) - 1, s) for t in range(n) for s in range(R) if S[t, s] > 0}


def random_start(enc: Encoded, seed: int) -> np.ndarray:
    """A random double round robin (phased: each pair once per half)."""
    ttsa.seed_rng(seed)
    return ttsa.random_schedule(enc.n)


class State:
    """The kernel's running arrays for one schedule."""

    def __init__(self, enc: Encoded, S: np.ndarray) -> None:
        self.enc = enc
        self.S = np.ascontiguousarray(S, dtype=np.int64).copy()
        self.term_val = np.zeros(enc.n_terms, dtype=np.int64)
        self.con_count = np.zeros(len(enc.con_lo), dtype=np.int64)
        self.con_dev = np.zeros(len(enc.con_lo), dtype=np.int64)
        self.se_dev = np.zeros(len(enc.se_i), dtype=np.int64)
        self.fa_dev = np.zeros(len(enc.fa_i), dtype=np.int64)
        size = enc.n_terms + len(enc.con_lo) + len(enc.se_i) + len(enc.fa_i) + enc.n
        self.stamps = np.zeros(size, dtype=np.int64)
        # weights of the hard count constraints (raised where violations persist)
        self.con_hw = np.ones(len(enc.con_lo), dtype=np.int64)
        self.state = np.zeros(kernel.STATE_I, dtype=np.int64)
        self.best_S = self.S.copy()
        self.best_hard_S = self.S.copy()
        self._evaluate()
        st = self.state
        st[kernel.ST_BEST_SOFT] = st[kernel.ST_SOFT] if st[kernel.ST_HARD] == 0 else -1
        st[kernel.ST_BEST_HARD] = st[kernel.ST_HARD]
        st[kernel.ST_BEST_HARD_SOFT] = st[kernel.ST_SOFT]

    def _evaluate(self) -> None:
        """Recount every running array, the totals and the weighted hard total for ``self.S``."""
        hard, soft = kernel.evaluate(self.S, *self.enc.kernel_args(), *self._running())
        self.state[kernel.ST_HARD] = hard
        self.state[kernel.ST_SOFT] = soft
        self._reweigh()

    def reset(self, S: np.ndarray) -> None:
        """Continue from ``S`` (the best schedules so far are kept; a better feasible one is noted)."""
        self.S[:, :] = S
        self._evaluate()
        st = self.state
        hard, soft = st[kernel.ST_HARD], st[kernel.ST_SOFT]
        if hard == 0 and (st[kernel.ST_BEST_SOFT] < 0 or soft < st[kernel.ST_BEST_SOFT]):
            st[kernel.ST_BEST_SOFT] = soft
            self.best_S[:, :] = self.S

    def _running(self) -> tuple[np.ndarray, ...]:
        """The running arrays, in the order the kernel takes them after the encoded ones."""
        return (self.term_val, self.con_count, self.con_dev, self.se_dev, self.fa_dev)

    def _reweigh(self) -> None:
        e = self.enc
        hardw = int((self.con_hw * self.con_dev * e.con_hard).sum())
        hardw += int((self.se_dev * e.se_hard).sum()) + int((self.fa_dev * e.fa_hard).sum())
        self.state[kernel.ST_HARDW] = hardw

    def bump(self, step: int = 1) -> int:
        """Raise the weight of every violated hard count constraint; returns how many."""
        violated = (self.con_dev > 0) & (self.enc.con_hard > 0)
        self.con_hw[violated] += step
        self._reweigh()
        return int(violated.sum())

    @property
    def hard(self) -> int:
        return int(self.state[kernel.ST_HARD])

    @property
    def soft(self) -> int:
        return int(self.state[kernel.ST_SOFT])

    @property
    def best_soft(self) -> int | None:
        v = int(self.state[kernel.ST_BEST_SOFT])
        return None if v < 0 else v

    @property
    def best_hard(self) -> int:
        return int(self.state[kernel.ST_BEST_HARD])

    def run(self, T: float, w_soft: float, w_hard: float, iters: int, move_cdf: np.ndarray) -> None:
        kernel.anneal(  # type: ignore[call-arg]
            self.S,
            *self.enc.kernel_args(),
            *self._running(),
            self.con_hw,
            self.stamps,
            self.state,
            self.best_S,
            self.best_hard_S,
            move_cdf,
            self.enc.phased,
            T,
            w_soft,
            w_hard,
            iters,
        )


@dataclass
class AnnealOutcome:
    feasible: Games | None
    soft: int | None
    best_hard: int
    moves: int
    accepted: int
    seconds: float
    cycles: int
    least_violations: np.ndarray  # the schedule with the fewest hard deviations seen (S array)
    trace: list[tuple[float, int, int]] = field(default_factory=list)  # (t, hard, soft) of bests


def anneal(
    enc: Encoded,
    start: np.ndarray,
    seconds: float,
    *,
    seed: int = 0,
    feasibility: bool = False,
    t_start: float | None = None,
    t_end: float | None = None,
    w_hard: float = 50.0,
    cycle_seconds: float = 30.0,
    chunk: int = 20_000,
    bump: int = 0,
    oscillate: float = 0.0,
    move_weights: tuple[float, ...] = MOVE_WEIGHTS,
    on_feasible: Callable[[Games, int], None] | None = None,
    stop: threading.Event | None = None,
) -> AnnealOutcome:
    """Anneal from ``start`` for ``seconds`` (see the module docstring)."""
    t0 = time.perf_counter()
    ttsa.seed_rng(seed)
    st = State(enc, start)
    cdf = np.cumsum(np.array(move_weights, dtype=np.float64))
    cdf /= cdf[-1]
    w_soft = 0.0 if feasibility else 1.0
    wh = 1.0 if feasibility else w_hard
    hi = t_start if t_start is not None else (2.0 if feasibility else _start_temperature(enc))
    lo = t_end if t_end is not None else hi / 200.0
    trace: list[tuple[float, int, int]] = []
    best_seen = (st.best_hard, st.best_soft if st.best_soft is not None else 1 << 60)
    cycles = 0
    cycle_t0 = time.perf_counter()
    cycle_best = best_seen
    while True:
        now = time.perf_counter()
        if now - t0 >= seconds:
            break
        if feasibility and st.best_hard == 0:
            if stop is not None:
                stop.set()  # the other chains of a feasibility search can stop
            break
        if stop is not None and stop.is_set():
            break
        frac = min(1.0, (now - cycle_t0) / max(1e-3, min(cycle_seconds, seconds)))
        T = hi * (lo / hi) ** frac
        st.run(T, w_soft, wh, chunk, cdf)
        if feasibility and bump and st.hard > 0:
            st.bump(bump)
        if oscillate and not feasibility:
            # strategic oscillation: heavier hard rules while infeasible, lighter while feasible
            wh = min(w_hard * 100, wh * (1 + oscillate)) if st.hard > 0 else max(1.0, wh / (1 + oscillate))
        key = (st.best_hard, st.best_soft if st.best_soft is not None else 1 << 60)
        if key < best_seen:
            best_seen = key
            trace.append((round(time.perf_counter() - t0, 2), key[0], st.best_soft or 0))
            if on_feasible is not None and st.best_soft is not None:
                on_feasible(S_to_games(st.best_S), st.best_soft)
        if frac >= 1.0:
            cycles += 1
            if best_seen >= cycle_best:
                # no progress in this cycle: reheat from the best schedule
                st.reset(st.best_S if st.best_soft is not None and not feasibility else st.best_hard_S)
            cycle_best = best_seen
            cycle_t0 = time.perf_counter()
    return AnnealOutcome(
        feasible=S_to_games(st.best_S) if st.best_soft is not None else None,
        soft=st.best_soft,
        best_hard=st.best_hard,
        moves=int(st.state[kernel.ST_TRIED]),
        accepted=int(st.state[kernel.ST_ACCEPTED]),
        seconds=time.perf_counter() - t0,
        cycles=cycles,
        least_violations=st.best_hard_S.copy(),
        trace=trace,
    )


def _start_temperature(enc: Encoded) -> float:
    """A start temperature on the scale of the soft weights (median soft weight x 2)."""
    weights = [int(w) for w, h in zip(enc.con_w, enc.con_hard, strict=True) if not h]
    weights += [int(w) for w, h in zip(enc.se_w, enc.se_hard, strict=True) if not h]
    if not weights:
        return 1.0
    return 2.0 * float(np.median(weights)) + math.ulp(1.0)
