"""Racing annealers for the TTP: successive halving over annealer lineages.

The annealer's end result depends mostly on the basin its first seconds fall into (NL16 at 120 s:
283k-294k over seeds), and a lineage that leads early usually still leads later. So instead of one
long anneal the time is spent as a race: stage 0 starts ``2**(h-1) x workers`` lineages from random
schedules (or from the given schedule, each with its own seed), every later stage keeps the better
half and continues each survivor from its best schedule, and the last stage runs ``workers``
lineages. Across the stages every lineage follows one geometric cooling from ``t_start`` to
``t_end`` (units of :func:`~flextime.travel.ttp_search.initial_temperature`), and within a stage
it goes back to its best schedule every ``wave_s`` seconds (waves, after Van Hentenryck and
Vergados' population-based annealing). Lineages of a stage run ``workers`` at a time in threads
(the compiled kernel releases the GIL).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from flextime.travel import ttsa
from flextime.travel.ttp_search import (
    DEFAULT_MOVE_WEIGHTS,
    Board,
    ProgressFn,
    TTPRun,
    anneal_lineage,
    initial_temperature,
    kernel_weights,
    warm_up,
)

__all__ = ["RACE_TEMPERATURES", "Stage", "race_stages", "race_ttp"]

# a lineage's cooling from random schedules: from, to (units of initial_temperature)
RACE_TEMPERATURES = (1.0, 0.4)
# share of the wall time per stage when there are 4 stages (fewer stages use the last ones)
STAGE_SHARES = (0.2, 0.2, 0.25, 0.35)


@dataclass(frozen=True)
class Stage:
    lineages: int
    seconds: float  # per lineage


def race_stages(time_limit_s: float, workers: int = 1, max_stages: int = 4) -> list[Stage]:
    """The race for ``time_limit_s`` seconds of wall time on ``workers`` threads: up to four stages
    (one more for every doubling of the time above 4 s), lineages halving from stage to stage down
    to ``workers``; a stage of ``k`` lineages takes ``k / workers`` rounds of ``seconds``."""
    workers = max(1, int(workers))
    h = 1
    while h < min(max_stages, len(STAGE_SHARES)) and time_limit_s >= 4.0 * 2**h:
        h += 1
    shares = STAGE_SHARES[len(STAGE_SHARES) - h :]
    total = sum(shares)
    stages = []
    for i, share in enumerate(shares):
        lineages = workers * 2 ** (h - 1 - i)
        stages.append(Stage(lineages=lineages, seconds=time_limit_s * share / total * workers / lineages))
    return stages


def race_ttp(
    D: np.ndarray,
    *,
    time_limit_s: float,
    seed: int = 1,
    initial: np.ndarray | None = None,
    starts: list[np.ndarray] | None = None,
    max_streak: int = 3,
    no_repeat: bool = True,
    workers: int = 1,
    t_start: float = RACE_TEMPERATURES[0],
    t_end: float = RACE_TEMPERATURES[1],
    wave_s: float = 8.0,
    move_weights: tuple[float, ...] = DEFAULT_MOVE_WEIGHTS,
    weight: float = 1.0,
    chunk: int = 50_000,
    on_progress: ProgressFn | None = None,
) -> TTPRun:
    """Successive-halving race of annealer lineages on distance matrix ``D`` (see the module
    docstring). Same result record as :func:`~flextime.travel.ttp_search.solve_ttp`; ``restarts``
    counts the lineages started."""
    D = np.ascontiguousarray(D, dtype=np.int64)
    n = D.shape[0]
    workers = max(1, int(workers))
    stages = race_stages(time_limit_s, workers)
    ttsa.seed_rng(seed)
    lineages = stages[0].lineages
    if starts:  # given schedules (the beam's): round robin over the stage-0 lineages
        given = [np.array(s, dtype=np.int64) for s in starts]
        first = [given[k % len(given)] for k in range(lineages)]
    elif initial is not None:
        first = [np.array(initial, dtype=np.int64) for _ in range(lineages)]
    else:
        first = [ttsa.random_schedule(n) for _ in range(lineages)]
    # the temperature unit: median over a few start schedules (one sample is noisy); random ones
    # when the starts are built schedules (from a good schedule worsening moves are coarser)
    probe = [ttsa.random_schedule(n) for _ in range(3)] if starts else first[:3]
    unit = float(
        np.median([initial_temperature(s, D, max_streak, no_repeat, seed + k) for k, s in enumerate(probe)])
    )
    w0, cdf = kernel_weights(D, move_weights, weight)
    # compile (or load the numba cache) before the clock starts
    warm_up(D, first[0], max_streak, no_repeat, cdf, w0)
    board = Board(on_progress=on_progress)
    lineage_total = sum(s.seconds for s in stages) or 1.0
    # a lineage: (schedule to continue from, its best distance or None, id)
    pop: list[tuple[np.ndarray, int | None, int]] = [(s, None, k) for k, s in enumerate(first)]
    iterations = 0
    done = 0.0  # lineage seconds behind every survivor
    for si, stage in enumerate(stages):
        pop = sorted(pop, key=lambda p: (p[1] is None, p[1] or 0, p[2]))[: stage.lineages]
        ratio = t_end / t_start
        t_from = t_start * ratio ** (done / lineage_total)
        t_to = t_start * ratio ** ((done + stage.seconds) / lineage_total)
        deadline = board.start + time_limit_s

        def run(
            p: tuple[np.ndarray, int | None, int],
            si: int = si,
            t_from: float = t_from,
            t_to: float = t_to,
            seconds: float = stage.seconds,
            deadline: float = deadline,
        ):
            S, d, k = p
            left = min(seconds, deadline - time.perf_counter())
            if left <= 0:
                return (S, d, k), 0
            best, dist, moves = anneal_lineage(
                D,
                S,
                seconds=left,
                unit=unit,
                t_from=t_from,
                t_to=t_to,
                wave_s=wave_s,
                seed=seed * 7919 + 131 * si + k,
                max_streak=max_streak,
                no_repeat=no_repeat,
                cdf=cdf,
                w0=w0,
                chunk=chunk,
                sink=board.offer,
            )
            if best is None or dist is None or (d is not None and dist >= d):
                return (S, d, k), moves
            return (best, dist, k), moves

        with ThreadPoolExecutor(max_workers=workers) as ex:
            results = list(ex.map(run, pop))
        pop = [r[0] for r in results]
        iterations += sum(r[1] for r in results)
        done += stage.seconds
    found = board.best is not None and board.distance is not None
    return TTPRun(
        S=board.best if found else None,
        distance=board.distance if found else None,
        iterations=iterations,
        time_to_best_s=board.history[-1][0] if board.history else None,
        history=board.history,
        restarts=stages[0].lineages,
    )
