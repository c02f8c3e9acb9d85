"""The annotated error file staff download: their own rows, unchanged, plus an ``errors`` column
(XLSX: the bad cells filled red with the message as a cell comment)."""

from __future__ import annotations

import io
from collections import defaultdict

import pandas as pd

from flextime.imports.problems import Problem

ERRORS_COLUMN = "errors"


def _messages(problems: list[Problem]) -> dict[int | None, list[str]]:
    out: dict[int | None, list[str]] = defaultdict(list)
    for p in problems:
        out[p.row].append(f"{p.column}: {p.message}" if p.column else p.message)
    return out


def annotated_frame(raw: pd.DataFrame | None, problems: list[Problem]) -> pd.DataFrame:
    """``raw`` (spreadsheet rows as index) with the errors column; header and file problems go in a
    first row of their own."""
    messages = _messages(problems)
    frame = raw.copy() if raw is not None else pd.DataFrame()
    frame[ERRORS_COLUMN] = ["; ".join(messages.get(int(r), [])) for r in frame.index]
    general = messages.get(None, []) + messages.get(1, [])
    if general:
        head = pd.DataFrame(
            [{**dict.fromkeys(frame.columns, ""), ERRORS_COLUMN: "; ".join(general)}], index=[1]
        )
        frame = pd.concat([head, frame])
    return frame


def annotated_csv(raw: pd.DataFrame | None, problems: list[Problem]) -> bytes:
    return annotated_frame(raw, problems).to_csv(index=False).encode("utf-8")


def annotated_xlsx(raw: pd.DataFrame | None, problems: list[Problem], sheet: str = "errors") -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    frame = annotated_frame(raw, problems)
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append(list(frame.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    out_row: dict[int, int] = {}
    for i, (row, values) in enumerate(frame.iterrows(), start=2):
        ws.append([str(v) for v in values.tolist()])
        out_row.setdefault(int(row), i)
    red = PatternFill("solid", fgColor="FFC7CE")
    columns = list(frame.columns)
    for p in problems:
        if p.row is None or p.row not in out_row or p.column not in columns:
            continue
        cell = ws.cell(row=out_row[p.row], column=columns.index(p.column) + 1)
        cell.fill = red
        cell.comment = Comment(p.message, "FlexTime")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def annotated_file(raw: pd.DataFrame | None, problems: list[Problem], fmt: str) -> bytes:
    return annotated_xlsx(raw, problems) if fmt == "xlsx" else annotated_csv(raw, problems)
