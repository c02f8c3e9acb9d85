"""``flextime bench itc2021`` on a small ITC2021 instance: validator-checked row with the plan and
the strategy's notes, resumable (no timing asserts)."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from flextime.bench.itc2021 import run_itc2021_bench
from flextime.cli import app
from flextime.formats.robinx import read_instance, read_solution, solution_objective
from flextime.validate import validate


def test_bench_row_records_plan_and_notes_and_a_rerun_skips_it(benchmarks, tmp_path):
    # Given the ITC2021 Test1 instance
    solved: list[dict] = []
    # When benchmarked for a few seconds
    rows = run_itc2021_bench(["Test1"], time_limit=3, out_dir=tmp_path, on_row=solved.append)
    # Then the row is validator-feasible, with the plan and the notes as JSON in the CSV
    assert len(rows) == 1 and len(solved) == 1
    with (tmp_path / "itc2021.csv").open(encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["feasible"] == "True"
    assert json.loads(row["plan"])["name"] == row["strategy"]
    assert isinstance(json.loads(row["notes"]), list)
    assert "notes" not in (tmp_path / "itc2021.md").read_text(encoding="utf-8").splitlines()[0]
    # and the schedule is kept as a RobinX solution that the validator scores as the row says
    path = tmp_path / "solutions" / "ITC2021_Test1.xml"
    instance = read_instance(benchmarks / "itc2021" / "instances" / "ITC2021_Test1.xml")
    report = validate(instance, read_solution(path))
    assert report.feasible and str(report.objective) == row["objective"]
    assert solution_objective(path) == (0, report.objective)
    # And a second run with the same instance solves nothing again
    again = run_itc2021_bench(["Test1"], time_limit=3, out_dir=tmp_path, on_row=solved.append)
    assert len(again) == 1 and len(solved) == 1


def test_plan_overrides_replace_the_selected_parameters_and_are_recorded(benchmarks, tmp_path):
    # Given the Test1 instance and an override of one plan parameter
    rows = run_itc2021_bench(
        ["Test1"], time_limit=3, out_dir=tmp_path, plan_overrides={"anneal": False, "step_seconds": 0.7}
    )
    # Then the recorded plan carries the overridden values and names them in its reasons
    plan = json.loads(rows[0]["plan"])
    assert plan["params"]["anneal"] is False and plan["params"]["step_seconds"] == 0.7
    assert any("plan overrides" in reason for reason in plan["reasons"])
    assert rows[0]["feasible"] is True


@pytest.mark.parametrize(("text", "message"), [("{bad", "not JSON"), ("[1, 2]", "must be a JSON object")])
def test_bench_itc2021_rejects_a_plan_that_is_not_a_json_object(benchmarks, tmp_path, text, message):
    # When the CLI gets a --plan that is not a JSON object
    result = CliRunner().invoke(
        app, ["bench", "itc2021", "--instances", "Test1", "--plan", text, "--out", str(tmp_path)]
    )
    # Then it stops with exit code 2, says why, and writes nothing
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "itc2021.csv").exists()
