# ruff: noqa: C901, SIM114  (a flat numba kernel: long branchy loops on purpose)
"""TTSA kernel: simulated annealing for the Traveling Tournament Problem.

After Anagnostopoulos, Michel, Van Hentenryck and Vergados, "A simulated annealing approach to the
traveling tournament problem" (J. Scheduling 2006): the five classic neighbourhoods (swap homes,
swap rounds, swap teams, partial swap rounds, partial swap teams), the TTP rules (at most
``max_streak`` consecutive home or away games, no repeaters) as a penalty with strategic
oscillation of its weight, phases, reheats and restarts from the best schedule.

Representation: ``S[t, r] = +(o + 1)`` when team ``t`` hosts ``o`` in round ``r`` and ``-(o + 1)``
when it plays at ``o``. Every move keeps ``S`` a double round robin (every ordered pair meets once,
each team plays once per round); only the streak and repeater rules can be broken, and they are
counted in ``nbv``.

Moves are evaluated by deltas: a move records the cells it changed, and only the transitions and
repeater pairs around them are re-read; streak excess comes from a per-team home bitmask (count of
all-home / all-away windows of ``max_streak + 1`` rounds). A team with most of its row changed is
re-evaluated whole. :func:`schedule_cost` (a plain recount) is the reference the tests compare with.

The inner loop is compiled with numba (``pip install flextime[travel]``); without numba the same
functions run as plain Python (correct, about 200 times slower). Time limits are handled by the
caller, which runs the kernel in chunks of iterations.
"""

from __future__ import annotations

import math

import numpy as np

try:  # pragma: no cover - exercised either way depending on the environment
    from numba import njit

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover
    HAVE_NUMBA = False

    def njit(*args, **kwargs):  # type: ignore[no-redef]
        if args and callable(args[0]):
            return args[0]
        return lambda f: f


__all__ = [
    "HAVE_NUMBA",
    "STATE_F",
    "STATE_I",
    "anneal",
    "apply_move",
    "random_schedule",
    "schedule_cost",
    "team_cost",
]

# float state: T, w, best_temp, best_feasible_dist, best_infeasible_cost, T0, beta, w0
STATE_F = 8
# int state: counter, phase, reheat, cur_dist, cur_nbv, restarts, (unused), max_c, max_p, max_r
STATE_I = 10

# a team with more changed cells than this in one move is re-evaluated whole (cheaper than deltas)
FULL_EVAL_CELLS = 4

MOVE_NAMES = ("swap_homes", "swap_rounds", "swap_teams", "partial_swap_rounds", "partial_swap_teams")


@njit(cache=True, nogil=True)
def team_cost(S, D, t, max_streak, no_repeat=1):
    """(distance, violations) of team ``t``: travel from home through its games and back; one
    violation per game beyond ``max_streak`` in a home/away run, one per repeater (counted by
    both teams)."""
    R = S.shape[1]
    here = t
    dist = 0
    viol = 0
    run = 0
    prev_home = -1
    prev_opp = -1
    for r in range(R):
        v = S[t, r]
        if v > 0:
            loc = t
            h = 1
            o = v - 1
        else:
            loc = -v - 1
            h = 0
            o = -v - 1
        dist += D[here, loc]
        here = loc
        if h == prev_home:
            run += 1
        else:
            run = 1
            prev_home = h
        if run > max_streak:
            viol += 1
        if o == prev_opp and no_repeat:
            viol += 1
        prev_opp = o
    dist += D[here, t]
    return dist, viol


@njit(cache=True)
def schedule_cost(S, D, max_streak, no_repeat=1):
    n = S.shape[0]
    dist = 0
    viol = 0
    for t in range(n):
        d, v = team_cost(S, D, t, max_streak, no_repeat)
        dist += d
        viol += v
    return dist, viol


@njit(cache=True, nogil=True)
def _fix_opponents(S, t, r):
    v = S[t, r]
    if v > 0:
        S[v - 1, r] = -(t + 1)
    else:
        S[-v - 1, r] = t + 1


