"""patterns: first a home/away pattern set, then the opponents ("first break, then schedule").

For compact double round robins whose hard rules are largely about home/away *patterns* (breaks,
home stands, home/away counts), the game-variable model searches patterns and opponents at once
and can fail to find any schedule in minutes. Here:

1. **Pattern model** (one Boolean ``h[t][s]`` per team and slot: t plays at home in s): every slot
   has n/2 home teams, every team n-1 home games, every pair of teams has a slot in which one is
   home and the other away, in both directions (in each half when phased), plus every hard rule
   that depends on the patterns only: CA1, BR1, BR2, FA2, and CA2/CA3/CA4 against all teams.
2. **Opponents**: the hard-only game model with every game that contradicts the patterns removed
   (domains fixed to 0); CP-SAT finds the opponents, or proves there are none for this pattern set.
3. A failed pattern set is excluded by a no-good on the pattern literals of the teams that are
   hardest to place, and step 1 runs again with a new seed.

The resulting schedule is completed in the full model and improved by LNS (as ``hard_first``).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from typing import Any

from ortools.sat.python import cp_model

from flextime.domain.constraints import SE1
from flextime.domain.model import Instance, RoundRobin
from flextime.engine.build import build_model
from flextime.engine.params import SolverParams
from flextime.engine.runner import ProgressFn, SolveResult
from flextime.engine.strategies._base import Session, StrategyPlan, complete_from_games, finish, fixed_clone
from flextime.engine.strategies.hard_first import FEASIBLE_SUBSOLVERS, hard_only, improve
from flextime.engine.variables import BuiltModel

NAME = "patterns"
PATTERN_FAMILIES = ("CA1", "BR1", "BR2", "FA2", "CA2", "CA3", "CA4")
# soft pattern rules the pattern objective of ``pattern_restart`` counts (FA2's and GA1's
# deviations are not excesses of one count)
SOFT_FAMILIES = ("CA1", "CA2", "CA3", "CA4", "BR1", "BR2")

# Per-team break caps tried in turn (:func:`break_cap`). Without a cap CP-SAT hardly lowers the
# total breaks of a pattern set (no LP; Early_9: 540 in 30 s, Early_14: 907, where the best known
# schedules cost 56 and 4 in all); with at most one break per team Early_14's pattern cost is 4
# (optimal) in 1.3 s, with three Early_9's is 200 in 30 s (one and two: infeasible under its hard
# rules). docs/strategies.md, session 7.
BREAK_CAPS = (1, 2, 3)


def applies(instance: Instance) -> bool:
    f = instance.format
    return isinstance(f, RoundRobin) and f.compact and f.rounds == 2


def pattern_only(instance: Instance, c: Any) -> bool:
    """True when the hard constraint ``c`` depends on the home/away patterns only."""
    everyone = set(instance.team_ids)
    if c.type in ("CA1", "BR1", "BR2", "FA2"):
        return True
    if c.type == "GA1":  # only its forced meetings (min >= 1) say something about patterns
        return c.min > 0
    if c.type in ("CA2", "CA3"):
        return all(everyone - {t} <= set(c.teams2) for t in c.teams1)
    if c.type == "CA4":
        return set(c.teams2) >= everyone
    return False


def intra_group(c: Any) -> bool:
    """A CA4 that bounds the games played within one group of teams (each counted once)."""
    return (
        c.type == "CA4"
        and set(c.teams1) == set(c.teams2)
        and c.mode1 in ("H", "A")
        and c.mode2 in ("GLOBAL", "EVERY")
    )


class PatternModel:
    """The CP-SAT model of home/away patterns (step 1)."""

    def __init__(  # noqa: C901 - one block per pattern condition
        self,
        instance: Instance,
        games: BuiltModel | None = None,
        soft: bool = False,
        triples: bool = False,
        team_breaks: int | None = None,
    ) -> None:
        """``games``: the (hard-only) game model; its pruning restricts the patterns (a team
        without a possible home game in s is away in s) and the slots where a pair can meet.
        ``team_breaks``: at most that many breaks per team (a search restriction, not a rule: see
        :func:`break_cap`)."""
        self.instance = instance
        n, n_slots = instance.n_teams, instance.n_slots
        self.n, self.n_slots = n, n_slots
        m = self.model = cp_model.CpModel()
        h = self.h = [[m.new_bool_var(f"h_{t}_{s}") for s in range(n_slots)] for t in range(n)]
        allowed = (lambda i, j, s: True) if games is None else (lambda i, j, s: (i, j, s) in games.x)
        for s in range(n_slots):
            m.add(sum(h[t][s] for t in range(n)) == n // 2)
            if games is not None:
                for t in range(n):
                    if not games.home_vars(t, s):
                        m.add(h[t][s] == 0)
                    if not games.away_vars(t, s):
                        m.add(h[t][s] == 1)
        for t in range(n):
            m.add(sum(h[t]) == n - 1)
        phased = bool(getattr(instance.format, "phased", False))
        halves = [range(n - 1), range(n - 1, n_slots)] if phased else [range(n_slots)]
        for i, j in itertools.combinations(range(n), 2):
            # ij[p]: a slot of half p with i home and j away; ji[p]: the other way round
            ij = [self._exists(h[i], h[j], [s for s in half if allowed(i, j, s)]) for half in halves]
            ji = [self._exists(h[j], h[i], [s for s in half if allowed(j, i, s)]) for half in halves]
            if phased:
                # one meeting per half, opposite home teams
                m.add_bool_or([self._and(ij[0], ji[1]), self._and(ji[0], ij[1])])
            else:
                m.add_bool_or([ij[0]])
                m.add_bool_or([ji[0]])
        # Triples: three teams play 3 games among themselves per round robin, and a slot holds
        # one of them only if the three are not all home or all away (a known necessary
        # condition of pattern sets; pairs alone leave many unschedulable sets). Added lazily
        # (``violated_triples``): all of them up front made the model too slow to solve (Early_10:
        # no pattern set in 45 s; without them one in 12-16 s, which violated none).
        self.halves = halves
        self.triples: set[tuple[tuple[int, int, int], int]] = set()
        if triples:
            for trio in itertools.combinations(range(n), 3):
                for k in range(len(halves)):
                    self.add_triple(trio, k)
        self.notes: list[str] = []
        idx = instance.team_index
        self.penalties: list[Any] = []
        for c in instance.constraints:
            if c.hard and pattern_only(instance, c):
                self._add(c, idx)
            elif c.hard and intra_group(c):
                self._add_group_room(c, idx)
            elif (
                soft and not c.hard and c.weight > 0 and c.type in SOFT_FAMILIES and pattern_only(instance, c)
            ):
                self._add(c, idx, weight=c.weight)
        if team_breaks is not None:
            for t in range(n):
                m.add(sum(self._same(h[t][s - 1], h[t][s]) for s in range(1, n_slots)) <= team_breaks)
        if self.penalties:
            m.minimize(sum(self.penalties))

    def _same(self, a: cp_model.IntVar, b: cp_model.IntVar) -> cp_model.IntVar:
        """A literal true iff ``a == b`` (a break between two consecutive slots)."""
        lit = self.model.new_bool_var("")
        self.model.add(a == b).only_enforce_if(lit)
        self.model.add(a != b).only_enforce_if(lit.Not())
        return lit

    def _need(self) -> int:
        """Games of a trio in one half (3) or in the whole season when not phased (6)."""
        return 6 if len(self.halves) == 1 else 3

    def add_triple(self, trio: tuple[int, int, int], k: int) -> None:
        """The triple condition for ``trio`` in half ``k``."""
        if (trio, k) in self.triples:
            return
        self.triples.add((trio, k))
        m, h = self.model, self.h
        mixed = []
        for s in self.halves[k]:
            lit = m.new_bool_var("")
            m.add_bool_or([lit.Not(), *(h[t][s] for t in trio)])
            m.add_bool_or([lit.Not(), *(h[t][s].Not() for t in trio)])
            mixed.append(lit)
        m.add(sum(mixed) >= self._need())

    def violated_triples(self, pattern: list[list[bool]]) -> list[tuple[tuple[int, int, int], int]]:
        """The (trio, half) whose triple condition ``pattern`` violates."""
        bad = []
        for trio in itertools.combinations(range(self.n), 3):
            for k, half in enumerate(self.halves):
                mixed = sum(1 for s in half if 0 < sum(pattern[t][s] for t in trio) < 3)
                if mixed < self._need():
                    bad.append((trio, k))
        return bad

    def _room(self, group: list[int], s: int) -> cp_model.IntVar:
        """At most the games slot ``s`` can hold among ``group``: min(home, away) of its teams."""
        size = len(group)
        home = sum(self.h[t][s] for t in group)
        r = self.model.new_int_var(0, size // 2, "")
        self.model.add(r <= home)
        self.model.add(r <= size - home)
        return r

    def _add_group_room(self, c: Any, idx: dict[str, int]) -> None:
        """A hard CA4 on the games within a group G (teams1 = teams2, mode H or A: every game
        among G counts once) allows at most ``max`` of them in its slots, so the other slots of
        each half must hold the rest: a pattern condition (G must be mixed home/away there)."""
        group = sorted({idx[t] for t in c.teams1})
        size = len(group)
        if size < 2:
            return
        slots = set(c.slots)
        per_half = size * (size - 1) // 2 * (2 if len(self.halves) == 1 else 1)
        for half in self.halves:
            inside = [s for s in half if s in slots]
            allowance = c.max if c.mode2 == "GLOBAL" else c.max * len(inside)
            if allowance >= per_half:
                continue
            self.model.add(sum(self._room(group, s) for s in half if s not in slots) >= per_half - allowance)
        if len(self.halves) == 2 and c.mode2 == "GLOBAL" and c.max < 2 * per_half:
            # over the season: the slots outside hold all but ``max`` of the group's games
            outside = [s for s in range(self.n_slots) if s not in slots]
            self.model.add(sum(self._room(group, s) for s in outside) >= 2 * per_half - c.max)

    def _slack(self, pattern: list[list[bool]], group: list[int], k: int) -> int:
        """Games the slots of half ``k`` can hold among ``group`` (per slot at most min(home, away)
        of its teams) minus the games the group must play there."""
        size = len(group)
        room = 0
        for s in self.halves[k]:
            home = sum(pattern[t][s] for t in group)
            room += min(home, size - home)
        need = size * (size - 1) // 2 * (2 if len(self.halves) == 1 else 1)
        return room - need

    def violated_subsets(
        self, pattern: list[list[bool]], limit: int = 20
    ) -> list[tuple[tuple[int, ...], int]]:
        """(team group, half) whose games cannot fit the pattern set: greedily grown groups of
        teams with similar patterns (the subset condition of pattern sets; pairs and triples
        are its smallest cases)."""
        found: dict[tuple[tuple[int, ...], int], None] = {}
        for k in range(len(self.halves)):
            for t0 in range(self.n):
                group = [t0]
                while len(group) < self.n and len(found) < limit:
                    rest = [t for t in range(self.n) if t not in group]
                    best = min(rest, key=lambda t: self._slack(pattern, [*group, t], k))
                    group.append(best)
                    if len(group) >= 4 and self._slack(pattern, group, k) < 0:
                        found[(tuple(sorted(group)), k)] = None
                        break
        return list(found)

    def add_subset(self, group: tuple[int, ...], k: int) -> None:
        """The subset condition for ``group`` in half ``k`` (valid for every pattern set)."""
        size = len(group)
        room = [self._room(list(group), s) for s in self.halves[k]]
        self.model.add(sum(room) >= size * (size - 1) // 2 * (2 if len(self.halves) == 1 else 1))

    def _and(self, a: cp_model.IntVar, b: cp_model.IntVar) -> cp_model.IntVar:
        c = self.model.new_bool_var("")
        self.model.add_implication(c, a)
        self.model.add_implication(c, b)
        return c

    def _exists(self, hi: list, hj: list, slots: list[int]) -> cp_model.IntVar:
        """A literal implying: some slot of ``slots`` has hi = 1 and hj = 0."""
        m = self.model
        lits = [m.new_bool_var("") for _ in slots]
        for lit, s in zip(lits, slots, strict=True):
            m.add_implication(lit, hi[s])
            m.add_implication(lit, hj[s].Not())
        e = m.new_bool_var("")
        m.add_bool_or([e.Not(), *lits])
        return e

    def status(self, t: int, s: int, mode: str) -> Any:
        if mode == "H":
            return self.h[t][s]
        if mode == "A":
            return 1 - self.h[t][s]
        return 1

    def brk(self, t: int, s: int, mode: str) -> cp_model.IntVar:
        """A literal that is 1 if team t has a break of ``mode`` at s (>= 1)."""
        key = (t, s, mode)
        cache = self.__dict__.setdefault("_breaks", {})
        if key in cache:
            return cache[key]
        m, a, b = self.model, self.h[t][s - 1], self.h[t][s]
        hb = m.new_bool_var("")  # home break: both home
        m.add_bool_or([a.Not(), b.Not(), hb])
        m.add_implication(hb, a)
        m.add_implication(hb, b)
        ab = m.new_bool_var("")  # away break: both away
        m.add_bool_or([a, b, ab])
        m.add_implication(ab, a.Not())
        m.add_implication(ab, b.Not())
        cache[(t, s, "H")], cache[(t, s, "A")] = hb, ab
        both = m.new_bool_var("")
        m.add(both == hb + ab)
        cache[(t, s, "HA")] = both
        return cache[key]

    def _add(self, c: Any, idx: dict[str, int], weight: int = 0) -> None:  # noqa: C901 - one branch per family
        """The pattern rule ``c``: hard, or with ``weight`` > 0 soft (each bounded count's
        excess is a deviation of that weight, as in the ITC2021 objective)."""
        m, n, n_slots = self.model, self.n, self.n_slots
        everyone = list(range(n))

        def teams(ids: list[str]) -> list[int]:
            return [idx[t] for t in ids] if ids else everyone

        def bound(expr: Any, lo: int, hi: int | None) -> None:
            if weight:
                d = m.new_int_var(0, 10_000, "")
                if lo > 0:
                    m.add(d >= lo - expr)
                if hi is not None:
                    m.add(d >= expr - hi)
                self.penalties.append(weight * d)
                return
            if lo > 0:
                m.add(expr >= lo)
            if hi is not None:
                m.add(expr <= hi)

        if c.type == "CA1":
            for t in teams(c.teams):
                bound(sum(self.status(t, s, c.mode) for s in c.slots), c.min, c.max)
        elif c.type == "CA2":
            for t in teams(c.teams1):
                bound(sum(self.status(t, s, c.mode1) for s in c.slots), c.min, c.max)
        elif c.type == "CA3":
            if c.mode2 != "SLOTS":
                return
            for t in teams(c.teams1):
                for s0 in range(0, n_slots - c.intp + 1):
                    bound(sum(self.status(t, s, c.mode1) for s in range(s0, s0 + c.intp)), c.min, c.max)
        elif c.type == "CA4":
            group = teams(c.teams1)
            if c.mode2 == "GLOBAL":
                bound(sum(self.status(t, s, c.mode1) for t in group for s in c.slots), c.min, c.max)
            else:
                for s in c.slots:
                    bound(sum(self.status(t, s, c.mode1) for t in group), c.min, c.max)
        elif c.type == "BR1":
            for t in teams(c.teams):
                bound(sum(self.brk(t, s, c.mode2) for s in c.slots if s >= 1), 0, c.intp)
        elif c.type == "BR2":
            bound(sum(self.brk(t, s, "HA") for t in teams(c.teams) for s in c.slots if s >= 1), 0, c.intp)
        elif c.type == "GA1":
            # forced meetings: at least ``min`` of the listed games in ``slots``; each needs its
            # home team home and its away team away in the slot it is played
            if c.min <= 0:
                return
            options = []
            for home_id, away_id in c.meetings:
                i, j = idx[home_id], idx[away_id]
                for s in c.slots:
                    lit = m.new_bool_var("")
                    m.add_implication(lit, self.h[i][s])
                    m.add_implication(lit, self.h[j][s].Not())
                    options.append(lit)
            m.add(sum(options) >= c.min)
        elif c.type == "FA2":
            group = teams(c.teams)
            last = max(c.slots) if c.slots else -1
            for i, j in itertools.combinations(group, 2):
                for s in c.slots:
                    diff = sum(self.h[i][k] - self.h[j][k] for k in range(s + 1))
                    m.add(diff <= c.intp)
                    m.add(diff >= -c.intp)
            del last

    def add_violated(self, pattern: list[list[bool]], *, subsets: bool = True) -> dict[str, int]:
        """The lazily checked conditions ``pattern`` violates, added as constraints (triples
        first; subsets only when no triple is violated), and the next search hinted with it.
        Returns how many were added by kind ({}: the pattern set meets them all)."""
        checks: list[tuple[str, Any, Any]] = [("triples", self.violated_triples, self.add_triple)]
        if subsets:
            checks.append(("subsets", self.violated_subsets, self.add_subset))
        for kind, find, add in checks:
            found = find(pattern)
            if found:
                for item, k in found:
                    add(item, k)
                self.hint(pattern)
                return {kind: len(found)}
        return {}

    def solve(self, session: Session, seconds: float, seed: int) -> list[list[bool]] | None:
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.num_workers = session.params.workers
        p.random_seed = seed
        p.max_time_in_seconds = max(0.05, min(seconds, session.remaining()))
        p.subsolvers.extend(FEASIBLE_SUBSOLVERS)
        code = solver.Solve(self.model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return [[bool(solver.Value(v)) for v in row] for row in self.h]

    def hint(self, pattern: list[list[bool]]) -> None:
        """Start the next pattern search near ``pattern``."""
        self.model.clear_hints()
        for row, values in zip(self.h, pattern, strict=True):
            for v, value in zip(row, values, strict=True):
                self.model.add_hint(v, value)

    def exclude(self, pattern: list[list[bool]], cells: list[tuple[int, int]]) -> None:
        """No-good: the pattern values at ``cells`` (team, slot) do not all occur together again."""
        self.model.add_bool_or([self.h[t][s].Not() if pattern[t][s] else self.h[t][s] for t, s in cells])


def cores(
    session: Session,
    hard: BuiltModel,
    home: list[list[Any]],
    pattern: list[list[bool]],
    seconds: float,
    max_cores: int = 12,
) -> list[list[tuple[int, int]]]:
    """Disjoint sets of (team, slot) cells of a pattern set that each make the game model
    infeasible: the pattern as assumptions (presolve off, else presolve proves infeasibility
    without a core), CP-SAT's sufficient assumptions, then again without the cells found."""
    model = hard.model.clone()
    model.clear_objective()
    where: dict[int, tuple[int, int]] = {}
    lits: dict[int, Any] = {}
    for t, row in enumerate(home):
        for s, lit in enumerate(row):
            if isinstance(lit, int):
                continue
            chosen = lit if pattern[t][s] else lit.Not()
            where[chosen.Index()] = (t, s)
            lits[chosen.Index()] = chosen
    found: list[list[tuple[int, int]]] = []
    deadline = session.elapsed() + seconds
    while len(found) < max_cores and session.elapsed() < deadline - 0.05:
        model.clear_assumptions()
        model.add_assumptions(list(lits.values()))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.cp_model_presolve = False
        solver.parameters.max_time_in_seconds = max(
            0.05, min(deadline - session.elapsed(), session.remaining())
        )
        if solver.Solve(model) != cp_model.INFEASIBLE:
            break
        core = [i for i in solver.SufficientAssumptionsForInfeasibility() if i in where]
        if not core:
            break
        found.append([where[i] for i in core])
        for i in core:
            lits.pop(i, None)
    return found


