"""Validator-checked local search for any instance (dated, partial, extra constraints).

The classic TTP neighbourhoods, written on the game list so they work whatever the format:

* ``swap_homes(i, j)``: every game between i and j changes host.
* ``swap_slots(a, b)``: all games of slot a move to slot b and back (TTSA "swap rounds").
* ``swap_teams(i, j)``: i takes j's games and j takes i's (their mutual games stay).
* ``partial_swap_slots(i, a, b)``: the smallest set of teams closed under "plays in slot a or b"
  that contains i swaps its games between the two slots (TTSA "partial swap rounds").

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

__all__ = [
    "LocalSearchResult",
    "local_search",
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


@dataclass
class LocalSearchResult:
    schedule: Schedule
    report: ValidationReport
    iterations: int = 0  # moves drawn
    validated: int = 0  # moves the validator scored
    skipped: int = 0  # moves dropped unvalidated for adding miles (the others: no-ops, locked games)
    accepted: int = 0
    uphill: int = 0  # accepted moves that added miles (annealing)
    time_to_best_s: float | None = None
    history: list[tuple[float, int]] = field(default_factory=list)


def random_move(instance: Instance, games: list[Game], rng: random.Random) -> list[Game] | None:
    """One of the four moves, uniformly, with random teams and slots (None: fewer than 2 slots)."""
    teams = instance.team_ids
    slots = sorted({g.slot for g in games})
    move = rng.randrange(4)
    if move in (0, 2):
        i, j = rng.sample(teams, 2)
        return swap_homes(instance, games, i, j) if move == 0 else swap_teams(instance, games, i, j)
    if len(slots) < 2:
        return None
    a, b = rng.sample(slots, 2)
    if move == 1:
        return swap_slots(games, a, b)
    return partial_swap_slots(games, rng.choice(teams), a, b)


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


def _key(report: ValidationReport) -> tuple[int, int, int]:
    """Hard infeasibility first, then the objective, then travel (which also counts when the
    objective does not weigh it: the travel agent never trades soft penalties for miles)."""
    return (report.infeasibility, report.objective, report.travel_total or 0)


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


def local_search(
    instance: Instance,
    schedule: Schedule,
    report: ValidationReport | None = None,
    *,
    time_limit_s: float = 30.0,
    seed: int = 1,
    max_iterations: int | None = None,
    temperature: float | None = 0.0,
    on_progress: Callable[[float, int], None] | None = None,
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
    violations."""
    rng = random.Random(seed)
    start = time.perf_counter()
    report = report or validate(instance, schedule)
    games = list(schedule.games)
    dist = distance_lookup(instance) if report.travel_total is not None else None
    cur_key, cur_soft = _key(report), _soft(instance, report)
    by_team = report.travel_by_team  # read only, like the reports it comes from
    best = LocalSearchResult(schedule=schedule, report=report)
    t0 = 0.0
    if dist is not None and temperature is None:
        t0 = start_temperature(instance, games, by_team, dist, random.Random(seed))
    elif temperature is not None:
        t0 = max(0.0, temperature)
    anneal_s = time_limit_s * ANNEAL_SHARE if t0 > 0 else 0.0
    annealing = anneal_s > 0
    it = 0
    while (elapsed := time.perf_counter() - start) < time_limit_s and (
        max_iterations is None or it < max_iterations
    ):
        it += 1
        if annealing and elapsed >= anneal_s:  # the end: hill climbing from the best schedule
            annealing = False
            games, by_team = list(best.schedule.games), best.report.travel_by_team
            cur_key, cur_soft = _key(best.report), _soft(instance, best.report)
        cand = random_move(instance, games, rng)
        if cand is None:
            continue
        changed = _changed(games, cand)
        if not changed or any(a.locked for a, _ in changed):
            continue
        uphill = False
        if dist is not None and cur_key[0] == 0:
            delta = travel_change(instance, games, cand, by_team, dist, changed)
            if delta > 0:
                temp = t0 * END_RATIO ** (elapsed / anneal_s) if annealing else 0.0
                if temp <= 0 or rng.random() >= math.exp(-delta / temp):
                    best.skipped += 1
                    continue
                uphill = True
        cand_schedule = Schedule(instance=schedule.instance, games=cand)
        cand_report = validate(instance, cand_schedule)
        best.validated += 1
        k = _key(cand_report)
        if uphill:
            take = cand_report.infeasibility == 0 and _soft(instance, cand_report) <= cur_soft
        else:
            take = k <= cur_key
        if take:
            games, cur_key, cur_soft = cand, k, _soft(instance, cand_report)
            by_team = cand_report.travel_by_team
            best.accepted += 1
            best.uphill += uphill
            if k < _key(best.report):
                t = time.perf_counter() - start
                best.schedule, best.report, best.time_to_best_s = cand_schedule, cand_report, round(t, 3)
                best.history.append((round(t, 3), cand_report.travel_total or 0))
                if on_progress is not None:
                    on_progress(t, cand_report.travel_total or 0)
    best.iterations = it
    return best
