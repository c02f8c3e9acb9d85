"""Validator-checked local search for any instance (dated, partial, extra constraints).

The classic TTP neighbourhoods, written on the game list so they work whatever the format:

* ``swap_homes(i, j)``: every game between i and j changes host.
* ``swap_slots(a, b)``: all games of slot a move to slot b and back (TTSA "swap rounds").
* ``swap_teams(i, j)``: i takes j's games and j takes i's (their mutual games stay).
* ``partial_swap_slots(i, a, b)``: the smallest set of teams closed under "plays in slot a or b"
  that contains i swaps its games between the two slots (TTSA "partial swap rounds").

A neighbour is kept only if the validator says it is not worse in (hard infeasibility, objective,
travel) order (sideways moves walk plateaus); locked games never move.
The best schedule seen is returned.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flextime.domain.model import Game, Instance, Schedule
from flextime.validate import ValidationReport, validate

__all__ = [
    "LocalSearchResult",
    "local_search",
    "partial_swap_slots",
    "swap_homes",
    "swap_slots",
    "swap_teams",
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
    iterations: int = 0
    accepted: int = 0
    time_to_best_s: float | None = None
    history: list[tuple[float, int]] = field(default_factory=list)


def _neighbour(instance: Instance, games: list[Game], rng: random.Random) -> list[Game] | None:
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


def _key(report: ValidationReport) -> tuple[int, int, int]:
    """Hard infeasibility first, then the objective, then travel (which also counts when the
    objective does not weigh it: the travel agent never trades soft penalties for miles)."""
    return (report.infeasibility, report.objective, report.travel_total or 0)


def local_search(
    instance: Instance,
    schedule: Schedule,
    report: ValidationReport | None = None,
    *,
    time_limit_s: float = 30.0,
    seed: int = 1,
    max_iterations: int | None = None,
    on_progress: Callable[[float, int], None] | None = None,
) -> LocalSearchResult:
    """Hill climbing with sideways moves; never returns anything worse than ``schedule``."""
    rng = random.Random(seed)
    start = time.perf_counter()
    report = report or validate(instance, schedule)
    games = list(schedule.games)
    locked = {g for g in games if g.locked}
    cur_key = _key(report)
    best = LocalSearchResult(schedule=schedule, report=report)
    it = 0
    while time.perf_counter() - start < time_limit_s and (max_iterations is None or it < max_iterations):
        it += 1
        cand = _neighbour(instance, games, rng)
        if cand is None or (locked and not locked <= set(cand)):
            continue
        cand_schedule = Schedule(instance=schedule.instance, games=cand)
        cand_report = validate(instance, cand_schedule)
        k = _key(cand_report)
        if k <= cur_key:
            games, cur_key = cand, k
            best.accepted += 1
            if k < _key(best.report):
                t = time.perf_counter() - start
                best.schedule, best.report, best.time_to_best_s = cand_schedule, cand_report, round(t, 3)
                best.history.append((round(t, 3), cand_report.travel_total or 0))
                if on_progress is not None:
                    on_progress(t, cand_report.travel_total or 0)
    best.iterations = it
    return best
