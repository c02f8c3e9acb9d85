"""The objective: sum(weight x deviation) over soft penalties + travel_weight x travel.

Travel (TTP model, as in ``flextime.travel.trips``): every team starts at home, travels to the
location of each of its games in slot order and returns home after its last game; a game is
played at the home team's location. Per team t and slot s a one-hot location vector y[t, s, i]
(t is at i's venue) is linked to the next slot by a transportation flow z[t, s, i, j] whose row
sums are y[t, s, .] and column sums y[t, s+1, .]; since y is one-hot the flow is exactly the
transition, so the travel term is exact in every solution, and its LP relaxation is the
(strong) assignment relaxation.

In non-compact play the location during a bye is the location of the team's previous game (the
team waits there), which is exactly the "byes do not interrupt" travel rule.

In a slot where a team plays a fixed game (a lock: ``BuiltModel.fixed``) its location is a
constant, and a transition into or out of it is the other slot's one-hot location times the miles,
with no flow variables. And a team moves only to a game: a location it can be at in a slot only by
staying through a bye gets no flow from elsewhere. A schedule with most games locked (the travel
agent's CP-SAT LNS) then gets a travel model only where games can still move: 121,778 -> 39,832
variables on Big 12 men's basketball with two teams free.
"""

from __future__ import annotations

import itertools

from flextime.engine.variables import BuiltModel, Expr, Lit

try:  # the shared travel model (location = team id with a matrix, else venue id)
    from flextime.travel.distances import has_travel_data, location_distance_matrix
except ImportError:  # pragma: no cover - travel module not installed
    has_travel_data = None  # type: ignore[assignment]
    location_distance_matrix = None  # type: ignore[assignment]


def team_distance_matrix(built: BuiltModel) -> list[list[int]] | None:
    """Distance between the home locations of teams i and j (None when unknown)."""
    inst = built.instance
    if inst.distances is not None:
        return [list(row) for row in inst.distances]
    if location_distance_matrix is None or not has_travel_data(inst):
        return None
    keys, matrix = location_distance_matrix(inst)
    index = {k: i for i, k in enumerate(keys)}
    venue_of = [index[t.venue] for t in inst.teams]  # type: ignore[index]
    return [[0 if vi == vj else matrix[vi][vj] for vj in venue_of] for vi in venue_of]


def add_travel(built: BuiltModel) -> Expr | None:
    dist = team_distance_matrix(built)
    if dist is None:
        built.notes.append("travel: no distance matrix and no venue coordinates; travel term skipped")
        return None
    m = built.model
    n, n_slots = built.n, built.n_slots
    total: list[Expr] = []
    bounds = team_travel_lower_bounds(built, dist)
    for t in range(n):
        own: list[Expr] = []
        locs, arrivals = _locations(built, t)
        # start and end at home
        own += [dist[t][i] * lit for i, lit in locs[0].items() if i != t and dist[t][i]]
        own += [dist[i][t] * lit for i, lit in locs[-1].items() if i != t and dist[i][t]]
        for s in range(n_slots - 1):
            here, there = locs[s], locs[s + 1]
            if _known(there):  # a fixed game next: miles from wherever the team is now
                (j,) = there
                own += [dist[i][j] * lit for i, lit in here.items() if i != j and dist[i][j]]
                continue
            if _known(here):  # after a fixed game: miles to wherever the team goes
                (i,) = here
                own += [dist[i][j] * lit for j, lit in there.items() if i != j and dist[i][j]]
                continue
            z = {}
            for i in here:
                for j in there:
                    # a team moves only to a game (a bye keeps it where it is): no flow from
                    # elsewhere into a location it can only be at by staying
                    if i == j or j in arrivals[s + 1]:
                        z[(i, j)] = m.new_bool_var(f"tr_{t}_{s}_{i}_{j}")
            for i, lit in here.items():
                m.add(sum(z[(i, j)] for j in there if (i, j) in z) == lit)
            for j, lit in there.items():
                m.add(sum(z[(i, j)] for i in here if (i, j) in z) == lit)
            own += [dist[i][j] * v for (i, j), v in z.items() if i != j and dist[i][j]]
        if bounds is not None and bounds[t] > 0:
            m.add(sum(own) >= bounds[t])  # redundant: the team's independent lower bound
        total += own
    if bounds is not None:
        built.notes.append(f"travel: independent lower bound {sum(bounds)}")
    return sum(total)


def max_road_trip(built: BuiltModel, t: int) -> int:
    """The longest run of consecutive away games hard rules allow team ``t`` (n-1 if unlimited)."""
    from flextime.domain.constraints import CA3, MaxConsecutive

    inst = built.instance
    tid = inst.team_ids[t]
    others = set(inst.team_ids) - {tid}
    limit = inst.n_teams - 1
    for c in inst.constraints:
        if not c.hard:
            continue
        if isinstance(c, CA3) and c.mode1 == "A" and tid in c.teams1 and others <= set(c.teams2):
            if c.max < c.intp and (built.compact or c.mode2 == "GAMES"):
                limit = min(limit, c.max)
        elif isinstance(c, MaxConsecutive) and c.mode == "A" and (not c.teams or tid in c.teams):
            limit = min(limit, c.max)
    return max(1, limit)