@njit(cache=True)
def apply_move(S, move, a, b, c, touched):
    """Apply one move in place; marks the rows it changed in ``touched`` (int8 array, set to 1).

    move 0 swap_homes(a, b) | 1 swap_rounds(a, b) | 2 swap_teams(a, b) |
    3 partial_swap_rounds(team a, rounds b, c) | 4 partial_swap_teams(teams a, b, round c).
    Returns False (and changes nothing) when the move does not apply."""
    n = S.shape[0]
    R = S.shape[1]
    ct = np.empty(4 * n * R, dtype=np.int64)
    cr = np.empty(4 * n * R, dtype=np.int64)
    inset = np.zeros(max(n, R), dtype=np.int8)
    stack = np.empty(2 * n + 1, dtype=np.int64)
    rounds = np.empty(R, dtype=np.int64)
    nc = _apply(S, move, a, b, c, ct, cr, inset, stack, rounds)
    for k in range(nc):
        touched[ct[k]] = 1
    return nc > 0


@njit(cache=True, nogil=True)
def _opp(v):
    return v - 1 if v > 0 else -v - 1


@njit(cache=True, nogil=True)
def _record2(ct, cr, nc, t1, r1, t2, r2):
    """Record the changed cells (t1, r1) and (t2, r2) from ``nc``; returns the new count."""
    ct[nc] = t1
    cr[nc] = r1
    ct[nc + 1] = t2
    cr[nc + 1] = r2
    return nc + 2


@njit(cache=True, nogil=True)
def _swapped(S, a, b, r, ct, cr, nc):
    """After teams ``a`` and ``b`` exchanged their games of round ``r``: their new opponents' cells
    follow, and the four changed cells are recorded from ``nc``; returns the new count."""
    _fix_opponents(S, a, r)
    _fix_opponents(S, b, r)
    ct[nc] = a
    ct[nc + 1] = b
    ct[nc + 2] = _opp(S[a, r])
    ct[nc + 3] = _opp(S[b, r])
    for k in range(4):
        cr[nc + k] = r
    return nc + 4


@njit(cache=True, nogil=True)
def swap_chain(S, a, b, c, where, signed, inset, rounds):
    """The chain of partial swap teams: teams ``a`` and ``b`` exchange their games of round ``c``,
    then of the round where ``a`` already met its new opponent, and so on until ``a`` gets back the
    game it gave away. ``where`` maps what ``a`` met to the round: the signed cell value + n
    (``signed``, TTSA's double round robin) or the opponent (one half of a phased schedule);
    ``inset`` marks the rounds taken (cleared by the caller). The rounds go to ``rounds``; returns
    how many. The opponents' cells are not updated (see :func:`_swapped`)."""
    n = S.shape[0]
    nr = 0
    cur = c
    first = S[a, c] if signed else _opp(S[a, c])
    while True:
        rounds[nr] = cur
        nr += 1
        inset[cur] = 1
        tmp = S[a, cur]
        S[a, cur] = S[b, cur]
        S[b, cur] = tmp
        got = S[a, cur] if signed else _opp(S[a, cur])
        if got == first:
            break
        nxt = where[got + n] if signed else where[got]
        if nxt < 0 or inset[nxt] == 1:
            break
        cur = nxt
    return nr


@njit(cache=True, nogil=True)
def _apply(S, move, a, b, c, ct, cr, inset, stack, rounds):
    """:func:`apply_move` with caller-owned work arrays (no allocation in the annealing loop).

    Records every changed cell ``(ct[k], cr[k])`` (each once) and returns how many there are
    (0: the move does not apply and nothing changed)."""
    n = S.shape[0]
    R = S.shape[1]
    nc = 0
    if move == 0:
        if a == b:
            return 0
        for r in range(R):
            if _opp(S[a, r]) == b:
                S[a, r] = -S[a, r]
                S[b, r] = -S[b, r]
                nc = _record2(ct, cr, nc, a, r, b, r)
        return nc
    if move == 1:
        if a == b:
            return 0
        for t in range(n):
            tmp = S[t, a]
            S[t, a] = S[t, b]
            S[t, b] = tmp
            nc = _record2(ct, cr, nc, t, a, t, b)
        return nc
    if move == 2:
        if a == b:
            return 0
        for r in range(R):
            if _opp(S[a, r]) == b:
                continue
            tmp = S[a, r]
            S[a, r] = S[b, r]
            S[b, r] = tmp
            nc = _swapped(S, a, b, r, ct, cr, nc)
        return nc
    if move == 3:
        if b == c:
            return 0
        for t in range(n):
            inset[t] = 0
        top = 0
        stack[top] = a
        top += 1
        inset[a] = 1
        while top > 0:
            top -= 1
            t = stack[top]
            for r in (b, c):
                o = _opp(S[t, r])
                if inset[o] == 0:
                    inset[o] = 1
                    stack[top] = o
                    top += 1
        cnt = 0
        for t in range(n):
            if inset[t] == 1:
                cnt += 1
        if cnt == n:
            return 0  # the same as swap_rounds
        for t in range(n):
            if inset[t] == 1:
                tmp = S[t, b]
                S[t, b] = S[t, c]
                S[t, c] = tmp
                nc = _record2(ct, cr, nc, t, b, t, c)
        return nc
    if move == 4:
        if a == b:
            return 0
        if _opp(S[a, c]) == b:
            return 0
        # where team a plays each signed opponent (each appears once in a's row): the cycle of
        # rounds to swap is followed in O(1) a step (``inset`` marks rounds already in it)
        for v in range(2 * n + 1):
            stack[v] = -1
        for r in range(R):
            stack[S[a, r] + n] = r
            inset[r] = 0
        nr = swap_chain(S, a, b, c, stack, True, inset, rounds)
        for q in range(nr):
            r = rounds[q]
            nc = _swapped(S, a, b, r, ct, cr, nc)
        return nc
    return 0


