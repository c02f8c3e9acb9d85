"""Meet in the middle: join a beam's half schedules with the same beam's half schedules reversed.

A symmetric TTP played backwards travels as much, so a beam's nodes after round n - 1 are both
first halves (P) and, reversed, second halves (Q) of schedules. P and Q make a double round robin
when every team still has to visit exactly the teams Q's team has visited (the masks are
complements); the streak rule and the no-repeat rule are checked where they meet, and the
schedule travels P's travel + Q's travel + every team's leg from P's last place to Q's.

    python docs/experiments/ttp_meet.py NL10 --width 2000000 --threads 2 --seeds 1,2
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _ttp import load

from flextime.travel import beam, ttsa
from flextime.travel.beam import INF, njit

_FNV = np.uint64(1099511628211)
_OFF = np.uint64(1469598103934665603)


@njit(cache=True)
def _hashes(nodes, n):
    """Per node: a hash of its masks and one of the complementary masks."""
    own = np.empty(nodes.shape[0], dtype=np.uint64)
    comp = np.empty(nodes.shape[0], dtype=np.uint64)
    full = (1 << n) - 1
    for b in range(nodes.shape[0]):
        z = _OFF
        w = _OFF
        for t in range(n):
            m = nodes[b, t]
            c = (full & ~(1 << t)) & ~m
            z = (z ^ np.uint64(m)) * _FNV
            z ^= z >> np.uint64(29)
            w = (w ^ np.uint64(c)) * _FNV
            w ^= w >> np.uint64(29)
        own[b] = z
        comp[b] = w
    return own, comp


@njit(cache=True)
def _join(D, K, no_repeat, nodes, order, lo, hi, cap, top):
    """The ``top`` cheapest feasible (P, Q) pairs: P any node, Q among the first ``cap`` of the
    nodes ``order[lo[P]:hi[P]]`` (same hash as P's complement, cheapest travel first)."""
    n = D.shape[0]
    N = nodes.shape[0]
    full = (1 << n) - 1
    travel = np.empty(N, dtype=np.int64)
    for b in range(N):
        s = nodes[b, 6 * n + 1]
        for t in range(n):
            s -= nodes[b, 5 * n + t]
        travel[b] = s
    best_c = np.full(top, INF * 64, dtype=np.int64)
    best_p = np.full(top, -1, dtype=np.int64)
    best_q = np.full(top, -1, dtype=np.int64)
    pairs = 0
    for p in range(N):
        if hi[p] <= lo[p]:
            continue
        for idx in range(lo[p], min(hi[p], lo[p] + cap)):
            q = order[idx]
            ok = True
            for t in range(n):
                if nodes[q, t] != ((full & ~(1 << t)) & ~nodes[p, t]):
                    ok = False
                    break
            if not ok:
                continue
            cost = travel[p] + travel[q]
            for t in range(n):
                sp = nodes[p, 3 * n + t]
                sq = nodes[q, 3 * n + t]
                if (sp > 0 and sq > 0 and sp + sq > K) or (sp < 0 and sq < 0 and -sp - sq > K):
                    ok = False
                    break
                if no_repeat and nodes[p, 4 * n + t] == nodes[q, 4 * n + t]:
                    ok = False
                    break
                cost += D[nodes[p, 2 * n + t], nodes[q, 2 * n + t]]
            if not ok:
                continue
            pairs += 1
            if cost < best_c[top - 1]:
                k = top - 1
                while k > 0 and best_c[k - 1] > cost:
                    best_c[k] = best_c[k - 1]
                    best_p[k] = best_p[k - 1]
                    best_q[k] = best_q[k - 1]
                    k -= 1
                best_c[k] = cost
                best_p[k] = p
                best_q[k] = q
    return best_c, best_p, best_q, pairs


def meet(D, V, *, width, seed, threads, cap=256, top=16, K=3):
    n = D.shape[0]
    half = n - 1
    t0 = time.perf_counter()
    run = beam._beam(
        D, V, width=width, max_streak=K, no_repeat=True, noise=0.5, seed=seed, deadline=None,
        first_width=2000, min_width=64, prefix=None, pinned=None, threads=threads, until=half,
    )  # fmt: skip
    assert run is not None
    nodes, trail = run
    t1 = time.perf_counter()
    own, comp = _hashes(nodes, n)
    travel = nodes[:, 6 * n + 1].astype(np.int64) - nodes[:, 5 * n : 6 * n].astype(np.int64).sum(axis=1)
    order = np.lexsort((travel, own))
    sorted_own = own[order]
    lo = np.searchsorted(sorted_own, comp, side="left")
    hi = np.searchsorted(sorted_own, comp, side="right")
    classes = len(np.unique(own))
    matched = int((hi > lo).sum())
    costs, ps, qs, pairs = _join(D, K, 1, nodes, order, lo, hi, cap, top)
    t2 = time.perf_counter()
    out = []
    for c, p, q in zip(costs, ps, qs, strict=True):
        if p < 0:
            continue
        SP = beam._decode(n, trail, int(p))
        SQ = beam._decode(n, trail, int(q))
        S = np.concatenate([SP[:, :half], SQ[:, :half][:, ::-1]], axis=1)
        d, v = ttsa.schedule_cost(S, D, K, 1)
        out.append((S, int(d), int(v), int(c)))
    best = [o[1] for o in out[:5]]
    print(
        f"width {width} seed {seed}: half beam {t1 - t0:.1f} s, {nodes.shape[0]} nodes, "
        f"{classes} mask classes, {matched} with a complement, {pairs} feasible pairs, "
        f"join {t2 - t1:.1f} s; best {best} (violations {[o[2] for o in out[:5]]})",
        flush=True,
    )
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("instance")
    p.add_argument("--width", type=int, default=1_000_000)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seeds", default="1")
    p.add_argument("--cap", type=int, default=256)
    a = p.parse_args()
    _, D, _ = load(a.instance)
    V = beam.team_bounds(D)
    for seed in (int(s) for s in a.seeds.split(",")):
        meet(D, V, width=a.width, seed=seed, threads=a.threads, cap=a.cap)


if __name__ == "__main__":
    main()
