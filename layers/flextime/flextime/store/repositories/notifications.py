"""In-app notifications and per-user preferences (kind x channel; default on)."""

from __future__ import annotations

import uuid
from typing import Any

from psycopg.types.json import Jsonb

from flextime.store.db import Tx
from flextime.store.records import Notification


def set_preference(tx: Tx, user_id: uuid.UUID, kind: str, channel: str, enabled: bool) -> None:
    tx.execute(
        "INSERT INTO notification_preferences (tenant_id, user_id, kind, channel, enabled)"
        " VALUES (%s, %s, %s, %s, %s)"
        " ON CONFLICT (tenant_id, user_id, kind, channel) DO UPDATE SET enabled = EXCLUDED.enabled",
        (tx.tenant_id, user_id, kind, channel, enabled),
    )


def wants(tx: Tx, user_id: uuid.UUID, kind: str, channel: str = "in_app") -> bool:
    row = tx.execute(
        "SELECT enabled FROM notification_preferences WHERE user_id = %s AND kind = %s AND channel = %s",
        (user_id, kind, channel),
    ).fetchone()
    return True if row is None else bool(row["enabled"])


def notify(tx: Tx, user_id: uuid.UUID, kind: str, payload: dict[str, Any]) -> Notification | None:
    """Queue an in-app notification, unless the user turned this kind off (then None)."""
    if not wants(tx, user_id, kind):
        return None
    row = tx.execute(
        "INSERT INTO notifications (tenant_id, user_id, kind, payload) VALUES (%s, %s, %s, %s) RETURNING *",
        (tx.tenant_id, user_id, kind, Jsonb(payload)),
    ).fetchone()
    return Notification.model_validate(row)


def unread(tx: Tx, user_id: uuid.UUID, limit: int = 50) -> list[Notification]:
    rows = tx.execute(
        "SELECT * FROM notifications WHERE user_id = %s AND read_at IS NULL"
        " ORDER BY created_at DESC LIMIT %s",
        (user_id, limit),
    ).fetchall()
    return [Notification.model_validate(r) for r in rows]


def mark_read(tx: Tx, user_id: uuid.UUID, notification_ids: list[uuid.UUID]) -> int:
    cur = tx.execute(
        "UPDATE notifications SET read_at = now() WHERE user_id = %s AND id = ANY(%s) AND read_at IS NULL",
        (user_id, notification_ids),
    )
    return cur.rowcount