def add_separation(
    model: cp_model.CpModel, hard: BuiltModel, instance: Instance, fraction: float
) -> list[tuple[Any, int]]:
    """The soft SE1 rules on ``model`` (a clone of ``hard.model``), their ``min`` scaled by
    ``fraction``: each pair of an SE1's teams meets at most once in any window of ``min' + 1``
    consecutive slots, or pays a slack literal. A pair meeting d slots apart (d <= min') lies in
    min' + 1 - d such windows, its SE1 deviation, so the weighted slack total is the SE1 cost.
    Returns the (slack, weight) terms (none: no soft SE1)."""
    ix = instance.team_index
    terms: list[tuple[Any, int]] = []
    n_slots = instance.n_slots
    for c in instance.constraints:
        if not isinstance(c, SE1) or c.hard or c.weight <= 0:
            continue
        gap = round(fraction * c.min)
        if gap <= 0:
            continue
        for i, j in itertools.combinations(sorted({ix[t] for t in c.teams}), 2):
            meet = [
                [model.get_bool_var_from_proto_index(v.Index()) for v in hard.meet_vars(i, j, s)]
                for s in range(n_slots)
            ]
            # windows reach past both ends, so that pairs meeting near an end count in full
            for s0 in range(1 - gap, n_slots - 1):
                window = [v for s in range(max(0, s0), min(n_slots, s0 + gap + 1)) for v in meet[s]]
                if len(window) > 1:
                    slack = model.new_bool_var(f"se_{i}_{j}_{s0}")
                    model.add(sum(window) <= 1 + slack)
                    terms.append((slack, c.weight))
    return terms


