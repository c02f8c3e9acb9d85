"""Validator-checked local search for any instance (dated, partial, extra constraints).

The classic TTP neighbourhoods, written on the game list so they work whatever the format:

* ``swap_homes(i, j)``: every game between i and j changes host.
* ``swap_slots(a, b)``: all games of slot a move to slot b and back (TTSA "swap rounds").
* ``swap_teams(i, j)``: i takes j's games and j takes i's (their mutual games stay).
* ``partial_swap_slots(i, a, b)``: the smallest set of teams closed under "plays in slot a or b"
  that contains i swaps its games between the two slots (TTSA "partial swap rounds").
* ``move_game(k, s)``: game k moves to slot s, where neither of its teams plays (schedules with
  byes: dated seasons, partial round robins).
* ``flip_triangle(k, m, l)``: three games i-j, j-k', k'-i whose hosts go round a cycle all change
  host, so every team keeps its number of home games (partial round robins, where a pair meets once
  and ``swap_homes`` alone would unbalance two teams).

The move kinds are drawn adaptively (:class:`MoveMix`): a kind's share follows the rate at which its
moves improved the schedule, with a floor, because on real seasons some kinds almost never
succeed (whole-slot swaps between dates of different weekdays break the rest and pairing rules).

A neighbour is kept only if the validator says it is not worse in (hard infeasibility, objective,
travel) order (sideways moves walk plateaus); locked games never move. On a hard-feasible schedule
a neighbour with more miles (recounted for the teams it touches) is dropped before validation,
unless optional annealing (``local_search(temperature=...)``) lets it through.
The best schedule seen is returned.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flextime.domain.model import Game, Instance, Schedule
from flextime.travel.distances import distance_lookup
from flextime.travel.trips import team_travel
from flextime.validate import ValidationReport, validate
from flextime.validate.delta import MoveScorer

__all__ = [
    "MOVE_KINDS",
    "LocalSearchResult",
    "MoveMix",
    "draw_move",
    "flip_triangle",
    "local_search",
    "move_game",
    "partial_swap_slots",
    "random_move",
    "start_temperature",
    "swap_homes",
    "swap_slots",
    "swap_teams",
    "travel_change",
]


def _flip(instance: Instance, g: Game) -> Game:
    venue = g.venue
    if venue is not None and venue == instance.home_venue(g.home):
        venue = None
    return Game(home=g.away, away=g.home, slot=g.slot, venue=venue, locked=g.locked)


def swap_homes(instance: Instance, games: list[Game], i: str, j: str) -> list[Game]:
    return [_flip(instance, g) if {g.home, g.away} == {i, j} else g for g in games]


def swap_slots(games: list[Game], a: int, b: int) -> list[Game]:
    out = []
    for g in games:
        if g.slot in (a, b):
            g = g.model_copy(update={"slot": b if g.slot == a else a})
        out.append(g)
    return out


def swap_teams(instance: Instance, games: list[Game], i: str, j: str) -> list[Game]:
    swap = {i: j, j: i}
    out = []
    for g in games:
        if {g.home, g.away} == {i, j} or (g.home not in swap and g.away not in swap):
            out.append(g)
            continue
        venue = g.venue
        if venue is not None and venue == instance.home_venue(g.home):
            venue = None
        out.append(
            Game(
                home=swap.get(g.home, g.home),
                away=swap.get(g.away, g.away),
                slot=g.slot,
                venue=venue,
                locked=g.locked,
            )
        )
    return out


def partial_swap_slots(games: list[Game], team: str, a: int, b: int) -> list[Game]:
    group = {team}
    changed = True
    while changed:
        changed = False
        for g in games:
            if g.slot in (a, b) and (g.home in group) != (g.away in group):
                group |= {g.home, g.away}
                changed = True
    out = []
    for g in games:
        if g.slot in (a, b) and g.home in group:
            g = g.model_copy(update={"slot": b if g.slot == a else a})
        out.append(g)
    return out


def move_game(games: list[Game], index: int, slot: int) -> list[Game]:
    out = list(games)
    out[index] = games[index].model_copy(update={"slot": slot})
    return out


def flip_triangle(instance: Instance, games: list[Game], indices: tuple[int, int, int]) -> list[Game]:
    out = list(games)
    for k in indices:
        out[k] = _flip(instance, games[k])
    return out


def _draw_move_game(games: list[Game], n_slots: int, rng: random.Random) -> list[Game] | None:
    k = rng.randrange(len(games))
    g = games[k]
    busy = {x.slot for x in games if x.home in (g.home, g.away) or x.away in (g.home, g.away)}
    free = [s for s in range(n_slots) if s not in busy]
    return move_game(games, k, rng.choice(free)) if free else None


def _draw_flip_triangle(instance: Instance, games: list[Game], rng: random.Random) -> list[Game] | None:
    k = rng.randrange(len(games))
    i, j = games[k].home, games[k].away  # i hosts j; find j hosts m and m hosts i
    hosted_by_j = {x.away: n for n, x in enumerate(games) if x.home == j and x.away != i}
    closing = [(hosted_by_j[x.home], n) for n, x in enumerate(games) if x.away == i and x.home in hosted_by_j]
    if not closing:
        return None
    m, n = rng.choice(closing)
    return flip_triangle(instance, games, (k, m, n))


MOVE_KINDS = ("swap_homes", "swap_slots", "swap_teams", "partial_swap_slots", "move_game", "flip_triangle")


def draw_move(
    instance: Instance, games: list[Game], rng: random.Random, kind: str | None = None
) -> list[Game] | None:
    """A move of ``kind`` (default: a uniform choice of :data:`MOVE_KINDS`) with random teams,
    slots or games; None when the schedule has no such move (fewer than 2 slots, no bye to move
    a game into, no host cycle of three)."""
    kind = kind or rng.choice(MOVE_KINDS)
    teams = instance.team_ids
    if kind in ("swap_homes", "swap_teams"):
        i, j = rng.sample(teams, 2)
        swap = swap_homes if kind == "swap_homes" else swap_teams
        return swap(instance, games, i, j)
    if not games:
        return None
    if kind == "move_game":
        return _draw_move_game(games, instance.n_slots, rng)
    if kind == "flip_triangle":
        return _draw_flip_triangle(instance, games, rng)
    slots = sorted({g.slot for g in games})
    if len(slots) < 2:
        return None
    a, b = rng.sample(slots, 2)
    if kind == "swap_slots":
        return swap_slots(games, a, b)
    return partial_swap_slots(games, rng.choice(teams), a, b)


class MoveMix:
    """Chooses move kinds in proportion to how often each improved the schedule: kind k's weight
    is ``(improved_k + 1) / (tried_k + PRIOR)``, and every kind keeps at least :data:`FLOOR` of
    the draws spread evenly (so a kind that starts to pay off late is still seen)."""

    PRIOR = 10
    FLOOR = 0.2

    def __init__(self, kinds: tuple[str, ...] = MOVE_KINDS):
        self.kinds = kinds
        self.tried = dict.fromkeys(kinds, 0)
        self.improved = dict.fromkeys(kinds, 0)

    def weights(self) -> list[float]:
        rates = [(self.improved[k] + 1) / (self.tried[k] + self.PRIOR) for k in self.kinds]
        total = sum(rates)
        even = self.FLOOR / len(self.kinds)
        return [even + (1 - self.FLOOR) * r / total for r in rates]

    def choose(self, rng: random.Random) -> str:
        return rng.choices(self.kinds, weights=self.weights())[0]

    def record(self, kind: str, improved: bool) -> None:
        self.tried[kind] += 1
        self.improved[kind] += improved


@dataclass
class LocalSearchResult:
    schedule: Schedule
    report: ValidationReport
    iterations: int = 0  # moves drawn
    validated: int = 0  # moves the validator scored
    screened: int = 0  # moves dropped unvalidated because MoveScorer found them worse
    skipped: int = 0  # moves dropped unvalidated for adding miles (the others: no-ops, locked games)
    accepted: int = 0
    uphill: int = 0  # accepted moves that added miles (annealing)
    reheats: int = 0  # kicks out of a local optimum (see local_search(reheat=...))
    stalled: bool = False  # stopped at a stall (local_search(stop_on_stall=True))
    lns_steps: int = 0  # CP-SAT LNS steps between climbs (flextime.travel.general)
    lns_kept: int = 0  # ... of which the validator ranked the result better
    lns_failed: bool = False  # the LNS raised; the rest of the time went to the local search
    phases: list[str] = field(default_factory=list)  # improve_general's phases in order: "ls" / "lns"
    time_to_best_s: float | None = None
    history: list[tuple[float, int]] = field(default_factory=list)
    moves: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind -> (drawn, improved)


def random_move(instance: Instance, games: list[Game], rng: random.Random) -> list[Game] | None:
    """A move of a uniformly chosen kind (see :func:`draw_move`)."""
    return draw_move(instance, games, rng)


def _changed(old: list[Game], new: list[Game]) -> list[tuple[Game, Game]]:
    """The games a move replaced (the moves keep the list's order and every untouched object)."""
    return [(a, b) for a, b in zip(old, new, strict=True) if a is not b]


def travel_change(
    instance: Instance,
    old: list[Game],
    new: list[Game],
    by_team: dict[str, int],
    dist: Callable[[str, str], int],
    changed: list[tuple[Game, Game]] | None = None,
) -> int:
    """How many miles ``new`` (a move applied to ``old``) adds to the total travel, counting only
    the teams whose games the move changed (``by_team``: the travel of every team in ``old``;
    ``changed``: the move's replaced games when the caller has them already)."""
    pairs = _changed(old, new) if changed is None else changed
    touched = {t for a, b in pairs for t in (a.home, a.away, b.home, b.away)}
    recount = team_travel(instance, new, teams=touched, dist=dist)
    return sum(recount.values()) - sum(by_team[t] for t in touched)


def _may_take(
    scorer: MoveScorer,
    instance: Instance,
    games: list[Game],
    cand: list[Game],
    changed: list[tuple[Game, Game]],
    cur_key: tuple[int, int, int],
    delta: int,
    uphill: bool,
) -> bool:
    """Whether :func:`local_search` could take ``cand`` (``delta``: its change in miles), by the
    rules it takes moves by, from :class:`MoveScorer`'s exact change in hard infeasibility and
    soft penalty; for a move too large for that, whether the candidate's own sums stay within the
    current schedule's (:meth:`MoveScorer.exceeds`). A move that may be taken is then validated."""
    change = scorer.change(games, cand, changed)
    counted = instance.objective.soft_constraints
    weight = instance.objective.travel_weight
    if change is None:  # a large move: the validator's sums, stopped once they pass the current ones
        if uphill:
            return not scorer.exceeds(cand, 0, cur_key[1] - weight * cur_key[2] if counted else None)
        budget = cur_key[1] - weight * (cur_key[2] + delta) if counted else None
        return not scorer.exceeds(cand, cur_key[0], budget)
    soft = change.soft_penalty if counted else 0
    if uphill:
        return cur_key[0] + change.infeasibility == 0 and soft <= 0
    key = (cur_key[0] + change.infeasibility, cur_key[1] + soft + weight * delta, cur_key[2] + delta)
    return key <= cur_key


def _soft(instance: Instance, report: ValidationReport) -> int:
    """The objective without its travel term (the soft penalty, when the objective counts it)."""
    return report.objective - instance.objective.travel_weight * (report.travel_total or 0)


def start_temperature(
    instance: Instance,
    games: list[Game],
    by_team: dict[str, int],
    dist: Callable[[str, str], int],
    rng: random.Random,
    samples: int = 60,
) -> float:
    """A start temperature at which a median move that adds miles is accepted with probability
    :data:`START_ACCEPTANCE`, from the travel changes of ``samples`` random moves (no validation)."""
    ups = []
    for _ in range(samples):
        cand = random_move(instance, games, rng)
        if cand is not None:
            delta = travel_change(instance, games, cand, by_team, dist)
            if delta > 0:
                ups.append(delta)
    if not ups:
        return 0.0
    return sorted(ups)[len(ups) // 2] / -math.log(START_ACCEPTANCE)


START_ACCEPTANCE = 0.05  # of a median uphill move, at the start temperature
END_RATIO = 0.01  # the temperature falls geometrically to this fraction of the start ...
ANNEAL_SHARE = 0.8  # ... over this share of the time; then hill climbing from the best schedule
STALL_DRAWS = 10_000  # moves without a new best before a reheat (local_search(reheat=True))
REHEAT_DRAWS = 1500  # moves a reheat anneals for, from the start temperature to END_RATIO of it


class _Temperatures:
    """The temperature of :func:`local_search` move by move: the optional anneal over the first
    ``anneal_s`` seconds, then 0 (hill climbing) except during reheats."""

    def __init__(self, t0: float, anneal_s: float, reheat: bool):
        self.t0, self.anneal_s, self.reheat = t0, anneal_s, reheat
        self.annealing = anneal_s > 0
        self.heat_left = self.reheats = 0
        self.kick_t0: float | None = None  # set by the search at the first reheat

    def step(self, elapsed: float, since_best: int, best_feasible: bool) -> tuple[float, bool]:
        """(temperature for this move, whether the search goes back to the best schedule first)."""
        back = False
        if self.annealing and elapsed >= self.anneal_s:  # the anneal ends: climb from the best
            self.annealing, back = False, True
        stalled = not self.annealing and not self.heat_left and since_best > STALL_DRAWS
        if self.reheat and stalled and best_feasible:
            self.heat_left, back = REHEAT_DRAWS, True
            self.reheats += 1
        if self.annealing:
            return self.t0 * END_RATIO ** (elapsed / self.anneal_s), back
        if self.heat_left:
            self.heat_left -= 1
            return (self.kick_t0 or 0.0) * END_RATIO ** (1 - self.heat_left / REHEAT_DRAWS), back
        return 0.0, back


def local_search(
    instance: Instance,
    schedule: Schedule,
    report: ValidationReport | None = None,
    *,
    time_limit_s: float = 30.0,
    seed: int = 1,
    max_iterations: int | None = None,
    temperature: float | None = 0.0,
    reheat: bool = True,
    kinds: tuple[str, ...] = MOVE_KINDS,
    stop_on_stall: bool = False,
    stall_draws: int | None = None,
    mix: MoveMix | None = None,
    on_progress: Callable[[float, int], None] | None = None,
    screen: bool = True,
) -> LocalSearchResult:
    """Simulated annealing on travel, then hill climbing; never returns anything worse than
    ``schedule``.

    Every move's travel change is counted first, on the teams whose games it changed only (a
    fraction of a millisecond, against several for a validation). While the current schedule
    breaks no hard constraint, a move that adds ``delta`` miles is dropped unvalidated unless it
    passes the annealing test (probability ``exp(-delta / T)``); a move that passes is validated
    and taken only if it breaks no more hard constraints and adds no soft penalty (only miles). A
    move that adds no miles is validated and taken when it is not worse in (hard infeasibility,
    objective, travel) order (sideways moves walk plateaus). ``T`` starts at ``temperature``
    (the default 0: hill climbing throughout, the better of the two on the Big 12 men's basketball
    scenario; None: :func:`start_temperature`) and falls geometrically to
    :data:`END_RATIO` of it over :data:`ANNEAL_SHARE` of the time; the rest is hill climbing from
    the best schedule found. On an infeasible schedule every move is validated and taken by the
    (hard infeasibility, objective, travel) order alone, so miles can be traded for fewer hard
    violations.

    ``reheat`` (iterated local search): after :data:`STALL_DRAWS` moves without a new best while
    hill climbing on a feasible schedule, the search goes back to the best schedule and anneals
    for :data:`REHEAT_DRAWS` moves, from :func:`start_temperature` down to :data:`END_RATIO` of
    it, then climbs again (a kick out of the local optimum; the best schedule is kept).
    ``kinds``: the move kinds drawn (:data:`MOVE_KINDS`, by :class:`MoveMix`).
    ``stop_on_stall``: return at the first stall instead (``stalled`` is then True; the caller
    kicks the schedule its own way, see :mod:`flextime.travel.general`), after ``stall_draws``
    moves without a new best (default :data:`STALL_DRAWS`).
    ``mix``: a :class:`MoveMix` to go on with (a search in phases keeps what it learnt; ``kinds``
    is then ignored, and the result's ``moves`` are the mix's totals).
    ``screen`` (default on): before a validation, :class:`flextime.validate.delta.MoveScorer`
    counts the move's change in hard infeasibility and soft penalty on the teams and slots it
    touched (exactly as the validator would), and a move it shows would not be taken is dropped
    unvalidated (``screened``); the moves that pass are validated, and the validator decides."""
    rng = random.Random(seed)
    start = time.perf_counter()
    report = report or validate(instance, schedule)
    games = list(schedule.games)
    dist = distance_lookup(instance) if report.travel_total is not None else None
    cur_key, cur_soft = report.improvement_key(), _soft(instance, report)
    by_team = report.travel_by_team  # read only, like the reports it comes from
    best = LocalSearchResult(schedule=schedule, report=report)
    if temperature is not None:
        t0 = max(0.0, temperature)
    else:  # automatic: from the moves' travel changes (none without travel data)
        t0 = start_temperature(instance, games, by_team, dist, random.Random(seed)) if dist else 0.0
    temps = _Temperatures(t0, time_limit_s * ANNEAL_SHARE if t0 > 0 else 0.0, reheat and dist is not None)
    it = since_best = 0
    stall = STALL_DRAWS if stall_draws is None else max(1, stall_draws)
    mix = mix if mix is not None else MoveMix(kinds)
    scorer = MoveScorer(instance) if screen else None
    while (elapsed := time.perf_counter() - start) < time_limit_s and (
        max_iterations is None or it < max_iterations
    ):
        best.stalled = stop_on_stall and since_best > stall and not temps.heat_left
        if best.stalled:
            break
        it += 1
        since_best += 1
        temp, back_to_best = temps.step(elapsed, since_best, best.report.infeasibility == 0)
        if back_to_best:
            since_best = 0
            games, by_team = list(best.schedule.games), best.report.travel_by_team
            cur_key, cur_soft = best.report.improvement_key(), _soft(instance, best.report)
            if temps.heat_left and temps.kick_t0 is None and dist is not None:
                temps.kick_t0 = start_temperature(instance, games, by_team, dist, random.Random(seed))
        kind = mix.choose(rng)
        cand = draw_move(instance, games, rng, kind)
        if cand is None:
            mix.record(kind, False)
            continue
        changed = _changed(games, cand)
        if not changed or any(a.locked for a, _ in changed):
            mix.record(kind, False)
            continue
        uphill = False
        delta = travel_change(instance, games, cand, by_team, dist, changed) if dist is not None else 0
        if delta > 0 and cur_key[0] == 0:
            if temp <= 0 or rng.random() >= math.exp(-delta / temp):
                best.skipped += 1
                mix.record(kind, False)
                continue
            uphill = True
        if scorer is not None and not _may_take(
            scorer, instance, games, cand, changed, cur_key, delta, uphill
        ):
            best.screened += 1
            mix.record(kind, False)
            continue
        cand_schedule = Schedule(instance=schedule.instance, games=cand)
        cand_report = validate(instance, cand_schedule)
        best.validated += 1
        k = cand_report.improvement_key()
        if uphill:
            take = cand_report.infeasibility == 0 and _soft(instance, cand_report) <= cur_soft
        else:
            take = k <= cur_key
        mix.record(kind, take and k < cur_key)
        if take:
            games, cur_key, cur_soft = cand, k, _soft(instance, cand_report)
            by_team = cand_report.travel_by_team
            best.accepted += 1
            best.uphill += uphill
            if k < best.report.improvement_key():
                since_best = 0
                t = time.perf_counter() - start
                best.schedule, best.report, best.time_to_best_s = cand_schedule, cand_report, round(t, 3)
                best.history.append((round(t, 3), cand_report.travel_total or 0))
                if on_progress is not None:
                    on_progress(t, cand_report.travel_total or 0)
    best.iterations = it
    best.reheats = temps.reheats
    best.moves = {k: (mix.tried[k], mix.improved[k]) for k in mix.kinds}
    return best
