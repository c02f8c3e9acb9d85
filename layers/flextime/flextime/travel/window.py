# ruff: noqa: C901  (flat numba kernels: long branchy loops on purpose)
"""Rebuild a window of rounds of a TTP schedule with a beam guided by exact per-team bounds.

The rounds before ``a`` and from ``b`` on stay as they are, so every team plays the same games in
the window, only in another order: each team's games are its games of rounds ``a..b-1`` (a game
is named by the round it had, so both teams of a game name it alike). :func:`window_bounds`
solves every team's own part exactly by dynamic programming over (games played, last game, streak):
the least travel from where the team is before the window, through its remaining games, to where
it plays its first game after the window (home after the last round), with the streak rule
across both borders and no repeaters there. The beam (:func:`window_rebuild`) places the games
round by round like :func:`~flextime.travel.beam.beam_search`, ranking a node by the travel so far
plus those bounds; the bounds are exact for each team alone, and small (``2**(b-a)`` masks), so
they are computed afresh for every window. This is the middle-of-the-season move of
:func:`~flextime.travel.beam.beam_lns` (a prefix rebuild cannot reach it: the global bounds know
nothing of a fixed end).
"""

from __future__ import annotations

import time

import numpy as np

from flextime.travel import ttsa
from flextime.travel.beam import INF, _best_distinct, njit

__all__ = ["MAX_WINDOW", "window_bounds", "window_rebuild"]

MAX_WINDOW = 12  # rounds: the bounds take n * 2**L * (L + 1) * (2 k + 1) int32 (16 teams: 44 MB)


def _borders(S: np.ndarray, a: int, b: int, K: int) -> np.ndarray:
    """Per team, what the window must fit: (place before, streak before (> 0 away, < 0 home, 0
    none), opponent before (-1 none), place after, home and away games leading the rest (the
    streak the window's end must leave room for), opponent after (-1 none))."""
    n, rounds = S.shape
    out = np.zeros((n, 7), dtype=np.int64)
    for t in range(n):
        row = S[t]
        loc_in, s_in, opp_in = t, 0, -1
        if a > 0:
            g = row[a - 1]
            loc_in = t if g > 0 else -g - 1
            opp_in = abs(g) - 1
            home = g > 0
            k = a - 1
            while k >= 0 and (row[k] > 0) == home:
                k -= 1
            s_in = -(a - 1 - k) if home else a - 1 - k
        loc_out, lead_h, lead_a, opp_out = t, 0, 0, -1
        if b < rounds:
            g = row[b]
            loc_out = t if g > 0 else -g - 1
            opp_out = abs(g) - 1
            k = b
            while k < rounds and (row[k] > 0) == (g > 0):
                k += 1
            if g > 0:
                lead_h = k - b
            else:
                lead_a = k - b
        out[t] = (loc_in, s_in, opp_in, loc_out, lead_h, lead_a, opp_out)
    return out


@njit(cache=True, nogil=True)
def _seed(seed):
    np.random.seed(seed)


@njit(cache=True, nogil=True)
def _select(cf, nc, width):
    """Indices of the ``width`` best of the first ``nc`` children's ranks ``cf`` (all when there
    are no more): threshold by partition, then fill up with the ties."""
    if nc <= width:
        return np.arange(nc)
    thr = np.partition(cf[:nc], width - 1)[width - 1]
    order = np.empty(width, dtype=np.int64)
    q = 0
    for c in range(nc):
        if cf[c] < thr:
            order[q] = c
            q += 1
    for c in range(nc):
        if q == width:
            break
        if cf[c] == thr:
            order[q] = c
            q += 1
    return order


@njit(cache=True, nogil=True)
def _window_bound(D, t, K, no_repeat, opp, home, border, W):
    """Fill ``W[mask, g, s]`` for team ``t``: the least travel from having played the window
    games in ``mask`` with game ``g`` last (``g == L``: none yet, the team is where it was before
    the window) and streak ``s + K`` (``s`` > 0 away, < 0 home) to the end of the window and on to
    its first place after it. INF where the streak rule or a repeater cannot be avoided."""
    L = opp.shape[0]
    full = (1 << L) - 1
    for mask in range(full, -1, -1):
        for g in range(L + 1):
            if g < L and not (mask >> g) & 1:
                for s in range(2 * K + 1):
                    W[mask, g, s] = INF
                continue
            if g == L and mask != 0:
                for s in range(2 * K + 1):
                    W[mask, g, s] = INF
                continue
            loc = border[0] if g == L else (t if home[g] else opp[g])
            last = border[2] if g == L else opp[g]
            for si in range(2 * K + 1):
                s = si - K
                if mask == full:
                    ok = True
                    if s < 0 and border[4] > 0 and -s + border[4] > K:
                        ok = False
                    if s > 0 and border[5] > 0 and s + border[5] > K:
                        ok = False
                    if no_repeat and last >= 0 and last == border[6]:
                        ok = False
                    W[mask, g, si] = D[loc, border[3]] if ok else INF
                    continue
                best = INF
                for q in range(L):
                    if (mask >> q) & 1:
                        continue
                    if no_repeat and opp[q] == last:
                        continue
                    ns = (-1 if s >= 0 else s - 1) if home[q] else (1 if s <= 0 else s + 1)
                    if ns > K or ns < -K:
                        continue
                    v = W[mask | (1 << q), q, ns + K]
                    if v >= INF:
                        continue
                    v += D[loc, t if home[q] else opp[q]]
                    if v < best:
                        best = v
                W[mask, g, si] = best