@njit(cache=True, nogil=True)
def _home_mask(S, t):
    """Bit ``r`` set when team ``t`` is at home in round ``r``."""
    m = 0
    for r in range(S.shape[1]):
        if S[t, r] > 0:
            m |= 1 << r
    return m


@njit(cache=True, nogil=True)
def _streak_excess(mask, R, max_streak):
    """Games beyond ``max_streak`` in home or away runs: the number of all-home or all-away windows
    of ``max_streak + 1`` rounds (a run of length L holds L - max_streak of them)."""
    home = mask
    away = ~mask & ((1 << R) - 1)
    for k in range(1, max_streak + 1):
        home &= mask >> k
        away &= (~mask & ((1 << R) - 1)) >> k
    cnt = 0
    while home:
        home &= home - 1
        cnt += 1
    while away:
        away &= away - 1
        cnt += 1
    return cnt


@njit(cache=True, nogil=True)
def _loc(S, t, r):
    """Where team ``t`` plays in round ``r`` (its home before the first and after the last)."""
    if r < 0 or r >= S.shape[1]:
        return t
    v = S[t, r]
    return t if v > 0 else -v - 1


@njit(cache=True, nogil=True)
def _penalised(dist, nbv, w, mode=0):
    if mode & 1:
        if nbv == 0:
            return float(dist)
        f = 1.0 + math.sqrt(nbv) * math.log(nbv) / 2.0
        return math.sqrt(float(dist) * float(dist) + (w * f) * (w * f))
    return float(dist) + w * nbv


@njit(cache=True)
def seed_rng(seed):
    np.random.seed(seed)


