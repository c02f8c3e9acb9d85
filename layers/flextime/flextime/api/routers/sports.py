"""Sports of the conference."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, Field

from flextime.api import queries
from flextime.api.deps import EDITORS, EVERYONE, Ctx, Page, Paging, allow, page_of, paging
from flextime.store.records import Sport
from flextime.store.repositories import seasons

router = APIRouter(prefix="/v1/sports", tags=["sports"])


class SportIn(BaseModel):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    name: str = Field(min_length=1, max_length=200)


@router.get("", response_model=Page[Sport])
def list_sports(
    ctx: Ctx = Depends(allow(*EVERYONE)),
    p: Paging = Depends(paging),
    q: str | None = Query(None, max_length=100, description="Code or name contains"),
) -> Page[Sport]:
    with ctx.tx() as tx:
        items = queries.list_sports(tx)
    if q:
        items = [s for s in items if q.lower() in s.code.lower() or q.lower() in s.name.lower()]
    return page_of(items, p)


@router.post("", response_model=Sport, status_code=status.HTTP_201_CREATED)
def create_sport(body: SportIn, response: Response, ctx: Ctx = Depends(allow(*EDITORS))) -> Sport:
    with ctx.tx() as tx:
        sport = seasons.add_sport(tx, code=body.code, name=body.name)
    response.headers["Location"] = f"/v1/sports/{sport.id}"
    return sport


@router.get("/{sport_id}", response_model=Sport)
def get_sport(sport_id: uuid.UUID, ctx: Ctx = Depends(allow(*EVERYONE))) -> Sport:
    with ctx.tx() as tx:
        return queries.get_sport(tx, sport_id)
