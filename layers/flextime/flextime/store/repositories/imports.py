"""Import batches: every row an import creates carries its batch id, so the batch can be rolled
back as a whole (constraints, calendar entries, blackouts, teams, venues; children first)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from psycopg.types.json import Jsonb

from flextime.store.db import Tx
from flextime.store.errors import ConflictError, NotFound
from flextime.store.records import ImportBatch
from flextime.store.repositories.audit import append_audit

# Children before parents (teams reference venues).
_BATCH_TABLES = ("constraints", "venue_calendar", "school_blackouts", "teams", "venues")


def start_batch(
    tx: Tx, kind: str, *, season_id: uuid.UUID | None = None, source_key: str | None = None
) -> ImportBatch:
    row = tx.execute(
        "INSERT INTO import_batches (tenant_id, season_id, kind, source_key, created_by)"
        " VALUES (%s, %s, %s, %s, %s) RETURNING *",
        (tx.tenant_id, season_id, kind, source_key, tx.scope.user_id),
    ).fetchone()
    return ImportBatch.model_validate(row)


def finish_batch(tx: Tx, batch_id: uuid.UUID) -> ImportBatch:
    """Record how many rows of each table the batch created."""
    counts = _counts(tx, batch_id)
    row = tx.execute(
        "UPDATE import_batches SET counts = %s WHERE id = %s RETURNING *", (Jsonb(counts), batch_id)
    ).fetchone()
    if row is None:
        raise NotFound("import_batch", batch_id)
    append_audit(tx, "import.apply", "import_batch", batch_id, after=counts)
    return ImportBatch.model_validate(row)


def rollback_batch(tx: Tx, batch_id: uuid.UUID) -> dict[str, int]:
    """Delete every row the batch created; returns the deleted counts per table."""
    row = tx.execute("SELECT status FROM import_batches WHERE id = %s FOR UPDATE", (batch_id,)).fetchone()
    if row is None:
        raise NotFound("import_batch", batch_id)
    if row["status"] != "applied":
        raise ConflictError(f"import batch {batch_id} is already {row['status']}")
    deleted: dict[str, int] = {}
    for table in _BATCH_TABLES:
        cur = tx.execute(f"DELETE FROM {table} WHERE import_batch_id = %s", (batch_id,))
        deleted[table] = cur.rowcount
    tx.execute(
        "UPDATE import_batches SET status = 'rolled_back', rolled_back_at = %s WHERE id = %s",
        (dt.datetime.now(dt.UTC), batch_id),
    )
    append_audit(tx, "import.rollback", "import_batch", batch_id, before=deleted)
    return deleted


def _counts(tx: Tx, batch_id: uuid.UUID) -> dict[str, Any]:
    counts = {}
    for table in _BATCH_TABLES:
        row = tx.execute(
            f"SELECT count(*) AS n FROM {table} WHERE import_batch_id = %s", (batch_id,)
        ).fetchone()
        counts[table] = row["n"] if row else 0
    return counts
