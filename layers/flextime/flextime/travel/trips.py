"""The travel model.

Each team starts at its home location, travels to the location of each of its games in slot order
(byes do not interrupt anything; consecutive away games chain into one road trip) and returns home
after its last game. For TTP instances this is exactly the TTP objective.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import pairwise

from pydantic import BaseModel, ConfigDict

from flextime.domain.model import Game, Instance
from flextime.travel.distances import distance_lookup, game_location, home_location

__all__ = ["Trip", "road_trips", "team_games", "team_travel", "total_travel"]


class Trip(BaseModel):
    """One road trip: the team leaves home, plays at ``stops`` (locations, in order) in ``slots`` and
    returns home; ``miles`` covers the whole loop."""

    model_config = ConfigDict(frozen=True)

    team: str
    slots: list[int]
    stops: list[str]
    miles: int


def team_games(games: Iterable[Game], team: str) -> list[Game]:
    """The games of ``team`` in slot order (ties broken by home, away for determinism)."""
    return sorted((g for g in games if team in (g.home, g.away)), key=lambda g: (g.slot, g.home, g.away))


def _path(instance: Instance, games: list[Game], team: str) -> list[tuple[int, str]]:
    return [(g.slot, game_location(instance, g)) for g in team_games(games, team)]


def team_travel(
    instance: Instance,
    games: Iterable[Game],
    *,
    teams: Iterable[str] | None = None,
    dist: Callable[[str, str], int] | None = None,
) -> dict[str, int]:
    """Distance travelled by every team of ``instance`` (team id -> distance units / miles), or by
    ``teams`` only; ``dist`` is a :func:`distance_lookup` built once by callers that count often.

    Games that name teams outside the instance (or outside ``teams``) are ignored.
    """
    dist = dist or distance_lookup(instance)
    by_team: dict[str, list[Game]] = {t: [] for t in (instance.team_ids if teams is None else teams)}
    for g in games:
        for t in (g.home, g.away):
            if t in by_team:
                by_team[t].append(g)
    out: dict[str, int] = {}
    for team, own in by_team.items():
        home = home_location(instance, team)
        here, total = home, 0
        for g in sorted(own, key=lambda g: (g.slot, g.home, g.away)):
            there = game_location(instance, g)
            total += dist(here, there)
            here = there
        out[team] = total + dist(here, home)
    return out


def total_travel(instance: Instance, games: Iterable[Game]) -> int:
    return sum(team_travel(instance, games).values())


def road_trips(instance: Instance, games: Iterable[Game], team: str) -> list[Trip]:
    """The road trips of ``team``: maximal runs of consecutive games away from its home location."""
    dist = distance_lookup(instance)
    home = home_location(instance, team)
    trips: list[Trip] = []
    run: list[tuple[int, str]] = []

    def close() -> None:
        if not run:
            return
        stops = [loc for _, loc in run]
        miles = dist(home, stops[0]) + sum(dist(a, b) for a, b in pairwise(stops))
        miles += dist(stops[-1], home)
        trips.append(Trip(team=team, slots=[s for s, _ in run], stops=stops, miles=miles))
        run.clear()

    for slot, loc in _path(instance, list(games), team):
        if loc == home:
            close()
        else:
            run.append((slot, loc))
    close()
    return trips
