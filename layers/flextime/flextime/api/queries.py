"""Reads the API needs that the repositories do not offer yet (listings with filters, rows with
their ids), and the assembly of a domain ``Instance`` from a season and one of its scenarios.

All run inside the caller's tenant transaction (row-level security applies). Candidates to move
into ``flextime.store.repositories`` when a second caller needs them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, cast

from pydantic import TypeAdapter

from flextime.domain import Format, Instance, Objective, Slot
from flextime.store.db import Tx
from flextime.store.errors import NotFound
from flextime.store.records import CommentThread, Notification, Scenario, ScheduleVersion, Season, Sport
from flextime.store.repositories import scenarios, seasons

_FORMAT = TypeAdapter(Format)


def list_sports(tx: Tx) -> list[Sport]:
    return [Sport.model_validate(r) for r in tx.execute("SELECT * FROM sports ORDER BY code").fetchall()]


def get_sport(tx: Tx, sport_id: uuid.UUID) -> Sport:
    row = tx.execute("SELECT * FROM sports WHERE id = %s", (sport_id,)).fetchone()
    if row is None:
        raise NotFound("sport", sport_id)
    return Sport.model_validate(row)


def list_seasons(tx: Tx, sport_id: uuid.UUID | None = None) -> list[Season]:
    rows = tx.execute(
        "SELECT * FROM seasons WHERE %(s)s::uuid IS NULL OR sport_id = %(s)s ORDER BY created_at, name",
        {"s": sport_id},
    ).fetchall()
    return [Season.model_validate(r) for r in rows]


def venue_rows(tx: Tx) -> list[dict[str, Any]]:
    return tx.execute(
        "SELECT id, code, name, city, lat, lon, timezone, capacity, school_id FROM venues ORDER BY code"
    ).fetchall()


def venue_row(tx: Tx, venue_id: uuid.UUID) -> dict[str, Any]:
    row = tx.execute(
        "SELECT id, code, name, city, lat, lon, timezone, capacity, school_id FROM venues WHERE id = %s",
        (venue_id,),
    ).fetchone()
    if row is None:
        raise NotFound("venue", venue_id)
    return row


def team_schools(tx: Tx, season_id: uuid.UUID) -> dict[str, uuid.UUID | None]:
    rows = tx.execute("SELECT code, school_id FROM teams WHERE season_id = %s", (season_id,)).fetchall()
    return {r["code"]: r["school_id"] for r in rows}


def list_scenarios(tx: Tx, season_id: uuid.UUID | None = None) -> list[Scenario]:
    rows = tx.execute(
        "SELECT * FROM scenarios WHERE %(s)s::uuid IS NULL OR season_id = %(s)s ORDER BY created_at, name",
        {"s": season_id},
    ).fetchall()
    return [Scenario.model_validate(r) for r in rows]


def list_threads(tx: Tx, entity_type: str | None, entity_id: str | None) -> list[CommentThread]:
    rows = tx.execute(
        "SELECT * FROM comment_threads WHERE (%(t)s::text IS NULL OR entity_type = %(t)s)"
        " AND (%(e)s::text IS NULL OR entity_id = %(e)s) ORDER BY created_at",
        {"t": entity_type, "e": entity_id},
    ).fetchall()
    return [CommentThread.model_validate(r) for r in rows]


def get_thread(tx: Tx, thread_id: uuid.UUID) -> CommentThread:
    row = tx.execute("SELECT * FROM comment_threads WHERE id = %s", (thread_id,)).fetchone()
    if row is None:
        raise NotFound("comment_thread", thread_id)
    return CommentThread.model_validate(row)


def user_ids(tx: Tx) -> set[uuid.UUID]:
    return {r["id"] for r in tx.execute("SELECT id FROM users").fetchall()}


def list_notifications(tx: Tx, user_id: uuid.UUID, unread_only: bool) -> list[Notification]:
    rows = tx.execute(
        "SELECT * FROM notifications WHERE user_id = %s AND (read_at IS NULL OR NOT %s)"
        " ORDER BY created_at DESC",
        (user_id, unread_only),
    ).fetchall()
    return [Notification.model_validate(r) for r in rows]


def archive(tx: Tx, schedule_id: uuid.UUID, expected_row_version: int) -> ScheduleVersion:
    """Archive a version if it still has ``expected_row_version`` (triggers allow published ->
    archived and any draft change)."""
    from flextime.store.errors import ConcurrencyError
    from flextime.store.repositories.audit import append_audit
    from flextime.store.repositories.schedules import get_version

    row = tx.execute(
        "UPDATE schedules SET status = 'archived', updated_at = now()"
        " WHERE id = %s AND row_version = %s AND status <> 'archived' RETURNING *",
        (schedule_id, expected_row_version),
    ).fetchone()
    if row is None:
        current = get_version(tx, schedule_id)
        raise ConcurrencyError("schedule", schedule_id, expected_row_version, current.row_version)
    append_audit(tx, "schedule.archive", "schedule", schedule_id)
    return ScheduleVersion.model_validate(row)


# ---- scenario documents and instances ---------------------------------------------------------
# A scenario row keeps the season's playing calendar beside the format:
#   scenarios.format = {"format": <domain Format>, "slots": [<domain Slot>, ...]}
# (the schema has no slots table yet).


def scenario_format(s: Scenario) -> tuple[Format | None, list[Slot]]:
    doc = s.format or {}
    fmt = _FORMAT.validate_python(doc["format"]) if doc.get("format") else None
    return fmt, [Slot.model_validate(x) for x in doc.get("slots", [])]


def default_scenario(tx: Tx, season_id: uuid.UUID) -> Scenario:
    found = list_scenarios(tx, season_id)
    if not found:
        raise NotFound("scenario of season", season_id)
    return found[0]


def assemble_instance(tx: Tx, season_id: uuid.UUID, scenario_id: uuid.UUID | None = None) -> Instance:
    """The season's teams and venues plus a scenario's calendar, format, objective and enabled
    constraints as one domain ``Instance`` (raises ``InstanceError`` when they do not fit)."""
    season = seasons.get_season(tx, season_id)
    scenario = scenarios.get_scenario(tx, scenario_id) if scenario_id else default_scenario(tx, season_id)
    if scenario.season_id != season_id:
        raise NotFound("scenario", scenario.id)
    sport = get_sport(tx, season.sport_id)
    teams = seasons.list_teams(tx, season_id)
    wanted = {t.venue for t in teams if t.venue}
    constraints = [c.constraint for c in scenarios.list_constraints(tx, scenario.id, enabled_only=True)]
    wanted |= cast(set[str], {getattr(c, "venue", None) for c in constraints} - {None})
    venues = [v for v in seasons.list_venues(tx) if v.id in wanted]
    fmt, slots = scenario_format(scenario)
    data: dict[str, Any] = {
        "name": f"{sport.code}-{season.name}-{scenario.name}",
        "sport": sport.code,
        "season": season.name,
        "teams": teams,
        "venues": venues,
        "slots": slots,
        "constraints": constraints,
        "objective": Objective.model_validate(scenario.objective or {}),
    }
    if fmt is not None:
        data["format"] = fmt
    return Instance.model_validate(data)


# ---- schedule reads in one round trip ----------------------------------------------------------
# The hot read (GET a season's published schedule, GET a version) does in ONE pipelined round trip
# what a tenant transaction plus two repository reads do in eight: BEGIN READ ONLY, the scope
# (role + tenant + user as transaction-local settings, so row-level security applies exactly as
# in ``tenant_transaction``), then one statement returning the membership, the version row and the
# games already serialised as the response's JSON array, then COMMIT. The membership is checked
# in Python before anything is returned. With ``If-None-Match`` naming the version's ETag the
# games are not even read.

_GAME_JSON = (  # the bytes pydantic writes for a ScheduledGame (same keys, same order, compact)
    """format('{"home":%%s,"away":%%s,"slot":%%s,"venue":%%s,"locked":%%s,"day":%%s,"tv":%%s}',"""
    " to_json(g.home), to_json(g.away), g.slot, coalesce(to_json(g.venue)::text, 'null'),"
    " to_json(g.locked), coalesce(to_json(g.day)::text, 'null'), coalesce(to_json(g.tv)::text, 'null'))"
)

_SCHEDULE_READ = (
    "SELECT m.role AS member_role, v.*,"
    " CASE WHEN v.id IS NULL OR '*' = ANY(%(inm)s::text[])"
    " OR ('\"' || v.id || '.' || v.row_version || '\"') = ANY(%(inm)s::text[])"
    " THEN NULL ELSE ("
    f"  SELECT coalesce(string_agg({_GAME_JSON}, ',' ORDER BY g.slot, g.game_no), '')"
    "   FROM games g WHERE g.tenant_id = %(t)s AND g.schedule_id = v.id"
    "   AND (%(team)s::text IS NULL OR g.home = %(team)s OR g.away = %(team)s)"
    " ) END AS games_json"
    " FROM (SELECT 1) AS one"
    " LEFT JOIN memberships m ON m.tenant_id = %(t)s AND m.user_id = %(u)s"
    " LEFT JOIN schedules v ON v.tenant_id = %(t)s AND {where}"
)
_BY_SEASON = _SCHEDULE_READ.replace("{where}", "v.season_id = %(key)s AND v.status = 'published'")
_BY_ID = _SCHEDULE_READ.replace("{where}", "v.id = %(key)s")


@dataclass(frozen=True)
class ScheduleRead:
    role: str | None
    """The caller's membership role (None: not a member of the tenant)."""
    version: ScheduleVersion | None
    games_json: str | None
    """The games as a JSON array's inner text; None when If-None-Match named the version's ETag."""


def read_schedule(
    pool: Any,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    *,
    season_id: uuid.UUID | None = None,
    schedule_id: uuid.UUID | None = None,
    team: str | None = None,
    if_none_match: list[str] | None = None,
) -> ScheduleRead:
    """A season's published version (``season_id``) or one version (``schedule_id``) with its games
    as JSON, read under row-level security in one round trip."""
    from psycopg.rows import dict_row

    from flextime.store.db import APP_ROLE, translate_errors

    params = {
        "t": tenant_id, "u": user_id, "key": season_id or schedule_id, "team": team,
        "inm": if_none_match or [],
    }  # fmt: skip
    scope = (
        "SELECT set_config('role', %s, true), set_config('app.tenant_id', %s, true),"
        " set_config('app.user_id', %s, true), set_config('app.role', '', true),"
        " set_config('app.school_id', '', true)"
    )
    with pool.connection() as conn, translate_errors(), conn.pipeline(), conn.transaction():
        conn.execute("SET TRANSACTION READ ONLY")
        conn.execute(scope, (APP_ROLE, str(tenant_id), str(user_id)))
        cur = conn.cursor(row_factory=dict_row)
        row = cur.execute(_BY_SEASON if season_id else _BY_ID, params).fetchone()
    assert row is not None
    role, games = row.pop("member_role"), row.pop("games_json")
    version = ScheduleVersion.model_validate(row) if row.get("id") is not None else None
    return ScheduleRead(role=role, version=version, games_json=games)
