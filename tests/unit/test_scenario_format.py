"""The native scenario file: round trips, compact forms, bad input -> InputError with a location."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from flextime.domain import (
    FixedGame,
    Instance,
    MaxConsecutive,
    PartialRoundRobin,
    Slot,
    Team,
    TeamUnavailable,
    Venue,
)
from flextime.formats.errors import InputError
from flextime.formats.scenario import (
    SCHEMA_PATH,
    dump_scenario,
    load_scenario,
    scenario_json_schema,
)

GOOD_YAML = """\
name: mini
sport: basketball
teams:
  - {id: A, name: Alpha, venue: A-arena}
  - {id: B, name: Beta, venue: B-arena}
  - {id: C, name: Gamma, venue: C-arena}
  - {id: D, name: Delta, venue: D-arena}
venues:
  - {id: A-arena, name: Alpha Arena, lat: 30.0, lon: -97.0}
  - {id: B-arena, name: Beta Arena, lat: 31.0, lon: -98.0}
  - {id: C-arena, name: Gamma Arena, lat: 32.0, lon: -99.0}
  - {id: D-arena, name: Delta Arena, lat: 33.0, lon: -100.0}
slots: {dates: {from: 2027-01-02, to: 2027-01-20, weekdays: [Sat, Wed]}}
format: {kind: partial_round_robin, games_per_team: 3, home_min: 1, home_max: 2}
constraints:
  - {type: team_unavailable, id: b-no-sunday, team: B, weekdays: [Sun]}
  - {type: fixed_game, id: opener, home: A, away: B, date: 2027-01-02}
  - type: max_consecutive
    id: road
    mode: A
    max: 2
