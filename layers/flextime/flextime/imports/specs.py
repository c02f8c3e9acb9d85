"""The column specs of every import kind: one source for the templates, the schema check and the
docs. A template is the header row plus one example row; the XLSX template adds a notes sheet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ImportKind = Literal["teams", "venues", "venue_calendar", "blackouts", "constraints", "schedule"]
ColumnType = Literal["text", "int", "float", "date", "bool", "json", "timezone"]

KINDS: tuple[ImportKind, ...] = ("venues", "teams", "venue_calendar", "blackouts", "constraints", "schedule")


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "text"
    required: bool = True
    description: str = ""
    example: str = ""
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class ImportSpec:
    kind: ImportKind
    title: str
    sheet: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    """Columns that identify a row: a second row with the same key is a duplicate."""
    note: str = ""

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


SPECS: dict[ImportKind, ImportSpec] = {
    "venues": ImportSpec(
        kind="venues",
        title="Venues",
        sheet="venues",
        key=("code",),
        note="Venues are shared by every season of the conference; a known code updates the venue.",
        columns=(
            Column("code", description="Venue id used everywhere else", example="ALLEN"),
            Column("name", description="Display name", example="Allen Fieldhouse"),
            Column("city", required=False, example="Lawrence, KS"),
            Column("lat", "float", description="Latitude in degrees", example="38.9543", min=-90, max=90),
            Column("lon", "float", description="Longitude in degrees", example="-95.2525", min=-180, max=180),
            Column(
                "timezone", "timezone", required=False, description="IANA zone", example="America/Chicago"
            ),
            Column("capacity", "int", required=False, example="16300", min=0),
            Column("school", required=False, description="Owning school code", example="KU"),
        ),
    ),
    "teams": ImportSpec(
        kind="teams",
        title="Teams",
        sheet="teams",
        key=("code",),
        note="One row per team of the season; the venue must exist (import venues first).",
        columns=(
            Column("code", description="Team id (as in schedules)", example="KU"),
            Column("name", example="Kansas"),
            Column("short_name", required=False, example="Kansas"),
            Column("school", required=False, description="School code", example="KU"),
            Column("venue", required=False, description="Home venue code", example="ALLEN"),
            Column("timezone", "timezone", required=False, example="America/Chicago"),
        ),
    ),
    "venue_calendar": ImportSpec(
        kind="venue_calendar",
        title="Venue calendar",
        sheet="venue_calendar",
        key=("venue", "date", "holder"),
        note="Days a venue is not available for this sport (held by another sport, a concert ...).",
        columns=(
            Column("venue", description="Venue code", example="ALLEN"),
            Column("date", "date", description="YYYY-MM-DD, inside the season", example="2027-01-16"),
            Column("holder", required=False, description="Who holds the venue", example="WBB"),
            Column("note", required=False, example="women's basketball"),
        ),
    ),
    "blackouts": ImportSpec(
        kind="blackouts",
        title="School blackouts",
        sheet="blackouts",
        key=("school", "sport", "starts_on", "ends_on"),
        note="Date ranges a school cannot play (exams, graduation); sport empty = every sport.",
        columns=(
            Column("school", description="School code", example="KU"),
            Column("sport", required=False, description="Sport code (empty: all)", example="MBB"),
            Column("starts_on", "date", example="2027-01-20"),
            Column("ends_on", "date", example="2027-01-22"),
            Column("reason", required=False, example="exams"),
        ),
    ),
    "constraints": ImportSpec(
        kind="constraints",
        title="Constraints",
        sheet="constraints",
        key=("id",),
        note="params is a JSON object with the family's own fields (see docs/scenario-format.md).",
        columns=(
            Column("id", description="Unique within the scenario", example="byu-no-sunday"),
            Column("type", description="Constraint family", example="team_unavailable"),
            Column("label", required=False, example="BYU never plays on Sunday"),
            Column("hard", "bool", required=False, description="true/false (default true)", example="true"),
            Column(
                "weight", "int", required=False, description="Penalty per unit (soft)", example="1", min=0
            ),
            Column("enabled", "bool", required=False, example="true"),
            Column("params", "json", required=False, example='{"team": "BYU", "weekdays": ["Sun"]}'),
        ),
    ),
    "schedule": ImportSpec(
        kind="schedule",
        title="Schedule",
        sheet="schedule",
        key=("date", "home", "away"),
        note="A previous season's games, stored as a new draft version of that season.",
        columns=(
            Column("date", "date", example="2026-01-03"),
            Column("home", description="Home team code", example="KU"),
            Column("away", description="Away team code", example="KSU"),
            Column("venue", required=False, description="Venue code (default: home venue)", example="ALLEN"),
            Column(
                "slot",
                "int",
                required=False,
                description="Round index (default: by date)",
                example="0",
                min=0,
            ),
            Column("tv", required=False, description="Broadcaster", example="ESPN"),
        ),
    ),
}


def spec_for(kind: str) -> ImportSpec:
    """The spec of ``kind``; ValueError naming the known kinds otherwise."""
    if kind not in SPECS:
        raise ValueError(f"unknown import kind {kind!r} (one of {', '.join(KINDS)})")
    return SPECS[kind]
