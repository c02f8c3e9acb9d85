"""Writing a validated file: one import batch, in the caller's transaction (all or nothing).

Rows whose natural key is new are inserted carrying the batch id (the data layer's
``rollback_batch`` deletes them). Rows whose key exists and whose values differ are updated, and
their complete previous state (``to_jsonb`` of the row) is kept in one ``import.replace`` audit
entry of the batch; identical rows are left alone. :func:`rollback_import` puts the before-images
back (``jsonb_populate_recordset``, so every column, timestamps included, is restored exactly),
deletes the batch's rows and marks the batch rolled back, itself audited. Batches of a season are
rolled back newest first, so a restore never overwrites a later import's change.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from flextime.imports.context import ImportContext
from flextime.imports.validation import ValidatedFile
from flextime.store.db import Tx
from flextime.store.errors import ConflictError, NotFound
from flextime.store.records import ImportBatch, ScheduledGame
from flextime.store.repositories import imports as batches
from flextime.store.repositories import schedules
from flextime.store.repositories.audit import append_audit

REPLACE_ACTION = "import.replace"
SCHEDULE_ACTION = "import.schedule"


@dataclass(frozen=True)
class _Table:
    name: str
    key: tuple[str, ...]
    compare: tuple[str, ...]
    identity: tuple[str, ...] = ("id",)
    touch: str | None = None
    """A column set to now() whenever the row is updated (constraints.updated_at)."""


_TABLES = {
    "venues": _Table(
        "venues", ("code",), ("name", "city", "lat", "lon", "timezone", "capacity", "school_id")
    ),
    "teams": _Table(
        "teams", ("season_id", "code"), ("name", "short_name", "school_id", "venue_code", "timezone")
    ),
    "venue_calendar": _Table("venue_calendar", ("venue_id", "day", "holder"), ("note",)),
    "blackouts": _Table("school_blackouts", ("school_id", "sport_id", "starts_on", "ends_on"), ("reason",)),
    "constraints": _Table(
        "constraints",
        ("scenario_id", "constraint_id"),
        ("type", "label", "hard", "weight", "enabled", "body"),
        identity=("scenario_id", "constraint_id"),
        touch="updated_at",
    ),
}


def commit_import(
    tx: Tx,
    validated: ValidatedFile,
    context: ImportContext,
    *,
    season_id: uuid.UUID,
    source_key: str | None = None,
    scenario_id: uuid.UUID | None = None,
) -> ImportBatch:
    """Write ``validated`` (which must have no problems) as one import batch of ``season_id``."""
    if not validated.ok:
        raise ValueError("a file with problems is never committed")
    batch = batches.start_batch(tx, validated.kind, season_id=season_id, source_key=source_key)
    extra: dict[str, int] = {}
    if validated.kind == "schedule":
        version = _write_schedule(tx, validated.records, context, season_id)
        append_audit(tx, SCHEDULE_ACTION, "import_batch", batch.id, after={"schedule_id": str(version.id)})
        extra = {"games": len(validated.records), "schedule_version": version.version}
    else:
        if validated.kind == "constraints" and scenario_id is None:
            raise ValueError("a constraints import needs a scenario")
        rows = _ROWS[validated.kind](tx, validated, season_id, scenario_id)
        created, before = _upsert(tx, _TABLES[validated.kind], rows, batch.id, season_id, scenario_id)
        if before:
            append_audit(tx, REPLACE_ACTION, "import_batch", batch.id, before={"rows": before})
        extra = {"updated": len(before), "unchanged": len(rows) - created - len(before)}
    batch = batches.finish_batch(tx, batch.id)
    row = tx.execute(
        "UPDATE import_batches SET counts = counts || %s WHERE id = %s RETURNING *", (Jsonb(extra), batch.id)
    ).fetchone()
    return ImportBatch.model_validate(row)


def rollback_import(tx: Tx, batch_id: uuid.UUID) -> dict[str, int]:
    """Restore the state before the batch exactly; returns rows deleted per table and ``restored``."""
    row = tx.execute(
        "SELECT season_id, status, created_at FROM import_batches WHERE id = %s FOR UPDATE", (batch_id,)
    ).fetchone()
    if row is None:
        raise NotFound("import_batch", batch_id)
    if row["status"] != "applied":
        raise ConflictError(f"import batch {batch_id} is already {row['status']}")
    later = tx.execute(
        "SELECT id FROM import_batches WHERE season_id IS NOT DISTINCT FROM %s AND status = 'applied'"
        " AND id <> %s AND created_at >= %s ORDER BY created_at DESC LIMIT 1",
        (row["season_id"], batch_id, row["created_at"]),
    ).fetchone()
    if later is not None:
        raise ConflictError(f"roll back the later import batch {later['id']} of this season first")
    restored = 0
    for entry in _audit(tx, batch_id, REPLACE_ACTION, "before"):
        restored += _restore(tx, entry["rows"])
    for entry in _audit(tx, batch_id, SCHEDULE_ACTION, "after"):
        schedules.delete_draft(tx, uuid.UUID(entry["schedule_id"]))
    try:
        with tx.conn.transaction():  # a savepoint: a refused delete leaves the outer transaction usable
            deleted = batches.rollback_batch(tx, batch_id)
    except psycopg.errors.ForeignKeyViolation as exc:
        raise ConflictError(
            f"rows of import batch {batch_id} are still referenced: {exc.diag.message_detail}"
        ) from exc
    return {**deleted, "restored": restored}


def season_history(tx: Tx, season_id: uuid.UUID) -> list[ImportBatch]:
    """The season's import batches, newest first (applied and rolled back)."""
    rows = tx.execute(
        "SELECT * FROM import_batches WHERE season_id = %s ORDER BY created_at DESC, id", (season_id,)
    ).fetchall()
    return [ImportBatch.model_validate(r) for r in rows]


