"""Read an uploaded CSV or XLSX file into a frame of text cells (pandas), keeping the spreadsheet's
row numbers. Nothing is interpreted here: types are the validator's job."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import PurePath

import pandas as pd

from flextime.imports.problems import Problem
from flextime.imports.specs import ImportSpec

XLSX_SUFFIXES = (".xlsx", ".xlsm")
_TOKENIZE_LINE = re.compile(r"line (\d+)")


@dataclass
class RawTable:
    """The cells of one sheet as stripped strings ('' for empty); ``frame.index`` is the spreadsheet row."""

    file: str
    sheet: str | None
    frame: pd.DataFrame


class UnreadableFile(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def file_format(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    if suffix in (".csv", ".txt", ""):
        return "csv"
    raise UnreadableFile(
        Problem(
            file=filename, code="file_type", message=f"unknown file type '{suffix}' (expected .csv or .xlsx)"
        )
    )


def read_table(data: bytes, filename: str, spec: ImportSpec) -> RawTable:
    """The sheet named after the kind (or the first sheet) of an XLSX file, or a CSV file."""
    fmt = file_format(filename)
    if not data.strip():
        raise UnreadableFile(Problem(file=filename, code="empty_file", message="the file is empty"))
    if fmt == "xlsx":
        return _read_xlsx(data, filename, spec)
    return _read_csv(data, filename)


def _read_csv(data: bytes, filename: str) -> RawTable:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            Problem(
                file=filename,
                code="encoding",
                message=f"not UTF-8 text (byte {exc.start}); save as CSV UTF-8",
            )
        ) from None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True)
    except pd.errors.ParserError as exc:
        match = _TOKENIZE_LINE.search(str(exc))
        row = int(match.group(1)) if match else None
        raise UnreadableFile(
            Problem(
                file=filename,
                row=row,
                code="malformed_row",
                message=f"cannot split the row into columns: {exc}",
            )
        ) from None
    except pd.errors.EmptyDataError:
        raise UnreadableFile(
            Problem(file=filename, code="empty_file", message="the file has no header row")
        ) from None
    return RawTable(filename, None, _normalise(frame))


def _read_xlsx(data: bytes, filename: str, spec: ImportSpec) -> RawTable:
    try:
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str, engine="openpyxl")
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException for broken files
        raise UnreadableFile(
            Problem(
                file=filename,
                code="unreadable",
                message=f"not a readable XLSX workbook ({type(exc).__name__})",
            )
        ) from None
    if not sheets:
        raise UnreadableFile(Problem(file=filename, code="empty_file", message="the workbook has no sheets"))
    name = spec.sheet if spec.sheet in sheets else next(iter(sheets))
    return RawTable(filename, name, _normalise(sheets[name]))


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.fillna("").astype(str)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.apply(lambda col: col.str.strip())
    # Excel turns dates into datetimes; read as text they gain a midnight time.
    frame = frame.replace(to_replace=r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", value=r"\1", regex=True)
    # Rows that are entirely blank (trailing rows left in a spreadsheet) are not data.
    frame = frame[(frame != "").any(axis=1)] if len(frame.columns) else frame
    frame.index = frame.index + 2  # header is row 1
    return frame
