"""`flextime explain / repair / alternatives` as a user runs them: files in, JSON and text out, exit codes."""

from __future__ import annotations

import json

import yaml
from typer.testing import CliRunner

from flextime.cli import app

runner = CliRunner()

CONFLICT = {
    "name": "tiny-conflict",
    "teams": [{"id": f"T{i}", "name": f"Team {i}"} for i in range(6)],
    "slots": [{"index": s} for s in range(5)],
    "format": {"kind": "partial_round_robin", "games_per_team": 3, "home_min": 1, "home_max": 2},
    "constraints": [
        {"type": "team_unavailable", "id": "t1-out", "team": "T1", "slots": [2]},
        {
            "type": "fixed_game",
            "id": "t0-t1",
            "label": "T0 vs T1 fixed on slot 2",
            "home": "T0",
            "away": "T1",
            "slot": 2,
        },
        {"type": "fixed_game", "id": "harmless", "home": "T2", "away": "T3", "slot": 0},
    ],
}


def write(path, data):
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def feasible_scenario(tmp_path):
    data = {**CONFLICT, "name": "tiny-ok", "constraints": CONFLICT["constraints"][2:]}
    return write(tmp_path / "ok.yaml", data)


def test_explain_json_names_the_core(tmp_path):
    # Given a scenario with a planted conflict
    scenario = write(tmp_path / "conflict.yaml", CONFLICT)
    # When
    result = invoke("explain", scenario, "--json", "--time-budget", "3")
    # Then
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["feasible"] is False
    assert {c["constraint_id"] for c in payload["core"]} == {"t1-out", "t0-t1"}
    assert "T0 vs T1 fixed on slot 2 (hard)" in payload["text"]
    assert payload["relaxations"]


def test_explain_text(tmp_path):
    # Given
    scenario = write(tmp_path / "conflict.yaml", CONFLICT)
    # When
    result = invoke("explain", scenario, "--time-budget", "3")
    # Then
    assert result.exit_code == 0, result.output
    assert "infeasible" in result.stdout and "t1-out" in result.stdout and "drop" in result.stdout


def test_explain_unknown_scenario_is_bad_input():
    result = invoke("explain", "no-such-scenario")
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_repair_writes_schedule_and_diff(tmp_path):
    # Given a published schedule of a feasible scenario
    scenario = feasible_scenario(tmp_path)
    solved = invoke("solve", scenario, "--out", tmp_path / "pub", "--time-limit", "3", "--quiet")
    assert solved.exit_code == 0, solved.output
    published = tmp_path / "pub" / "schedule.csv"
    first = next(line for line in published.read_text().splitlines()[1:] if line.startswith("2,"))
    _, _, home, away, _ = first.split(",")
    changes = write(tmp_path / "changes.yaml", [{"kind": "postpone", "home": home, "away": away}])
    # When
    result = invoke(
        "repair",
        published,
        "--scenario",
        scenario,
        "--change",
        changes,
        "--now-slot",
        "2",
        "--out",
        tmp_path / "fixed",
        "--json",
        "--time-limit",
        "3",
    )
    # Then
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["feasible"] and payload["validator_feasible"]
    assert any(c["kind"] == "moved" and c["home"] == home for c in payload["changes"])
    assert (tmp_path / "fixed" / "schedule.csv").exists()
    assert (tmp_path / "fixed" / "repair.json").exists()
    validated = invoke("validate", scenario, tmp_path / "fixed" / "schedule.csv")
    assert validated.exit_code == 0, validated.output


def test_repair_bad_change_file_exits_2(tmp_path):
    # Given a change of an unknown kind
    scenario = feasible_scenario(tmp_path)
    solved = invoke("solve", scenario, "--out", tmp_path / "pub", "--time-limit", "3", "--quiet")
    assert solved.exit_code == 0
    changes = write(tmp_path / "changes.yaml", [{"kind": "earthquake", "team": "T0"}])
    # When
    result = invoke(
        "repair",
        tmp_path / "pub" / "schedule.csv",
        "--scenario",
        scenario,
        "--change",
        changes,
        "--out",
        tmp_path / "fixed",
    )
    # Then
    assert result.exit_code == 2
    assert "changes.yaml" in result.output and "changes[0]" in result.output
    assert not (tmp_path / "fixed").exists()


def test_repair_game_not_in_schedule_exits_2(tmp_path):
    scenario = feasible_scenario(tmp_path)
    invoke("solve", scenario, "--out", tmp_path / "pub", "--time-limit", "3", "--quiet")
    changes = write(tmp_path / "c.json", [{"kind": "postpone", "home": "T0", "away": "T0"}])
    result = invoke(
        "repair",
        tmp_path / "pub" / "schedule.csv",
        "--scenario",
        scenario,
        "--change",
        changes,
        "--out",
        tmp_path / "fixed",
    )
    assert result.exit_code == 2
    assert "not in the published schedule" in result.output


def test_alternatives_json_and_files(tmp_path):
    # Given
    scenario = feasible_scenario(tmp_path)
    # When
    result = invoke(
        "alternatives",
        scenario,
        "-k",
        "2",
        "--min-difference",
        "3",
        "--time-limit",
        "4",
        "--json",
        "--out",
        tmp_path / "alts",
    )
    # Then
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert len(payload["alternatives"]) == 2
    assert payload["alternatives"][0]["differs_from"]["2"] >= 3
    assert payload["comparison"][0]["rank"] == 1
    assert (tmp_path / "alts" / "alternative-2.csv").exists()
