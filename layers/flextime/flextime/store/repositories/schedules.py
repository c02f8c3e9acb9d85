"""Versioned schedules and their games.

* :func:`create_version` writes a version row and all its games in the caller's transaction
  (one ``tenant_transaction`` = all or nothing). Games go in with ``INSERT ... SELECT FROM
  unnest(arrays)``, one statement per ``chunk_size`` games: COPY FROM is refused on tables under
  row-level security, and one array statement is faster than executemany's row-per-row inserts.
* Published (and archived) versions are immutable, enforced by triggers for every role; edit a
  published schedule with :func:`derive_draft` (a new draft version whose parent is it).
* Drafts are edited under optimistic concurrency: callers pass the ``row_version`` they read
  (the ETag); a stale one raises :class:`ConcurrencyError` and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from psycopg.types.json import Jsonb

from flextime.domain import Game
from flextime.store.db import Tx
from flextime.store.errors import ConcurrencyError, NotFound
from flextime.store.records import ScheduledGame, ScheduleVersion
from flextime.store.repositories.audit import append_audit

_GAME_COLUMNS = "game_no, home, away, slot, day, venue, locked, tv"
_INSERT_GAMES = (
    "INSERT INTO games (tenant_id, schedule_id, season_id, game_no, home, away, slot, day, venue, locked, tv)"
    " SELECT %s, %s, %s, g.* FROM unnest(%s::int[], %s::text[], %s::text[], %s::int[], %s::date[],"
    " %s::text[],"
    " %s::bool[], %s::text[]) AS g"
)


def create_version(
    tx: Tx,
    season_id: uuid.UUID,
    games: Sequence[Game],
    *,
    parent_id: uuid.UUID | None = None,
    scenario_id: uuid.UUID | None = None,
    job_id: uuid.UUID | None = None,
    objective: dict[str, Any] | None = None,
    note: str = "",
    chunk_size: int = 5000,
) -> ScheduleVersion:
    """A new draft version (number = last + 1 for the season) holding ``games``."""
    # Lock the season row so concurrent writers number versions one after the other.
    if tx.execute("SELECT 1 FROM seasons WHERE id = %s FOR UPDATE", (season_id,)).fetchone() is None:
        raise NotFound("season", season_id)
    row = tx.execute(
        "INSERT INTO schedules (tenant_id, season_id, version, parent_id, scenario_id, job_id, objective,"
        " note,"
        " created_by) SELECT %s, %s, coalesce(max(version), 0) + 1, %s, %s, %s, %s, %s, %s FROM schedules"
        " WHERE season_id = %s RETURNING *",
        (
            tx.tenant_id, season_id, parent_id, scenario_id, job_id, Jsonb(objective or {}), note,
            tx.scope.user_id, season_id,
        ),
    ).fetchone()  # fmt: skip
    version = ScheduleVersion.model_validate(row)
    _insert_games(tx, version, games, start=0, chunk_size=chunk_size)
    append_audit(
        tx,
        "schedule.create_version",
        "schedule",
        version.id,
        after={"season_id": str(season_id), "version": version.version, "games": len(games),
               "parent_id": str(parent_id) if parent_id else None},
    )  # fmt: skip
    return version


def _insert_games(
    tx: Tx, version: ScheduleVersion, games: Sequence[Game], *, start: int, chunk_size: int
) -> None:
    cur = tx.conn.cursor()
    for offset in range(0, len(games), chunk_size):
        chunk = games[offset : offset + chunk_size]
        cur.execute(
            _INSERT_GAMES,
            (
                tx.tenant_id,
                version.id,
                version.season_id,
                list(range(start + offset, start + offset + len(chunk))),
                [g.home for g in chunk],
                [g.away for g in chunk],
                [g.slot for g in chunk],
                [getattr(g, "day", None) for g in chunk],
                [g.venue for g in chunk],
                [g.locked for g in chunk],
                [getattr(g, "tv", None) for g in chunk],
            ),
        )


def get_version(tx: Tx, schedule_id: uuid.UUID) -> ScheduleVersion:
    row = tx.execute("SELECT * FROM schedules WHERE id = %s", (schedule_id,)).fetchone()
    if row is None:
        raise NotFound("schedule", schedule_id)
    return ScheduleVersion.model_validate(row)


def list_versions(tx: Tx, season_id: uuid.UUID) -> list[ScheduleVersion]:
    rows = tx.execute(
        "SELECT * FROM schedules WHERE season_id = %s ORDER BY version", (season_id,)
    ).fetchall()
    return [ScheduleVersion.model_validate(r) for r in rows]


def published_version(tx: Tx, season_id: uuid.UUID) -> ScheduleVersion | None:
    row = tx.execute(
        "SELECT * FROM schedules WHERE season_id = %s AND status = 'published'", (season_id,)
    ).fetchone()
    return ScheduleVersion.model_validate(row) if row else None


def _games(rows: list[dict[str, Any]]) -> list[ScheduledGame]:
    return [
        ScheduledGame(home=r["home"], away=r["away"], slot=r["slot"], venue=r["venue"], locked=r["locked"],
                      day=r["day"], tv=r["tv"])
        for r in rows
    ]  # fmt: skip


def list_games(tx: Tx, schedule_id: uuid.UUID) -> list[ScheduledGame]:
    rows = tx.execute(
        f"SELECT {_GAME_COLUMNS} FROM games WHERE tenant_id = %s AND schedule_id = %s ORDER BY slot, game_no",
        (tx.tenant_id, schedule_id),
    ).fetchall()
    return _games(rows)


TEAM_SEASON_SQL = (
    f"SELECT {_GAME_COLUMNS} FROM games WHERE tenant_id = %(t)s AND schedule_id = %(s)s AND home = %(team)s"
    f" UNION ALL SELECT {_GAME_COLUMNS} FROM games WHERE tenant_id = %(t)s AND schedule_id = %(s)s"
    " AND away = %(team)s ORDER BY slot"
)


def team_games(tx: Tx, schedule_id: uuid.UUID, team: str) -> list[ScheduledGame]:
    """One team's games (home and away) in a version, in slot order."""
    return _games(tx.execute(TEAM_SEASON_SQL, {"t": tx.tenant_id, "s": schedule_id, "team": team}).fetchall())