def window_bounds(D: np.ndarray, S: np.ndarray, a: int, b: int, max_streak: int = 3, no_repeat: bool = True):
    """Every team's exact least travel over the window ``a..b-1`` of ``S`` (kernel encoding) from
    any state (see :func:`_window_bound`): shape ``(n, 2**L, L + 1, 2 max_streak + 1)``; with the
    games' opponents and venues (``n x L`` each) and the borders (:func:`_borders`)."""
    D = np.ascontiguousarray(D, dtype=np.int64)
    n = D.shape[0]
    L = b - a
    opp = np.ascontiguousarray(np.abs(S[:, a:b]) - 1, dtype=np.int64)
    home = np.ascontiguousarray(S[:, a:b] > 0)
    border = _borders(S, a, b, max_streak)
    W = np.empty((n, 1 << L, L + 1, 2 * max_streak + 1), dtype=np.int32)
    for t in range(n):
        _window_bound(D, t, max_streak, int(no_repeat), opp[t], home[t], border[t], W[t])
    return W, opp, home, border


# a node: one row of int64 (games played, last game, streak per team; then the teams already
# playing in the round, and the value: travel so far + bounds)


@njit(cache=True, nogil=True)
def _window_root(W, K, n, L, border):
    node = np.zeros((1, 3 * n + 2), dtype=np.int64)
    for t in range(n):
        node[0, n + t] = L
        node[0, 2 * n + t] = border[t, 1]
        node[0, 3 * n + 1] += W[t, 0, L, border[t, 1] + K]
    return node


@njit(cache=True, nogil=True)
def _window_level(D, W, K, no_repeat, opp, home, border, nodes, end_round, width, noise):
    """One level: every node's lowest-numbered team not yet playing in the round plays one of its
    window games still to play (its opponent free in the round); the ``width`` best children
    survive. Returns (children, parent index, (team, game))."""
    n = D.shape[0]
    L = opp.shape[1]
    size = nodes.shape[0]
    cmax = size * L
    cb = np.empty(cmax, dtype=np.int32)
    cg = np.empty(cmax, dtype=np.int8)
    cf = np.empty(cmax, dtype=np.float64)
    cfi = np.empty(cmax, dtype=np.int64)
    nc = 0
    for b in range(size):
        nd = nodes[b]
        busy = nd[3 * n]
        i = 0
        while (busy >> i) & 1:
            i += 1
        gi = nd[n + i]
        li = border[i, 0] if gi == L else (i if home[i, gi] else opp[i, gi])
        lasti = border[i, 2] if gi == L else opp[i, gi]
        si = nd[2 * n + i]
        for g in range(L):
            if (nd[i] >> g) & 1:
                continue
            j = opp[i, g]
            if (busy >> j) & 1:
                continue
            if no_repeat and lasti == j:
                continue
            gj = nd[n + j]
            if no_repeat and (border[j, 2] if gj == L else opp[j, gj]) == i:
                continue
            sj = nd[2 * n + j]
            hi = home[i, g]
            nsi = (-1 if si >= 0 else si - 1) if hi else (1 if si <= 0 else si + 1)
            nsj = (1 if sj <= 0 else sj + 1) if hi else (-1 if sj >= 0 else sj - 1)
            if nsi > K or nsi < -K or nsj > K or nsj < -K:
                continue
            vi = W[i, nd[i] | (1 << g), g, nsi + K]
            vj = W[j, nd[j] | (1 << g), g, nsj + K]
            if vi >= INF or vj >= INF:
                continue
            lj = border[j, 0] if gj == L else (j if home[j, gj] else opp[j, gj])
            venue = i if hi else j
            value = (
                nd[3 * n + 1]
                - W[i, nd[i], gi, si + K]
                - W[j, nd[j], gj, sj + K]
                + vi
                + vj
                + D[li, venue]
                + D[lj, venue]
            )
            cb[nc] = b
            cg[nc] = g
            cfi[nc] = value
            cf[nc] = value + noise * np.random.random()
            nc += 1
    order = _select(cf, nc, width)
    keep = order.shape[0]
    out = np.empty((keep, 3 * n + 2), dtype=np.int64)
    par = np.empty(keep, dtype=np.int32)
    dec = np.empty((keep, 2), dtype=np.int8)
    for q in range(keep):
        c = order[q]
        b = cb[c]
        g = cg[c]
        nd = nodes[b]
        busy = nd[3 * n]
        i = 0
        while (busy >> i) & 1:
            i += 1
        j = opp[i, g]
        hi = home[i, g]
        o = out[q]
        o[:] = nd
        o[i] |= 1 << g
        o[j] |= 1 << g
        o[n + i] = g
        o[n + j] = g
        si = nd[2 * n + i]
        sj = nd[2 * n + j]
        o[2 * n + i] = (-1 if si >= 0 else si - 1) if hi else (1 if si <= 0 else si + 1)
        o[2 * n + j] = (1 if sj <= 0 else sj + 1) if hi else (-1 if sj >= 0 else sj - 1)
        o[3 * n] = 0 if end_round else (busy | (1 << i) | (1 << j))
        o[3 * n + 1] = cfi[c]
        par[q] = b
        dec[q, 0] = i
        dec[q, 1] = g
    return out, par, dec


