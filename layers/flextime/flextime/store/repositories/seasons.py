"""Sports, seasons, teams, venues, venue calendars and school blackouts.

Calendars and blackouts are school-scoped for writes: the database's restrictive policies let
school staff write only their own school's rows (admins and schedulers: any school). A refused
insert raises :class:`TenantAccessError`; a refused update/delete of a visible row too.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from flextime.domain import Team, Venue
from flextime.store.db import Tx
from flextime.store.errors import NotFound, TenantAccessError
from flextime.store.records import Blackout, CalendarEntry, Season, Sport
from flextime.store.repositories.audit import append_audit


def add_sport(tx: Tx, *, code: str, name: str) -> Sport:
    row = tx.execute(
        "INSERT INTO sports (tenant_id, code, name) VALUES (%s, %s, %s) RETURNING *",
        (tx.tenant_id, code, name),
    ).fetchone()
    return Sport.model_validate(row)


def add_season(
    tx: Tx,
    *,
    sport_id: uuid.UUID,
    name: str,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Season:
    row = tx.execute(
        "INSERT INTO seasons (tenant_id, sport_id, name, starts_on, ends_on)"
        " VALUES (%s, %s, %s, %s, %s) RETURNING *",
        (tx.tenant_id, sport_id, name, starts_on, ends_on),
    ).fetchone()
    return Season.model_validate(row)


def get_season(tx: Tx, season_id: uuid.UUID) -> Season:
    row = tx.execute("SELECT * FROM seasons WHERE id = %s", (season_id,)).fetchone()
    if row is None:
        raise NotFound("season", season_id)
    return Season.model_validate(row)


def add_venues(
    tx: Tx,
    venues: list[Venue],
    *,
    schools: dict[str, uuid.UUID] | None = None,
    import_batch_id: uuid.UUID | None = None,
) -> dict[str, uuid.UUID]:
    """Store domain venues; ``schools`` maps venue id -> owning school. Returns venue id -> row id."""
    schools = schools or {}
    ids: dict[str, uuid.UUID] = {}
    for v in venues:
        row = tx.execute(
            "INSERT INTO venues (tenant_id, code, name, city, lat, lon, timezone, capacity, school_id,"
            " import_batch_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            (
                tx.tenant_id,
                v.id,
                v.name,
                v.city,
                v.lat,
                v.lon,
                v.timezone,
                v.capacity,
                schools.get(v.id),
                import_batch_id,
            ),
        ).fetchone()
        assert row is not None
        ids[v.id] = row["id"]
    return ids


def list_venues(tx: Tx) -> list[Venue]:
    rows = tx.execute("SELECT * FROM venues ORDER BY code").fetchall()
    return [
        Venue(
            id=r["code"], name=r["name"], city=r["city"], lat=r["lat"], lon=r["lon"],
            timezone=r["timezone"], capacity=r["capacity"],
        )
        for r in rows
    ]  # fmt: skip


def venue_id(tx: Tx, code: str) -> uuid.UUID:
    row = tx.execute("SELECT id FROM venues WHERE code = %s", (code,)).fetchone()
    if row is None:
        raise NotFound("venue", code)
    return row["id"]


def add_teams(
    tx: Tx,
    season_id: uuid.UUID,
    teams: list[Team],
    *,
    schools: dict[str, uuid.UUID | None] | None = None,
    import_batch_id: uuid.UUID | None = None,
) -> None:
    """Store the season's domain teams (``schools`` maps team id -> school) in one statement."""
    schools = schools or {}
    tx.conn.cursor().executemany(
        "INSERT INTO teams (tenant_id, season_id, code, name, short_name, school_id, venue_code, timezone,"
        " import_batch_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            (
                tx.tenant_id,
                season_id,
                t.id,
                t.name,
                t.short_name,
                schools.get(t.id),
                t.venue,
                t.timezone,
                import_batch_id,
            )
            for t in teams
        ],
    )


def list_teams(tx: Tx, season_id: uuid.UUID) -> list[Team]:
    rows = tx.execute("SELECT * FROM teams WHERE season_id = %s ORDER BY code", (season_id,)).fetchall()
    return [
        Team(
            id=r["code"],
            name=r["name"],
            short_name=r["short_name"],
            venue=r["venue_code"],
            timezone=r["timezone"],
        )
        for r in rows
    ]


def add_calendar_entry(
    tx: Tx,
    venue: uuid.UUID,
    day: dt.date,
    *,
    holder: str = "",
    note: str = "",
    import_batch_id: uuid.UUID | None = None,
) -> CalendarEntry:
    """Mark a venue unavailable on ``day`` (held by ``holder``, e.g. another sport)."""
    row = tx.execute(
        "INSERT INTO venue_calendar (tenant_id, venue_id, day, holder, note, import_batch_id)"
        " VALUES (%s, %s, %s, %s, %s, %s) RETURNING *",
        (tx.tenant_id, venue, day, holder, note, import_batch_id),
    ).fetchone()
    entry = CalendarEntry.model_validate(row)
    append_audit(tx, "venue_calendar.add", "venue_calendar", entry.id, after=_plain(row))
    return entry


def list_calendar(tx: Tx, venue: uuid.UUID) -> list[CalendarEntry]:
    rows = tx.execute("SELECT * FROM venue_calendar WHERE venue_id = %s ORDER BY day", (venue,)).fetchall()
    return [CalendarEntry.model_validate(r) for r in rows]


def delete_calendar_entry(tx: Tx, entry_id: uuid.UUID) -> None:
    _delete_scoped(tx, "venue_calendar", entry_id)


def add_blackout(
    tx: Tx,
    school_id: uuid.UUID,
    starts_on: dt.date,
    ends_on: dt.date,
    *,
    sport_id: uuid.UUID | None = None,
    reason: str = "",
    import_batch_id: uuid.UUID | None = None,
) -> Blackout:
    row = tx.execute(
        "INSERT INTO school_blackouts (tenant_id, school_id, sport_id, starts_on, ends_on, reason,"
        " import_batch_id)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING *",
        (tx.tenant_id, school_id, sport_id, starts_on, ends_on, reason, import_batch_id),
    ).fetchone()
    blackout = Blackout.model_validate(row)
    append_audit(tx, "school_blackout.add", "school_blackout", blackout.id, after=_plain(row))
    return blackout


def list_blackouts(tx: Tx, school_id: uuid.UUID | None = None) -> list[Blackout]:
    rows = tx.execute(
        "SELECT * FROM school_blackouts WHERE %(s)s::uuid IS NULL OR school_id = %(s)s ORDER BY starts_on",
        {"s": school_id},
    ).fetchall()
    return [Blackout.model_validate(r) for r in rows]


def delete_blackout(tx: Tx, blackout_id: uuid.UUID) -> None:
    _delete_scoped(tx, "school_blackouts", blackout_id)


def _delete_scoped(tx: Tx, table: str, row_id: uuid.UUID) -> None:
    # Row-level security filters a refused DELETE silently; tell "not yours" from "not there".
    deleted = tx.execute(f"DELETE FROM {table} WHERE id = %s RETURNING *", (row_id,)).fetchone()
    if deleted is None:
        visible = tx.execute(f"SELECT 1 FROM {table} WHERE id = %s", (row_id,)).fetchone()
        if visible:
            raise TenantAccessError(f"{table} {row_id} belongs to another school")
        raise NotFound(table, row_id)
    append_audit(tx, f"{table}.delete", table, row_id, before=_plain(deleted))


def _plain(row: dict[str, Any] | None) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, uuid.UUID | dt.date) else v) for k, v in (row or {}).items()}
