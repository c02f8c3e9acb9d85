"""Travel figures for summaries and reports: per-team totals, longest trip, time-zone changes and
fairness (max, min, spread) across teams.

Time zones come from the venues (``Venue.timezone``); with a distance matrix and no venues a
team's location is its id and its zone is ``Team.timezone`` (None when unknown: no zone counts).
A time-zone change is one move between two locations whose zones differ, including the trips out
from home and back.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from statistics import mean

from pydantic import BaseModel, Field

from flextime.domain.model import Game, Instance
from flextime.travel.distances import TravelDataError, game_location, has_travel_data, home_location
from flextime.travel.trips import road_trips, team_games, team_travel

__all__ = ["TeamTravel", "TravelSummary", "travel_summary"]


class TeamTravel(BaseModel):
    team: str
    total: int
    road_trips: int
    longest_trip: int = Field(0, description="miles (distance units) of the longest road trip loop")
    longest_trip_games: int = Field(0, description="games on the road trip with the most games")
    timezone_changes: int = 0


class TravelSummary(BaseModel):
    """Travel of every team and the fairness across teams."""

    total: int
    by_team: list[TeamTravel]
    max: int
    min: int
    spread: int = Field(description="max - min over teams")
    mean: float
    max_team: str | None = None
    min_team: str | None = None
    longest_trip: int = 0
    longest_trip_team: str | None = None
    timezone_changes: int = 0

    def as_dict(self) -> dict[str, object]:
        return self.model_dump(mode="json")


def _zone_of(instance: Instance) -> dict[str, str | None]:
    """location key -> time zone name (or None)."""
    zones: dict[str, str | None] = {v.id: v.timezone for v in instance.venues}
    if instance.distances is not None:
        for t in instance.teams:
            zone = t.timezone
            if zone is None and t.venue is not None and t.venue in zones:
                zone = zones[t.venue]
            zones[t.id] = zone
    return zones


def travel_summary(instance: Instance, games: Iterable[Game]) -> TravelSummary | None:
    """The travel summary of a schedule, or None when the instance has no travel data."""
    if not has_travel_data(instance):
        return None
    try:
        return _summary(instance, list(games))
    except TravelDataError:  # a game at an unknown place: the validator reports it
        return None


def _summary(instance: Instance, games: list[Game]) -> TravelSummary:
    totals = team_travel(instance, games)
    zones = _zone_of(instance)
    rows = []
    for team in instance.team_ids:
        trips = road_trips(instance, games, team)
        path = [home_location(instance, team)]
        path += [game_location(instance, g) for g in team_games(games, team)]
        path.append(path[0])
        changes = 0
        for a, b in pairwise(path):
            za, zb = zones.get(a), zones.get(b)
            if a != b and za is not None and zb is not None and za != zb:
                changes += 1
        longest = max(trips, key=lambda t: t.miles, default=None)
        rows.append(
            TeamTravel(
                team=team,
                total=totals.get(team, 0),
                road_trips=len(trips),
                longest_trip=longest.miles if longest else 0,
                longest_trip_games=max((len(t.stops) for t in trips), default=0),
                timezone_changes=changes,
            )
        )
    hi = max(rows, key=lambda r: r.total)
    lo = min(rows, key=lambda r: r.total)
    far = max(rows, key=lambda r: r.longest_trip)
    return TravelSummary(
        total=sum(r.total for r in rows),
        by_team=rows,
        max=hi.total,
        min=lo.total,
        spread=hi.total - lo.total,
        mean=round(mean(r.total for r in rows), 1),
        max_team=hi.team,
        min_team=lo.team,
        longest_trip=far.longest_trip,
        longest_trip_team=far.team if far.longest_trip else None,
        timezone_changes=sum(r.timezone_changes for r in rows),
    )
