"""The `flextime` command as a user runs it: real files in, real files out, exit codes, messages."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from flextime.cli import app

runner = CliRunner()

TINY_SCENARIO = {
    "name": "tiny-league",
    "teams": [{"id": f"T{i}", "name": f"Team {i}"} for i in range(4)],
    "slots": [{"index": s} for s in range(6)],
    "format": {"kind": "round_robin", "rounds": 2, "compact": True},
    "constraints": [
        {"type": "CA1", "id": "c1", "teams": ["T0"], "slots": [0, 1], "mode": "H", "max": 0, "hard": True},
        {
            "type": "CA1",
            "id": "c2",
            "teams": ["T1"],
            "slots": [0],
            "mode": "A",
            "max": 0,
            "hard": False,
            "weight": 3,
        },
    ],
}


def write_yaml(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_scenarios_lists_the_three_builtins():
    # When
    result = invoke("scenarios")
    # Then
    assert result.exit_code == 0, result.output
    for name in ("big12-football-2026", "big12-mbb-2026-27", "big12-wbb-2026-27"):
        assert name in result.output


def test_solve_writes_three_files_that_validate(tmp_path):
    # Given a tiny scenario file
    scenario = write_yaml(tmp_path / "tiny.yaml", TINY_SCENARIO)
    out = tmp_path / "out"
    # When
    result = invoke("solve", str(scenario), "--out", str(out), "--time-limit", "10", "--quiet")
    # Then
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"solution.xml", "schedule.csv", "summary.json"}
    with (out / "schedule.csv").open() as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["slot", "date", "home", "away", "venue"]
    assert len(rows) == 1 + 12
    summary = json.loads((out / "summary.json").read_text())
    for key in (
        "status",
        "feasible",
        "infeasibility",
        "objective",
        "bound",
        "gap",
        "wall_seconds",
        "travel_total",
        "travel_by_team",
        "breaks_by_team",
        "violations",
    ):
        assert key in summary
    assert summary["feasible"] is True
    assert summary["status"] == "OPTIMAL"
    # T0 hosts nobody in slots 0-1 (hard)
    assert not [r for r in rows[1:] if r[0] in ("0", "1") and r[2] == "T0"]
    # And the written solution re-validates to the same objective, both as XML and as CSV
    for solution in ("solution.xml", "schedule.csv"):
        check = invoke("validate", str(scenario), str(out / solution), "--json")
        assert check.exit_code == 0, check.output
        report = json.loads(check.output)
        assert report["feasible"] is True
        assert report["infeasibility"] == 0
        assert report["objective"] == summary["objective"]


def test_validate_reports_an_infeasible_schedule(tmp_path):
    # Given a schedule where T0 hosts in slot 0 against the hard rule c1
    scenario = write_yaml(tmp_path / "tiny.yaml", TINY_SCENARIO)
    bad = tmp_path / "bad.csv"
    games = [
        (0, "T0", "T1"),
        (0, "T2", "T3"),
        (1, "T1", "T2"),
        (1, "T3", "T0"),
        (2, "T0", "T2"),
        (2, "T1", "T3"),
        (3, "T1", "T0"),
        (3, "T3", "T2"),
        (4, "T2", "T1"),
        (4, "T0", "T3"),
        (5, "T2", "T0"),
        (5, "T3", "T1"),
    ]
    bad.write_text("slot,date,home,away,venue\n" + "".join(f"{s},,{h},{a},\n" for s, h, a in games))
    # When
    result = invoke("validate", str(scenario), str(bad), "--json")
    # Then
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["feasible"] is False
    assert report["infeasibility"] >= 1
    assert any(v["constraint_id"] == "c1" and v["hard"] for v in report["violations"])


BAD_INPUTS = {
    "malformed-yaml": ("teams: [\n  - id: A\n name: oops\n", "line"),
    "unknown-team": (
        {
            **TINY_SCENARIO,
            "constraints": [{"type": "CA1", "id": "c9", "teams": ["NOPE"], "slots": [0], "max": 0}],
        },
        "NOPE",
    ),
    "missing-slot": (
        {
            **TINY_SCENARIO,
            "constraints": [{"type": "CA1", "id": "c9", "teams": ["T0"], "slots": [42], "max": 0}],
        },
        "42",
    ),
    "impossible-format": ({**TINY_SCENARIO, "slots": [{"index": s} for s in range(5)]}, "slots"),
    "wrong-type": ({**TINY_SCENARIO, "format": {"kind": "round_robin", "rounds": "many"}}, "rounds"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_scenario_exits_2_with_a_message_and_writes_nothing(tmp_path, case):
    # Given a broken scenario file
    content, expected = BAD_INPUTS[case]
    path = tmp_path / f"{case}.yaml"
    if isinstance(content, str):
        path.write_text(content)
    else:
        write_yaml(path, content)
    out = tmp_path / "out"
    # When
    result = invoke("solve", str(path), "--out", str(out), "--time-limit", "5", "--quiet")
    # Then
    assert result.exit_code == 2, result.output
    assert str(path.name) in result.output
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_malformed_robinx_xml_exits_2(tmp_path):
    # Given an XML file cut in the middle
    path = tmp_path / "broken.xml"
    path.write_text("<Instance><Resources><Teams><team id='0'")
    # When
    result = invoke("solve", str(path), "--out", str(tmp_path / "out"), "--quiet")
    # Then
    assert result.exit_code == 2
    assert "broken.xml" in result.output and "line" in result.output
    assert not (tmp_path / "out").exists()


def test_unknown_instance_name_exits_2(tmp_path):
    result = invoke("solve", "big12-curling-2031", "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "big12-football-2026" in result.output  # the message lists what exists


def test_no_traceback_from_the_installed_command(tmp_path):
    # Given the real console script, a missing file
    exe = Path(sys.executable).with_name("flextime")
    # When
    proc = subprocess.run(
        [str(exe), "validate", str(tmp_path / "missing.xml"), str(tmp_path / "missing.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    # Then
    assert proc.returncode == 2
    assert "missing.xml" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


@pytest.mark.benchmarks
def test_solve_and_validate_an_itc2021_instance(benchmarks, tmp_path):
    # Given ITC2021 Test2 (6 teams, optimum 176)
    instance = benchmarks / "itc2021" / "instances" / "ITC2021_Test2.xml"
    out = tmp_path / "out"
    # When
    result = invoke("solve", str(instance), "--out", str(out), "--time-limit", "20", "--quiet")
    # Then a feasible schedule whose validator objective is at least the proven optimum
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["feasible"] is True
    assert summary["objective"] >= 176
    assert summary["objective"] == summary["solver_objective"]
    check = invoke("validate", str(instance), str(out / "solution.xml"), "--json")
    assert json.loads(check.output)["objective"] == summary["objective"]
