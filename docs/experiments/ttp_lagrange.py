# ruff: noqa: C901  (flat numba kernels, as in travel/beam.py)
"""Session 17 probe: the beam guided by Lagrangian bounds (docs/travel.md, session 17).

The rule "a guest at host h in round r means h is home in round r" (sum of guests - home = 0 for
every host and round) is moved into the objective with integer multipliers ``lam[h, r]``: a guest
at h in round r pays ``+lam[h, r]``, h at home in round r pays ``-lam[h, r]``. Every team's
dynamic program (``beam.team_bounds``' states; the round is the games played so far, so no state
is added) then still sums to a lower bound, and it stays one for the rest of a partial schedule
(the terms of every game cancel), with a child never worth less than its parent (the beam's
histogram relies on that). Session 11 measured the bound (NL10 56,506 -> 56,612) and dropped the
idea; this probe measures it as the beam's guidance: multipliers from subgradient steps on each
team's optimal tour, then beams with those bounds against beams with the plain ones.

    python docs/experiments/ttp_lagrange.py NL10 --steps 150 --width 1000000 --seeds 1,2
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _ttp import load
from numba import njit

from flextime.travel import beam, ttsa

INF = beam.INF


@njit(cache=True, nogil=True)
def _lagrange_bound(D, t, K, lam, V):
    """``beam._team_bound`` with the multipliers' terms: the next game is round
    ``2 m - popcount(mask) - h``."""
    n = D.shape[0]
    m = n - 1
    NS = 2 * K + 1
    other = np.empty(m, dtype=np.int64)
    for k in range(m):
        other[k] = k if k < t else k + 1
    for mask in range(1 << m):
        left = 0
        x = mask
        while x:
            left += x & 1
            x >>= 1
        for h in range(n):
            r = 2 * m - left - h
            for loc in range(n):
                a = t if loc == m else other[loc]
                for s in range(NS):
                    V[mask, h, loc, s] = INF
                if loc < m and (mask >> loc) & 1:
                    continue
                if mask == 0 and h == 0:
                    for s in range(NS):
                        V[mask, h, loc, s] = D[a, t]
                    continue
                for s in range(NS):
                    if s < K and loc == m:
                        continue
                    if K <= s < 2 * K and loc != m:
                        continue
                    best = INF
                    if h > 0:
                        ns = K if (s < K or s == 2 * K) else s + 1
                        if ns < 2 * K:
                            v = V[mask, h - 1, m, ns]
                            if v < INF and D[a, t] - lam[t, r] + v < best:
                                best = D[a, t] - lam[t, r] + v
                    if s >= K or s < K - 1:
                        ns = 0 if s >= K else s + 1
                        for k in range(m):
                            if (mask >> k) & 1:
                                v = V[mask ^ (1 << k), h, k, ns]
                                c = D[a, other[k]] + lam[other[k], r]
                                if v < INF and c + v < best:
                                    best = c + v
                    V[mask, h, loc, s] = best


@njit(cache=True, nogil=True)
def _tour(D, t, K, lam, V, guests, home):
    """Follow team ``t``'s optimal tour under ``lam``: count its visits (``guests[h, r]``) and its
    home rounds (``home[t, r]``)."""
    n = D.shape[0]
    m = n - 1
    other = np.empty(m, dtype=np.int64)
    for k in range(m):
        other[k] = k if k < t else k + 1
    mask, h, loc, s = (1 << m) - 1, m, m, 2 * K
    left = m
    while mask or h:
        r = 2 * m - left - h
        a = t if loc == m else other[loc]
        target = V[mask, h, loc, s]
        moved = False
        if h > 0:
            ns = K if (s < K or s == 2 * K) else s + 1
            if ns < 2 * K:
                v = V[mask, h - 1, m, ns]
                if v < INF and D[a, t] - lam[t, r] + v == target:
                    home[t, r] += 1
                    h, loc, s, moved = h - 1, m, ns, True
        if not moved and (s >= K or s < K - 1):
            ns = 0 if s >= K else s + 1
            for k in range(m):
                if (mask >> k) & 1:
                    v = V[mask ^ (1 << k), h, k, ns]
                    if v < INF and D[a, other[k]] + lam[other[k], r] + v == target:
                        guests[other[k], r] += 1
                        mask ^= 1 << k
                        left -= 1
                        loc, s, moved = k, ns, True
                        break
        if not moved:
            return False
    return True


def lagrange_bounds(D: np.ndarray, lam: np.ndarray, K: int = 3) -> np.ndarray:
    n = D.shape[0]
    V = np.empty((n, 1 << (n - 1), n, n, 2 * K + 1), dtype=np.int32)
    for t in range(n):
        _lagrange_bound(D, t, K, lam, V[t])
    return V


def subgradient(D: np.ndarray, steps: int, K: int = 3) -> tuple[np.ndarray, list[int]]:
    """Multipliers after ``steps`` subgradient steps (Polyak-like step from the mean distance,
    halved after 10 steps without a better bound); the best multipliers and the bounds seen."""
    n = D.shape[0]
    R = 2 * (n - 1)
    lam = np.zeros((n, R), dtype=np.int64)
    best, best_lam, idle, size = -(1 << 62), lam.copy(), 0, float(D[D > 0].mean()) / 20
    seen = []
    for _ in range(steps):
        V = lagrange_bounds(D, lam, K)
        bound = int(sum(int(V[t, (1 << (n - 1)) - 1, n - 1, n - 1, 2 * K]) for t in range(n)))
        seen.append(bound)
        if bound > best:
            best, best_lam, idle = bound, lam.copy(), 0
        else:
            idle += 1
            if idle >= 10:
                size, idle = size / 2, 0
        guests = np.zeros((n, R), dtype=np.int64)
        home = np.zeros((n, R), dtype=np.int64)
        for t in range(n):
            assert _tour(D, t, K, lam, V[t], guests, home)
        g = guests - home
        if not g.any():
            break
        lam = lam + np.rint(size * g / max(1.0, np.sqrt((g * g).sum()))).astype(np.int64)
    return best_lam, seen


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("instance")
    p.add_argument("--steps", type=int, default=150)
    p.add_argument("--width", type=int, default=1_000_000)
    p.add_argument("--seeds", default="1,2")
    a = p.parse_args()
    _, D, _ = load(a.instance)
    n = D.shape[0]
    t0 = time.perf_counter()
    lam, seen = subgradient(D, a.steps)
    print(
        f"{a.instance}: bound {seen[0]} -> {max(seen)} in {len(seen)} steps, {time.perf_counter() - t0:.0f}s"
    )
    plain, guided = beam.team_bounds(D), lagrange_bounds(D, lam)
    assert int(guided[:, (1 << (n - 1)) - 1, n - 1, n - 1, 6].sum()) == max(seen)
    for seed in (int(s) for s in a.seeds.split(",")):
        for name, V in (("plain", plain), ("lagrange", guided)):
            t1 = time.perf_counter()
            found = beam.beam_search(D, width=a.width, bounds=V, seed=seed, threads=2, keep=1)
            d, v = ttsa.schedule_cost(found[0][0], D, 3, 1) if found else (None, None)
            print(f"  seed {seed} {name}: {d} (violations {v}) {time.perf_counter() - t1:.0f}s", flush=True)


if __name__ == "__main__":
    main()
