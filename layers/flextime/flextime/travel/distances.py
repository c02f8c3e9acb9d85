"""Distances between game locations.

With a distance matrix (``Instance.distances``, TTP style) locations are team ids and a game is
played at the home team's location. Otherwise locations are venue ids (a game is played at
``game.venue`` or at the home team's venue) and the distance is the great-circle distance in miles,
rounded to an integer.
"""

from __future__ import annotations

import math

from flextime.domain.model import Game, Instance

EARTH_RADIUS_MILES = 3958.8

__all__ = [
    "EARTH_RADIUS_MILES",
    "TravelDataError",
    "game_location",
    "has_travel_data",
    "haversine_miles",
    "home_location",
    "location_distance",
    "location_distance_matrix",
]


class TravelDataError(ValueError):
    """The instance has no way to tell where a game is played or how far apart two places are."""


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in miles between two (lat, lon) points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def has_travel_data(instance: Instance) -> bool:
    """True if travel can be measured: a distance matrix, or every team has a known home venue."""
    if instance.distances is not None:
        return True
    venues = instance.venue_by_id
    return bool(venues) and all(t.venue is not None and t.venue in venues for t in instance.teams)


def home_location(instance: Instance, team: str) -> str:
    """Where ``team`` starts and ends its season: its id (matrix) or its home venue id."""
    if instance.distances is not None:
        return team
    venue = instance.home_venue(team)
    if venue is None:
        raise TravelDataError(f"team '{team}' has no home venue")
    return venue


def game_location(instance: Instance, game: Game) -> str:
    """The location of a game: the home team id (matrix), else ``game.venue`` or the home venue."""
    if instance.distances is not None:
        return game.home
    venue = game.venue or instance.home_venue(game.home)
    if venue is None:
        raise TravelDataError(f"no venue known for {game.away} at {game.home} in slot {game.slot}")
    return venue


def location_distance_matrix(instance: Instance) -> tuple[list[str], list[list[int]]]:
    """(location keys, integer distance matrix): team ids with the instance matrix, else venue ids."""
    if instance.distances is not None:
        return list(instance.team_ids), [list(row) for row in instance.distances]
    keys = [v.id for v in instance.venues]
    matrix = [
        [0 if a.id == b.id else round(haversine_miles(a.lat, a.lon, b.lat, b.lon)) for b in instance.venues]
        for a in instance.venues
    ]
    return keys, matrix


class _Distances:
    """A cached lookup ``(location, location) -> int`` for one instance."""

    def __init__(self, instance: Instance):
        keys, matrix = location_distance_matrix(instance)
        self.index = {k: i for i, k in enumerate(keys)}
        self.matrix = matrix

    def __call__(self, a: str, b: str) -> int:
        if a == b:
            return 0
        try:
            return self.matrix[self.index[a]][self.index[b]]
        except KeyError as exc:
            raise TravelDataError(f"unknown location {exc.args[0]!r}") from None


def distance_lookup(instance: Instance) -> _Distances:
    """A callable ``(a, b) -> int`` over locations, built once per instance (kept in
    ``instance.memo``: instances are frozen)."""
    lookup = instance.memo.get("distance_lookup")
    if not isinstance(lookup, _Distances):
        lookup = instance.memo["distance_lookup"] = _Distances(instance)
    return lookup


def location_distance(instance: Instance, a: str, b: str) -> int:
    """Integer distance between two locations of ``instance`` (see module docstring)."""
    return distance_lookup(instance)(a, b)