def _separated_opponents(
    session: Session,
    instance: Instance,
    hard: BuiltModel,
    clone: cp_model.CpModel,
    games: set[tuple[int, int, int]],
    plan: StrategyPlan,
    stats: dict[str, Any],
) -> set[tuple[int, int, int]]:
    """Opponents for a pattern set that keep the soft SE1 rules' pairs apart (:func:`add_separation`
    as the objective, plan parameters ``separation_fraction`` of their ``min`` and
    ``separation_seconds``): the plain opponent search meets most pairs twice within a few slots
    (Early_11: 90 of 190 pairs less than 10 slots apart, 6280 of its 10664; the best-known
    schedule has 22), which annealing and LNS hardly undo. Hinted with ``games`` (the plain
    search's opponents), which are returned when nothing better is found or nothing applies."""
    fraction = float(plan.get("separation_fraction", 0.0))
    seconds = min(float(plan.get("separation_seconds", 5.0)), session.remaining())
    if fraction <= 0 or seconds <= 0.5:
        return games
    model = clone.clone()
    terms = add_separation(model, hard, instance, fraction)
    if not terms:
        return games
    model.minimize(sum(w * v for v, w in terms))
    for key, v in hard.x.items():
        model.add_hint(model.get_bool_var_from_proto_index(v.Index()), key in games)
    status, solver = session.solve(hard, model, seconds, subsolvers=list(FEASIBLE_SUBSOLVERS), record=False)
    cost = round(solver.ObjectiveValue()) if status in ("OPTIMAL", "FEASIBLE") else None
    stats.setdefault("separation", []).append(f"{status} {cost}@{session.elapsed():.1f}s")
    if cost is None:
        return games
    return {key for key, v in hard.x.items() if solver.BooleanValue(v)}


