"""Benchmark tables: markdown and CSV from flat rows, including rows of a resumed run that gained
a column."""

from __future__ import annotations

import csv

from flextime.bench.table import render_markdown, write_table


def test_rows_with_a_new_column_keep_every_column(tmp_path):
    rows = [
        {"instance": "NL4", "distance": 8276, "feasible": True},
        {"instance": "NL6", "distance": 23916, "feasible": False, "method": "ttsa"},
    ]
    csv_path, md_path = write_table(rows, tmp_path, "ttp")
    back = list(csv.DictReader(csv_path.open()))
    assert list(back[0]) == ["instance", "distance", "feasible", "method"]
    assert back[0]["method"] == "" and back[1]["method"] == "ttsa"
    lines = md_path.read_text().splitlines()
    assert lines[0] == "| instance | distance | feasible | method |"
    assert lines[2] == "| NL4 | 8276 | yes | - |"
    assert lines[3] == "| NL6 | 23916 | no | ttsa |"


def test_no_rows_is_an_empty_table():
    assert render_markdown([]) == ""
