"""Downloadable templates, generated from the column specs (header + one example row)."""

from __future__ import annotations

import csv
import io

from flextime.imports.specs import ImportSpec, spec_for


def template_csv(kind: str) -> bytes:
    spec = spec_for(kind)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(spec.names)
    writer.writerow([c.example for c in spec.columns])
    return buffer.getvalue().encode("utf-8")


def template_xlsx(kind: str) -> bytes:
    """The data sheet (bold header, example row, widths) and a ``notes`` sheet describing each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    spec = spec_for(kind)
    book = Workbook()
    sheet = book.active
    sheet.title = spec.sheet
    sheet.append(spec.names)
    sheet.append([c.example for c in spec.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, column in enumerate(spec.columns):
        letter = cell_letter(i)
        sheet.column_dimensions[letter].width = max(12, len(column.name) + 2, len(column.example) + 2)
        if column.type == "date":
            # Text cells: Excel keeps YYYY-MM-DD as typed instead of reformatting it.
            for row in sheet.iter_rows(min_row=2, min_col=i + 1, max_col=i + 1):
                for c in row:
                    c.number_format = "@"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("notes")
    notes.append(["column", "type", "required", "description"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for c in spec.columns:
        notes.append([c.name, c.type, "yes" if c.required else "no", c.description])
    notes.append([])
    notes.append([spec.note])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_bytes(kind: str, fmt: str) -> bytes:
    if fmt == "csv":
        return template_csv(kind)
    if fmt == "xlsx":
        return template_xlsx(kind)
    raise ValueError(f"unknown template format {fmt!r} (csv or xlsx)")


def cell_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


__all__ = ["ImportSpec", "cell_letter", "template_bytes", "template_csv", "template_xlsx"]