def find_schedule(
    session: Session,
    instance: Instance,
    until: float,
    plan: StrategyPlan,
    stats: dict[str, Any],
    built: BuiltModel | None = None,
    seed_offset: int = 0,
) -> set[tuple[int, int, int]] | None:
    """Patterns then opponents, repeated with no-goods, until a hard-feasible schedule or ``until``.

    ``built``: the instance's model if already built (its objective is ignored here);
    ``seed_offset``: another seed for the pattern search (a restart: another pattern set)."""
    t0 = time.perf_counter()
    hard = built or build_model(hard_only(instance))
    pm = PatternModel(instance, hard)
    n, n_slots = instance.n_teams, instance.n_slots
    home = [[hard.home_lit(t, s) for s in range(n_slots)] for t in range(n)]
    session.build_seconds += time.perf_counter() - t0
    attempt_s = float(plan.get("opponent_seconds", 10.0))
    attempts = 0
    unknown = 0  # opponent searches in a row that ended UNKNOWN
    while session.elapsed() < until - 0.2:
        attempts += 1
        stats["pattern_attempts"] = attempts
        pattern = pm.solve(session, until - session.elapsed(), session.params.seed + seed_offset + attempts)
        stats.setdefault("pattern_at", []).append(round(session.elapsed(), 1))
        if pattern is None:
            stats["pattern_model"] = "no pattern set found"
            return None
        added = pm.add_violated(pattern, subsets=bool(plan.get("subset_cuts", True)))
        for kind, count in added.items():
            stats[f"{kind}_added"] = stats.get(f"{kind}_added", 0) + count
        if added:
            continue
        consistent = {key for key in hard.x if pattern[key[0]][key[2]] and not pattern[key[1]][key[2]]}
        fixed = [(v.Index(), 0) for key, v in hard.x.items() if key not in consistent]
        clone = fixed_clone(hard.model, fixed)
        clone.clear_objective()
        budget = min(attempt_s, until - session.elapsed())
        status, solver = session.solve(
            hard, clone, budget, subsolvers=list(FEASIBLE_SUBSOLVERS), record=False
        )
        if status in ("OPTIMAL", "FEASIBLE"):
            stats["pattern_found_at_s"] = round(session.elapsed(), 2)
            games = {key for key, v in hard.x.items() if solver.BooleanValue(v)}
            return _separated_opponents(session, instance, hard, clone, games, plan, stats)
        cuts = (
            cores(session, hard, home, pattern, min(attempt_s, until - session.elapsed()))
            if status == "INFEASIBLE"
            else []
        )
        stats.setdefault("opponent_status", []).append(
            f"{status}@{session.elapsed():.0f}s cuts {[len(c) for c in cuts]}"
        )
        unknown = unknown + 1 if status == "UNKNOWN" else 0
        if 0 < int(plan.get("opponent_unknown_max", 0)) <= unknown:
            # nothing is learnt from an UNKNOWN opponent search: the caller's next phase (the
            # annealer's feasibility chains) gets the time instead
            stats["pattern_model"] = f"stopped: {unknown} opponent searches in a row ended UNKNOWN"
            return None
        # exclude this pattern set: the cells of each core, else all of it
        for cut in cuts or [[(t, s) for t in range(n) for s in range(n_slots)]]:
            pm.exclude(pattern, cut)
        pm.hint(pattern)
    return None