# ---- rows per kind --------------------------------------------------------------------------


def _ids(tx: Tx, table: str, codes: Sequence[str]) -> dict[str, str]:
    rows = tx.execute(
        sql.SQL("SELECT code, id FROM {} WHERE code = ANY(%s)").format(sql.Identifier(table)),
        (list(set(codes)),),
    ).fetchall()
    return {r["code"]: str(r["id"]) for r in rows}


def _opt(value: Any) -> Any:
    if value is None or (not isinstance(value, dict | list) and pd.isna(value)) or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


def _venue_rows(tx: Tx, v: ValidatedFile, season_id: uuid.UUID, scenario_id: uuid.UUID | None) -> list[dict]:
    r = v.records
    schools = _ids(tx, "schools", [s for s in r["school"] if s])
    return [
        {"code": code, "name": name, "city": _opt(city), "lat": float(lat), "lon": float(lon),
         "timezone": _opt(tz) or "UTC", "capacity": _opt(cap), "school_id": schools.get(school)}
        for code, name, city, lat, lon, tz, cap, school in zip(
            r["code"], r["name"], r["city"], r["lat"], r["lon"], r["timezone"], r["capacity"], r["school"],
            strict=True)
    ]  # fmt: skip


def _team_rows(tx: Tx, v: ValidatedFile, season_id: uuid.UUID, scenario_id: uuid.UUID | None) -> list[dict]:
    r = v.records
    schools = _ids(tx, "schools", [s for s in r["school"] if s])
    return [
        {"season_id": str(season_id), "code": code, "name": name, "short_name": _opt(short),
         "school_id": schools.get(school), "venue_code": _opt(venue), "timezone": _opt(tz)}
        for code, name, short, school, venue, tz in zip(
            r["code"], r["name"], r["short_name"], r["school"], r["venue"], r["timezone"], strict=True)
    ]  # fmt: skip


def _calendar_rows(
    tx: Tx, v: ValidatedFile, season_id: uuid.UUID, scenario_id: uuid.UUID | None
) -> list[dict]:
    r = v.records
    venues = _ids(tx, "venues", list(r["venue"].unique()))
    return [
        {"venue_id": venues[venue], "day": day.isoformat(), "holder": holder, "note": note}
        for venue, day, holder, note in zip(r["venue"], r["date"], r["holder"], r["note"], strict=True)
    ]


def _blackout_rows(
    tx: Tx, v: ValidatedFile, season_id: uuid.UUID, scenario_id: uuid.UUID | None
) -> list[dict]:
    r = v.records
    schools = _ids(tx, "schools", list(r["school"].unique()))
    sports = _ids(tx, "sports", [s for s in r["sport"] if s])
    return [
        {"school_id": schools[school], "sport_id": sports.get(sport), "starts_on": start.isoformat(),
         "ends_on": end.isoformat(), "reason": reason}
        for school, sport, start, end, reason in zip(
            r["school"], r["sport"], r["starts_on"], r["ends_on"], r["reason"], strict=True)
    ]  # fmt: skip


def _constraint_rows(
    tx: Tx, v: ValidatedFile, season_id: uuid.UUID, scenario_id: uuid.UUID | None
) -> list[dict]:
    out = []
    for row, enabled in v.records["enabled"].items():
        c = v.constraints[int(row)]
        out.append(
            {"scenario_id": str(scenario_id), "constraint_id": c.id, "type": c.type, "label": c.label,
             "hard": c.hard, "weight": c.weight, "enabled": True if enabled is None else bool(enabled),
             "body": c.model_dump(mode="json")}
        )  # fmt: skip
    return out


_ROWS = {
    "venues": _venue_rows,
    "teams": _team_rows,
    "venue_calendar": _calendar_rows,
    "blackouts": _blackout_rows,
    "constraints": _constraint_rows,
}


