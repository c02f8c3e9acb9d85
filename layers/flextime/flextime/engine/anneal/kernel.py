# ruff: noqa: C901  (a flat numba kernel: long branchy loops and argument lists on purpose)
"""Simulated annealing over compact double round robins with incrementally costed constraints.

The timetable is the TTSA representation (:mod:`flextime.travel.ttsa`: ``S[t, r] = +(o + 1)``
when t hosts o, ``-(o + 1)`` when it plays at o) and the moves are its five neighbourhoods (swap
homes, swap rounds, swap teams, partial swap rounds, partial swap teams), which keep ``S`` a double
round robin. For phased formats round swaps stay inside a half, and move 4 is the phased variant of
the partial team swap (:func:`_partial_swap_teams_phased`: the chain of rounds stays in one half,
then the venues of the pairs it changed are repaired in the other half), so moves 0-4 keep the
phases; move 5 is TTSA's own partial team swap, whose chain may move a meeting across the halves,
which the hard "phased" counts then charge (a way through infeasible space the caller weighs in).

A move records the cells it changed; only the terms of those cells are re-tested (each once, by a
stamp), the counts of their constraints updated and their deviations re-read; SE1 pairs of the old
and new opponents and FA2 pairs of the changed teams are recomputed. A rejected move is undone from
logs. :func:`evaluate` (a plain recount) is the reference the tests compare the running totals with.

Acceptance: ``delta = w_soft * d_soft + w_hard * d_hard_weighted`` at temperature ``T``
(Metropolis), where each hard count constraint's deviation is weighted by ``con_hw`` (the caller
raises the weights of the rules that stay violated: breakout / constraint weighting).
"""

from __future__ import annotations

import math

import numpy as np

from flextime.travel.ttsa import _apply, _opp, _record2, _swapped, njit, swap_chain

# int state: cur_hard, cur_soft, best_soft (-1: none), best_hard, best_hard_soft, tried, accepted,
# stamp, cur_hard_weighted (hard deviations times their current weights ``con_hw``)
ST_HARD, ST_SOFT, ST_BEST_SOFT, ST_BEST_HARD, ST_BEST_HARD_SOFT = 0, 1, 2, 3, 4
ST_TRIED, ST_ACCEPTED, ST_STAMP, ST_HARDW = 5, 6, 7, 8
STATE_I = 9