_MAX_BOUND_OPPONENTS = 15


def team_travel_lower_bounds(built: BuiltModel, dist: list[list[int]]) -> list[int] | None:
    """Per team the cheapest way to visit every opponent once with road trips of at most U games,
    starting and ending at home (Easton's independent lower bound). Only for compact double round
    robins (every opponent visited exactly once) of at most 16 teams; else None."""
    from flextime.domain.model import RoundRobin

    f = built.instance.format
    n = built.n
    if not (isinstance(f, RoundRobin) and f.compact and f.rounds == 2) or n - 1 > _MAX_BOUND_OPPONENTS:
        return None
    return [_team_bound(dist, t, max_road_trip(built, t)) for t in range(n)]


def _team_bound(dist: list[list[int]], t: int, max_trip: int) -> int:
    from itertools import combinations, permutations

    opp = [i for i in range(len(dist)) if i != t]
    k = len(opp)
    max_trip = min(max_trip, k)
    if max_trip > 4:
        return 0  # too many trip shapes to enumerate; no bound
    # cheapest tour home -> members -> home for every subset of at most max_trip opponents
    trip: dict[int, int] = {}
    for size in range(1, max_trip + 1):
        for members in combinations(range(k), size):
            best = min(
                dist[t][opp[p[0]]]
                + sum(dist[opp[a]][opp[b]] for a, b in itertools.pairwise(p))
                + dist[opp[p[-1]]][t]
                for p in permutations(members)
            )
            mask = 0
            for q in members:
                mask |= 1 << q
            trip[mask] = best
    by_low: dict[int, list[tuple[int, int]]] = {}
    for mask, cost in trip.items():
        low = (mask & -mask).bit_length() - 1
        by_low.setdefault(low, []).append((mask, cost))
    full = (1 << k) - 1
    inf = float("inf")
    best_cost: list[float] = [inf] * (full + 1)
    best_cost[0] = 0
    for mask in range(full + 1):
        base = best_cost[mask]
        if base == inf or mask == full:
            continue
        rest = full & ~mask
        low = (rest & -rest).bit_length() - 1
        for tmask, cost in by_low[low]:
            if tmask & mask:
                continue
            nxt = mask | tmask
            if base + cost < best_cost[nxt]:
                best_cost[nxt] = base + cost
    return int(best_cost[full])


def _known(locs: dict[int, Lit]) -> bool:
    """Whether a slot's location is a constant (the team plays a fixed game there)."""
    return len(locs) == 1 and isinstance(next(iter(locs.values())), int)


def _locations(built: BuiltModel, t: int) -> tuple[list[dict[int, Lit]], list[set[int]]]:
    """Per slot: location index -> literal (only locations that can occur), and the locations
    ``t`` can arrive at by a game there (the others it can only be at by staying through a bye).
    In a slot where ``t`` plays a fixed game (:attr:`BuiltModel.fixed`) the location is that
    game's venue, a constant: a locked schedule's travel model then has variables only where
    games can still move."""
    n, n_slots = built.n, built.n_slots
    m = built.model
    pinned = {(w, s): h for h, a, s in built.fixed for w in (h, a)}
    out: list[dict[int, Lit]] = []
    arrivals: list[set[int]] = []
    prev: dict[int, Lit] = {}
    for s in range(n_slots):
        cur: dict[int, Lit] = {}
        if (t, s) in pinned:
            cur = {pinned[t, s]: 1}
            out.append(cur)
            arrivals.append({pinned[t, s]})
            prev = cur
            continue
        reach = {t} if built.home_vars(t, s) or built.compact else set()
        for i in range(n):
            if i == t:
                continue
            v = built.var(i, t, s)
            if v is not None:
                reach.add(i)
            if built.compact:
                if v is not None:
                    cur[i] = v
                continue
            p = prev.get(i, 0)
            if v is None and isinstance(p, int) and p == 0:
                continue
            play = built.plays_lit(t, s)
            bye = 1 - play if isinstance(play, int) else play.Not()
            stay = built.new_and([bye, p])
            cur[i] = built.new_or([0 if v is None else v, stay], f"loc_{t}_{s}_{i}")
        away = [lit for lit in cur.values()]
        home = m.new_bool_var(f"loc_{t}_{s}_{t}")
        m.add(home + sum(away) == 1)
        cur[t] = home
        out.append(cur)
        arrivals.append(reach)
        prev = cur
    return out, arrivals


def set_objective(built: BuiltModel) -> None:
    inst = built.instance
    terms: list[Expr] = []
    if inst.objective.soft_constraints:
        terms += [p.weight * p.deviation for p in built.penalties if p.weight]
    if inst.objective.travel_weight > 0:
        built.travel = add_travel(built)
        if built.travel is not None:
            terms.append(inst.objective.travel_weight * built.travel)
    built.objective = sum(terms)
    if terms:
        built.model.minimize(built.objective)