def _write_schedule(tx: Tx, records: pd.DataFrame, ctx: ImportContext, season_id: uuid.UUID) -> Any:
    days = sorted(set(records["date"]))
    slot_of_day = {d: i for i, d in enumerate(days)}
    games = [
        ScheduledGame(
            home=home, away=away, slot=int(slot) if not pd.isna(slot) else slot_of_day[day],
            venue=venue or ctx.teams.get(home), day=day, tv=tv or None,
        )
        for home, away, day, slot, venue, tv in zip(
            records["home"], records["away"], records["date"], records["slot"], records["venue"],
            records["tv"], strict=True)
    ]  # fmt: skip
    games.sort(key=lambda g: (g.slot, g.home))
    return schedules.create_version(tx, season_id, games, note="imported")


# ---- generic upsert and restore -------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict | list) or isinstance(b, dict | list):
        return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and float(a) == float(b)
    return ("" if a is None else str(a)) == ("" if b is None else str(b))


def _key(row: dict[str, Any], key: tuple[str, ...]) -> tuple[str, ...]:
    return tuple("" if row.get(k) is None else str(row[k]) for k in key)


def _existing(
    tx: Tx, table: _Table, season_id: uuid.UUID, scenario_id: uuid.UUID | None, rows: list[dict]
) -> dict:
    if table.name == "teams":
        scope: tuple[str, list[Any]] = ("season_id = %s", [season_id])
    elif table.name == "constraints":
        scope = ("scenario_id = %s", [scenario_id])
    elif table.name == "venue_calendar":
        scope = ("venue_id = ANY(%s::uuid[])", [list({r["venue_id"] for r in rows})])
    elif table.name == "school_blackouts":
        scope = ("school_id = ANY(%s::uuid[])", [list({r["school_id"] for r in rows})])
    else:
        scope = ("true", [])
    query = sql.SQL("SELECT to_jsonb(t) AS image FROM {} t WHERE " + scope[0]).format(
        sql.Identifier(table.name)
    )
    images = [r["image"] for r in tx.execute(query, scope[1]).fetchall()]
    return {_key(image, table.key): image for image in images}


def _upsert(
    tx: Tx,
    table: _Table,
    rows: list[dict[str, Any]],
    batch_id: uuid.UUID,
    season_id: uuid.UUID,
    scenario_id: uuid.UUID | None,
) -> tuple[int, list[dict[str, Any]]]:
    existing = _existing(tx, table, season_id, scenario_id, rows)
    new, changed, before = [], [], []
    for row in rows:
        image = existing.get(_key(row, table.key))
        if image is None:
            new.append({**row, "tenant_id": str(tx.tenant_id), "import_batch_id": str(batch_id)})
        elif not all(_same(row[c], image.get(c)) for c in table.compare):
            changed.append({**image, **{c: row[c] for c in table.compare}})
            before.append({"table": table.name, "row": image})
    if new:
        columns = [*new[0].keys()]
        _insert(tx, table.name, columns, new)
    if changed:
        _update(tx, table, changed, list(table.compare))
    return len(new), before


def _insert(tx: Tx, table: str, columns: list[str], rows: list[dict[str, Any]]) -> None:
    cols = sql.SQL(", ").join(map(sql.Identifier, columns))
    tx.execute(
        sql.SQL("INSERT INTO {t} ({c}) SELECT {c} FROM jsonb_populate_recordset(NULL::{t}, %s)").format(
            t=sql.Identifier(table), c=cols
        ),
        (Jsonb(rows),),
    )


def _update(tx: Tx, table: _Table, rows: list[dict[str, Any]], columns: list[str]) -> int:
    sets = [sql.SQL("{c} = r.{c}").format(c=sql.Identifier(c)) for c in columns]
    if table.touch and table.touch not in columns:
        sets.append(sql.SQL("{c} = now()").format(c=sql.Identifier(table.touch)))
    match = sql.SQL(" AND ").join(
        sql.SQL("t.{c} = r.{c}").format(c=sql.Identifier(c)) for c in ("tenant_id", *table.identity)
    )
    cur = tx.execute(
        sql.SQL("UPDATE {t} AS t SET {s} FROM jsonb_populate_recordset(NULL::{t}, %s) AS r WHERE {m}").format(
            t=sql.Identifier(table.name), s=sql.SQL(", ").join(sets), m=match
        ),
        (Jsonb(rows),),
    )
    return cur.rowcount


def _restore(tx: Tx, entries: list[dict[str, Any]]) -> int:
    restored = 0
    by_table: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        by_table.setdefault(entry["table"], []).append(entry["row"])
    tables = {t.name: t for t in _TABLES.values()}
    for name, images in by_table.items():
        table = tables[name]
        columns = [c for c in images[0] if c not in ("tenant_id", *table.identity)]
        restored += _update(tx, _Table(name, table.key, table.compare, table.identity), images, columns)
    return restored


def _audit(tx: Tx, batch_id: uuid.UUID, action: str, side: str) -> list[Any]:
    rows = tx.execute(
        sql.SQL("SELECT {s} AS v FROM audit_log WHERE entity_type = 'import_batch' AND entity_id = %s"
                " AND action = %s ORDER BY seq").format(s=sql.Identifier(side)),
        (str(batch_id), action),
    ).fetchall()  # fmt: skip
    return [r["v"] for r in rows if r["v"] is not None]