def run(
    instance: Instance,
    params: SolverParams,
    plan: StrategyPlan,
    on_progress: ProgressFn | None = None,
    profile: dict[str, Any] | None = None,
) -> SolveResult:
    session = Session(params, on_progress)
    stats: dict[str, Any] = {}
    until = params.time_limit_s * float(plan.get("feasible_fraction", 0.9))
    games = find_schedule(session, instance, until, plan, stats) if applies(instance) else None
    t0 = time.perf_counter()
    built = build_model(instance)
    session.build_seconds += time.perf_counter() - t0
    if games is not None:
        complete_from_games(session, built, games, max(1.0, session.remaining()))
    if session.best is None and session.remaining() > 0.3:
        status, solver = session.solve(
            built, built.model, session.remaining(), subsolvers=list(FEASIBLE_SUBSOLVERS)
        )
        if status in ("OPTIMAL", "FEASIBLE"):
            session.offer(solver, built.model.has_objective())
    elif session.best is not None and built.model.has_objective():
        improve(session, built, plan)
    session.notes.append(f"patterns: {stats}")
    return finish(session, built, params, plan, profile)


def pattern_share(built: BuiltModel, solver: cp_model.CpSolver) -> tuple[int, int]:
    """(cost of the soft pattern rules, total soft cost) of the solver's solution: the part of the
    objective that the home/away patterns alone decide."""
    instance = built.instance
    counted = {c.id for c in instance.constraints if c.type in SOFT_FAMILIES and pattern_only(instance, c)}
    pattern = total = 0
    for p in built.penalties:
        cost = p.weight * int(solver.Value(p.deviation))
        total += cost
        if p.constraint_id in counted:
            pattern += cost
    return pattern, total


