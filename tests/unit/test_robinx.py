"""RobinX XML: instances (ITC2021, TTP), solutions, round trips and precise input errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from flextime.domain.constraints import CA1, CA3, GA1, SE1
from flextime.domain.model import Game, Objective, RoundRobin, Schedule
from flextime.formats.errors import InputError
from flextime.formats.robinx import (
    instance_to_string,
    read_instance,
    read_instance_string,
    read_solution,
    read_solution_string,
    solution_to_string,
    write_instance,
    write_solution,
)
from flextime.paths import benchmarks_dir

BENCH = benchmarks_dir()
needs_benchmarks = pytest.mark.skipif(not BENCH.exists(), reason=f"benchmark data not found at {BENCH}")


def itc(
    text_constraints: str, *, n: int = 4, objective: str = "SC", game_mode: str = "P", extra: str = ""
) -> str:
    """A small ITC2021-style instance document with the given constraint XML."""
    teams = "\n".join(f'<team id="{i}" league="0" name="Team {i}"/>' for i in range(n))
    slots = "\n".join(f'<slot id="{s}" name="Slot {s}"/>' for s in range(2 * (n - 1)))
    return f"""<?xml version="1.0"?>
<Instance>
  <MetaData><InstanceName>Tiny</InstanceName></MetaData>
  <Structure><Format leagueIds="0">
    <numberRoundRobin>2</numberRoundRobin><compactness>C</compactness><gameMode>{game_mode}</gameMode>
  </Format></Structure>
  <ObjectiveFunction><Objective>{objective}</Objective></ObjectiveFunction>
  {extra}
  <Resources>
    <Teams>
{teams}
    </Teams>
    <Slots>
{slots}
    </Slots>
  </Resources>
  <Constraints>
    <BasicConstraints/>
    <CapacityConstraints>
{text_constraints}
    </CapacityConstraints>
  </Constraints>
