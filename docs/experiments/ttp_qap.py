"""Session 17 probe: a TTP schedule as a timetable plus a team assignment (docs/travel.md, session 17).

A double round robin on places 0..n-1 (a timetable) travels, under the assignment ``pi`` (team
``pi[p]`` plays place ``p``'s games), ``sum F[p, q] x D[pi[p], pi[q]]`` where ``F[p, q]`` counts the
moves of all places' teams from place ``p``'s venue to place ``q``'s (from home at the start, home
at the end). So the best assignment of a timetable is a quadratic assignment problem (QAP), for
10 teams small enough to solve exactly (:func:`best_assignment`: depth-first over places with a
bound, about a second). After Lim, Rodrigues and Zhang's timetable / team-assignment split
(EJOR 2006).

    python docs/experiments/ttp_qap.py beams NL10 --width 100000 --keep 200 --seconds 240
    python docs/experiments/ttp_qap.py cross NL10 --from CIRC10,GAL10 --width 100000 --keep 200

``beams``: beams with the teams in random orders; each beam's ``--keep`` best schedules are
reassigned exactly; the best travel before and after. ``cross``: the timetables of the other
instances' beams, reassigned for this instance's distances.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _ttp import load
from numba import njit

from flextime.travel import beam, ttsa


@njit(cache=True)
def flows(S):
    """F[p, q]: moves from place p's venue to place q's over all places' tours (home at both ends)."""
    n, R = S.shape
    F = np.zeros((n, n), dtype=np.int64)
    for t in range(n):
        here = t
        for r in range(R):
            v = S[t, r]
            loc = t if v > 0 else -v - 1
            if loc != here:
                F[here, loc] += 1
            here = loc
        if here != t:
            F[here, t] += 1
    return F


@njit(cache=True)
def best_assignment(F, D, upper):
    """The least ``sum F[p, q] D[pi[p], pi[q]]`` over assignments ``pi`` below ``upper`` (and one
    assignment reaching it), by depth-first search over places 0..n-1 in order; the bound adds, for
    every unplaced place, its flows to placed places at their least possible distances
    (the cheapest free team for each)."""
    n = F.shape[0]
    S = F + F.T
    pi = np.full(n, -1, dtype=np.int64)
    used = np.zeros(n, dtype=np.bool_)
    best = upper
    best_pi = np.full(n, -1, dtype=np.int64)
    choice = np.zeros(n, dtype=np.int64)
    cost = np.zeros(n + 1, dtype=np.int64)
    depth = 0
    choice[0] = -1
    while depth >= 0:
        choice[depth] += 1
        if choice[depth] >= n:
            if depth > 0:
                used[pi[depth - 1]] = False
            depth -= 1
            continue
        t = choice[depth]
        if used[t]:
            continue
        c = cost[depth]
        for q in range(depth):
            c += S[depth, q] * D[t, pi[q]]
        if c >= best:
            continue
        # bound: every later place p at its cheapest free team given the placed ones (and t)
        used[t] = True
        pi[depth] = t
        lb = c
        for p in range(depth + 1, n):
            m = 1 << 62
            for u in range(n):
                if used[u]:
                    continue
                s = 0
                for q in range(depth + 1):
                    s += S[p, q] * D[u, pi[q]]
                if s < m:
                    m = s
            lb += m
            if lb >= best:
                break
        if lb >= best:
            used[t] = False
            continue
        if depth == n - 1:
            best = c
            best_pi[:] = pi
            used[t] = False
            continue
        cost[depth + 1] = c
        depth += 1
        choice[depth] = -1
    return best, best_pi


def reassigned(S: np.ndarray, pi: np.ndarray) -> np.ndarray:
    """The schedule in which team ``pi[p]`` plays place ``p``'s games."""
    n = S.shape[0]
    out = np.empty_like(S)
    for p in range(n):
        row = S[p]
        out[pi[p]] = np.sign(row) * (pi[np.abs(row) - 1] + 1)
    return out


def reassign_all(found: list[tuple[np.ndarray, int]], D: np.ndarray) -> tuple[int, int]:
    """(best travel as found, best after exact reassignment) over the schedules ``found``."""
    before = after = 1 << 62
    for S, _ in found:
        d, v = ttsa.schedule_cost(S, D, 3, 1)
        if v:
            continue
        before = min(before, int(d))
        F = flows(S)
        c, pi = best_assignment(F, D, min(after, int(d)) + 1)
        if pi[0] >= 0:
            X = reassigned(S, pi)
            d2, v2 = ttsa.schedule_cost(X, D, 3, 1)
            assert v2 == 0 and d2 == c, (d2, c)
            after = min(after, int(c))
        else:
            after = min(after, int(d))
    return before, after


def beams(D: np.ndarray, a: argparse.Namespace) -> None:
    rng = np.random.default_rng(a.seed)
    n = D.shape[0]
    t0 = time.perf_counter()
    overall = 1 << 62
    while time.perf_counter() - t0 < a.seconds:
        order = rng.permutation(n)
        Dk = np.ascontiguousarray(D[np.ix_(order, order)])
        found = beam.beam_search(Dk, width=a.width, seed=int(rng.integers(1 << 30)), threads=2, keep=a.keep)
        back = [(beam._relabel(S, order), d) for S, d in found]
        t1 = time.perf_counter()
        before, after = reassign_all(back, D)
        overall = min(overall, after)
        print(round(t1 - t0), before, after, f"{time.perf_counter() - t1:.1f}s", "best", overall, flush=True)


def cross(D: np.ndarray, a: argparse.Namespace) -> None:
    rng = np.random.default_rng(a.seed)
    for other in a.source.split(","):
        _, Do, _ = load(other)
        found = beam.beam_search(Do, width=a.width, seed=int(rng.integers(1 << 30)), threads=2, keep=a.keep)
        t1 = time.perf_counter()
        before, after = reassign_all(found, D)
        print(other, "timetables on", a.instance, before, "->", after, f"{time.perf_counter() - t1:.1f}s")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("probe", choices=["beams", "cross"])
    p.add_argument("instance")
    p.add_argument("--width", type=int, default=100_000)
    p.add_argument("--keep", type=int, default=200)
    p.add_argument("--seconds", type=float, default=240.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--from", dest="source", default="CIRC10,GAL10")
    a = p.parse_args()
    _, D, _ = load(a.instance)
    {"beams": beams, "cross": cross}[a.probe](D, a)


if __name__ == "__main__":
    main()
