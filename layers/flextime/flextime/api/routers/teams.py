"""A season's teams (domain ``Team``: ``id`` is the team code used in games)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Query, status

from flextime.api.deps import EDITORS, EVERYONE, Ctx, Page, Paging, allow, page_of, paging
from flextime.domain import Team
from flextime.store.repositories import seasons

router = APIRouter(prefix="/v1/seasons/{season_id}/teams", tags=["teams"])


@router.get("", response_model=Page[Team])
def list_teams(
    season_id: uuid.UUID,
    ctx: Ctx = Depends(allow(*EVERYONE)),
    p: Paging = Depends(paging),
    q: str | None = Query(None, max_length=100, description="Id or name contains"),
) -> Page[Team]:
    with ctx.tx() as tx:
        seasons.get_season(tx, season_id)
        teams = seasons.list_teams(tx, season_id)
    if q:
        teams = [t for t in teams if q.lower() in t.id.lower() or q.lower() in t.name.lower()]
    return page_of(teams, p)


@router.post("", response_model=Team, status_code=status.HTTP_201_CREATED)
def add_team(season_id: uuid.UUID, team: Team, ctx: Ctx = Depends(allow(*EDITORS))) -> Team:
    with ctx.tx() as tx:
        seasons.get_season(tx, season_id)
        if team.venue is not None:
            seasons.venue_id(tx, team.venue)  # 404 for an unknown venue code
        seasons.add_teams(tx, season_id, [team])
    return team
