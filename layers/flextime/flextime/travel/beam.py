# ruff: noqa: C901  (flat numba kernels: long branchy loops on purpose)
"""Beam search for the TTP: build the schedule game by game, guided by exact per-team bounds.

After Frohner, Neumann and Raidl, "A beam search approach to the traveling tournament problem"
(EvoCOP 2020). The schedule is built round by round; within a round the lowest-numbered team not
yet playing picks its opponent and venue (a *level* of the search is one game, so a double round
robin of ``n`` teams has ``n (n - 1)`` levels). A node is ranked by the travel so far plus, for
every team, the least travel it still needs on its own: :func:`team_bounds` solves that exactly by
dynamic programming over (teams still to visit, home games left, where the team is, its home/away
streak), with the streak rule and the trip home at the end. A child whose team cannot finish on
its own (infinite bound) is dropped; the ``width`` best children of a level are kept (ties broken
at random). A level makes two passes over its parents (:func:`_next_level`): the first counts the
children's values in a histogram, which gives the threshold; the second writes the children below
it and a uniform choice of those on it. So no list of all children is ever held (18 per node on
10 teams), and threads can share the parents. Repeaters are checked when a game is placed (the
bound ignores them: still a lower bound).

Annealing moves one schedule through the space; the beam builds whole schedules whose every team
travels close to its own optimum, which is where the circular (CIRC) instances' best schedules
are (the annealer stalls 8-15 % above them). :func:`beam_ttp` runs beams whose width is re-set
after every round so that they end by the deadline (more beams, with new seeds, while a quarter
of the time is left), then rebuilds parts of the best schedule with more beams
(:func:`beam_lns`, the last :data:`LNS_SHARE` of its time), and returns the best distinct
schedules; the ``beam`` search of
:func:`~flextime.travel.improve.improve_travel` then races annealers from them
(:mod:`flextime.travel.race`).

Memory: the bounds hold ``n * 2**(n-1) * n * n * (2 k + 1)`` int32 (n = 16, k = 3: 3.8 GB), so the
beam is used up to :data:`MAX_TEAMS` teams; a beam holds :func:`node_bytes` a unit of width (two levels
of nodes and 12 bytes a round of back pointers: 736 bytes on 10 teams, 1,168 on 16).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from flextime.travel import ttsa

try:  # pragma: no cover - exercised where numba is installed
    from numba import njit
except ImportError:  # pragma: no cover

    def njit(*args, **kwargs):  # type: ignore[no-redef]
        def wrap(f):
            return f

        return wrap(args[0]) if args and callable(args[0]) else wrap


__all__ = [
    "MAX_TEAMS",
    "BeamRun",
    "available_memory",
    "beam_search",
    "beam_ttp",
    "bounds_bytes",
    "bounds_fit",
    "node_bytes",
    "pin_games",
    "team_bounds",
    "warm_up",
]

INF = 1 << 29
T = TypeVar("T")
MAX_TEAMS = 16  # the bounds of 18 teams would take 64 GB
RELABEL_BYTES = 1 << 30  # beams after the first relabel the teams when their bounds fit in this
MIN_WIDTH = 64  # a beam narrower than this dies too often (and is over in no time anyway)
# The bounds see every team alone, so a narrow beam can end with only dead nodes (8 random teams
# at width 64: 0-20 % of seeds; at 256: none of 60). beam_ttp then runs more beams, each at least
# twice as wide, up to this many after its deadline.
RETRIES = 4
LNS_SHARE = 0.2  # of beam_ttp's time, for rebuilding parts of the best schedules (beam_lns)
LNS_STEP = 1 / 30  # of that time, for one rebuild
PIN_MOVES = True  # a share of beam_lns's rebuilds pin games (else they keep a prefix or suffix)
# a third of beam_lns's rebuilds reorder a window of rounds (travel.window); off: the beams'
# schedules were already optimal in every window of up to 12 rounds (docs/travel.md, session 12)
WINDOW_MOVES = False
LNS_TEMPERATURE = 0.002  # of the current travel: an increase of that much is kept with p = 1/e
LNS_PATIENCE = 50  # steps without a new best, then back to the best


def bounds_bytes(n: int, max_streak: int = 3) -> int:
    """Bytes of :func:`team_bounds` for ``n`` teams."""
    return 4 * n * 2 ** (n - 1) * n * n * (2 * max_streak + 1)


@njit(cache=True, nogil=True)
def _team_bound(D, t, K, V):
    """Fill ``V[mask, h, loc, s]`` for team ``t``: the least travel to finish when the other teams
    in ``mask`` (relative bits: team ``k`` is bit ``k`` below ``t`` and ``k - 1`` above) are still
    to be visited, ``h`` home games remain, the team is at ``loc`` (0..n-2: the other teams in
    relative order, n-1: home) with streak state ``s`` (0..K-1: away 1..K, K..2K-1: home 1..K,
    2K: no game yet). INF where it cannot finish within the streak rule."""
    n = D.shape[0]
    m = n - 1
    NS = 2 * K + 1
    other = np.empty(m, dtype=np.int64)
    for k in range(m):
        other[k] = k if k < t else k + 1
    for mask in range(1 << m):
        for h in range(n):
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
                    if s < K and loc == m:  # away streak but at home
                        continue
                    if K <= s < 2 * K and loc != m:  # home streak but away
                        continue
                    best = INF
                    if h > 0:  # a home game next
                        ns = K if (s < K or s == 2 * K) else s + 1
                        if ns < 2 * K:
                            v = V[mask, h - 1, m, ns]
                            if v < INF and D[a, t] + v < best:
                                best = D[a, t] + v
                    if s >= K or s < K - 1:  # an away game next
                        ns = 0 if s >= K else s + 1
                        for k in range(m):
                            if (mask >> k) & 1:
                                v = V[mask ^ (1 << k), h, k, ns]
                                if v < INF and D[a, other[k]] + v < best:
                                    best = D[a, other[k]] + v
                    V[mask, h, loc, s] = best


def bounds_fit(D: np.ndarray) -> bool:
    """Whether one team's travel on ``D`` (at most ``2 n - 1`` legs) stays below the bounds'
    infinity (``2**29``: about 17 million per leg for 16 teams)."""
    return int(np.max(D)) * (2 * D.shape[0] - 1) < INF


def team_bounds(D: np.ndarray, max_streak: int = 3) -> np.ndarray:
    """Per team, the exact least travel to finish its own schedule from any state (see
    :func:`_team_bound`); shape ``(n, 2**(n-1), n, n, 2 max_streak + 1)``. The sum over teams of
    the start states is the independent lower bound of the instance. Raises ValueError when a
    team's travel could reach the int32 bounds' infinity (:func:`bounds_fit`)."""
    D = np.ascontiguousarray(D, dtype=np.int64)
    n = D.shape[0]
    if not bounds_fit(D):
        raise ValueError(f"distances up to {int(D.max())} are too large for the beam's bounds (int32)")
    V = np.empty((n, 1 << (n - 1), n, n, 2 * max_streak + 1), dtype=np.int32)
    for t in range(n):
        _team_bound(D, t, max_streak, V[t])
    return V


# A node is one row of integers (int32 while the travel fits, else int64) in blocks of n columns:
# the teams each team still has to visit (bit mask), its home games left, where it is, its streak
# (> 0 away, < 0 home, 0 no game yet), its last opponent and its own bound; then the teams already
# playing in the round, the value (travel so far + the bounds), the node's ancestor at the end of
# the previous round, and the round's games so far (5 bits each, opponent x 2 + 1 when the deciding
# team hosts; four to a column, two columns). Only these last two columns are kept per round (the
# back pointers), so a beam keeps about ``2 (6 n + 5)`` node words and ``12 x rounds`` bytes a node.
HIST = 1 << 16  # buckets of a level's histogram of children's values (the last one: all above)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_ODD = np.uint64(0xD1B54A32D192ED03)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def node_columns(n: int) -> int:
    """Columns of a beam node of ``n`` teams."""
    return 6 * n + 5


def _node_dtype(D: np.ndarray) -> type[np.signedinteger]:
    """int32 while no schedule on ``D`` can travel 2**30 (so no value overflows), else int64."""
    n = D.shape[0]
    return np.int32 if int(np.max(D)) * n * 2 * n * 2 < (1 << 30) else np.int64


def node_bytes(n: int, itemsize: int = 4) -> int:
    """Bytes a beam of ``n`` teams holds per unit of width: two levels of nodes and the back
    pointers of every round."""
    return 2 * itemsize * node_columns(n) + 12 * 2 * (n - 1)


@njit(cache=True, nogil=True)
def _unit(salt, b, c):
    """A uniform number in [0, 1) from ``salt`` and the child (parent ``b``, ``c``-th option):
    the same in both passes of a level and in any thread (splitmix64)."""
    z = np.uint64(salt) ^ (np.uint64(b) * _GOLDEN) ^ (np.uint64(c) * _ODD)
    z ^= z >> np.uint64(30)
    z *= _MIX1
    z ^= z >> np.uint64(27)
    z *= _MIX2
    z ^= z >> np.uint64(31)
    return np.float64(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True, nogil=True)
def _bound(V, t, K, mask_abs, h, loc, s):
    """Bound of team ``t`` in absolute terms: ``mask_abs`` bits are team numbers, ``loc`` a team
    (``t``: home), ``s`` > 0 away streak, < 0 home streak, 0 no game yet."""
    n = V.shape[2]
    rel = (mask_abs & ((1 << t) - 1)) | ((mask_abs >> (t + 1)) << t)
    li = n - 1 if loc == t else (loc if loc < t else loc - 1)
    si = 2 * K if s == 0 else (s - 1 if s > 0 else K - s - 1)
    return V[t, rel, h, li, si]


@njit(cache=True, nogil=True)
def _play(node, n, H, A):
    """Team ``H`` hosts ``A`` in ``node`` (in place): the teams' masks, home games left, places,
    streaks and last opponents (not the bounds, the round's columns or the value)."""
    node[n + H] -= 1
    node[A] &= ~(1 << H)
    node[2 * n + H] = H
    node[2 * n + A] = H
    node[3 * n + H] = -1 if node[3 * n + H] >= 0 else node[3 * n + H] - 1
    node[3 * n + A] = 1 if node[3 * n + A] <= 0 else node[3 * n + A] + 1
    node[4 * n + H] = A
    node[4 * n + A] = H


@njit(cache=True, nogil=True)
def _level_pass(
    D, V, K, no_repeat, nodes, lo, hi, pin, pinned_at, noise, salt, base, shift,
    hist, emit, thr, quota, ties, tie_salt, out, at, k, end_round,
):  # fmt: skip
    """One pass of a level over parents ``lo..hi``: each parent's lowest-numbered team not yet
    playing in the round gets each possible opponent and venue. Counting (``emit`` false): the
    children's values (+ ``noise`` x uniform when ``noise`` >= 1), shifted right by ``shift``
    above ``base``, go into ``hist``. Emitting: the children below bucket ``thr`` and ``quota`` of
    the ``ties`` in it (chosen uniformly) are written to ``out`` from row ``at``; returns the row
    after the last. ``k``: games already placed in the round.

    ``pin[t]``: the game team ``t`` must play in this round (kernel encoding, 0: free);
    ``pinned_at[H, A]`` >= 0: the game of ``H`` hosting ``A`` is pinned to another round (so not
    here). Both all 0 / -1 for a free beam."""
    n = D.shape[0]
    R = hist.shape[0]
    BUSY = 6 * n
    VAL = BUSY + 1
    PAR = BUSY + 2
    DEC = BUSY + 3
    q = at
    for b in range(lo, hi):
        nd = nodes[b]
        busy = nd[BUSY]
        i = 0
        while (busy >> i) & 1:
            i += 1
        mi = nd[i]
        hi_ = nd[n + i]
        li = nd[2 * n + i]
        si = nd[3 * n + i]
        ihost = INF  # team i at home next: the same bound whoever visits
        if hi_ > 0 and si > -K:
            ihost = _bound(V, i, K, mi, hi_ - 1, i, -1 if si >= 0 else si - 1)
        c = -1
        for j in range(n):
            if j == i or (busy >> j) & 1:
                continue
            if no_repeat and nd[4 * n + i] == j:
                continue
            if pin[i] != 0 and abs(pin[i]) != j + 1:
                continue
            if pin[i] == 0 and pin[j] != 0:
                continue
            mj = nd[j]
            hj = nd[n + j]
            lj = nd[2 * n + j]
            sj = nd[3 * n + j]
            for home in range(2):
                c += 1
                if pin[i] != 0 and (pin[i] > 0) != (home == 1):
                    continue
                if home == 1:
                    H = i
                    A = j
                    if pin[i] == 0 and pinned_at[i, j] >= 0:
                        continue
                    if not (mj >> i) & 1 or ihost >= INF or sj >= K:
                        continue
                    vH = ihost
                    vA = _bound(V, j, K, mj & ~(1 << i), hj, i, 1 if sj <= 0 else sj + 1)
                    leg = D[li, i] + D[lj, i]
                else:
                    H = j
                    A = i
                    if pin[i] == 0 and pinned_at[j, i] >= 0:
                        continue
                    if not (mi >> j) & 1 or hj == 0 or sj <= -K or si >= K:
                        continue
                    vH = _bound(V, j, K, mj, hj - 1, j, -1 if sj >= 0 else sj - 1)
                    vA = _bound(V, i, K, mi & ~(1 << j), hi_, j, 1 if si <= 0 else si + 1)
                    leg = D[lj, j] + D[li, j]
                if vH >= INF or vA >= INF:
                    continue
                value = nd[VAL] - nd[5 * n + H] - nd[5 * n + A] + vH + vA + leg
                key = value
                if noise >= 1.0:
                    key += int(noise * _unit(salt, b, c))
                bucket = (key - base) >> shift
                if bucket >= R - 1:
                    bucket = R - 1
                elif bucket < 0:  # (not with consistent bounds: a child is worth its parent at least)
                    bucket = 0
                if not emit:
                    hist[bucket] += 1
                    continue
                if bucket > thr:
                    continue
                if bucket == thr:
                    if quota == 0:
                        continue
                    take = _unit(tie_salt, b, c) * ties < quota
                    ties -= 1
                    if not take:
                        continue
                    quota -= 1
                o = out[q]
                q += 1
                o[:] = nd
                _play(o, n, H, A)
                o[5 * n + H] = vH
                o[5 * n + A] = vA
                o[BUSY] = 0 if end_round else (busy | (1 << i) | (1 << j))
                o[VAL] = value
                code = 2 * j + home
                if k == 0:
                    o[PAR] = b
                    o[DEC] = code
                    o[DEC + 1] = 0
                elif k < 4:
                    o[DEC] = nd[DEC] | (code << (5 * k))
                else:
                    o[DEC + 1] = nd[DEC + 1] | (code << (5 * (k - 4)))
    return q


def _chunks(size: int, threads: int) -> list[tuple[int, int]]:
    parts = max(1, min(threads, size // 2048))  # small levels in one piece
    cuts = np.linspace(0, size, parts + 1).astype(np.int64)
    return [(int(cuts[p]), int(cuts[p + 1])) for p in range(parts)]


def _next_level(
    D, V, K, no_repeat, nodes, width, pin, pinned_at, noise, rng, shift, k, end_round, pool, threads,
    cap=None,
):  # fmt: skip
    """The ``width`` best children of ``nodes`` (ties at random): a counting pass builds the
    histogram of their values, a second pass writes those below the threshold and a uniform
    choice of the ties; no list of all children is kept. Parents are split among ``threads``.
    With ``cap``, children worth ``cap`` or more are dropped as well (with ``shift`` 0 and no
    noise: exactly; else up to a bucket)."""
    size = nodes.shape[0]
    n = D.shape[0]
    base = int(nodes[:, 6 * n + 1].min())
    parts = _chunks(size, threads)
    hist = np.zeros((len(parts), HIST), dtype=np.int64)
    salt, tie_salt = (int(x) for x in rng.integers(1, 1 << 62, size=2))
    empty = np.empty((0, nodes.shape[1]), dtype=nodes.dtype)

    def count(p: int) -> int:
        lo, hi = parts[p]
        return _level_pass(
            D, V, K, no_repeat, nodes, lo, hi, pin, pinned_at, noise, salt, base, shift,
            hist[p], False, 0, 0, 0, tie_salt, empty, 0, k, end_round,
        )  # fmt: skip

    _each(count, list(range(len(parts))), pool)
    total = hist.sum(axis=0)
    cum = np.cumsum(total)
    if cap is not None:
        below = ((int(cap) - base) >> shift) - 1  # the last bucket wholly below the cap
        width = min(width, 0 if below < 0 else int(cum[min(below, HIST - 2)]))
        if width == 0:
            return np.empty((0, nodes.shape[1]), dtype=nodes.dtype)
    if cum[-1] <= width:  # every child survives
        thr, quotas, ties = HIST, np.zeros(len(parts), dtype=np.int64), np.zeros(len(parts), dtype=np.int64)
        counts = hist.sum(axis=1)
    else:
        thr = int(np.searchsorted(cum, width))  # the first bucket that reaches the width
        need = width - (int(cum[thr - 1]) if thr else 0)
        ties = hist[:, thr].copy()
        quotas = rng.multivariate_hypergeometric(ties, need) if len(parts) > 1 else np.array([need])
        counts = hist[:, :thr].sum(axis=1) + quotas
    starts = np.concatenate([[0], np.cumsum(counts)])
    out = np.empty((int(starts[-1]), nodes.shape[1]), dtype=nodes.dtype)

    def write(p: int) -> int:
        lo, hi = parts[p]
        return _level_pass(
            D, V, K, no_repeat, nodes, lo, hi, pin, pinned_at, noise, salt, base, shift,
            hist[p], True, thr, int(quotas[p]), int(ties[p]), tie_salt, out, int(starts[p]), k, end_round,
        )  # fmt: skip

    ends = _each(write, list(range(len(parts))), pool)
    if ends != [int(x) for x in starts[1:]]:  # pragma: no cover - a bug, not an input
        raise RuntimeError("the two passes of a beam level disagree")
    return out


def _decode(
    n: int, trail: list[tuple[np.ndarray, np.ndarray]], q: int, prefix: np.ndarray | None = None
) -> np.ndarray:
    """The schedule of final node ``q``, following the rounds' back pointers, in the kernel's
    encoding (after the rounds of ``prefix``, if any)."""
    S = np.zeros((n, 2 * (n - 1)), dtype=np.int64)
    r0 = 0
    if prefix is not None:
        r0 = prefix.shape[1]
        S[:, :r0] = prefix
    for idx in range(len(trail) - 1, -1, -1):
        par, games = trail[idx]
        word = int(games[q])
        busy = 0
        for k in range(n // 2):
            i = 0
            while (busy >> i) & 1:
                i += 1
            code = (word >> (5 * k if k < 4 else 20 + 5 * (k - 4))) & 31
            j, home = code >> 1, code & 1
            H, A = (i, j) if home else (j, i)
            S[H, r0 + idx] = A + 1
            S[A, r0 + idx] = -(H + 1)
            busy |= (1 << i) | (1 << j)
        q = int(par[q])
    return S


def beam_search(
    D: np.ndarray,
    *,
    width: int,
    max_streak: int = 3,
    no_repeat: bool = True,
    noise: float = 0.5,
    seed: int = 1,
    bounds: np.ndarray | None = None,
    keep: int = 1,
    deadline: float | None = None,
    first_width: int = 2000,
    min_width: int = MIN_WIDTH,
    prefix: np.ndarray | None = None,
    pinned: np.ndarray | None = None,
    threads: int = 1,
) -> list[tuple[np.ndarray, int]]:
    """One beam on distance matrix ``D``: up to ``keep`` complete schedules (best first,
    distinct) with their travel; empty when every node died. Children of equal value are chosen
    at random; ``noise`` >= 1 (distance units) adds that much times a uniform number to the
    ranking.

    With ``deadline`` (a ``time.perf_counter()`` value) the width is chosen per round so that the
    beam ends by then (the first round runs at ``first_width``; then ``width`` is the most and
    ``min_width`` the least, even when the deadline has passed). ``threads`` share each level's
    parents (the kernels release the GIL).

    With ``prefix`` (the first rounds of a schedule, kernel encoding, ``n x r0``) the beam starts
    after them and builds the other rounds only (see :func:`_start_node`). With ``pinned`` (``n x
    rounds``, kernel encoding, 0 where free) the pinned games are played where they are pinned and
    the beam chooses the rest."""
    D = np.ascontiguousarray(D, dtype=np.int64)
    n = D.shape[0]
    if n % 2 or n < 4:
        raise ValueError(f"the beam needs an even number of teams (at least 4), not {n}")
    V = team_bounds(D, max_streak) if bounds is None else bounds
    run = _beam(
        D, V, width=width, max_streak=max_streak, no_repeat=no_repeat, noise=noise, seed=seed,
        deadline=deadline, first_width=first_width, min_width=min_width, prefix=prefix, pinned=pinned,
        threads=threads, until=2 * (n - 1),
    )  # fmt: skip
    if run is None:
        return []
    nodes, trail = run
    values = nodes[:, 6 * n + 1]
    ranked = ((_decode(n, trail, int(q), prefix), int(values[q])) for q in np.argsort(values, kind="stable"))
    return _best_distinct(ranked, keep)


def _beam(
    D: np.ndarray,
    V: np.ndarray,
    *,
    width: int,
    max_streak: int,
    no_repeat: bool,
    noise: float,
    seed: int,
    deadline: float | None,
    first_width: int,
    min_width: int,
    prefix: np.ndarray | None,
    pinned: np.ndarray | None,
    threads: int,
    until: int,
) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]] | None:
    """:func:`beam_search`'s beam up to the end of round ``until``: the last level's nodes and
    the rounds' back pointers, or None when every node died."""
    n = D.shape[0]
    rng = np.random.default_rng(int(seed))
    per_round = n // 2
    rounds = 2 * (n - 1)
    width = max(1, int(width))
    floor = min(width, max(1, int(min_width)))
    now = min(width, max(floor, int(first_width))) if deadline is not None else width
    r0 = 0 if prefix is None else int(prefix.shape[1])
    nodes = _start_node(D, V, max_streak, prefix)
    if nodes.shape[0] == 0:
        return None
    shift = max(0, int(D.max()).bit_length() - 12)  # ranking in buckets of 2**shift distance units
    pins = np.zeros((n, rounds), dtype=np.int64) if pinned is None else np.asarray(pinned, dtype=np.int64)
    pinned_at = np.full((n, n), -1, dtype=np.int64)
    for t, r in zip(*np.nonzero(pins > 0), strict=True):
        pinned_at[t, pins[t, r] - 1] = r
    threads = max(1, int(threads))
    pool = ThreadPoolExecutor(max_workers=threads) if threads > 1 else None
    trail: list[tuple[np.ndarray, np.ndarray]] = []
    col = 6 * n + 2
    try:
        for r in range(r0, until):
            t0 = time.perf_counter()
            pin = np.ascontiguousarray(pins[:, r])
            for k in range(per_round):
                nodes = _next_level(
                    D, V, max_streak, int(no_repeat), nodes, now, pin, pinned_at, float(noise), rng, shift,
                    k, k == per_round - 1, pool, threads,
                )  # fmt: skip
                if nodes.shape[0] == 0:
                    return None
            games = nodes[:, col + 1].astype(np.int64) | (nodes[:, col + 2].astype(np.int64) << 20)
            trail.append((nodes[:, col].astype(np.int32), games))
            if deadline is not None and r < until - 1:  # the width the rest of the time allows
                per_unit = (time.perf_counter() - t0) / max(1, nodes.shape[0])
                left = deadline - time.perf_counter()
                now = int(min(width, max(floor, left / (until - 1 - r) / max(per_unit, 1e-9))))
    finally:
        if pool is not None:
            pool.shutdown()
    return nodes, trail


def _start_node(D: np.ndarray, V: np.ndarray, K: int, prefix: np.ndarray | None) -> np.ndarray:
    """The root node (one row), or the node after the rounds of ``prefix`` (travel so far + every
    team's bound); no row when a team cannot finish from there (or the prefix breaks a rule).
    int32 while no schedule's travel can reach 2**30, else int64."""
    n = D.shape[0]
    dtype = _node_dtype(D)
    none: np.ndarray = np.empty((0, node_columns(n)), dtype=dtype)
    node = np.zeros(node_columns(n), dtype=np.int64)
    games = np.zeros((n, 0), dtype=np.int64) if prefix is None else prefix
    full = (1 << n) - 1
    for t in range(n):
        node[t] = full & ~(1 << t)
        node[n + t] = n - 1
        node[2 * n + t] = t
        node[4 * n + t] = -1
    travel = 0
    for r in range(games.shape[1]):
        for H in range(n):
            if games[H, r] <= 0:
                continue
            A = int(games[H, r]) - 1
            if not (node[A] >> H) & 1 or node[n + H] == 0:
                return none
            travel += int(D[node[2 * n + H], H] + D[node[2 * n + A], H])
            _play(node, n, H, A)
            if node[3 * n + H] < -K or node[3 * n + A] > K:
                return none
    value = travel
    for t in range(n):
        b = int(_bound(V, t, K, node[t], node[n + t], node[2 * n + t], node[3 * n + t]))
        if b >= INF:
            return none
        node[5 * n + t] = b
        value += b
    node[6 * n + 1] = value
    return node[None, :].astype(dtype)


def pin_games(S: np.ndarray, hosts: np.ndarray) -> np.ndarray:
    """:func:`beam_search`'s ``pinned`` for the games of ``S`` (kernel encoding) whose host's cell
    is true in ``hosts`` (both teams' cells of each such game set, every other cell 0)."""
    pinned = np.zeros_like(S)
    rows, cols = np.nonzero(hosts & (S > 0))
    pinned[rows, cols] = S[rows, cols]
    pinned[S[rows, cols] - 1, cols] = -(rows + 1)
    return pinned


def _best_distinct(ranked: Iterable[tuple[np.ndarray, int]], keep: int) -> list[tuple[np.ndarray, int]]:
    """The first ``keep`` distinct schedules of ``ranked`` (best first)."""
    out: list[tuple[np.ndarray, int]] = []
    seen: set[bytes] = set()
    for S, d in ranked:
        if S.tobytes() not in seen:
            seen.add(S.tobytes())
            out.append((S, d))
            if len(out) >= keep:
                break
    return out


def beam_lns(
    D: np.ndarray,
    V: np.ndarray,
    S: np.ndarray,
    distance: int,
    *,
    deadline: float,
    width: int,
    step_s: float,
    max_streak: int = 3,
    no_repeat: bool = True,
    seed: int = 1,
    temperature: float | None = None,
    patience: int | None = None,
) -> tuple[np.ndarray, int, list[tuple[float, int]]]:
    """Large-neighbourhood search with beams until ``deadline``: each step frees part of the
    current schedule and lets a beam of at most ``width`` nodes (ending within ``step_s``) rebuild
    it. Half the steps keep the first ``k`` rounds (``k`` at random), the others pin a random
    30-80 % of the games where they are (:func:`beam_search`'s ``pinned``); with
    :data:`WINDOW_MOVES`, a third of the steps instead reorder the games of a window of 4-12 rounds
    (:func:`~flextime.travel.window.window_rebuild`) and a third each keep a prefix or pin. With
    a symmetric ``D`` the schedule played backwards travels as much, so half of the steps work on
    it backwards (a prefix becomes a suffix).

    The beam's best schedule other than the current one replaces it when it travels no more, or
    with probability ``exp(-increase / (temperature x travel))`` (annealing on the rebuilds: the
    greedy version stalls on NL10's 59,583); after ``patience`` steps without a new best, the
    search goes back to the best. Returns the best schedule, its travel and when
    (``time.perf_counter()``) it got better."""
    from flextime.travel.window import MAX_WINDOW, window_rebuild  # (window imports this module)

    D = np.ascontiguousarray(D, dtype=np.int64)
    n = D.shape[0]
    rounds = 2 * (n - 1)
    temperature = LNS_TEMPERATURE if temperature is None else float(temperature)
    patience = LNS_PATIENCE if patience is None else int(patience)
    symmetric = bool((D == D.T).all())
    rng = np.random.default_rng(seed)
    best, best_d = S, distance
    gains: list[tuple[float, int]] = []
    idle = 0
    while time.perf_counter() + 0.5 * step_s < deadline:
        back = symmetric and rng.random() < 0.5
        X = S[:, ::-1] if back else S
        prefix = pinned = None
        move = rng.random()
        step_end = min(deadline, time.perf_counter() + step_s)
        if WINDOW_MOVES and move < 1 / 3:  # reorder the games of a window of rounds
            length = int(rng.integers(4, min(MAX_WINDOW, rounds - 1) + 1))
            a = int(rng.integers(0, rounds - length + 1))
            found = window_rebuild(
                D,
                X,
                a,
                a + length,
                width=width,
                max_streak=max_streak,
                no_repeat=no_repeat,
                seed=int(rng.integers(1 << 30)),
                keep=2,
                deadline=step_end,
            )
        else:
            if PIN_MOVES and (move < 2 / 3 if WINDOW_MOVES else move < 0.5):  # pin a part of the games
                pinned = pin_games(X, (X > 0) & (rng.random(X.shape) < rng.uniform(0.3, 0.8)))
            else:
                prefix = np.ascontiguousarray(X[:, : int(rng.integers(1, rounds - 2))])
            found = beam_search(
                D,
                width=width,
                max_streak=max_streak,
                no_repeat=no_repeat,
                seed=int(rng.integers(1 << 30)),
                bounds=V,
                keep=2,
                deadline=step_end,
                prefix=prefix,
                pinned=pinned,
            )
        other = [(Y, d) for Y, d in found if not np.array_equal(Y, X)]
        idle += 1
        if other:
            Y, d = other[0]
            Y = np.ascontiguousarray(Y[:, ::-1]) if back else Y
            worse = d - distance
            if worse <= 0 or (temperature > 0 and rng.random() < np.exp(-worse / (temperature * distance))):
                S, distance = Y, d
            if d < best_d:
                best, best_d, idle = Y, d, 0
                gains.append((time.perf_counter(), d))
        if idle >= patience:
            S, distance, idle = best, best_d, 0
    return best, best_d, gains


def available_memory() -> int:
    """Bytes of memory available now (Linux ``MemAvailable``; else the physical memory)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    try:  # pragma: no cover
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, OSError, ValueError):  # pragma: no cover
        return 2 << 30


def _relabel(S: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``S`` of teams numbered by ``order`` (team ``i`` is team ``order[i]``) in the original
    numbers."""
    out = np.empty_like(S)
    signs = np.sign(S)
    out[order, :] = signs * (order[np.abs(S) - 1] + 1)
    return out


def warm_up() -> None:
    """Compile the kernels (or load numba's cache) before a clock starts: a beam on 4 teams (and,
    with :data:`WINDOW_MOVES`, a window rebuild of its schedule)."""
    D = np.array([[0, 1, 2, 1], [1, 0, 1, 2], [2, 1, 0, 1], [1, 2, 1, 0]], dtype=np.int64)
    found = beam_search(D, width=4)
    if WINDOW_MOVES and found:
        from flextime.travel.window import window_rebuild

        window_rebuild(D, found[0][0], 1, 5, width=4)


@dataclass
class BeamRun:
    schedules: list[tuple[np.ndarray, int]]  # best first
    bounds_s: float = 0.0
    lower_bound: int = 0  # sum of the teams' own optima (independent lower bound)
    seconds: float = 0.0
    beams: int = 0
    history: list[tuple[float, int]] = field(default_factory=list)


def _each(fn: Callable[[int], T], ks: list[int], pool: ThreadPoolExecutor | None = None) -> list[T]:
    """``fn`` of every ``k``: in this thread for one, else one thread each (the kernels release
    the GIL), on ``pool`` when given (else a pool of their own)."""
    if len(ks) == 1:
        return [fn(ks[0])]
    if pool is not None:
        return list(pool.map(fn, ks))
    with ThreadPoolExecutor(max_workers=len(ks)) as ex:
        return list(ex.map(fn, ks))


def beam_ttp(
    D: np.ndarray,
    *,
    time_limit_s: float,
    max_streak: int = 3,
    no_repeat: bool = True,
    seed: int = 1,
    workers: int = 1,
    keep: int = 8,
    max_width: int = 5_000_000,
    max_memory_bytes: int | None = None,
    lns_share: float | None = None,
) -> BeamRun | None:
    """Beams that end by ``(1 - lns_share) x time_limit_s``, one per worker thread (own seeds),
    each as wide as the time allows (and ``max_width``, and the memory: :func:`node_bytes` a
    node, 25 % spare); more beams with new seeds while at least a quarter of that time is left; then, until
    ``time_limit_s``, one :func:`beam_lns` per worker from the best distinct schedules (a beam that
    dies is retried wider, see :data:`RETRIES`). Returns the ``keep`` best
    distinct schedules, or None when the instance is too large for the bounds (more than
    :data:`MAX_TEAMS` teams or ``max_memory_bytes``, by default half the memory available: a
    2 GB Lambda declines 16 teams), or without numba (the Lambda layer has none: the race runs)."""
    n = D.shape[0]
    if not ttsa.HAVE_NUMBA:  # the bounds of 16 teams would take hours in plain Python
        return None
    if max_memory_bytes is None:
        max_memory_bytes = available_memory() // 2
    if n > MAX_TEAMS or n % 2 or n < 4 or bounds_bytes(n, max_streak) > max_memory_bytes or not bounds_fit(D):
        return None
    warm_up()
    start = time.perf_counter()
    V = team_bounds(D, max_streak)
    run = BeamRun(schedules=[], bounds_s=round(time.perf_counter() - start, 3))
    run.lower_bound = int(sum(V[t, (1 << (n - 1)) - 1, n - 1, n - 1, 2 * max_streak] for t in range(n)))
    workers = max(1, int(workers))
    # bytes a node of the beam needs: back pointers on every level, its children's ranking, the
    # node rows of two levels; 25 % spare
    per_node = int(1.25 * node_bytes(n, np.dtype(_node_dtype(np.asarray(D))).itemsize))  # 25 % spare
    room = (max_memory_bytes - bounds_bytes(n, max_streak)) // (per_node * workers)
    width = int(max(1, min(max_width, room)))
    lns_share = LNS_SHARE if lns_share is None else min(max(float(lns_share), 0.0), 0.95)
    end = start + time_limit_s
    deadline = start + time_limit_s * (1.0 - lns_share)  # the beams'; then rebuilds (beam_lns)
    floor = MIN_WIDTH  # doubled after a beam died (its nodes all dead ends: see RETRIES)

    def one(k: int) -> list[tuple[np.ndarray, int]]:
        """Beam ``k``; from the second on, where the bounds are small, on the teams in a random
        order (the beam places the lowest-numbered free team's game first, so the order shapes
        which schedules it sees), mapped back."""
        order = np.arange(n)
        Dk, Vk = D, V
        if k > 0 and bounds_bytes(n, max_streak) <= RELABEL_BYTES:
            order = np.random.default_rng(seed * 7919 + k).permutation(n)
            Dk = np.ascontiguousarray(np.asarray(D)[np.ix_(order, order)], dtype=np.int64)
            Vk = team_bounds(Dk, max_streak)
        found = beam_search(
            Dk,
            width=width,
            max_streak=max_streak,
            no_repeat=no_repeat,
            seed=seed * 7919 + k,
            bounds=Vk,
            keep=keep,
            deadline=deadline,
            min_width=floor,
        )
        return [(_relabel(S, order), d) for S, d in found]

    # beams in rounds of ``workers`` until less than a quarter of the time is left (a beam at its
    # memory cap ends early; the next ones, with new seeds, fit their width to what is left); while
    # no beam has a schedule, up to RETRIES more rounds even after the deadline, each at least
    # twice as wide as the last
    found: list[tuple[np.ndarray, int]] = []
    late = 0
    while True:
        ks = list(range(run.beams, run.beams + workers))
        parts = _each(one, ks)
        run.beams += workers
        found.extend(s for part in parts for s in part)
        best = min((d for _, d in found), default=None)
        if best is not None and (not run.history or best < run.history[-1][1]):
            run.history.append((round(time.perf_counter() - start, 3), best))
        left = deadline - time.perf_counter()
        if found:
            if left < max(1.0, 0.25 * (deadline - start)):
                break
            continue
        floor = min(width, 2 * floor)
        late += left <= 0
        if late > RETRIES:
            break
    Dc = np.ascontiguousarray(D, dtype=np.int64)
    if found and end - time.perf_counter() > 1.0:
        starts = _best_distinct(sorted(found, key=lambda x: x[1]), workers)
        step_s = max(0.2, (end - time.perf_counter()) * LNS_STEP)

        def rebuild(k: int) -> tuple[np.ndarray, int, list[tuple[float, int]]]:
            S, d = starts[k % len(starts)]
            return beam_lns(
                Dc,
                V,
                S,
                d,
                deadline=end,
                width=width,
                step_s=step_s,
                max_streak=max_streak,
                no_repeat=no_repeat,
                seed=seed * 7919 + 104729 + k,
            )

        rebuilt = _each(rebuild, list(range(workers)))
        found.extend((S, d) for S, d, _ in rebuilt)
        for t, d in sorted(g for _, _, gains in rebuilt for g in gains):
            if d < run.history[-1][1]:
                run.history.append((round(t - start, 3), d))
    for S, _ in _best_distinct(sorted(found, key=lambda x: x[1]), keep):
        # the kernel's recount (the same travel as the beam's value; a cheap guard)
        d, v = ttsa.schedule_cost(S, Dc, max_streak, int(no_repeat))
        if v == 0:
            run.schedules.append((S, int(d)))
    run.seconds = round(time.perf_counter() - start, 3)
    return run
