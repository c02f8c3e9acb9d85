"""CP-SAT large-neighbourhood search for the Traveling Tournament Problem.

The annealer (:mod:`flextime.travel.ttsa`) changes a schedule one classic move at a time; here a
whole set of rounds is re-optimised exactly. A neighbourhood is a set ``F`` of rounds (a window of
consecutive rounds, or two windows); the games played in ``F`` stay in ``F`` (so every other round
is untouched and the schedule stays a double round robin) but may move to any round of ``F``:

* ``x[g, r]``: game ``g`` (home, away) of the freed rounds is played in round ``r`` of ``F``;
  every game once, every team once per round;
* the TTP rules around and inside ``F``: at most ``max_streak`` consecutive home or away games
  (fixed rounds next to ``F`` are constants), no repeaters;
* travel: each team's location per round is a table-constrained integer (its home, or the venue of
  the game it plays away); a transition's miles come from a table constraint over the two
  locations, so the objective is the exact travel change of the team over ``F`` and its borders.

CP-SAT starts from the current schedule (hinted) and keeps a solution only when it lowers the total
distance, so the improver is monotone. Each sub-problem is small (a 5-round window of NL16 has 40
games x 5 rounds) and usually solved to optimality in well under a second.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from flextime.travel import ttsa

__all__ = ["LNSRun", "improve_rounds", "reoptimise_rounds"]


@dataclass
class LNSRun:
    S: np.ndarray
    distance: int
    neighbourhoods: int = 0
    improvements: int = 0
    history: list[tuple[float, int]] = field(default_factory=list)


def _location(S: np.ndarray, t: int, r: int) -> int:
    v = int(S[t, r])
    return t if v > 0 else -v - 1


def _is_home(S: np.ndarray, t: int, r: int) -> int:
    return 1 if S[t, r] > 0 else 0


def reoptimise_rounds(  # noqa: C901 - one block per rule of the sub-problem
    S: np.ndarray,
    D: np.ndarray,
    free: list[int],
    *,
    max_streak: int,
    no_repeat: bool,
    time_limit_s: float = 2.0,
    seed: int = 0,
) -> np.ndarray | None:
    """The best rearrangement of the games of rounds ``free`` among those rounds (None when CP-SAT
    finds nothing strictly better than ``S`` in ``time_limit_s``)."""
    n, R = S.shape
    F = sorted(set(free))
    in_f = set(F)
    games = [(h, int(S[h, r]) - 1, r) for r in F for h in range(n) if S[h, r] > 0]
    m = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    by_team_round: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    home_terms: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    meet: dict[tuple[int, int, int], list[cp_model.IntVar]] = {}
    venue_of: dict[tuple[int, int], dict[int, list[cp_model.IntVar]]] = {}
    for gi, (h, a, r0) in enumerate(games):
        lits = []
        for r in F:
            lit = m.new_bool_var(f"x{gi}_{r}")
            x[gi, r] = lit
            lits.append(lit)
            m.add_hint(lit, r == r0)
            by_team_round.setdefault((h, r), []).append(lit)
            by_team_round.setdefault((a, r), []).append(lit)
            home_terms.setdefault((h, r), []).append(lit)
            meet.setdefault((min(h, a), max(h, a), r), []).append(lit)
            venue_of.setdefault((h, r), {}).setdefault(h, []).append(lit)
            venue_of.setdefault((a, r), {}).setdefault(h, []).append(lit)
        m.add_exactly_one(lits)
    for t in range(n):
        for r in F:
            m.add_exactly_one(by_team_round[t, r])

    def home(t: int, r: int) -> cp_model.LinearExprT:
        if r in in_f:
            return sum(home_terms.get((t, r), []))
        return _is_home(S, t, r)

    # at most max_streak consecutive home (away) games in every window touching a freed round
    if max_streak < R:
        k = max_streak + 1
        starts = {s for r in F for s in range(max(0, r - max_streak), min(R - k, r) + 1)}
        for t in range(n):
            for s in sorted(starts):
                total = sum(home(t, r) for r in range(s, s + k))
                m.add(total <= max_streak)
                m.add(total >= 1)
    # no repeaters: a pair meets in at most one of two consecutive rounds
    if no_repeat:
        for r in range(R - 1):
            if r not in in_f and r + 1 not in in_f:
                continue
            for i in range(n):
                for j in range(i + 1, n):
                    now = meet.get((i, j, r)) if r in in_f else None
                    nxt = meet.get((i, j, r + 1)) if r + 1 in in_f else None
                    fixed_now = r not in in_f and _location_pair(S, i, j, r)
                    fixed_nxt = r + 1 not in in_f and _location_pair(S, i, j, r + 1)
                    if now and nxt:
                        m.add(sum(now) + sum(nxt) <= 1)
                    elif now and fixed_nxt:
                        m.add(sum(now) == 0)
                    elif nxt and fixed_now:
                        m.add(sum(nxt) == 0)
    # travel: the location of each team in each freed round, and the miles of every transition
    # that touches a freed round (before round 0 and after the last round: at home)
    costs = []
    const = 0
    for t in range(n):
        loc: dict[int, cp_model.IntVar | int] = {}
        values: dict[int, list[int]] = {}
        for r in F:
            options = venue_of[t, r]
            venues = sorted(options)
            var = m.new_int_var_from_domain(cp_model.Domain.from_values(venues), f"loc{t}_{r}")
            m.add(var == sum(v * sum(options[v]) for v in venues))
            loc[r] = var
            values[var.index] = venues
        seq = [-1, *range(R), R]
        for p in range(len(seq) - 1):
            r1, r2 = seq[p], seq[p + 1]
            if r1 not in in_f and r2 not in in_f:
                continue
            a_loc = loc[r1] if r1 in in_f else (t if r1 < 0 else _location(S, t, r1))
            b_loc = loc[r2] if r2 in in_f else (t if r2 >= R else _location(S, t, r2))
            if isinstance(a_loc, int) and isinstance(b_loc, int):
                const += int(D[a_loc, b_loc])
                continue
            if isinstance(a_loc, int) or isinstance(b_loc, int):
                var_loc = b_loc if isinstance(a_loc, int) else a_loc
                fixed = a_loc if isinstance(a_loc, int) else b_loc
                assert not isinstance(var_loc, int) and isinstance(fixed, int)
                allowed = values[var_loc.index]
                cost = m.new_int_var(0, int(D.max()), "")
                m.add_element(var_loc, [int(D[fixed, v]) if v in allowed else 0 for v in range(n)], cost)
                costs.append(cost)
                continue
            va, vb = values[a_loc.index], values[b_loc.index]
            cost = m.new_int_var(0, int(D.max()), "")
            m.add_allowed_assignments([a_loc, b_loc, cost], [(u, v, int(D[u, v])) for u in va for v in vb])
            costs.append(cost)
    current = _freed_cost(S, D, F)
    total = sum(costs)
    m.add(total + const <= current - 1)
    m.minimize(total)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit_s)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    out = S.copy()
    for gi, (h, a, _r0) in enumerate(games):
        for r in F:
            if solver.boolean_value(x[gi, r]):
                out[h, r] = a + 1
                out[a, r] = -(h + 1)
    return out


def _location_pair(S: np.ndarray, i: int, j: int, r: int) -> bool:
    """True if teams i and j meet in (fixed) round r."""
    v = int(S[i, r])
    return (v - 1 if v > 0 else -v - 1) == j


def _freed_cost(S: np.ndarray, D: np.ndarray, F: list[int]) -> int:
    """Miles of every transition of every team that touches a round of ``F``."""
    n, R = S.shape
    in_f = set(F)
    total = 0
    for t in range(n):
        seq = [-1, *range(R), R]
        for p in range(len(seq) - 1):
            r1, r2 = seq[p], seq[p + 1]
            if r1 not in in_f and r2 not in in_f:
                continue
            a = t if r1 < 0 else _location(S, t, r1)
            b = t if r2 >= R else _location(S, t, r2)
            total += int(D[a, b])
    return total


def improve_rounds(
    S: np.ndarray,
    D: np.ndarray,
    *,
    time_limit_s: float,
    max_streak: int = 3,
    no_repeat: bool = True,
    seed: int = 1,
    window: tuple[int, int] = (4, 7),
    sub_time_s: float = 2.0,
    on_progress: Callable[[float, int], None] | None = None,
) -> LNSRun:
    """Any-time LNS: free a random window of ``window[0]..window[1]`` consecutive rounds (or two
    windows of half that size), re-optimise it with CP-SAT, keep it when travel drops."""
    rng = random.Random(seed)
    D = np.ascontiguousarray(D, dtype=np.int64)
    S = np.array(S, dtype=np.int64)
    R = S.shape[1]
    dist, viol = ttsa.schedule_cost(S, D, max_streak, int(no_repeat))
    if viol:
        raise ValueError("improve_rounds needs a schedule that keeps the TTP rules")
    run = LNSRun(S=S, distance=int(dist))
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < time_limit_s:
        size = rng.randint(window[0], min(window[1], R))
        if rng.random() < 0.3 and 2 * size <= R:
            half = max(2, size // 2 + 1)
            a = rng.randrange(R - half + 1)
            b = rng.randrange(R - half + 1)
            free = sorted(set(range(a, a + half)) | set(range(b, b + half)))
        else:
            a = rng.randrange(R - size + 1)
            free = list(range(a, a + size))
        run.neighbourhoods += 1
        out = reoptimise_rounds(
            run.S,
            D,
            free,
            max_streak=max_streak,
            no_repeat=no_repeat,
            time_limit_s=min(sub_time_s, time_limit_s - elapsed),
            seed=rng.randrange(1 << 30),
        )
        if out is None:
            continue
        d, v = ttsa.schedule_cost(out, D, max_streak, int(no_repeat))
        if v == 0 and d < run.distance:
            run.S, run.distance = out, int(d)
            run.improvements += 1
            t = round(time.perf_counter() - start, 3)
            run.history.append((t, run.distance))
            if on_progress is not None:
                on_progress(t, run.distance)
    return run
