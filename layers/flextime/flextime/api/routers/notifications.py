"""The caller's own notifications (mentions, schedule events)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from flextime.api import queries
from flextime.api.deps import EVERYONE, Ctx, Page, Paging, allow, page_of, paging
from flextime.store.records import Notification
from flextime.store.repositories import notifications

router = APIRouter(prefix="/v1/notifications", tags=["notifications"])


class ReadIn(BaseModel):
    ids: list[uuid.UUID] = Field(min_length=1, max_length=500)


class ReadOut(BaseModel):
    marked: int


@router.get("", response_model=Page[Notification])
def list_notifications(
    ctx: Ctx = Depends(allow(*EVERYONE)),
    p: Paging = Depends(paging),
    unread: bool = Query(False, description="Only unread ones"),
) -> Page[Notification]:
    with ctx.tx() as tx:
        return page_of(queries.list_notifications(tx, ctx.who.user_id, unread), p)


@router.post("/read", response_model=ReadOut)
def mark_read(body: ReadIn, ctx: Ctx = Depends(allow(*EVERYONE))) -> ReadOut:
    with ctx.tx() as tx:
        return ReadOut(marked=notifications.mark_read(tx, ctx.who.user_id, body.ids))
