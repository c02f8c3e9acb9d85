"""Travel: haversine distances, game locations and the road-trip model."""

from __future__ import annotations

import pytest

from flextime.domain.model import Game, Instance, RoundRobin, Slot, Team, Venue
from flextime.travel.distances import (
    distance_lookup,
    game_location,
    haversine_miles,
    location_distance_matrix,
)
from flextime.travel.trips import Trip, road_trips, team_travel

# Distances in a line: 0 --10-- 1 --20-- 2 --30-- 3 (matrix = |position difference|)
POS = [0, 10, 30, 60]
MATRIX = [[abs(a - b) for b in POS] for a in POS]


def ttp(distances=MATRIX) -> Instance:
    return Instance(
        name="line4",
        teams=[Team(id=str(i), name=f"T{i}") for i in range(4)],
        slots=[Slot(index=s) for s in range(6)],
        format=RoundRobin(),
        distances=distances,
    )


def test_haversine_known_distance():
    # Given Provo (BYU) and Salt Lake City (Utah)
    # When measured / Then about 40 miles
    assert haversine_miles(40.2518, -111.6493, 40.7608, -111.8910) == pytest.approx(37.5, abs=1.0)
    # and a quarter of the equator is pi/2 x radius
    assert haversine_miles(0, 0, 0, 90) == pytest.approx(3958.8 * 3.141592653589793 / 2)


def test_matrix_locations_are_team_ids():
    # Given a matrix instance / When asking the location matrix / Then keys are team ids
    keys, matrix = location_distance_matrix(ttp())
    assert keys == ["0", "1", "2", "3"] and matrix[1][3] == 50
    assert game_location(ttp(), Game(home="2", away="0", slot=0)) == "2"


def test_distance_lookup_is_built_once_per_instance_and_not_carried_into_copies():
    # Given a matrix instance whose lookup (and team ids) were used
    line = ttp()
    lookup = distance_lookup(line)
    assert line.team_ids == ["0", "1", "2", "3"]
    # When asked again / Then the same lookup
    assert distance_lookup(line) is lookup and lookup("1", "3") == 50
    # When copied with another matrix and other teams / Then the copy's lookups are its own
    doubled = line.model_copy(update={"distances": [[2 * d for d in row] for row in MATRIX]})
    assert distance_lookup(doubled)("1", "3") == 100 and distance_lookup(line)("1", "3") == 50
    renamed = line.model_copy(update={"teams": [Team(id=f"t{i}", name=f"T{i}") for i in range(4)]})
    assert renamed.team_ids == ["t0", "t1", "t2", "t3"] and renamed.home_venue("t1") is None


def test_team_travel_chains_away_games_and_returns_home():
    # Given team 0 away at 1, 2, 3 in a row (slots 0, 1, 3: a bye in slot 2 does not interrupt)
    games = [
        Game(home="1", away="0", slot=0),
        Game(home="2", away="0", slot=1),
        Game(home="3", away="0", slot=3),
        Game(home="0", away="1", slot=4),
    ]
    # When travel is computed
    travel = team_travel(ttp(), games)
    # Then team 0 goes 0->1->2->3->0 = 10 + 20 + 30 + 60 and stays home for its home game
    assert travel["0"] == 120
    # team 1: home, then to 0 in slot 4 and back = 10 + 10
    assert travel["1"] == 20
    # team 3 never leaves home
    assert travel["3"] == 0
    # And the trip of team 0 is one road trip with three stops
    assert road_trips(ttp(), games, "0") == [
        Trip(team="0", slots=[0, 1, 3], stops=["1", "2", "3"], miles=120)
    ]


def test_road_trips_split_at_home_games():
    # Given team 0: away, home, away
    games = [
        Game(home="1", away="0", slot=0),
        Game(home="0", away="2", slot=1),
        Game(home="3", away="0", slot=2),
    ]
    # When the trips are listed / Then two trips, each a loop from home
    trips = road_trips(ttp(), games, "0")
    assert [(t.slots, t.stops, t.miles) for t in trips] == [([0], ["1"], 20), ([2], ["3"], 120)]
    assert sum(t.miles for t in trips) == team_travel(ttp(), games)["0"]


def test_venue_based_travel_uses_game_venue_or_home_venue():
    # Given three venues on the equator, 1 degree apart, and a neutral-site game
    venues = [Venue(id=f"V{i}", name=f"V{i}", lat=0.0, lon=float(i)) for i in range(3)]
    inst = Instance(
        name="venues",
        teams=[Team(id="A", name="A", venue="V0"), Team(id="B", name="B", venue="V1")],
        venues=venues,
        slots=[Slot(index=s) for s in range(2)],
        format=RoundRobin(rounds=2, compact=True),
    )
    games = [Game(home="A", away="B", slot=0), Game(home="B", away="A", slot=1, venue="V2")]
    one_degree = round(haversine_miles(0, 0, 0, 1))
    # When travel is computed
    keys, matrix = location_distance_matrix(inst)
    travel = team_travel(inst, games)
    # Then locations are venues, distances rounded haversine miles
    assert keys == ["V0", "V1", "V2"] and matrix[0][2] == round(haversine_miles(0, 0, 0, 2))
    assert game_location(inst, games[1]) == "V2"
    # A: home, then V2 and back; B: V1 -> V0 -> V2 -> V1
    assert travel["A"] == 2 * round(haversine_miles(0, 0, 0, 2))
    assert travel["B"] == one_degree + round(haversine_miles(0, 0, 0, 2)) + one_degree
    # The neutral-site game is a trip for the home team B too
    assert [t.stops for t in road_trips(inst, games, "B")] == [["V0", "V2"]]
