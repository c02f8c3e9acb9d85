"""Comment threads on any entity (a schedule version, a game, a constraint) with @mentions;
a mention notifies the mentioned user unless they turned that off."""

from __future__ import annotations

import uuid

from flextime.store.db import Tx
from flextime.store.errors import NotFound
from flextime.store.records import Comment, CommentThread
from flextime.store.repositories.notifications import notify


def start_thread(tx: Tx, entity_type: str, entity_id: object, *, title: str = "") -> CommentThread:
    row = tx.execute(
        "INSERT INTO comment_threads (tenant_id, entity_type, entity_id, title, created_by)"
        " VALUES (%s, %s, %s, %s, %s) RETURNING *",
        (tx.tenant_id, entity_type, str(entity_id), title, tx.scope.user_id),
    ).fetchone()
    return CommentThread.model_validate(row)


def add_comment(
    tx: Tx, thread_id: uuid.UUID, body: str, *, mentions: list[uuid.UUID] | None = None
) -> Comment:
    """Post as the transaction's user; mentioned users get a ``mention`` notification."""
    if tx.execute("SELECT 1 FROM comment_threads WHERE id = %s", (thread_id,)).fetchone() is None:
        raise NotFound("comment_thread", thread_id)
    row = tx.execute(
        "INSERT INTO comments (tenant_id, thread_id, author_id, body) VALUES (%s, %s, %s, %s) RETURNING *",
        (tx.tenant_id, thread_id, tx.scope.user_id, body),
    ).fetchone()
    assert row is not None
    mentioned = sorted(set(mentions or []))
    if mentioned:
        tx.conn.cursor().executemany(
            "INSERT INTO comment_mentions (tenant_id, comment_id, user_id) VALUES (%s, %s, %s)",
            [(tx.tenant_id, row["id"], u) for u in mentioned],
        )
        for user in mentioned:
            notify(tx, user, "mention", {"thread_id": str(thread_id), "comment_id": str(row["id"])})
    return Comment.model_validate({**row, "mentions": mentioned})


def list_comments(tx: Tx, thread_id: uuid.UUID) -> list[Comment]:
    rows = tx.execute(
        "SELECT c.*, coalesce(array_agg(m.user_id) FILTER (WHERE m.user_id IS NOT NULL), '{}') AS mentions"
        " FROM comments c LEFT JOIN comment_mentions m ON m.tenant_id = c.tenant_id AND m.comment_id = c.id"
        " WHERE c.thread_id = %s GROUP BY c.tenant_id, c.id ORDER BY c.created_at",
        (thread_id,),
    ).fetchall()
    return [Comment.model_validate(r) for r in rows]


def threads_for(tx: Tx, entity_type: str, entity_id: object) -> list[CommentThread]:
    rows = tx.execute(
        "SELECT * FROM comment_threads WHERE entity_type = %s AND entity_id = %s ORDER BY created_at",
        (entity_type, str(entity_id)),
    ).fetchall()
    return [CommentThread.model_validate(r) for r in rows]


def resolve_thread(tx: Tx, thread_id: uuid.UUID) -> None:
    if (
        tx.execute(
            "UPDATE comment_threads SET resolved = true WHERE id = %s RETURNING id", (thread_id,)
        ).fetchone()
        is None
    ):
        raise NotFound("comment_thread", thread_id)
