"""The append-only, hash-chained audit log (per tenant).

The database numbers each row and stores ``hash = sha256(prev_hash || payload)`` in a trigger,
where ``payload`` is ``flextime_audit_payload(row)``: the row's columns as jsonb text. The app
role may only INSERT and SELECT (UPDATE/DELETE/TRUNCATE revoked, and refused by a trigger for
everyone), so tampering needs the owner or a superuser, and then shows in :func:`verify_audit_chain`.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from psycopg.types.json import Jsonb

from flextime.store.db import Tx
from flextime.store.records import AuditEntry, BrokenLink


def append_audit(
    tx: Tx,
    action: str,
    entity_type: str,
    entity_id: object,
    *,
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Record who (the transaction's user) did what to which entity, in the same transaction."""
    row = tx.execute(
        "INSERT INTO audit_log (tenant_id, action, entity_type, entity_id, before, after)"
        " VALUES (%s, %s, %s, %s, %s, %s) RETURNING *",
        (
            tx.tenant_id,
            action,
            entity_type,
            str(entity_id),
            None if before is None else Jsonb(before),
            None if after is None else Jsonb(after),
        ),
    ).fetchone()
    assert row is not None
    return AuditEntry.model_validate(row)


def list_audit(
    tx: Tx, *, entity_type: str | None = None, entity_id: object = None, limit: int = 100
) -> list[AuditEntry]:
    """Most recent entries first, optionally for one entity."""
    rows = tx.execute(
        "SELECT * FROM audit_log WHERE (%(t)s::text IS NULL OR entity_type = %(t)s)"
        " AND (%(e)s::text IS NULL OR entity_id = %(e)s) ORDER BY seq DESC LIMIT %(n)s",
        {"t": entity_type, "e": None if entity_id is None else str(entity_id), "n": limit},
    ).fetchall()
    return [AuditEntry.model_validate(r) for r in rows]


def verify_audit_chain(tx: Tx, tenant_id: uuid.UUID | None = None) -> BrokenLink | None:
    """Walk the tenant's chain in order, recomputing every hash from the row as stored now.
    Returns the first broken row, or None when the whole chain verifies."""
    tenant = tenant_id or tx.tenant_id
    cur = tx.conn.execute(
        "SELECT seq, prev_hash, hash, flextime_audit_payload(a) FROM audit_log a"
        " WHERE tenant_id = %s ORDER BY seq",
        (tenant,),
    )
    previous, expected_seq = "", 1
    for seq, prev_hash, stored_hash, payload in cur:
        if seq != expected_seq:
            return BrokenLink(seq=seq, reason="sequence_gap")
        if prev_hash != previous:
            return BrokenLink(seq=seq, reason="prev_hash_mismatch")
        if hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest() != stored_hash:
            return BrokenLink(seq=seq, reason="hash_mismatch")
        previous, expected_seq = stored_hash, seq + 1
    return None
