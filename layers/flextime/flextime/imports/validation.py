"""The validation pipeline: schema (columns, types, ranges) -> references (teams, venues, schools,
sports, dates inside the season) -> duplicates -> domain rules (constraints parse into the catalog,
a game on Sunday for a team that never plays on Sunday, school staff writing another school's rows).

Column checks are vectorised with pandas so a 10,000-row calendar validates in milliseconds; only
the failing rows are turned into :class:`Problem` rows. A file with any problem is never committed.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pandas as pd
from pydantic import ValidationError

from flextime.domain import parse_constraint
from flextime.domain.constraints import FixedGame, constraint_team_refs
from flextime.imports.context import ImportContext
from flextime.imports.problems import Problem
from flextime.imports.reader import RawTable
from flextime.imports.specs import Column, ImportSpec, spec_for

_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0"}
_BASE_CONSTRAINT_FIELDS = ("id", "type", "label", "hard", "weight")


@dataclass
class ValidatedFile:
    """The outcome: ``records`` holds typed values (None where a cell is blank or bad)."""

    kind: str
    file: str
    sheet: str | None
    raw: pd.DataFrame
    records: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    constraints: dict[int, Any] = field(default_factory=dict)
    """Parsed domain constraints by row (constraints kind)."""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows(self) -> int:
        return len(self.raw)


class _Checker:
    def __init__(self, table: RawTable, spec: ImportSpec):
        self.table, self.spec = table, spec
        self.problems: list[Problem] = []

    def add(self, row: int | None, column: str | None, code: str, message: str) -> None:
        self.problems.append(
            Problem(
                file=self.table.file,
                sheet=self.table.sheet,
                row=row,
                column=column,
                code=code,
                message=message,
            )
        )

    def flag(
        self, mask: pd.Series, column: str | None, code: str, message: str | Callable[[int], str]
    ) -> None:
        for row in mask.index[mask.fillna(False).astype(bool)]:
            self.add(int(row), column, code, message(int(row)) if callable(message) else message)


def validate_table(table: RawTable, kind: str, context: ImportContext) -> ValidatedFile:
    """Run every check on one sheet; see the module docstring for the order."""
    spec = spec_for(kind)
    check = _Checker(table, spec)
    frame = table.frame
    result = ValidatedFile(kind, table.file, table.sheet, frame, pd.DataFrame(index=frame.index))
    if not _schema(check, frame):
        result.problems = check.problems
        return result
    records = _types(check, frame)
    _duplicates(check, records)
    _RULES[spec.kind](check, records, context, result)
    result.records = records
    result.problems = sorted(check.problems, key=lambda p: (p.row or 0, _column_order(spec, p.column)))
    return result


def _column_order(spec: ImportSpec, column: str | None) -> int:
    return spec.names.index(column) if column in spec.names else len(spec.names)


# ---- schema ---------------------------------------------------------------------------------


def _schema(check: _Checker, frame: pd.DataFrame) -> bool:
    expected = check.spec.names
    for col in frame.columns:
        if col.startswith("Unnamed:") or col == "":
            check.add(1, None, "unnamed_column", "a column has no header; every column needs a name")
        elif col not in expected:
            check.add(1, col, "unknown_column", f"unknown column '{col}' (expected: {', '.join(expected)})")
    dupes = {c for c in frame.columns if list(frame.columns).count(c) > 1}
    for col in sorted(dupes):
        check.add(1, col, "duplicate_column", f"column '{col}' appears twice")
    missing = [c.name for c in check.spec.columns if c.required and c.name not in frame.columns]
    for name in missing:
        check.add(1, name, "missing_column", f"missing required column '{name}'")
    if not missing and frame.empty:
        check.add(None, None, "no_rows", "the file has a header but no data rows")
    return not check.problems


# ---- types and ranges -----------------------------------------------------------------------


def _types(check: _Checker, frame: pd.DataFrame) -> pd.DataFrame:
    records = pd.DataFrame(index=frame.index)
    for column in check.spec.columns:
        text = frame[column.name] if column.name in frame.columns else pd.Series("", index=frame.index)
        blank = text == ""
        if column.required:
            check.flag(blank, column.name, "required", f"'{column.name}' is required")
        records[column.name] = _convert(check, column, text, blank)
    return records


def _convert(check: _Checker, column: Column, text: pd.Series, blank: pd.Series) -> pd.Series:
    name = column.name
    if column.type == "text":
        return text
    if column.type in ("int", "float"):
        numbers = pd.to_numeric(text.where(~blank), errors="coerce")
        bad = ~blank & numbers.isna()
        if column.type == "int":
            bad |= ~blank & numbers.notna() & (numbers % 1 != 0)
        check.flag(
            bad,
            name,
            "type",
            lambda r: f"'{text[r]}' is not {'an integer' if column.type == 'int' else 'a number'}",
        )
        ok = ~blank & ~bad
        if column.min is not None:
            check.flag(
                ok & (numbers < column.min), name, "range", lambda r: f"{text[r]} is below {column.min:g}"
            )
        if column.max is not None:
            check.flag(
                ok & (numbers > column.max), name, "range", lambda r: f"{text[r]} is above {column.max:g}"
            )
        kept = numbers.where(ok)
        return kept.astype("Int64") if column.type == "int" else kept.astype("Float64")
    if column.type == "date":
        stamps = pd.to_datetime(text.where(~blank), format="%Y-%m-%d", errors="coerce")
        bad = ~blank & stamps.isna()
        check.flag(bad, name, "type", lambda r: f"'{text[r]}' is not a date (YYYY-MM-DD)")
        return pd.Series([None if pd.isna(s) else s.date() for s in stamps], index=text.index, dtype=object)
    if column.type == "bool":
        lowered = text.str.lower()
        bad = ~blank & ~lowered.isin(_TRUE | _FALSE)
        check.flag(bad, name, "type", lambda r: f"'{text[r]}' is not true/false")
        return pd.Series(
            [None if b or x else (v in _TRUE) for b, x, v in zip(blank, bad, lowered, strict=True)],
            index=text.index,
            dtype=object,
        )
    if column.type == "timezone":
        bad = ~blank & ~text.isin(_time_zones())
        check.flag(
            bad, name, "type", lambda r: f"unknown time zone '{text[r]}' (IANA name, e.g. America/Chicago)"
        )
        return text.where(~blank & ~bad, None)
    if column.type == "json":
        values: list[Any] = []
        for row, cell in text.items():
            if not cell:
                values.append(None)
                continue
            try:
                parsed = json.loads(cell)
            except json.JSONDecodeError as exc:
                check.add(int(row), name, "type", f"not valid JSON: {exc.msg} at character {exc.pos + 1}")
                values.append(None)
                continue
            if not isinstance(parsed, dict):
                check.add(int(row), name, "type", "must be a JSON object {...}")
                values.append(None)
                continue
            values.append(parsed)
        return pd.Series(values, index=text.index, dtype=object)
    raise AssertionError(column.type)  # pragma: no cover


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


# ---- duplicates -----------------------------------------------------------------------------


def _duplicates(check: _Checker, records: pd.DataFrame) -> None:
    key = list(check.spec.key)
    keys = records[key].astype(object).where(records[key].notna(), None)
    keys = keys[keys.notna().all(axis=1)].astype(str)
    if keys.empty:
        return
    first = keys.reset_index(names="_row").groupby(key, sort=False)["_row"].transform("min")
    first.index = keys.index
    dup = first != keys.index
    label = " + ".join(key)
    check.flag(dup, key[0], "duplicate", lambda r: f"duplicate {label} (same as row {first[r]})")


# ---- references and domain rules, per kind --------------------------------------------------


def _unknown(check: _Checker, records: pd.DataFrame, column: str, known: Iterable[str], what: str) -> None:
    known = set(known)
    values = records[column]
    bad = (values != "") & values.notna() & ~values.isin(known)
    hint = ", ".join(sorted(known)[:8]) + (" ..." if len(known) > 8 else "")
    check.flag(
        bad,
        column,
        "unknown_reference",
        lambda r: f"unknown {what} '{values[r]}'" + (f" (known: {hint})" if hint else ""),
    )


def _outside_season(check: _Checker, records: pd.DataFrame, column: str, ctx: ImportContext) -> None:
    days = records[column]
    bad = pd.Series([d is not None and not ctx.in_season(d) for d in days], index=days.index)
    check.flag(
        bad, column, "outside_season", lambda r: f"{days[r]} is outside the season ({ctx.season_range})"
    )


def _school_scope(check: _Checker, schools: pd.Series, column: str, ctx: ImportContext) -> None:
    if ctx.role != "school_staff":
        return
    bad = schools.notna() & (schools != ctx.own_school)
    check.flag(
        bad,
        column,
        "not_your_school",
        f"school staff may only import rows of their own school ({ctx.own_school})",
    )


def _venues(check: _Checker, records: pd.DataFrame, ctx: ImportContext, result: ValidatedFile) -> None:
    _unknown(check, records, "school", ctx.schools, "school")


def _teams(check: _Checker, records: pd.DataFrame, ctx: ImportContext, result: ValidatedFile) -> None:
    _unknown(check, records, "school", ctx.schools, "school")
    _unknown(check, records, "venue", ctx.venues, "venue")


def _venue_calendar(
    check: _Checker, records: pd.DataFrame, ctx: ImportContext, result: ValidatedFile
) -> None:
    _unknown(check, records, "venue", ctx.venues, "venue")
    _outside_season(check, records, "date", ctx)
    _school_scope(check, records["venue"].map(ctx.venue_school), "venue", ctx)


def _blackouts(check: _Checker, records: pd.DataFrame, ctx: ImportContext, result: ValidatedFile) -> None:
    _unknown(check, records, "school", ctx.schools, "school")
    _unknown(check, records, "sport", ctx.sports, "sport")
    start, end = records["starts_on"], records["ends_on"]
    both = start.notna() & end.notna()
    reversed_ = both & pd.Series(
        [s > e if s and e else False for s, e in zip(start, end, strict=True)], index=start.index
    )
    check.flag(reversed_, "ends_on", "range", lambda r: f"ends_on {end[r]} is before starts_on {start[r]}")

    def outside(s: dt.date, e: dt.date) -> bool:
        return (ctx.ends_on is not None and s > ctx.ends_on) or (
            ctx.starts_on is not None and e < ctx.starts_on
        )

    out = (
        both
        & ~reversed_
        & pd.Series(
            [bool(s and e and outside(s, e)) for s, e in zip(start, end, strict=True)], index=start.index
        )
    )
    check.flag(
        out,
        "starts_on",
        "outside_season",
        lambda r: f"{start[r]} to {end[r]} lies outside the season ({ctx.season_range})",
    )
    _school_scope(check, records["school"].where(records["school"] != ""), "school", ctx)


def _constraints(check: _Checker, records: pd.DataFrame, ctx: ImportContext, result: ValidatedFile) -> None:
    bad_rows = {p.row for p in check.problems}
    for row, rec in records.iterrows():
        if row in bad_rows:
            continue
        params = rec["params"] or {}
        clash = sorted(set(params) & set(_BASE_CONSTRAINT_FIELDS))
        if clash:
            check.add(
                int(row), "params", "domain", f"params repeats column(s) {', '.join(clash)}; use the columns"
            )
            continue
        body: dict[str, Any] = {"id": rec["id"], "type": rec["type"], "label": rec["label"], **params}
        if rec["hard"] is not None:
            body["hard"] = rec["hard"]
        if not pd.isna(rec["weight"]):
            body["weight"] = int(rec["weight"])
        try:
            constraint = parse_constraint(body)
        except ValidationError as exc:
            for error in exc.errors()[:3]:
                column, message = _constraint_error(error, rec["type"])
                check.add(int(row), column, "domain", message)
            continue
        for path, team in constraint_team_refs(constraint):
            if ctx.teams and team not in ctx.teams:
                check.add(int(row), "params", "unknown_reference", f"{path}: unknown team '{team}'")
        if isinstance(constraint, FixedGame) and constraint.date is not None:
            if not ctx.in_season(constraint.date):
                check.add(
                    int(row),
                    "params",
                    "outside_season",
                    f"date {constraint.date} is outside the season ({ctx.season_range})",
                )
            sunday = {constraint.home, constraint.away} & ctx.no_sunday_teams
            if constraint.date.weekday() == 6 and sunday:
                check.add(
                    int(row),
                    "params",
                    "sunday",
                    f"{constraint.date} is a Sunday and {', '.join(sorted(sunday))} never plays on Sunday",
                )
        result.constraints[int(row)] = constraint


def _constraint_error(error: Any, family: str) -> tuple[str, str]:
    loc = [str(p) for p in error.get("loc", ())]
    if error.get("type") in ("union_tag_invalid", "union_tag_not_found"):
        return "type", f"unknown constraint type '{family}'"
    # The discriminated union puts the family first in the location: ('team_unavailable', 'team').
    if loc and loc[0] == family:
        loc = loc[1:]
    field_name = loc[0] if loc else ""
    column = field_name if field_name in _BASE_CONSTRAINT_FIELDS else "params"
    where = ".".join(loc)
    return column, f"{family}: {where + ': ' if where else ''}{error.get('msg', 'invalid')}"


def _schedule(check: _Checker, records: pd.DataFrame, ctx: ImportContext, result: ValidatedFile) -> None:
    _unknown(check, records, "home", ctx.teams, "team")
    _unknown(check, records, "away", ctx.teams, "team")
    _unknown(check, records, "venue", ctx.venues, "venue")
    _outside_season(check, records, "date", ctx)
    same = (records["home"] != "") & (records["home"] == records["away"])
    check.flag(same, "away", "domain", lambda r: f"{records['home'][r]} cannot play itself")
    dated = records[records["date"].notna()]
    sides = pd.concat(
        [
            pd.DataFrame({"team": dated["home"], "date": dated["date"], "_row": dated.index}),
            pd.DataFrame({"team": dated["away"], "date": dated["date"], "_row": dated.index}),
        ]
    )
    sides = sides[sides["team"] != ""]
    first = sides.groupby(["team", "date"], sort=False)["_row"].transform("min")
    twice = sides[(first != sides["_row"]).to_numpy()]
    already = {p.row for p in check.problems if p.code == "duplicate"}
    for (_, item), first_row in zip(
        twice.iterrows(), first[(first != sides["_row"]).to_numpy()], strict=True
    ):
        if int(item["_row"]) in already:
            continue
        check.add(
            int(item["_row"]),
            "date",
            "double_booked",
            f"{item['team']} already plays on {item['date']} (row {first_row})",
        )
    if ctx.no_sunday_teams:
        sunday = pd.Series([d is not None and d.weekday() == 6 for d in records["date"]], index=records.index)
        for col in ("home", "away"):
            hit = sunday & records[col].isin(ctx.no_sunday_teams)

            def sunday_message(r: int, c: str = col) -> str:
                return f"{records['date'][r]} is a Sunday and {records[c][r]} never plays on Sunday"

            check.flag(hit, "date", "sunday", sunday_message)


_RULES: dict[str, Callable[[_Checker, pd.DataFrame, ImportContext, ValidatedFile], None]] = {
    "venues": _venues,
    "teams": _teams,
    "venue_calendar": _venue_calendar,
    "blackouts": _blackouts,
    "constraints": _constraints,
    "schedule": _schedule,
}