WEEK_SQL = (
    "SELECT sp.code AS sport, g.home, g.away, g.slot, g.day, g.venue, g.tv FROM games g"
    " JOIN schedules s ON s.tenant_id = g.tenant_id AND s.id = g.schedule_id AND s.status = 'published'"
    " JOIN seasons se ON se.tenant_id = s.tenant_id AND se.id = s.season_id"
    " JOIN sports sp ON sp.tenant_id = se.tenant_id AND sp.id = se.sport_id"
    " WHERE g.tenant_id = %(t)s AND g.day >= %(from)s AND g.day < %(to)s ORDER BY g.day, sp.code"
)


def week_games(tx: Tx, start: dt.date, days: int = 7) -> list[dict[str, Any]]:
    """Published games of every sport from ``start`` for ``days`` days (rows with the sport code)."""
    return tx.execute(
        WEEK_SQL, {"t": tx.tenant_id, "from": start, "to": start + dt.timedelta(days=days)}
    ).fetchall()


def _claim(
    tx: Tx, schedule_id: uuid.UUID, expected_row_version: int, set_clause: str = "", **params: Any
) -> ScheduleVersion:
    """Bump the version row if it still has ``expected_row_version`` (the trigger increments
    row_version and refuses non-drafts); otherwise raise ConcurrencyError / NotFound."""
    row = tx.execute(
        f"UPDATE schedules SET updated_at = now() {set_clause}"
        " WHERE id = %(id)s AND row_version = %(rv)s RETURNING *",
        {"id": schedule_id, "rv": expected_row_version, **params},
    ).fetchone()
    if row is None:
        current = get_version(tx, schedule_id)
        raise ConcurrencyError("schedule", schedule_id, expected_row_version, current.row_version)
    return ScheduleVersion.model_validate(row)


def replace_games(
    tx: Tx,
    schedule_id: uuid.UUID,
    expected_row_version: int,
    games: Sequence[Game],
    *,
    chunk_size: int = 5000,
) -> ScheduleVersion:
    """Replace every game of a draft (an editor's save). Returns the version with its new row_version."""
    version = _claim(tx, schedule_id, expected_row_version)
    tx.execute("DELETE FROM games WHERE tenant_id = %s AND schedule_id = %s", (tx.tenant_id, schedule_id))
    _insert_games(tx, version, games, start=0, chunk_size=chunk_size)
    append_audit(tx, "schedule.replace_games", "schedule", schedule_id, after={"games": len(games)})
    return version


def move_game(
    tx: Tx,
    schedule_id: uuid.UUID,
    expected_row_version: int,
    home: str,
    away: str,
    *,
    from_slot: int,
    to_slot: int,
    day: dt.date | None = None,
) -> ScheduleVersion:
    """Move one game of a draft to another slot (and date)."""
    version = _claim(tx, schedule_id, expected_row_version)
    moved = tx.execute(
        "UPDATE games SET slot = %s, day = %s"
        " WHERE tenant_id = %s AND schedule_id = %s AND home = %s AND away = %s"
        " AND slot = %s RETURNING game_no",
        (to_slot, day, tx.tenant_id, schedule_id, home, away, from_slot),
    ).fetchone()
    if moved is None:
        raise NotFound("game", f"{home}-{away}@{from_slot}")
    append_audit(
        tx, "schedule.move_game", "schedule", schedule_id,
        before={"home": home, "away": away, "slot": from_slot},
        after={"home": home, "away": away, "slot": to_slot, "day": day.isoformat() if day else None},
    )  # fmt: skip
    return version


def publish(tx: Tx, schedule_id: uuid.UUID, expected_row_version: int) -> ScheduleVersion:
    """Publish a draft; the season's previously published version becomes archived."""
    draft = get_version(tx, schedule_id)
    previous = published_version(tx, draft.season_id)
    if previous is not None:
        tx.execute("UPDATE schedules SET status = 'archived' WHERE id = %s", (previous.id,))
    version = _claim(tx, schedule_id, expected_row_version, ", status = 'published', published_at = now()")
    append_audit(
        tx, "schedule.publish", "schedule", schedule_id,
        after={"version": version.version, "archived": str(previous.id) if previous else None},
    )  # fmt: skip
    return version


def derive_draft(tx: Tx, schedule_id: uuid.UUID, *, note: str = "") -> ScheduleVersion:
    """A new draft copying a version's games (how a published schedule gets edited)."""
    source = get_version(tx, schedule_id)
    return create_version(
        tx,
        source.season_id,
        list_games(tx, schedule_id),
        parent_id=source.id,
        scenario_id=source.scenario_id,
        objective=source.objective,
        note=note or f"edit of version {source.version}",
    )


def delete_draft(tx: Tx, schedule_id: uuid.UUID) -> None:
    row = tx.execute("DELETE FROM schedules WHERE id = %s RETURNING id", (schedule_id,)).fetchone()
    if row is None:
        raise NotFound("schedule", schedule_id)
    append_audit(tx, "schedule.delete_draft", "schedule", schedule_id)
