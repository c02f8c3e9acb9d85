"""ICS export: parses with the icalendar library, one event per game, stable UIDs across
versions (a moved game keeps its UID and gets a higher SEQUENCE), time zones with VTIMEZONE."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from flextime.domain import Schedule
from flextime.formats.errors import InputError
from flextime.formats.ics import fold, schedule_to_ics
from flextime.reporting.sample import previous_version, sample_season

STAMP = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def _events(text: str) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(text)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_season_calendar_parses_with_one_event_per_game():
    # Given a dated 16-team season
    instance, schedule = sample_season()
    # When it is exported as ICS
    text = schedule_to_ics(instance, schedule, season_key="big12-mbb-2026-27", sequence=1, stamp=STAMP)
    # Then a calendar library reads every game as an all-day event with a unique UID
    events = _events(text)
    assert len(events) == len(schedule.games) == 240
    first = next(iter(events.values()))
    assert isinstance(first.decoded("DTSTART"), dt.date)
    assert all(line.endswith("\r") or line == "" for line in text.split("\n"))
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_team_calendar_holds_only_that_teams_games():
    instance, schedule = sample_season()
    events = _events(schedule_to_ics(instance, schedule, team="KU", stamp=STAMP))
    assert len(events) == 30
    assert all(
        "Kansas" in str(e["SUMMARY"]) or "University of Kansas" in str(e["SUMMARY"]) for e in events.values()
    )


def test_reimport_after_a_change_updates_instead_of_duplicating():
    # Given version 1 and version 2 in which two rounds were swapped
    instance, v2 = sample_season()
    v1 = previous_version(v2)
    # When both are exported
    before = _events(schedule_to_ics(instance, v1, season_key="s", sequence=1, stamp=STAMP))
    after = _events(schedule_to_ics(instance, v2, season_key="s", sequence=2, stamp=STAMP))
    # Then the UIDs are the same (a client updates), SEQUENCE is bumped and the moved games moved
    assert set(before) == set(after)
    assert {int(e["SEQUENCE"]) for e in after.values()} == {2}
    moved = [uid for uid in after if after[uid].decoded("DTSTART") != before[uid].decoded("DTSTART")]
    assert len(moved) == 16
    # And a calendar that merges by UID ends with as many events as games, not more
    merged = {**before, **after}
    assert len(merged) == len(v2.games)


def test_kickoff_times_carry_tzid_and_a_vtimezone_per_zone():
    instance, schedule = sample_season()
    text = schedule_to_ics(instance, schedule, team="ARIZ", kickoff=dt.time(19, 0), stamp=STAMP)
    cal = icalendar.Calendar.from_ical(text)
    zones = {str(z["TZID"]) for z in cal.walk("VTIMEZONE")}
    assert "America/Phoenix" in zones and "America/Chicago" in zones
    start = cal.walk("VEVENT")[0].decoded("DTSTART")
    assert isinstance(start, dt.datetime) and start.tzinfo is not None
    assert "TZID=America/" in text


def test_vtimezone_offsets_match_daylight_saving():
    instance, schedule = sample_season()
    text = schedule_to_ics(instance, schedule, kickoff=dt.time(19, 0), stamp=STAMP)
    assert "TZOFFSETFROM:-0600\r\nTZOFFSETTO:-0500" in text  # Central daylight time begins
    assert "BEGIN:DAYLIGHT" in text and "BEGIN:STANDARD" in text


def test_abstract_rounds_cannot_become_a_calendar():
    from tests.conftest import tiny_round_robin

    instance = tiny_round_robin(4)
    with pytest.raises(InputError, match="dated slots"):
        schedule_to_ics(instance, Schedule())


def test_fold_never_splits_a_character():
    line = "DESCRIPTION:" + "é" * 80
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