def window_rebuild(
    D: np.ndarray,
    S: np.ndarray,
    a: int,
    b: int,
    *,
    width: int,
    max_streak: int = 3,
    no_repeat: bool = True,
    noise: float = 0.5,
    seed: int = 1,
    keep: int = 1,
    deadline: float | None = None,
    min_width: int = 64,
) -> list[tuple[np.ndarray, int]]:
    """Rebuild rounds ``a..b-1`` of schedule ``S`` (kernel encoding, ``n x 2(n-1)``) with one beam
    of at most ``width`` nodes (with ``deadline``, a ``time.perf_counter()`` value, the width is
    re-set after every round so that it ends by then, as :func:`~flextime.travel.beam.beam_search`
    does). Returns up to ``keep`` distinct whole schedules (best first) with their travel, each
    checked by the kernel's recount (the original may be among them); empty when every node died.
    """
    D = np.ascontiguousarray(D, dtype=np.int64)
    S = np.ascontiguousarray(S, dtype=np.int64)
    n, rounds = S.shape
    L = b - a
    if not (0 <= a < b <= rounds) or L > MAX_WINDOW:
        raise ValueError(f"window {a}..{b} of {rounds} rounds: at most {MAX_WINDOW} rounds inside the season")
    K = int(max_streak)
    W, opp, home, border = window_bounds(D, S, a, b, K, no_repeat)
    _seed(int(seed))
    nodes = _window_root(W, K, n, L, border)
    if nodes[0, 3 * n + 1] >= INF:
        return []
    width = max(1, int(width))
    floor = min(width, max(1, int(min_width)))
    now = min(width, max(floor, 2000)) if deadline is not None else width
    per_round = n // 2
    trail: list[tuple[np.ndarray, np.ndarray]] = []
    for r in range(L):
        t0 = time.perf_counter()
        for k in range(per_round):
            nodes, par, dec = _window_level(
                D, W, K, int(no_repeat), opp, home, border, nodes, k == per_round - 1, now, float(noise)
            )
            trail.append((par, dec))
            if nodes.shape[0] == 0:
                return []
        if deadline is not None and r < L - 1:
            per_unit = (time.perf_counter() - t0) / max(1, nodes.shape[0])
            left = deadline - time.perf_counter()
            now = int(min(width, max(floor, left / (L - 1 - r) / max(per_unit, 1e-9))))
    values = nodes[:, 3 * n + 1]
    out: list[tuple[np.ndarray, int]] = []
    order = np.argsort(values, kind="stable")
    ranked = ((_decode_window(S, a, trail, int(q), per_round), int(values[q])) for q in order)
    for Y, _ in _best_distinct(ranked, keep):
        d, v = ttsa.schedule_cost(Y, D, K, int(no_repeat))
        if v == 0:
            out.append((Y, int(d)))
    return out


def _decode_window(
    S: np.ndarray, a: int, trail: list[tuple[np.ndarray, np.ndarray]], q: int, per_round: int
) -> np.ndarray:
    """The schedule of final node ``q``: ``S`` with the window's games in the rounds the beam
    chose (following the back pointers)."""
    Y = S.copy()
    for lev in range(len(trail) - 1, -1, -1):
        par, dec = trail[lev]
        r = a + lev // per_round
        i, g = int(dec[q, 0]), int(dec[q, 1])
        j = abs(int(S[i, a + g])) - 1
        Y[i, r] = S[i, a + g]
        Y[j, r] = S[j, a + g]
        q = int(par[q])
    return Y