def pattern_restart(
    session: Session,
    built: BuiltModel,
    seconds: float,
    stats: dict[str, Any],
    hard: BuiltModel | None = None,
    pattern_seconds: float = 5.0,
    opponent_seconds: float = 8.0,
    step: float = 0.5,
    break_caps: Sequence[int] = BREAK_CAPS,
    cap_seconds: float = 4.0,
) -> None:
    """A large move for pattern-driven objectives (e.g. a soft limit on all breaks): a good
    pattern set for the soft pattern rules under the hard ones (hinted with the incumbent's),
    then the full model with only the games that fit it; kept if better than the incumbent.
    After a schedule, the next pattern set must cost less; when the opponents are infeasible
    for the patterns, the cores are excluded as in :func:`find_schedule`; until ``seconds``.

    The pattern search stops at the first pattern set costing at most ``(1 - step)`` times the
    last cost: the cheapest pattern sets were rarely schedulable (Early_12: 620 and 640, from
    1960, had no opponents; 980 had). ``step`` halves after each failed opponent search;
    ``stats["step"]`` is the step for the next call. Where soft rules count breaks, the pattern sets
    are searched under the smallest per-team break cap of ``break_caps`` that has a better one
    (:func:`break_cap`, ``cap_seconds`` per cap)."""
    if session.best is None or not applies(built.instance):
        return
    start = session.elapsed()
    deadline = start + seconds
    hard = hard or built
    # only strictly better pattern sets (the incumbent is already optimised for its own)
    share, _total = pattern_share(built, session.best.solver)
    if share == 0:
        stats["pattern_restart"] = "pattern cost 0"
        return
    cap = break_cap(built.instance, hard, share, session, min(cap_seconds, seconds / 4), break_caps)
    stats["break_cap"] = cap
    # one break per team leaves few pattern sets, and most violate some triple condition: all of
    # them up front (Early_14: pattern cost 4 in 6 s; added lazily, 10+ rounds of a few each)
    pm = PatternModel(built.instance, hard, soft=True, team_breaks=cap, triples=cap is not None and cap <= 1)
    if not pm.penalties:
        return
    pm.model.add(sum(pm.penalties) <= share - 1)
    values = session.best.values
    n, n_slots = built.n, built.n_slots
    current = [[False] * n_slots for _ in range(n)]
    for (h, _a, s), v in built.x.items():
        if values[v.Index()]:
            current[h][s] = True
    # the incumbent's patterns satisfy every pattern rule: a feasible start that CP-SAT improves
    # (the break-minimal canonical patterns were rarely feasible under the hard rules)
    pm.hint(current)
    home = [[hard.home_lit(t, s) for s in range(n_slots)] for t in range(n)]
    before = session.best.objective
    trace: list[str] = []
    last = share
    while session.elapsed() < deadline - 0.5:
        stop = _StopAt(int(last * (1 - step)))
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.num_workers = session.params.workers
        p.random_seed = session.params.seed + len(trace)
        p.max_time_in_seconds = max(0.05, min(pattern_seconds, deadline - session.elapsed()))
        p.subsolvers.extend(FEASIBLE_SUBSOLVERS)  # no-LP: 580 in 30 s on Early_9, LP: 1960 in 10 s
        if solver.Solve(pm.model, stop) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            trace.append("no pattern set")
            break
        pattern = [[bool(solver.Value(v)) for v in row] for row in pm.h]
        cost = round(solver.ObjectiveValue())
        # with a break cap the patterns are nearly alternating, and teams with similar ones have few
        # slots to meet in: the subset condition matters there (Early_14: 18 breaks, no opponents)
        added = pm.add_violated(pattern, subsets=cap is not None)
        if added:
            trace.append(f"{cost}:+{sum(added.values())} {'/'.join(added)}")
            continue
        fixed = [
            (v.Index(), 0) for (h, a, s), v in built.x.items() if not (pattern[h][s] and not pattern[a][s])
        ]
        clone = fixed_clone(built.model, fixed)
        budget = max(0.05, min(opponent_seconds, deadline - session.elapsed()))
        status, sub = session.solve(built, clone, budget, subsolvers=list(FEASIBLE_SUBSOLVERS))
        if status in ("OPTIMAL", "FEASIBLE"):
            # not kept (cheaper patterns, dearer rest): a start for annealing (``stats["candidate"]``:
            # the lowest pattern cost so far, with its games)
            if not session.offer(sub, True) and cost < stats.get("candidate", (share, None))[0]:
                stats["candidate"] = (cost, {k for k, v in built.x.items() if sub.Value(v)})
            trace.append(f"{cost}:{round(sub.ObjectiveValue())}")
            # next: a strictly better pattern set
            pm.model.add(sum(pm.penalties) <= cost - 1)
            last = cost
            cuts = [[(t, s) for t in range(n) for s in range(n_slots)]]
        else:
            step = max(0.02, step / 2)
            cuts = (
                cores(session, hard, home, pattern, min(opponent_seconds, deadline - session.elapsed()))
                if status == "INFEASIBLE"
                else []
            )
            trace.append(f"{cost}:{status[:3]}{[len(c) for c in cuts]}")
        for cut in cuts or [[(t, s) for t in range(n) for s in range(n_slots)]]:
            pm.exclude(pattern, cut)
        pm.hint(pattern)
    stats["step"] = step
    stats["pattern_restart"] = {"before": before, "after": session.best.objective, "trace": trace[-12:]}


