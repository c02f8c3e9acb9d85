"""What a validation finds: one :class:`Problem` per bad cell (or row, or file), located the way a
spreadsheet user finds it: file, sheet, row number as shown by the spreadsheet (the header is row
1, the first data row is row 2) and column name."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Problem(BaseModel):
    model_config = ConfigDict(frozen=True)

    file: str
    sheet: str | None = None
    row: int | None = None
    """Spreadsheet row (header = 1); None for a problem with the whole file."""
    column: str | None = None
    code: str
    """Stable machine code: missing_column, required, type, range, unknown_reference, duplicate ..."""
    message: str

    @property
    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"
