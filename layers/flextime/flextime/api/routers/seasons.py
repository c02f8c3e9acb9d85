"""Seasons (one sport's conference season)."""

from __future__ import annotations

import datetime as dt
import uuid

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, Field, model_validator

from flextime.api import queries
from flextime.api.deps import EDITORS, EVERYONE, Ctx, Page, Paging, allow, page_of, paging
from flextime.store.records import Season
from flextime.store.repositories import seasons

router = APIRouter(prefix="/v1/seasons", tags=["seasons"])


class SeasonIn(BaseModel):
    sport_id: uuid.UUID
    name: str = Field(min_length=1, max_length=200)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None

    @model_validator(mode="after")
    def _order(self) -> SeasonIn:
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            raise ValueError("starts_on must not be after ends_on")
        return self


@router.get("", response_model=Page[Season])
def list_seasons(
    ctx: Ctx = Depends(allow(*EVERYONE)),
    p: Paging = Depends(paging),
    sport_id: uuid.UUID | None = Query(None, description="Only this sport's seasons"),
) -> Page[Season]:
    with ctx.tx() as tx:
        return page_of(queries.list_seasons(tx, sport_id), p)


@router.post("", response_model=Season, status_code=status.HTTP_201_CREATED)
def create_season(body: SeasonIn, response: Response, ctx: Ctx = Depends(allow(*EDITORS))) -> Season:
    with ctx.tx() as tx:
        queries.get_sport(tx, body.sport_id)  # 404 rather than a foreign-key error
        season = seasons.add_season(
            tx, sport_id=body.sport_id, name=body.name, starts_on=body.starts_on, ends_on=body.ends_on
        )
    response.headers["Location"] = f"/v1/seasons/{season.id}"
    return season


@router.get("/{season_id}", response_model=Season)
def get_season(season_id: uuid.UUID, ctx: Ctx = Depends(allow(*EVERYONE))) -> Season:
    with ctx.tx() as tx:
        return seasons.get_season(tx, season_id)
