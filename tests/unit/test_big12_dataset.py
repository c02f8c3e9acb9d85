"""The Big 12 dataset and the three built-in scenarios."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from flextime.domain import (
    FixedGame,
    GamesPerSlot,
    Instance,
    MinRestDays,
    RequiredMatchup,
    TeamUnavailable,
)
from flextime.formats.scenario import load_scenario
from flextime.scenarios import builtin_yaml_path, list_scenarios, load_builtin
from flextime.scenarios.big12 import TEAM_IDS, schools

NAMES = ["big12-football-2026", "big12-mbb-2026-27", "big12-wbb-2026-27"]
# The team ids of the Big 12 fact sheet (teams.csv), in its order.
FACT_SHEET_IDS = ["ARIZ", "ASU", "BAY", "BYU", "UCF", "CIN", "COLO", "HOU", "ISU", "KU", "KSU", "OKST"]
FACT_SHEET_IDS += ["TCU", "TTU", "UTAH", "WVU"]


def _max_games_with_rest(dates: list[dt.date], rest_days: int) -> int:
    """Most dates a team can play when consecutive games need ``rest_days`` free days (greedy is optimal)."""
    count, last = 0, None
    for d in sorted(dates):
        if last is None or (d - last).days > rest_days:
            count, last = count + 1, d
    return count


# ---- dataset ------------------------------------------------------------------------------------


def test_sixteen_schools_with_fact_sheet_ids() -> None:
    # Given the dataset
    rows = schools()
    # When the ids are listed
    ids = [s.id for s in rows]
    # Then they are the 16 ids of the fact sheet, without duplicates
    assert ids == FACT_SHEET_IDS == list(TEAM_IDS)


def test_coordinates_capacities_and_time_zones_are_plausible() -> None:
    # Given every stadium and arena
    venues = [v for s in schools() for v in (s.stadium, s.arena)]
    # When their fields are checked
    # Then they lie in the continental US, seat a plausible crowd and use a real time zone
    for v in venues:
        assert 24 < v.lat < 50 and -125 < v.lon < -66, v
        assert v.capacity is not None and 5_000 <= v.capacity <= 110_000, v
        zoneinfo.ZoneInfo(v.timezone)
    for s in schools():
        zoneinfo.ZoneInfo(s.timezone)
        assert s.stadium.capacity > s.arena.capacity  # type: ignore[operator]
    assert {s.timezone for s in schools()} == {
        "America/Phoenix",
        "America/Denver",
        "America/Chicago",
        "America/New_York",
    }


def test_stadium_and_arena_are_near_campus() -> None:
    # Given each school's two venues
    # When their distance is approximated (degrees)
    # Then they are on the same campus (within ~5 km)
    for s in schools():
        assert abs(s.stadium.lat - s.arena.lat) < 0.05 and abs(s.stadium.lon - s.arena.lon) < 0.05, s.id


# ---- registry -----------------------------------------------------------------------------------


def test_registry_lists_the_three_scenarios() -> None:
    # Given the registry
    infos = list_scenarios()
    # When the names are listed
    # Then they are the three Big 12 scenarios, each described
    assert [i.name for i in infos] == NAMES
    assert all(i.title and i.sport and i.season and i.description for i in infos)


def test_unknown_scenario_name_lists_the_names() -> None:
    # Given an unknown name
    # When it is loaded
    with pytest.raises(KeyError) as info:
        load_builtin("big12-hockey")
    # Then the error lists the built-in names
    assert all(name in str(info.value) for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_scenario_builds_and_is_well_formed(name: str) -> None:
    # Given a built-in scenario
    instance = load_builtin(name)
    # When its parts are inspected
    # Then it has the 16 teams, each with a venue, dated slots and labelled constraints
    assert instance.name == name
    assert instance.team_ids == FACT_SHEET_IDS
    assert all(t.venue in instance.venue_by_id for t in instance.teams)
    assert instance.dated
    assert instance.reference_problems() == []
    assert instance.constraints
    assert all(c.label.strip() for c in instance.constraints)
    evidence = ("unverified", "reported", "projected")  # soft rules say why they are soft
    assert all(any(e in c.label.lower() for e in evidence) for c in instance.constraints if not c.hard)
    assert instance.objective.travel_weight == 0


@pytest.mark.parametrize("name", NAMES)
def test_committed_yaml_matches_builder(name: str) -> None:
    # Given the committed YAML copy of a scenario
    path = builtin_yaml_path(name)
    # When it is loaded
    loaded = load_scenario(path)
    # Then it equals the Python builder (regenerate with: python -m flextime.scenarios)
    assert loaded == load_builtin(name)


@pytest.mark.parametrize("name", NAMES)
def test_games_fit_in_slots_by_counting(name: str) -> None:
    # Given a scenario
    instance = load_builtin(name)
    cap = {s.index: instance.n_teams // 2 for s in instance.slots}
    for c in instance.constraints:
        if isinstance(c, GamesPerSlot) and c.hard and c.max is not None:
            for s in instance.resolve_slots(c):
                cap[s] = min(cap[s], c.max)
    rest = max((c.days for c in instance.constraints if isinstance(c, MinRestDays) and c.hard), default=0)
    # When games and slot capacity are counted
    # Then the slots hold all games, and every team has enough playable dates (rest days and blackouts)
    assert sum(cap.values()) >= instance.total_games()
    for team in instance.team_ids:
        blocked: set[int] = set()
        for c in instance.constraints:
            if isinstance(c, TeamUnavailable) and c.hard and c.team == team and c.mode == "any":
                blocked.update(instance.resolve_slots(c))
        dates = [s.date for s in instance.slots if s.index not in blocked and s.date is not None]
        assert _max_games_with_rest(dates, rest) >= instance.games_per_team(), team


# ---- football -----------------------------------------------------------------------------------


def test_football_slots_are_the_twelve_conference_saturdays() -> None:
    # Given the football scenario
    instance = load_builtin("big12-football-2026")
    dates = [s.date for s in instance.slots]
    # When its slots are inspected
    # Then they are the 12 Saturdays from 12 Sep to 28 Nov 2026, labelled Week 2..13
    assert len(dates) == 12
    assert all(d is not None and d.weekday() == 5 for d in dates)
    assert dates[0] == dt.date(2026, 9, 12) and dates[-1] == dt.date(2026, 11, 28)
    assert [s.label for s in instance.slots] == [f"Week {w}" for w in range(2, 14)]


def test_football_rivalries_and_official_games() -> None:
    # Given the football scenario
    instance = load_builtin("big12-football-2026")
    # When the protected rivalries and fixed games are collected
    rivalries = {
        frozenset((c.team_a, c.team_b)) for c in instance.constraints if isinstance(c, RequiredMatchup)
    }
    fixed = {(c.date, c.home, c.away): c for c in instance.constraints if isinstance(c, FixedGame)}
    # Then the four rivalries are hard and the official games are fixed (London game labelled)
    assert rivalries == {
        frozenset(p) for p in [("ARIZ", "ASU"), ("BYU", "UTAH"), ("BAY", "TCU"), ("KU", "KSU")]
    }
    assert fixed[(dt.date(2026, 9, 12), "BYU", "ARIZ")].hard
    assert fixed[(dt.date(2026, 11, 28), "ARIZ", "ASU")].hard
    london = fixed[(dt.date(2026, 9, 19), "KU", "ASU")]
    assert london.hard and "London" in london.label and "neutral" in london.label
    assert not fixed[(dt.date(2026, 11, 7), "UTAH", "BYU")].hard  # REPORTED only
    pairs = [frozenset((h, a)) for (_, h, a) in fixed]
    assert len(pairs) == len(set(pairs))  # max_meetings = 1 is respected


# ---- basketball ---------------------------------------------------------------------------------


def test_mbb_has_no_sunday_and_realistic_days() -> None:
    # Given the men's scenario
    instance = load_builtin("big12-mbb-2026-27")
    # When the weekdays of its dates are collected
    weekdays = {s.weekday for s in instance.slots}
    # Then BYU never has a Sunday slot, and the season runs 2 Jan - 6 Mar 2027
    assert "Sun" not in weekdays
    assert weekdays == {"Sat", "Mon", "Tue", "Wed"}
    assert instance.slots[0].date == dt.date(2027, 1, 2) and instance.slots[-1].date == dt.date(2027, 3, 6)
    byu = [c for c in instance.constraints if isinstance(c, TeamUnavailable) and c.team == "BYU"]
    assert byu and byu[0].hard and byu[0].weekdays == ["Sun"]


def test_mbb_required_doubles() -> None:
    # Given the men's scenario
    instance = load_builtin("big12-mbb-2026-27")
    # When the required matchups are collected
    doubles = {
        frozenset((c.team_a, c.team_b))
        for c in instance.constraints
        if isinstance(c, RequiredMatchup) and c.hard and c.min_meetings == 2
    }
    # Then ARIZ-ASU and BYU-UTAH play home-and-home
    assert doubles == {frozenset(("ARIZ", "ASU")), frozenset(("BYU", "UTAH"))}


def test_wbb_window_sundays_and_holidays() -> None:
    # Given the women's scenario
    instance: Instance = load_builtin("big12-wbb-2026-27")
    dates = {s.date for s in instance.slots}
    # When its dates are inspected
    # Then it has Sundays (women play them), none over Christmas or New Year, and BYU skips Sundays
    assert any(s.weekday == "Sun" for s in instance.slots)
    assert not dates & ({dt.date(2026, 12, d) for d in (24, 25, 26, 31)} | {dt.date(2027, 1, 1)})
    assert min(dates) == dt.date(2026, 12, 19) and max(dates) == dt.date(2027, 2, 28)  # type: ignore[type-var]
    assert any(isinstance(c, TeamUnavailable) and c.team == "BYU" and c.hard for c in instance.constraints)