@njit(cache=True, nogil=True)
def _partial_swap_teams_phased(S, a, b, c, half, ct, cr, inset, where, rounds, homes):
    """Partial swap teams inside the half of round ``c``: teams ``a`` and ``b`` exchange their games
    (venue included) in ``c`` and in every round of that half the exchange forces (``a``'s new
    opponent in ``c`` was met elsewhere in the half: exchange there too, until ``a`` gets back the
    opponent it gave away). Each pair still meets once per half. A pair of ``a`` or ``b`` whose two
    meetings now have the same host gets the venue of its meeting in the other half flipped, so
    every team hosts every other once. Records the changed cells (each once); 0 if nothing
    applies."""
    n = S.shape[0]
    if a == b or _opp(S[a, c]) == b:
        return 0
    lo = (c // half) * half
    other = half - lo  # first round of the other half
    # only where a and b meet everyone once in this half (a crossing move, if the caller mixes one
    # in, may have broken that): otherwise the chain is not defined
    ma = 0
    mb = 0
    for r in range(lo, lo + half):
        ma |= 1 << _opp(S[a, r])
        mb |= 1 << _opp(S[b, r])
    full = (1 << n) - 1
    if ma != full ^ (1 << a) or mb != full ^ (1 << b):
        return 0
    for r in range(lo, lo + half):
        where[_opp(S[a, r])] = r
        inset[r] = 0
    nr = swap_chain(S, a, b, c, where, False, inset, rounds)
    nc = 0
    for q in range(nr):
        nc = _swapped(S, a, b, rounds[q], ct, cr, nc)
    for t in (a, b):
        for x in range(n):
            homes[x] = 0
        for r in range(2 * half):
            if S[t, r] > 0:
                homes[S[t, r] - 1] += 1
        for r in range(other, other + half):
            x = _opp(S[t, r])
            if homes[x] != 1:
                S[t, r] = -S[t, r]
                S[x, r] = -S[x, r]
                nc = _record2(ct, cr, nc, t, r, x, r)
    return nc


@njit(cache=True, nogil=True)
def _term_value(S, t, s, mask, mode, brk):
    v = S[t, s]
    if brk == 0:
        if mode == 1 and v < 0:
            return 0
        if mode == 2 and v > 0:
            return 0
        o = v - 1 if v > 0 else -v - 1
        return (mask >> o) & 1
    u = S[t, s - 1]
    if (u > 0) != (v > 0):
        return 0
    if mode == 1:
        return 1 if v > 0 else 0
    if mode == 2:
        return 1 if v < 0 else 0
    return 1


@njit(cache=True, nogil=True)
def _range_dev(count, lo, hi):
    d = 0
    if count > hi:
        d += count - hi
    if count < lo:
        d += lo - count
    return d


@njit(cache=True, nogil=True)
def _se_dev(S, i, j, mn):
    s1 = -1
    s2 = -1
    for s in range(S.shape[1]):
        if _opp(S[i, s]) == j:
            if s1 < 0:
                s1 = s
            else:
                s2 = s
                break
    if s2 < 0:
        return 0  # not a pair that meets twice (the encoder makes none)
    between = s2 - s1 - 1
    return mn - between if between < mn else 0


@njit(cache=True, nogil=True)
def _fa_dev(S, i, j, intp, slots):
    hi = 0
    hj = 0
    worst = 0
    for s in range(S.shape[1]):
        if S[i, s] > 0:
            hi += 1
        if S[j, s] > 0:
            hj += 1
        if slots[s]:
            d = hi - hj if hi >= hj else hj - hi
            if d > worst:
                worst = d
    return worst - intp if worst > intp else 0


@njit(cache=True)
def evaluate(
    S,
    con_lo,
    con_hi,
    con_w,
    con_hard,
    term_t,
    term_s,
    term_mask,
    term_mode,
    term_brk,
    term_ptr,
    term_cons,
    cell_ptr,
    cell_terms,
    se_i,
    se_j,
    se_min,
    se_w,
    se_hard,
    pair_ptr,
    pair_se,
    fa_i,
    fa_j,
    fa_intp,
    fa_w,
    fa_hard,
    fa_slots,
    team_ptr,
    team_fa,
    term_val,
    con_count,
    con_dev,
    se_dev,
    fa_dev,
):
    """Recount everything for ``S`` into the state arrays; returns (hard, soft)."""
    con_count[:] = 0
    for k in range(term_t.shape[0]):
        v = _term_value(S, term_t[k], term_s[k], term_mask[k], term_mode[k], term_brk[k])
        term_val[k] = v
        for p in range(term_ptr[k], term_ptr[k + 1]):
            con_count[term_cons[p]] += v
    hard = 0
    soft = 0
    for c in range(con_lo.shape[0]):
        d = _range_dev(con_count[c], con_lo[c], con_hi[c])
        con_dev[c] = d
        if con_hard[c]:
            hard += d
        else:
            soft += d * con_w[c]
    for e in range(se_i.shape[0]):
        d = _se_dev(S, se_i[e], se_j[e], se_min[e])
        se_dev[e] = d
        if se_hard[e]:
            hard += d
        else:
            soft += d * se_w[e]
    for e in range(fa_i.shape[0]):
        d = _fa_dev(S, fa_i[e], fa_j[e], fa_intp[e], fa_slots[e])
        fa_dev[e] = d
        if fa_hard[e]:
            hard += d
        else:
            soft += d * fa_w[e]
    return hard, soft


@njit(cache=True, nogil=True)
def anneal(
    S,
    con_lo,
    con_hi,
    con_w,
    con_hard,
    term_t,
    term_s,
    term_mask,
    term_mode,
    term_brk,
    term_ptr,
    term_cons,
    cell_ptr,
    cell_terms,
    se_i,
    se_j,
    se_min,
    se_w,
    se_hard,
    pair_ptr,
    pair_se,
    fa_i,
    fa_j,
    fa_intp,
    fa_w,
    fa_hard,
    fa_slots,
    team_ptr,
    team_fa,
    term_val,
    con_count,
    con_dev,
    se_dev,
    fa_dev,
    con_hw,
    stamps,
    state,
    best_S,
    best_hard_S,
    move_cdf,
    phased,
    T,
    w_soft,
    w_hard,
    iters,
):
    """``iters`` moves at temperature ``T``; the state arrays must hold :func:`evaluate`'s values
    for ``S``. ``stamps``: int64 work array of length ``n_terms + n_cons + n_se + n_fa + n``.
    Keeps the best feasible schedule (hard 0, least soft) in ``best_S`` and the least-hard one in
    ``best_hard_S``."""
    n = S.shape[0]
    R = S.shape[1]
    half = R // 2
    n_terms = term_t.shape[0]
    n_con = con_lo.shape[0]
    n_se = se_i.shape[0]
    n_fa = fa_i.shape[0]
    o_con = n_terms
    o_se = o_con + n_con
    o_fa = o_se + n_se
    o_team = o_fa + n_fa
    old = S.copy()
    ct = np.empty(4 * n * R, dtype=np.int64)
    cr = np.empty(4 * n * R, dtype=np.int64)
    inset = np.zeros(max(n, R), dtype=np.int8)
    stack = np.empty(2 * n + 1, dtype=np.int64)
    homes = np.empty(n, dtype=np.int64)
    rounds = np.empty(R, dtype=np.int64)
    log_term = np.empty(max(1, n_terms), dtype=np.int64)
    log_con = np.empty(max(1, n_con), dtype=np.int64)
    log_con_dev = np.empty(max(1, n_con), dtype=np.int64)
    log_se = np.empty(max(1, n_se), dtype=np.int64)
    log_se_dev = np.empty(max(1, n_se), dtype=np.int64)
    log_fa = np.empty(max(1, n_fa), dtype=np.int64)
    log_fa_dev = np.empty(max(1, n_fa), dtype=np.int64)
    n_moves = move_cdf.shape[0]
    hard = state[ST_HARD]
    hardw = state[ST_HARDW]
    soft = state[ST_SOFT]
    stamp = state[ST_STAMP]
    for _ in range(iters):
        r = np.random.random()
        move = 0
        while move < n_moves - 1 and r > move_cdf[move]:
            move += 1
        a = np.random.randint(0, n)
        b = np.random.randint(0, n)
        c = np.random.randint(0, R)
        if move == 1:
            a = np.random.randint(0, R)
            b = np.random.randint(0, R)
            if phased:
                b = (a // half) * half + np.random.randint(0, half)
        elif move == 3:
            b = np.random.randint(0, R)
            if phased:
                c = (b // half) * half + np.random.randint(0, half)
        if phased and move == 4:
            nc = _partial_swap_teams_phased(S, a, b, c, half, ct, cr, inset, stack, rounds, homes)
        elif move == 5:  # TTSA's partial team swap (phased: its chain may cross the halves)
            nc = _apply(S, 4, a, b, c, ct, cr, inset, stack, rounds)
        else:
            nc = _apply(S, move, a, b, c, ct, cr, inset, stack, rounds)
        if nc == 0:
            continue
        state[ST_TRIED] += 1
        stamp += 1
        nt = 0
        ncon = 0
        d_hard = 0
        d_hardw = 0
        d_soft = 0
        # count terms of the changed cells
        for q in range(nc):
            t = ct[q]
            s = cr[q]
            cell = t * R + s
            for p in range(cell_ptr[cell], cell_ptr[cell + 1]):
                k = cell_terms[p]
                if stamps[k] == stamp:
                    continue
                stamps[k] = stamp
                v = _term_value(S, term_t[k], term_s[k], term_mask[k], term_mode[k], term_brk[k])
                if v != term_val[k]:
                    log_term[nt] = k
                    nt += 1
                    term_val[k] = v
                    for pc in range(term_ptr[k], term_ptr[k + 1]):
                        cc = term_cons[pc]
                        con_count[cc] += 2 * v - 1
                        if stamps[o_con + cc] != stamp:
                            stamps[o_con + cc] = stamp
                            log_con[ncon] = cc
                            log_con_dev[ncon] = con_dev[cc]
                            ncon += 1
        for q in range(ncon):
            cc = log_con[q]
            d = _range_dev(con_count[cc], con_lo[cc], con_hi[cc])
            if d != con_dev[cc]:
                if con_hard[cc]:
                    d_hard += d - con_dev[cc]
                    d_hardw += (d - con_dev[cc]) * con_hw[cc]
                else:
                    d_soft += (d - con_dev[cc]) * con_w[cc]
                con_dev[cc] = d
        # SE1 pairs of the old and new opponents of the changed cells
        nse = 0
        if n_se > 0:
            for q in range(nc):
                t = ct[q]
                s = cr[q]
                if _opp(old[t, s]) == _opp(S[t, s]):
                    continue  # same meeting, only home and away swapped: no slot moved
                for o in (_opp(old[t, s]), _opp(S[t, s])):
                    pp = t * n + o
                    for p in range(pair_ptr[pp], pair_ptr[pp + 1]):
                        e = pair_se[p]
                        if stamps[o_se + e] == stamp:
                            continue
                        stamps[o_se + e] = stamp
                        d = _se_dev(S, se_i[e], se_j[e], se_min[e])
                        if d != se_dev[e]:
                            log_se[nse] = e
                            log_se_dev[nse] = se_dev[e]
                            nse += 1
                            if se_hard[e]:
                                d_hard += d - se_dev[e]
                                d_hardw += d - se_dev[e]
                            else:
                                d_soft += (d - se_dev[e]) * se_w[e]
                            se_dev[e] = d
        # FA2 pairs of the changed teams
        nfa = 0
        if n_fa > 0:
            for q in range(nc):
                t = ct[q]
                if stamps[o_team + t] == stamp or (old[t, cr[q]] > 0) == (S[t, cr[q]] > 0):
                    continue  # home games up to each slot only change where home/away changed
                stamps[o_team + t] = stamp
                for p in range(team_ptr[t], team_ptr[t + 1]):
                    e = team_fa[p]
                    if stamps[o_fa + e] == stamp:
                        continue
                    stamps[o_fa + e] = stamp
                    d = _fa_dev(S, fa_i[e], fa_j[e], fa_intp[e], fa_slots[e])
                    if d != fa_dev[e]:
                        log_fa[nfa] = e
                        log_fa_dev[nfa] = fa_dev[e]
                        nfa += 1
                        if fa_hard[e]:
                            d_hard += d - fa_dev[e]
                            d_hardw += d - fa_dev[e]
                        else:
                            d_soft += (d - fa_dev[e]) * fa_w[e]
                        fa_dev[e] = d
        delta = w_soft * d_soft + w_hard * d_hardw
        if delta <= 0 or (T > 0 and np.random.random() < math.exp(-delta / T)):
            state[ST_ACCEPTED] += 1
            hard += d_hard
            hardw += d_hardw
            soft += d_soft
            for q in range(nc):
                old[ct[q], cr[q]] = S[ct[q], cr[q]]
            if hard == 0 and (state[ST_BEST_SOFT] < 0 or soft < state[ST_BEST_SOFT]):
                state[ST_BEST_SOFT] = soft
                best_S[:, :] = S
            if hard < state[ST_BEST_HARD] or (
                hard == state[ST_BEST_HARD] and soft < state[ST_BEST_HARD_SOFT]
            ):
                state[ST_BEST_HARD] = hard
                state[ST_BEST_HARD_SOFT] = soft
                best_hard_S[:, :] = S
        else:
            for q in range(nc):
                S[ct[q], cr[q]] = old[ct[q], cr[q]]
            for q in range(nt):
                k = log_term[q]
                v = term_val[k]
                for pc in range(term_ptr[k], term_ptr[k + 1]):
                    con_count[term_cons[pc]] -= 2 * v - 1
                term_val[k] = 1 - v
            for q in range(ncon):
                con_dev[log_con[q]] = log_con_dev[q]
            for q in range(nse):
                se_dev[log_se[q]] = log_se_dev[q]
            for q in range(nfa):
                fa_dev[log_fa[q]] = log_fa_dev[q]
    state[ST_HARD] = hard
    state[ST_HARDW] = hardw
    state[ST_SOFT] = soft
    state[ST_STAMP] = stamp
