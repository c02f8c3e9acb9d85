"""Comment threads on any entity, with @mentions (``@name`` matches a user's e-mail or its local
part; explicit user ids are accepted too). A mention notifies the mentioned user."""

from __future__ import annotations

import re
import uuid

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, Field

from flextime.api import queries
from flextime.api.deps import STAFF, Ctx, Page, Paging, allow, page_of, paging
from flextime.api.errors import Unprocessable
from flextime.store.db import Tx
from flextime.store.records import Comment, CommentThread
from flextime.store.repositories import comments, tenants

router = APIRouter(prefix="/v1/threads", tags=["comments"])
_MENTION = re.compile(r"(?<![\w.])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")


class ThreadIn(BaseModel):
    entity_type: str = Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$")
    entity_id: str = Field(min_length=1, max_length=200)
    title: str = Field("", max_length=200)


class CommentIn(BaseModel):
    body: str = Field(min_length=1, max_length=10_000)
    mentions: list[uuid.UUID] = Field(default_factory=list, max_length=50)


def mentioned(tx: Tx, text: str, explicit: list[uuid.UUID]) -> list[uuid.UUID]:
    names = {m.lower() for m in _MENTION.findall(text)}
    users = tenants.list_users(tx)
    found = {u.id for u in users if u.email.lower() in names or u.email.split("@")[0].lower() in names}
    unknown = set(explicit) - {u.id for u in users}
    if unknown:
        raise Unprocessable(f"unknown user(s): {', '.join(sorted(map(str, unknown)))}")
    return sorted(found | set(explicit))


@router.get("", response_model=Page[CommentThread])
def list_threads(
    ctx: Ctx = Depends(allow(*STAFF)),
    p: Paging = Depends(paging),
    entity_type: str | None = Query(None, max_length=40),
    entity_id: str | None = Query(None, max_length=200),
) -> Page[CommentThread]:
    with ctx.tx() as tx:
        return page_of(queries.list_threads(tx, entity_type, entity_id), p)


@router.post("", response_model=CommentThread, status_code=status.HTTP_201_CREATED)
def start_thread(body: ThreadIn, response: Response, ctx: Ctx = Depends(allow(*STAFF))) -> CommentThread:
    with ctx.tx() as tx:
        thread = comments.start_thread(tx, body.entity_type, body.entity_id, title=body.title)
    response.headers["Location"] = f"/v1/threads/{thread.id}"
    return thread


@router.get("/{thread_id}/comments", response_model=Page[Comment])
def list_comments(
    thread_id: uuid.UUID, ctx: Ctx = Depends(allow(*STAFF)), p: Paging = Depends(paging)
) -> Page[Comment]:
    with ctx.tx() as tx:
        queries.get_thread(tx, thread_id)
        return page_of(comments.list_comments(tx, thread_id), p)


@router.post("/{thread_id}/comments", response_model=Comment, status_code=status.HTTP_201_CREATED)
def add_comment(thread_id: uuid.UUID, body: CommentIn, ctx: Ctx = Depends(allow(*STAFF))) -> Comment:
    """Post a comment; each @mentioned user gets a ``mention`` notification."""
    with ctx.tx() as tx:
        queries.get_thread(tx, thread_id)
        return comments.add_comment(
            tx, thread_id, body.body, mentions=mentioned(tx, body.body, body.mentions)
        )


@router.post("/{thread_id}/resolve", status_code=status.HTTP_204_NO_CONTENT)
def resolve(thread_id: uuid.UUID, ctx: Ctx = Depends(allow(*STAFF))) -> Response:
    with ctx.tx() as tx:
        comments.resolve_thread(tx, thread_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
