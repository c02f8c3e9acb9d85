"""The schedule report: the analysis is right on a known schedule, the HTML and the PDF come from
one template, the PDF renders (pages, extractable text naming every team), plots are written."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from flextime.reporting import build_files, build_report, generate_report
from flextime.reporting.sample import previous_version, sample_season
from flextime.store.s3 import LocalArtifactStore

PROGRESS = [{"t_seconds": 0.4, "objective": 90, "bound": 0}, {"t_seconds": 2.0, "objective": 34, "bound": 20}]


@pytest.fixture(scope="module")
def season():
    return sample_season()


@pytest.fixture(scope="module")
def files(season):
    instance, schedule = season
    return build_files(
        instance, schedule, previous=previous_version(schedule), progress=PROGRESS, version_label="v2"
    )


def test_analysis_covers_every_team_trip_and_soft_constraint(season):
    # Given a 16-team double round robin
    instance, schedule = season
    # When the report is built
    report = build_report(instance, schedule)
    # Then every team has 30 games, an H/A pattern over all slots, and trips adding up to its travel
    assert len(report.teams) == 16
    for team in report.teams:
        assert len(team.games) == 30 and len(team.pattern) == instance.n_slots
        assert sum(t.miles for t in team.trips) == team.travel
        assert team.breaks == report.validation.breaks_by_team[team.id]
    # And every soft constraint is listed with its penalty, summing to the validator's soft penalty
    soft = report.soft_constraints
    assert {c.id for c in soft} == {c.id for c in instance.constraints if not c.hard}
    assert sum(c.penalty for c in soft) == report.validation.soft_penalty
    assert report.fairness.travel_spread == report.fairness.travel_max - report.fairness.travel_min


def test_comparison_lists_the_moved_games(season):
    instance, schedule = season
    report = build_report(instance, schedule, previous=previous_version(schedule))
    assert len(report.comparison.moved) == 16  # two rounds of 8 games swapped
    assert report.comparison.unchanged == 240 - 16


def test_pdf_renders_with_text_naming_every_team(season, files):
    # Given the report files of a 16-team season
    instance, _ = season
    _, out, _ = files
    # When the PDF is read back
    reader = PdfReader(io.BytesIO(out["report.pdf"]))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Then it has pages, extractable text, and names every team
    assert len(reader.pages) > 0
    assert "Constraint satisfaction" in text and "Fairness ledger" in text
    missing = [t.name for t in instance.teams if t.name not in text]
    assert missing == []


def test_html_is_self_contained_and_has_every_section(files):
    _, out, _ = files
    html = out["report.html"].decode()
    for section in ("Season grid", "Constraint satisfaction", "Fairness ledger", "Comparison with the previous",  # noqa: E501
                    "Team schedules", "Plots"):  # fmt: skip
        assert section in html
    assert html.count("data:image/svg+xml;base64,") == 4


def test_every_plot_is_written_as_png_and_svg(files):
    _, out, _ = files
    for name in ("trips_map", "home_away", "travel", "progress"):
        assert out[f"plots/{name}.png"].startswith(b"\x89PNG")
        assert b"<svg" in out[f"plots/{name}.svg"][:500]


def test_reporting_agent_stores_the_files_under_the_version(season, tmp_path):
    instance, schedule = season
    store = LocalArtifactStore(tmp_path)
    result = generate_report(
        instance,
        schedule,
        store=store,
        tenant_id="t",
        season_id="s",
        owner_id="job",
        version=3,
        progress=PROGRESS,
    )
    assert result.files["report.pdf"] == "t/s/job/reports/v3/report.pdf"
    assert store.get_bytes(result.files["report.pdf"]).startswith(b"%PDF")
    assert set(result.seconds) >= {"analysis", "plots", "html", "pdf", "store"}
