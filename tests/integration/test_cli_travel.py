"""`flextime improve-travel`, `ttp-instance`, `bench ttp`, `bench big12-ttp` as a user runs them."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from flextime.cli import app
from flextime.formats import robinx
from flextime.travel.improve import naive_schedule
from flextime.travel.ttp_instance import big12_ttp_instance
from flextime.validate import validate

runner = CliRunner()


def test_ttp_instance_writes_a_readable_robinx_file(tmp_path):
    path = tmp_path / "big12.xml"
    result = runner.invoke(app, ["ttp-instance", "big12", "--venues", "stadium", "--out", str(path)])
    assert result.exit_code == 0, result.output
    instance = robinx.read_instance(path)
    assert len(instance.teams) == 16
    assert instance.distances == big12_ttp_instance("stadium").distances


def test_ttp_instance_bad_source_is_exit_2(tmp_path):
    result = runner.invoke(app, ["ttp-instance", "sec", "--out", str(tmp_path / "x.xml")])
    assert result.exit_code == 2


def test_improve_travel_end_to_end(tmp_path):
    inst_path = tmp_path / "big12.xml"
    runner.invoke(app, ["ttp-instance", "big12", "--out", str(inst_path)])
    instance = robinx.read_instance(inst_path)
    start = naive_schedule(instance, 3)
    sol_path = tmp_path / "naive.xml"
    robinx.write_solution(start, sol_path, instance_name=instance.name)
    before = validate(instance, start)
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "improve-travel",
            str(inst_path),
            str(sol_path),
            "--out",
            str(out),
            "--time-limit",
            "2",
            "--seed",
            "4",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "validator" in result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["validator"]["feasible"] is True
    assert summary["after_travel"] <= summary["before_travel"] == before.travel_total
    assert summary["travel"]["total"] == summary["after_travel"]
    again = validate(instance, robinx.read_solution(out / "solution.xml"))
    assert again.feasible and again.travel_total == summary["after_travel"]
    assert (out / "schedule.csv").read_text().count("\n") > 200


def test_improve_travel_missing_schedule_is_exit_2(tmp_path):
    inst_path = tmp_path / "big12.xml"
    runner.invoke(app, ["ttp-instance", "big12", "--out", str(inst_path)])
    result = runner.invoke(
        app, ["improve-travel", str(inst_path), str(tmp_path / "nope.xml"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2


@pytest.mark.benchmarks
def test_bench_ttp_writes_csv_markdown_png(benchmarks, tmp_path):
    result = runner.invoke(
        app, ["bench", "ttp", "--instances", "NL4,CIRC4", "--time-limit", "1", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "ttp.csv").open()))
    assert [r["instance"] for r in rows] == ["NL4", "CIRC4"]
    for r in rows:
        assert r["validator_feasible"] == "True"
        assert int(r["distance"]) >= int(r["lower_bound"])
    assert (tmp_path / "ttp.md").read_text().startswith("| instance")
    assert (tmp_path / "ttp.png").stat().st_size > 1000
    assert (tmp_path / "NL4_solution.xml").exists()


@pytest.mark.benchmarks
def test_bench_ttp_resumes_and_runs_two_annealers(benchmarks, tmp_path):
    first = runner.invoke(
        app, ["bench", "ttp", "--instances", "NL4", "--time-limit", "0.5", "--out", str(tmp_path)]
    )
    assert first.exit_code == 0, first.output
    before = list(csv.DictReader((tmp_path / "ttp.csv").open()))
    again = runner.invoke(
        app,
        [
            "bench",
            "ttp",
            "--instances",
            "NL4,NL6",
            "--time-limit",
            "2",
            "--workers",
            "2",
            "--out",
            str(tmp_path),
        ],
    )
    assert again.exit_code == 0, again.output
    rows = list(csv.DictReader((tmp_path / "ttp.csv").open()))
    assert [r["instance"] for r in rows] == ["NL4", "NL6"]
    assert rows[0] == before[0]  # kept, not re-run
    assert rows[1]["workers"] == "2" and rows[1]["validator_feasible"] == "True"
    md = (tmp_path / "ttp.md").read_text().splitlines()
    assert all("| yes |" in line for line in md[2:])  # the kept row reads back as a boolean
    assert int(rows[1]["distance"]) >= int(rows[1]["lower_bound"])


@pytest.mark.benchmarks
def test_bench_ttp_unknown_instance_is_exit_2(benchmarks, tmp_path):
    result = runner.invoke(app, ["bench", "ttp", "--instances", "NL5", "--time-limit", "1"])
    assert result.exit_code == 2


def test_bench_big12_ttp(tmp_path):
    result = runner.invoke(app, ["bench", "big12-ttp", "--time-limit", "2", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "big12_ttp.csv").open()))
    assert rows[0]["validator_feasible"] == "True"
    assert int(rows[0]["ours_miles"]) < float(rows[0]["naive_median_miles"])
    assert (tmp_path / "Big12_TTP_arena.xml").exists()


@pytest.mark.benchmarks
def test_bench_ttp_unknown_search_is_exit_2(benchmarks, tmp_path):
    result = runner.invoke(app, ["bench", "ttp", "--instances", "NL4", "--search", "tabu"])
    assert result.exit_code == 2
    assert "--search" in result.output