</Instance>
"""


CA1_XML = '<CA1 max="1" min="0" mode="H" penalty="5" slots="2;0;1" teams="0" type="SOFT"/>'


# ---- reading ------------------------------------------------------------------------------------


def test_reads_teams_slots_format_and_constraint_ids():
    # Given a small instance with two CA1 and one CA3
    xml = itc(
        CA1_XML
        + '\n<CA1 max="0" mode="A" penalty="1" slots="3" teams="1;2" type="HARD"/>'
        + '\n<CA3 intp="3" max="2" min="0" mode1="A" mode2="GAMES" penalty="1" teams1="0" '
        + 'teams2="1;2;3" type="HARD"/>'
    )
    # When read
    inst = read_instance_string(xml, "tiny.xml")
    # Then teams, slots, format and constraints follow the file
    assert inst.name == "Tiny"
    assert inst.team_ids == ["0", "1", "2", "3"] and inst.teams[1].name == "Team 1"
    assert [(s.index, s.label) for s in inst.slots][:2] == [(0, "Slot 0"), (1, "Slot 1")]
    assert inst.format == RoundRobin(rounds=2, compact=True, phased=True, mirrored=False)
    assert inst.objective == Objective(soft_constraints=True, travel_weight=0)
    c1, c2, c3 = inst.constraints
    assert isinstance(c1, CA1) and c1.id == "CA1-1" and not c1.hard and c1.weight == 5
    assert (c1.teams, c1.slots, c1.mode, c1.min, c1.max) == (["0"], [2, 0, 1], "H", 0, 1)
    assert c1.label == "CA1: teams 0 play at most 1 home game in slots 2,0,1"
    assert c2.id == "CA1-2" and c2.hard and c2.min == 0
    assert isinstance(c3, CA3) and c3.id == "CA3-1" and c3.mode2 == "GAMES" and c3.intp == 3


def test_ga1_meetings_are_home_away_pairs():
    # Given a GA1 with trailing separator
    xml = (
        itc("")
        .replace("<GameConstraints/>", "")
        .replace(
            "</CapacityConstraints>",
            '</CapacityConstraints><GameConstraints><GA1 max="2" meetings="0,1;2,3;" min="1" penalty="1" '
            'slots="0" type="HARD"/></GameConstraints>',
        )
    )
    # When read
    (c,) = read_instance_string(xml).constraints
    # Then meetings are (home, away) tuples and min/max are kept
    assert isinstance(c, GA1) and c.meetings == [("0", "1"), ("2", "3")] and (c.min, c.max) == (1, 2)


@needs_benchmarks
def test_reads_itc2021_test1():
    # Given the ITC2021 Test1 instance
    inst = read_instance(BENCH / "itc2021/instances/ITC2021_Test1.xml")
    # Then it has 6 teams, 10 slots, phased format and 61 constraints (17 hard)
    assert inst.n_teams == 6 and inst.n_slots == 10 and inst.format.phased
    assert len(inst.constraints) == 61 and sum(c.hard for c in inst.constraints) == 17
    assert inst.constraints[0].label == "CA1: teams 0 play at most 1 home game in slots 9,6,7"
    assert inst.distances is None


@needs_benchmarks
def test_reads_ttp_groups_distances_and_mirroring():
    # Given the mirrored NL4 TTP instance (team groups instead of team lists)
    inst = read_instance(BENCH / "ttp/instances_robinx/NL4_Mirrored.xml")
    # Then groups are expanded, distances read and the objective is travel only
    assert inst.format == RoundRobin(rounds=2, compact=True, phased=True, mirrored=True)
    assert inst.objective == Objective(soft_constraints=False, travel_weight=1)
    assert inst.distances is not None and inst.distances[0][1] == 745 and inst.distances[3][2] == 380
    ca3_home, ca3_away, se1 = inst.constraints
    assert isinstance(ca3_home, CA3) and ca3_home.teams1 == ["0", "1", "2", "3"] and ca3_home.mode1 == "H"
    assert (ca3_home.intp, ca3_home.max, ca3_home.mode2) == (4, 3, "GAMES") and ca3_away.mode1 == "A"
    assert isinstance(se1, SE1) and se1.min == 1 and se1.teams == ["0", "1", "2", "3"]
    assert [t.name for t in inst.teams] == ["ATL", "NYM", "PHI", "MON"]


@needs_benchmarks
@pytest.mark.parametrize("rel", ["itc2021/instances/ITC2021_Test1.xml", "ttp/instances_robinx/NL4.xml"])
def test_round_trip_read_write_read(rel, tmp_path):
    # Given a benchmark instance
    first = read_instance(BENCH / rel)
    # When written and read again
    out = tmp_path / "again.xml"
    write_instance(first, out)
    second = read_instance(out)
    # Then the instance is unchanged
    assert second == first


def test_round_trip_of_string_form():
    # Given a small instance
    inst = read_instance_string(itc(CA1_XML, game_mode="M"))
    # When serialised and parsed again
    again = read_instance_string(instance_to_string(inst))
    # Then it is equal
    assert again == inst and again.format.mirrored


def test_objectives():
    # Given the objective kinds
    # When read / Then mapped per the README
    assert read_instance_string(itc("", objective="NONE")).objective == Objective(soft_constraints=True)
    distances = (
        "<Data><Distances>"
        + "".join(
            f'<distance dist="{abs(i - j)}" team1="{i}" team2="{j}"/>' for i in range(4) for j in range(4)
        )
        + "</Distances></Data>"
    )
    tr = read_instance_string(itc("", objective="TR", extra=distances)).objective
    assert tr == Objective(soft_constraints=False, travel_weight=1)
    bm = read_instance_string(itc("", objective="BM"))
    # And a travel objective without distances is refused with a clear message
    with pytest.raises(InputError, match="travel_weight"):
        read_instance_string(itc("", objective="TR"))
    assert [c.type for c in bm.constraints] == ["BR2"] and not bm.constraints[0].hard


# ---- solutions ----------------------------------------------------------------------------------


def test_solution_round_trip_with_native_ids(tmp_path):
    # Given a schedule with native team ids
    schedule = Schedule(games=[Game(home="BYU", away="UTAH", slot=3), Game(home="UTAH", away="BYU", slot=7)])
    # When written and read back
    path = tmp_path / "sol.xml"
    write_solution(schedule, path, instance_name="Big12", objective=42, infeasibility=0, solution_name="run1")
    back = read_solution(path)
    # Then the games and metadata survive
    assert back.games == sorted(schedule.games, key=lambda g: g.slot)
    assert back.instance == "Big12"
    text = path.read_text()
    assert '<ObjectiveValue infeasibility="0" objective="42"' in text and "<SolutionName>run1" in text
    assert '<ScheduledMatch home="BYU" away="UTAH" slot="3"' in text


def test_reads_v6_game_tags():
    # Given a V6 solution with <Game> tags
    xml = '<Solution><Games><Game home="1" away="0" slot="2"/></Games></Solution>'
    # When read / Then the game is there
    assert read_solution_string(xml).games == [Game(home="1", away="0", slot=2)]


def test_solution_to_string_is_parseable():
    # Given a schedule / When serialised and parsed / Then it is the same
    s = Schedule(games=[Game(home="0", away="1", slot=0)])
    assert read_solution_string(solution_to_string(s, instance_name="x")).games == s.games


# ---- errors -------------------------------------------------------------------------------------


def _error(xml: str, source: str = "bad.xml") -> InputError:
    with pytest.raises(InputError) as info:
        read_instance_string(xml, source)
    return info.value


def test_malformed_xml_names_line_and_column():
    # Given broken XML on line 3
    err = _error("<Instance>\n<Teams>\n<team id=1/>\n</Instance>")
    # Then the error has the source, line and column
    assert err.source == "bad.xml" and err.location.startswith("line 3, column")
    assert "malformed XML" in err.message and str(err).startswith("bad.xml: line 3")


def test_non_integer_attribute_names_element_and_attribute():
    # Given a CA1 whose max is not an integer
    xml = itc(CA1_XML.replace('max="1"', 'max="one"'))
    # When read / Then the location names line, constraint and attribute
    err = _error(xml)
    assert "CA1[1]@max" in err.location and "line" in err.location
    assert "'max' must be an integer" in err.message and "'one'" in err.message


def test_missing_attribute():
    # Given a CA1 without a mode
    err = _error(itc(CA1_XML.replace('mode="H" ', "")))
    # Then the message names the element and the attribute
    assert "<CA1> is missing the attribute 'mode'" in err.message


def test_unsupported_constraint_tag_names_tag_and_line():
    # Given an SE2 constraint (not in the catalog) on a known line
    xml = itc('<CA5 penalty="1" type="HARD"/>')
    line = xml.splitlines().index('<CA5 penalty="1" type="HARD"/>') + 1
    # When read
    err = _error(xml)
    # Then the error names the tag and the line
    assert "unsupported constraint <CA5>" in err.message and err.location.startswith(f"line {line}")


@needs_benchmarks
def test_acc_errors_clearly():
    # Given the ACC instance (CA2 mode2 EVERY, SE2: outside the catalog)
    # When read / Then a precise InputError, no traceback
    with pytest.raises(InputError) as info:
        read_instance(BENCH / "other/conference/ACC.xml")
    assert "ACC.xml: line " in str(info.value)


def test_bad_references_are_listed():
    # Given a CA1 naming an unknown team and slot
    err = _error(itc(CA1_XML.replace('teams="0"', 'teams="7"').replace('slots="2;0;1"', 'slots="99"')))
    # Then the instance problems are listed
    assert "unknown team '7'" in err.message and "slot 99 does not exist" in err.message


def test_bad_enum_value_is_explained():
    # Given a CA1 with mode X
    err = _error(itc(CA1_XML.replace('mode="H"', 'mode="X"')))
    # Then the message shows the field and the value
    assert "mode" in err.message and "'X'" in err.message


def test_missing_file(tmp_path: Path):
    # Given a path that does not exist / Then InputError naming it
    with pytest.raises(InputError, match="cannot read file"):
        read_instance(tmp_path / "nope.xml")


def test_solution_with_bad_slot():
    # Given a solution with a non-integer slot / Then the error names the attribute
    with pytest.raises(InputError) as info:
        read_solution_string(
            '<Solution><Games><ScheduledMatch home="0" away="1" slot="x"/></Games></Solution>'
        )
    assert "ScheduledMatch[0]@slot" in info.value.location
