# ruff: noqa: E501  (test data rows read best on one line)
"""The bad-file corpus: every broken file is rejected with the right row and column, and nothing
is written (not even an import batch)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from flextime.imports.service import run_import
from tests.integration.imports.conftest import row_counts


def _xlsx(rows: list[list[str]], sheet: str = "venue_calendar") -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CAL = "venue,date,holder,note\n"
OK_CAL = "ALLEN,2027-01-16,WBB,\n"

# (case id, kind, filename, content, expected (row, column, code) of the first problem)
CORPUS = [
    ("missing-column", "venue_calendar", "c.csv", b"venue,holder\nALLEN,WBB\n", (1, "date", "missing_column")),
    ("unknown-column", "teams", "t.csv", b"code,name,colour\nKU,Kansas,blue\n", (1, "colour", "unknown_column")),
    ("empty-file", "venue_calendar", "c.csv", b"", (None, None, "empty_file")),
    ("header-only", "venue_calendar", "c.csv", CAL.encode(), (None, None, "no_rows")),
    ("required-blank", "venue_calendar", "c.csv", (CAL + OK_CAL + ",2027-01-17,WBB,\n").encode(), (3, "venue", "required")),
    ("bad-date", "venue_calendar", "c.csv", (CAL + "ALLEN,16/01/2027,WBB,\n").encode(), (2, "date", "type")),
    ("unknown-venue", "venue_calendar", "c.csv", (CAL + OK_CAL + "PHOG,2027-01-17,,\n").encode(), (3, "venue", "unknown_reference")),
    ("outside-season", "venue_calendar", "c.csv", (CAL + OK_CAL * 0 + "ALLEN,2026-12-01,WBB,\n").encode(), (2, "date", "outside_season")),
    ("duplicate-row", "venue_calendar", "c.csv", (CAL + OK_CAL + "BRAMLAGE,2027-01-16,WBB,\n" + OK_CAL).encode(), (4, "venue", "duplicate")),
    ("not-a-number", "venues", "v.csv", b"code,name,lat,lon\nPHOG,Phog,north,-95\n", (2, "lat", "type")),
    ("out-of-range", "venues", "v.csv", b"code,name,lat,lon\nPHOG,Phog,38.9,-95\nX,Y,123,-95\n", (3, "lat", "range")),
    ("not-an-integer", "venues", "v.csv", b"code,name,lat,lon,capacity\nPHOG,Phog,38.9,-95,12.5\n", (2, "capacity", "type")),
    ("unknown-time-zone", "teams", "t.csv", b"code,name,timezone\nKU,Kansas,America/Lawrence\n", (2, "timezone", "type")),
    ("unknown-school", "teams", "t.csv", b"code,name,school\nKU,Kansas,KU\nOSU,Oklahoma State,OSU\n", (3, "school", "unknown_reference")),
    ("constraint-unknown-type", "constraints", "k.csv", b'id,type,params\nc1,no_snow,"{}"\n', (2, "type", "domain")),
    ("constraint-bad-json", "constraints", "k.csv", b'id,type,params\nc1,team_unavailable,"{team: BYU}"\n', (2, "params", "type")),
    ("constraint-missing-field", "constraints", "k.csv", b'id,type,params\nc1,team_unavailable,"{""weekdays"": [""Sun""]}"\n', (2, "params", "domain")),
    ("constraint-unknown-team", "constraints", "k.csv", b'id,type,params\nc1,team_unavailable,"{""team"": ""OSU"", ""weekdays"": [""Sun""]}"\n', (2, "params", "unknown_reference")),
    ("constraint-bad-bool", "constraints", "k.csv", b'id,type,hard,params\nc1,team_unavailable,maybe,"{""team"": ""KU""}"\n', (2, "hard", "type")),
    ("constraint-fixed-game-on-sunday", "constraints", "k.csv", b'id,type,params\nc1,fixed_game,"{""home"": ""BYU"", ""away"": ""KU"", ""date"": ""2027-01-03""}"\n', (2, "params", "sunday")),
    ("schedule-sunday", "schedule", "s.csv", b"date,home,away\n2027-01-02,KU,KSU\n2027-01-10,BYU,KU\n", (3, "date", "sunday")),
    ("schedule-plays-itself", "schedule", "s.csv", b"date,home,away\n2027-01-02,KU,KU\n", (2, "away", "domain")),
    ("schedule-double-booked", "schedule", "s.csv", b"date,home,away\n2027-01-02,KU,KSU\n2027-01-02,BYU,KU\n", (3, "date", "double_booked")),
    ("blackout-reversed", "blackouts", "b.csv", b"school,starts_on,ends_on\nKU,2027-01-20,2027-01-18\n", (2, "ends_on", "range")),
    ("blackout-unknown-sport", "blackouts", "b.csv", b"school,sport,starts_on,ends_on\nKU,WBB,2027-01-20,2027-01-22\n", (2, "sport", "unknown_reference")),
    ("ragged-row", "venue_calendar", "c.csv", (CAL + OK_CAL + "ALLEN,2027-01-17,WBB,x,extra\n").encode(), (3, None, "malformed_row")),
    ("not-utf8", "venue_calendar", "c.csv", (CAL + "ALLEN,2027-01-16,Mus\xe9e,\n").encode("latin-1"), (None, None, "encoding")),
    ("corrupt-xlsx", "venue_calendar", "c.xlsx", b"PK\x03\x04 this is not a workbook", (None, None, "unreadable")),
    ("wrong-file-type", "venue_calendar", "c.pdf", b"%PDF-1.4", (None, None, "file_type")),
    ("xlsx-bad-date", "venue_calendar", "c.xlsx",
     _xlsx([["venue", "date", "holder"], ["ALLEN", "2027-01-16", "WBB"], ["ALLEN", "2027-01-17", ""], ["ALLEN", "someday", ""]]),
     (4, "date", "type")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "filename", "content", "expected"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS]
)
def test_broken_file_is_rejected_at_its_row_and_column_and_writes_nothing(
    pool, owner, world, kind, filename, content, expected
):
    # Given a conference with a season and an uploaded broken file
    before = row_counts(owner, world.tenant_id)
    # When it is imported
    outcome = run_import(
        pool, world.tenant_id, world.admin, kind=kind, filename=filename, data=content,
        season_id=world.season_id, scenario_id=world.scenario_id,
    )  # fmt: skip
    # Then it is rejected, the first problem points at the right cell, and no row was written
    assert outcome.status == "rejected"
    first = outcome.problems[0]
    assert (first.row, first.column, first.code) == expected, [str(p) for p in outcome.problems]
    assert first.file == filename and first.message
    if filename.endswith(".xlsx") and first.row is not None:
        assert first.sheet == "venue_calendar"
    assert outcome.batch is None
    assert row_counts(owner, world.tenant_id) == before


def test_corpus_has_at_least_fifteen_kinds_of_broken_file():
    assert len({code for *_, (_, _, code) in CORPUS}) >= 15


def test_school_staff_cannot_import_another_schools_calendar(pool, owner, world):
    # Given KU's school staff and a calendar naming KSU's arena
    data = (CAL + OK_CAL + "BRAMLAGE,2027-01-17,WBB,\n").encode()
    before = row_counts(owner, world.tenant_id)
    # When they import it
    outcome = run_import(
        pool,
        world.tenant_id,
        world.staff,
        kind="venue_calendar",
        filename="c.csv",
        data=data,
        season_id=world.season_id,
    )
    # Then row 3 is refused before the database would refuse it, and nothing is written
    assert [(p.row, p.column, p.code) for p in outcome.problems] == [(3, "venue", "not_your_school")]
    assert row_counts(owner, world.tenant_id) == before


def test_rejected_file_comes_back_annotated_with_an_errors_column(pool, world):
    # Given a calendar with one bad row among good ones
    data = (CAL + OK_CAL + "ALLEN,2027-13-01,WBB,\n").encode()
    # When it is imported
    outcome = run_import(
        pool,
        world.tenant_id,
        world.admin,
        kind="venue_calendar",
        filename="c.csv",
        data=data,
        season_id=world.season_id,
    )
    # Then the annotated file keeps the rows and explains the bad one
    import pandas as pd

    frame = pd.read_csv(io.BytesIO(outcome.errors_file), dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["venue", "date", "holder", "note", "errors"]
    assert frame["errors"].tolist() == ["", "date: '2027-13-01' is not a date (YYYY-MM-DD)"]