"""


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _instance() -> Instance:
    return Instance(
        name="mini",
        sport="basketball",
        season="2026-27",
        teams=[Team(id=t, name=t, venue=f"{t}-v") for t in "ABCD"],
        venues=[Venue(id=f"{t}-v", name=t, lat=30 + i, lon=-97 - i) for i, t in enumerate("ABCD")],
        slots=[Slot(index=i, date=dt.date(2027, 1, 2) + dt.timedelta(days=3 * i)) for i in range(6)],
        format=PartialRoundRobin(games_per_team=3, home_min=1, home_max=2),
        constraints=[
            TeamUnavailable(id="u", label="B never on Sunday", team="B", weekdays=["Sun"]),
            FixedGame(id="f", home="A", away="B", date=dt.date(2027, 1, 2)),
            MaxConsecutive(id="m", hard=False, weight=3, mode="A", max=2),
        ],
    )


def _error(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_scenario(path)
    return info.value


# ---- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_round_trip(tmp_path: Path, suffix: str) -> None:
    # Given an instance with dated slots and several constraint families
    instance = _instance()
    # When it is written and read back
    path = dump_scenario(instance, tmp_path / f"mini{suffix}")
    loaded = load_scenario(path)
    # Then nothing is lost
    assert loaded == instance


def test_json_dump_has_iso_dates_and_discriminators(tmp_path: Path) -> None:
    # Given an instance written as JSON
    path = dump_scenario(_instance(), tmp_path / "mini.json")
    # When the raw JSON is read
    data = json.loads(path.read_text())
    # Then dates are ISO strings and every constraint keeps its type tag
    assert data["slots"][0]["date"] == "2027-01-02"
    assert [c["type"] for c in data["constraints"]] == ["team_unavailable", "fixed_game", "max_consecutive"]
    assert data["format"]["kind"] == "partial_round_robin"


def test_slot_generator_expands_dates(tmp_path: Path) -> None:
    # Given a compact scenario with a date generator
    path = _write(tmp_path, GOOD_YAML)
    # When it is loaded
    instance = load_scenario(path)
    # Then the slots are the Saturdays and Wednesdays of the range, in order
    assert [s.date for s in instance.slots] == [
        dt.date(2027, 1, 2),
        dt.date(2027, 1, 6),
        dt.date(2027, 1, 9),
        dt.date(2027, 1, 13),
        dt.date(2027, 1, 16),
        dt.date(2027, 1, 20),
    ]
    assert [s.index for s in instance.slots] == list(range(6))


def test_numeric_season_is_read_as_text(tmp_path: Path) -> None:
    # Given a season written as a bare year
    path = _write(tmp_path, GOOD_YAML.replace("sport: basketball", "sport: basketball\nseason: 2026"))
    # When it is loaded
    instance = load_scenario(path)
    # Then the season is the text "2026"
    assert instance.season == "2026"


def test_slot_generator_count_exclude_and_label(tmp_path: Path) -> None:
    # Given generators with a count, and with excluded dates and a label pattern
    base = GOOD_YAML.split("slots:")[0]
    rest = "format:" + GOOD_YAML.split("format:")[1].split("constraints:")[0]
    counted = _write(tmp_path, base + "slots: {count: 4, label: 'Round {n}'}\n" + rest, "a.yaml")
    dated = _write(
        tmp_path,
        base
        + "slots:\n  dates: {from: 2027-01-02, to: 2027-01-23, weekdays: [Sat], exclude: [2027-01-09]}\n"
        + "  label: '{weekday} {date}'\n"
        + rest,
        "b.yaml",
    )
    # When they are loaded
    a, b = load_scenario(counted), load_scenario(dated)
    # Then the rounds are abstract and labelled, and excluded dates are left out
    assert [s.label for s in a.slots] == ["Round 1", "Round 2", "Round 3", "Round 4"]
    assert all(s.date is None for s in a.slots)
    assert [s.label for s in b.slots] == ["Sat 2027-01-02", "Sat 2027-01-16", "Sat 2027-01-23"]


def test_explicit_slots_may_omit_index_and_venues_file(tmp_path: Path) -> None:
    # Given explicit slots without indices and the venues in a separate CSV file
    (tmp_path / "venues.csv").write_text(
        "id,name,lat,lon,timezone\nA-arena,Alpha,30,-97,America/Chicago\nB-arena,Beta,31,-98,America/Chicago\n"
    )
    path = _write(
        tmp_path,
        "name: x\nvenues_file: venues.csv\n"
        "teams: [{id: A, name: a, venue: A-arena}, {id: B, name: b, venue: B-arena}]\n"
        "slots: [{label: R1}, {label: R2}]\n",
    )
    # When it is loaded
    instance = load_scenario(path)
    # Then indices follow the list and the venues come from the file
    assert [s.index for s in instance.slots] == [0, 1]
    assert [v.id for v in instance.venues] == ["A-arena", "B-arena"]
    assert instance.venues[0].timezone == "America/Chicago"


# ---- bad input -----------------------------------------------------------------------------------


def test_malformed_yaml_reports_line(tmp_path: Path) -> None:
    # Given YAML with an unclosed flow sequence on line 2
    path = _write(tmp_path, "name: x\nteams: [a, b\nslots: 3\n")
    # When it is loaded
    err = _error(path)
    # Then the location is a line and column
    assert err.location.startswith("line 3, column")
    assert "invalid YAML" in err.message
    assert str(err).startswith(f"{path}: line 3")


def test_malformed_json_reports_line(tmp_path: Path) -> None:
    # Given broken JSON on line 2
    path = _write(tmp_path, '{"name": "x",\n "teams": [,]}', "s.json")
    # When it is loaded
    err = _error(path)
    # Then the location is the JSON line
    assert err.location.startswith("line 2, column")


def test_unknown_team_in_constraint(tmp_path: Path) -> None:
    # Given a constraint that names team Z, which does not exist (line 16)
    path = _write(tmp_path, GOOD_YAML.replace("team: B, weekdays", "team: Z, weekdays"))
    # When it is loaded
    err = _error(path)
    # Then the location is the constraint's field (with its line) and the message names the team
    assert err.location == "constraints.0.team (line 16)"
    assert "unknown team 'Z'" in err.message


def test_constraint_naming_missing_slot(tmp_path: Path) -> None:
    # Given a fixed game in slot 40 of a 6-slot season
    path = _write(tmp_path, GOOD_YAML.replace("date: 2027-01-02}", "slot: 40}"))
    # When it is loaded
    err = _error(path)
    # Then the location is that constraint's slot
    assert err.location.startswith("constraints.1.slot")
    assert "slot 40 does not exist" in err.message


def test_fixed_game_on_a_date_that_is_not_played(tmp_path: Path) -> None:
    # Given a fixed game on a Thursday when only Saturdays and Wednesdays are played
    path = _write(tmp_path, GOOD_YAML.replace("date: 2027-01-02}", "date: 2027-01-07}"))
    # When it is loaded
    err = _error(path)
    # Then the problem names the date
    assert err.location.startswith("constraints.1.date")
    assert "not a playing date" in err.message


def test_impossible_format_lists_each_problem(tmp_path: Path) -> None:
    # Given 9 games per team in 5 slots among 4 teams that may meet only once
    text = GOOD_YAML.replace("to: 2027-01-20", "to: 2027-01-16")
    text = text.replace("games_per_team: 3", "games_per_team: 9")
    text = text.replace("home_min: 1, home_max: 2", "home_min: 4, home_max: 5")
    path = _write(tmp_path, text)
    # When it is loaded
    err = _error(path)
    # Then one error lists every problem, located at the format
    assert err.location.startswith("format.games_per_team")
    assert "9 games do not fit in 5 slots" in err.message
    assert "meeting(s) with each of 3 opponents" in err.message
    assert err.message.startswith("2 problems")


def test_wrong_type_reports_field_path_and_line(tmp_path: Path) -> None:
    # Given a max_consecutive whose max is text (line 21)
    path = _write(tmp_path, GOOD_YAML.replace("    max: 2", "    max: many"))
    # When it is loaded
    err = _error(path)
    # Then the location is the field path without pydantic's union tag, with its line
    assert err.location == "constraints.2.max (line 21)"
    assert "valid integer" in err.message


def test_missing_required_field(tmp_path: Path) -> None:
    # Given a team without a name
    text = GOOD_YAML.replace("{id: C, name: Gamma, venue: C-arena}", "{id: C, venue: C-arena}")
    path = _write(tmp_path, text)
    # When it is loaded
    err = _error(path)
    # Then the location is that team's missing field
    assert err.location.startswith("teams.2.name")
    assert "required" in err.message.lower()


def test_top_level_not_a_mapping(tmp_path: Path) -> None:
    # Given a YAML list, and an empty file
    listed, empty = _write(tmp_path, "- a\n- b\n", "l.yaml"), _write(tmp_path, "", "e.yaml")
    # When they are loaded
    errs = [_error(listed), _error(empty)]
    # Then the error says a mapping was expected
    assert all(e.location == "top level" and "expected a mapping" in e.message for e in errs)


def test_unknown_top_level_key(tmp_path: Path) -> None:
    # Given a misspelt top-level key
    path = _write(tmp_path, GOOD_YAML + "constrains: []\n")
    # When it is loaded
    err = _error(path)
    # Then the key is reported as unknown
    assert err.location.startswith("constrains")
    assert "unknown field" in err.message


def test_unknown_constraint_type(tmp_path: Path) -> None:
    # Given a constraint whose type is not in the catalog
    path = _write(tmp_path, GOOD_YAML.replace("type: max_consecutive", "type: max_consecutiv"))
    # When it is loaded
    err = _error(path)
    # Then the location is that constraint and the message lists the catalog
    assert err.location.startswith("constraints.2")
    assert "max_consecutive" in err.message


def test_bad_slot_generator(tmp_path: Path) -> None:
    # Given a generator with an unknown weekday name
    path = _write(tmp_path, GOOD_YAML.replace("[Sat, Wed]", "[Sat, Wednesday]"))
    # When it is loaded
    err = _error(path)
    # Then the generator field is named
    assert err.location == "slots.dates.weekdays"


def test_missing_file_and_wrong_suffix(tmp_path: Path) -> None:
    # Given a path that does not exist and a file with an unknown suffix
    missing, wrong = tmp_path / "nope.yaml", _write(tmp_path, "name: x", "s.txt")
    # When they are loaded
    errs = [_error(missing), _error(wrong)]
    # Then both are InputErrors about the path
    assert [e.location for e in errs] == ["path", "path"]


# ---- JSON Schema --------------------------------------------------------------------------------


def test_schema_file_is_up_to_date() -> None:
    # Given the committed schema file
    committed = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    # When the schema is generated from the model
    generated = scenario_json_schema()
    # Then they are equal (regenerate with: python -m flextime.formats.scenario)
    assert committed == generated


def test_schema_describes_instance_and_compact_slots() -> None:
    # Given the generated schema
    schema = scenario_json_schema()
    # When its top-level properties are inspected
    props = schema["properties"]
    # Then it has the Instance fields, the slot generator and venues_file
    assert {"name", "teams", "slots", "format", "constraints", "objective"} <= set(props)
    assert "SlotGenerator" in schema["$defs"]
    assert props["venues_file"]["type"] == "string"