@njit(cache=True)
def random_schedule(n):
    """A random double round robin: circle method on a random team order, random round order in
    each half, random home/away per pair (the second half mirrors the first)."""
    half = n - 1
    R = 2 * half
    S = np.zeros((n, R), dtype=np.int64)
    perm = np.random.permutation(n)
    rperm = np.random.permutation(half)
    rperm2 = np.random.permutation(half)
    flip = np.random.randint(0, 2, size=(n, n))
    for r in range(half):
        for k in range(n // 2):
            if k == 0:
                x, y = n - 1, r
            else:
                x = (r + k) % half
                y = (r - k + half) % half
            a = perm[x]
            b = perm[y]
            if flip[min(a, b), max(a, b)] == 1:
                a, b = b, a
            S[a, rperm[r]] = b + 1
            S[b, rperm[r]] = -(a + 1)
            S[b, half + rperm2[r]] = a + 1
            S[a, half + rperm2[r]] = -(b + 1)
    return S


@njit(cache=True, nogil=True)
def _team_travel(S, D, t, no_repeat):
    """(distance, repeaters) of team ``t`` in ``S``."""
    R = S.shape[1]
    d = 0
    here = t
    rep = 0
    prev = -1
    for q in range(R):
        v = S[t, q]
        if v > 0:
            loc = t
            o = v - 1
        else:
            loc = -v - 1
            o = loc
        d += D[here, loc]
        here = loc
        if no_repeat and o == prev:
            rep += 1
        prev = o
    return d + D[here, t], rep


@njit(cache=True, nogil=True)
def _team_state(S, D, max_streak, no_repeat, tdist, tstreak, trep, tmask):
    """Per team of ``S``: distance, streak excess, repeaters and home mask (filled in place)."""
    R = S.shape[1]
    for t in range(S.shape[0]):
        tdist[t], trep[t] = _team_travel(S, D, t, no_repeat)
        tmask[t] = _home_mask(S, t)
        tstreak[t] = _streak_excess(tmask[t], R, max_streak)


@njit(cache=True, nogil=True)
def anneal(S, D, max_streak, no_repeat, move_cdf, sf, si, best_S, best_inf_S, iters):
    """Run ``iters`` TTSA iterations on ``S`` (state in ``sf``/``si``, see STATE_F/STATE_I);
    ``move_cdf`` is the cumulative probability of moves 0..4.

    ``best_S`` holds the best feasible schedule (distance ``sf[3]``), ``best_inf_S`` the best
    penalised one. Returns the number of times the best feasible distance improved."""
    n = S.shape[0]
    R = S.shape[1]
    cand = S.copy()
    ct = np.empty(4 * n * R, dtype=np.int64)  # the cells a move changed
    cr = np.empty(4 * n * R, dtype=np.int64)
    inset = np.zeros(max(n, R), dtype=np.int8)
    stack = np.empty(2 * n + 1, dtype=np.int64)
    rounds = np.empty(R, dtype=np.int64)
    # per team: distance, streak excess, repeaters and home mask of S; n*: the candidate's
    tdist = np.zeros(n, dtype=np.int64)
    tstreak = np.zeros(n, dtype=np.int64)
    trep = np.zeros(n, dtype=np.int64)
    tmask = np.zeros(n, dtype=np.int64)
    ndist = np.zeros(n, dtype=np.int64)
    nrep = np.zeros(n, dtype=np.int64)
    nmask = np.zeros(n, dtype=np.int64)
    nstreak = np.zeros(n, dtype=np.int64)
    tl = np.empty(n, dtype=np.int64)  # touched teams
    ncell = np.zeros(n, dtype=np.int64)  # changed cells per touched team
    # stamps: a team, transition or repeater pair is evaluated once a move
    seen = np.zeros(n, dtype=np.int64)
    tr_seen = np.zeros((n, R + 1), dtype=np.int64)
    rp_seen = np.zeros((n, R), dtype=np.int64)
    stamp = 0
    _team_state(S, D, max_streak, no_repeat, tdist, tstreak, trep, tmask)
    T = sf[0]
    w = sf[1]
    best_temp = sf[2]
    best_feas = sf[3]
    best_inf = sf[4]
    counter = si[0]
    phase = si[1]
    reheat = si[2]
    max_c = si[7]
    max_p = si[8]
    max_r = si[9]
    mode = si[6]
    cur_dist = 0
    cur_nbv = 0
    for t in range(n):
        cur_dist += tdist[t]
        cur_nbv += tstreak[t] + trep[t]
    cur = _penalised(cur_dist, cur_nbv, w, mode)
    improvements = 0
    phase_feasible_seen = False
    phase_infeasible_seen = False
    for _ in range(iters):
        u = np.random.random()
        move = 4
        for m in range(4):
            if u < move_cdf[m]:
                move = m
                break
        if move == 0 or move == 2:
            a = np.random.randint(0, n)
            b = np.random.randint(0, n - 1)
            if b >= a:
                b += 1
            c = 0
        elif move == 1:
            a = np.random.randint(0, R)
            b = np.random.randint(0, R - 1)
            if b >= a:
                b += 1
            c = 0
        elif move == 3:
            a = np.random.randint(0, n)
            b = np.random.randint(0, R)
            c = np.random.randint(0, R - 1)
            if c >= b:
                c += 1
        else:
            a = np.random.randint(0, n)
            b = np.random.randint(0, n - 1)
            if b >= a:
                b += 1
            c = np.random.randint(0, R)
        nc = _apply(cand, move, a, b, c, ct, cr, inset, stack, rounds)
        if nc == 0:
            continue
        # delta evaluation: only the transitions and repeater pairs around changed cells; streaks
        # from the home masks
        stamp += 1
        ntouch = 0
        for k in range(nc):
            t = ct[k]
            if seen[t] != stamp:
                seen[t] = stamp
                tl[ntouch] = t
                ntouch += 1
                ncell[t] = 0
            ncell[t] += 1
        for i in range(ntouch):
            t = tl[i]
            if ncell[t] > FULL_EVAL_CELLS:  # most of the row changed: evaluate it whole
                d, rep = _team_travel(cand, D, t, no_repeat)
                ndist[t] = d
                nrep[t] = rep
                nmask[t] = _home_mask(cand, t)
            else:
                ndist[t] = tdist[t]
                nrep[t] = trep[t]
                nmask[t] = tmask[t]
        for k in range(nc):
            t = ct[k]
            if ncell[t] > FULL_EVAL_CELLS:
                continue
            p = cr[k]
            if cand[t, p] > 0:
                nmask[t] |= 1 << p
            else:
                nmask[t] &= ~(1 << p)
            for q in range(p, p + 2):
                if tr_seen[t, q] != stamp:
                    tr_seen[t, q] = stamp
                    ndist[t] += (
                        D[_loc(cand, t, q - 1), _loc(cand, t, q)] - D[_loc(S, t, q - 1), _loc(S, t, q)]
                    )
                if no_repeat and q >= 1 and q < R and rp_seen[t, q] != stamp:
                    rp_seen[t, q] = stamp
                    if _opp(cand[t, q]) == _opp(cand[t, q - 1]):
                        nrep[t] += 1
                    if _opp(S[t, q]) == _opp(S[t, q - 1]):
                        nrep[t] -= 1
        nd = cur_dist
        nv = cur_nbv
        for i in range(ntouch):
            t = tl[i]
            nstreak[t] = _streak_excess(nmask[t], R, max_streak)
            nd += ndist[t] - tdist[t]
            nv += nstreak[t] + nrep[t] - tstreak[t] - trep[t]
        new = _penalised(nd, nv, w, mode)
        accept = False
        if new < cur:
            accept = True
        elif nv == 0 and nd < best_feas:
            accept = True
        elif nv > 0 and new < best_inf:
            accept = True
        elif T > 0 and np.random.random() < math.exp(-(new - cur) / T):
            accept = True
        if accept:
            for k in range(nc):
                S[ct[k], cr[k]] = cand[ct[k], cr[k]]
            for i in range(ntouch):
                t = tl[i]
                tdist[t] = ndist[t]
                tstreak[t] = nstreak[t]
                trep[t] = nrep[t]
                tmask[t] = nmask[t]
            cur_dist = nd
            cur_nbv = nv
            cur = new
            is_best = False
            if nv == 0:
                phase_feasible_seen = True
                if nd < best_feas:
                    best_feas = nd
                    is_best = True
                    improvements += 1
                    best_S[:, :] = S
            else:
                phase_infeasible_seen = True
                if new < best_inf:
                    best_inf = new
                    is_best = True
                    best_inf_S[:, :] = S
            if is_best:
                counter = 0
                phase = 0
                reheat = 0
                best_temp = T
                if mode & 2:
                    w = w / 1.04 if nv == 0 else w * 1.04
                    cur = _penalised(cur_dist, cur_nbv, w, mode)
            else:
                counter += 1
        else:
            for k in range(nc):
                cand[ct[k], cr[k]] = S[ct[k], cr[k]]
            if not (mode & 2):  # classic TTSA counts accepted moves only
                counter += 1
        if counter > max_c:
            counter = 0
            phase += 1
            T = T * sf[6]
            # strategic oscillation: push towards feasibility when the phase saw none
            if mode & 2:
                pass
            elif phase_infeasible_seen and not phase_feasible_seen:
                w = w * 1.04
            elif phase_feasible_seen and not phase_infeasible_seen:
                w = w / 1.04
            phase_feasible_seen = False
            phase_infeasible_seen = False
            cur = _penalised(cur_dist, cur_nbv, w, mode)
            if phase > max_p:
                phase = 0
                reheat += 1
                T = 2.0 * best_temp
                if reheat > max_r:
                    # restart from the best feasible schedule (or the best penalised one)
                    reheat = 0
                    si[5] += 1
                    T = sf[5]
                    best_temp = T
                    w = sf[7]
                    if best_feas < 1e300:
                        S[:, :] = best_S
                    else:
                        S[:, :] = best_inf_S
                    cand[:, :] = S
                    _team_state(S, D, max_streak, no_repeat, tdist, tstreak, trep, tmask)
                    cur_dist = 0
                    cur_nbv = 0
                    for t in range(n):
                        cur_dist += tdist[t]
                        cur_nbv += tstreak[t] + trep[t]
                    cur = _penalised(cur_dist, cur_nbv, w, mode)
    sf[0] = T
    sf[1] = w
    sf[2] = best_temp
    sf[3] = best_feas
    sf[4] = best_inf
    si[0] = counter
    si[1] = phase
    si[2] = reheat
    si[3] = cur_dist
    si[4] = cur_nbv
    return improvements