def break_cap(
    instance: Instance,
    hard: BuiltModel,
    below: int,
    session: Session,
    seconds: float,
    caps: Sequence[int] = BREAK_CAPS,
) -> int | None:
    """The smallest cap of ``caps`` on each team's breaks under which CP-SAT finds a pattern set
    costing less than ``below`` within ``seconds``; None when the instance has no soft break rule
    or no cap gives one (the pattern search then runs without a cap)."""
    if not any(c.type in ("BR1", "BR2") and not c.hard and c.weight > 0 for c in instance.constraints):
        return None
    for k in caps:
        if session.remaining() < seconds:
            return None
        pm = PatternModel(instance, hard, soft=True, team_breaks=k)
        if not pm.penalties:
            return None
        pm.model.add(sum(pm.penalties) <= below - 1)
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.num_workers = session.params.workers
        p.random_seed = session.params.seed
        p.max_time_in_seconds = max(0.05, seconds)
        p.subsolvers.extend(FEASIBLE_SUBSOLVERS)
        if solver.Solve(pm.model, _StopAt(below - 1)) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return k
    return None


class _StopAt(cp_model.CpSolverSolutionCallback):
    """Stops the search at the first solution whose objective is at most ``target``."""

    def __init__(self, target: int) -> None:
        super().__init__()
        self.target = target

    def on_solution_callback(self) -> None:
        if self.objective_value <= self.target:
            self.stop_search()
