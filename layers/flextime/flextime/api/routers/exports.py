"""Exports of a schedule version: CSV, RobinX solution XML and iCalendar (per season and per team;
the season feeds follow the published version)."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Depends, Query, Response

from flextime.api import queries
from flextime.api.deps import EVERYONE, Ctx, allow
from flextime.api.errors import NotFound
from flextime.api.routers.schedules import visible
from flextime.domain import Schedule
from flextime.formats.ics import schedule_to_ics
from flextime.formats.robinx import solution_to_string
from flextime.formats.schedule_csv import schedule_to_csv
from flextime.store.db import Tx
from flextime.store.records import ScheduleVersion
from flextime.store.repositories import schedules, seasons

router = APIRouter(prefix="/v1", tags=["exports"])

_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "robinx": "application/xml",
    "ics": "text/calendar; charset=utf-8",
}
_SUFFIX = {"csv": "csv", "robinx": "xml", "ics": "ics"}


def _render(tx: Tx, version: ScheduleVersion, fmt: str, team: str | None) -> Response:
    instance = queries.assemble_instance(tx, version.season_id, version.scenario_id)
    if team is not None and team not in instance.team_index:
        raise NotFound(f"team {team} not found in this season")
    games = schedules.list_games(tx, version.id)
    if fmt == "ics":
        season = seasons.get_season(tx, version.season_id)
        title = f"{instance.sport or ''} {season.name}{f' - {team}' if team else ''}".strip()
        body = schedule_to_ics(
            instance, Schedule(instance=instance.name, games=list(games)), season_key=str(version.season_id),
            team=team, sequence=version.version, stamp=version.published_at or version.created_at,
            calendar_name=title, status="CONFIRMED" if version.status == "published" else "TENTATIVE",
        )  # fmt: skip
    else:
        chosen = [g for g in games if team is None or team in (g.home, g.away)]
        schedule = Schedule(instance=instance.name, games=chosen)
        body = (
            schedule_to_csv(instance, schedule)
            if fmt == "csv"
            else solution_to_string(
                schedule, instance_name=instance.name, solution_name=f"v{version.version}"
            )
        )
    name = f"schedule-v{version.version}{f'-{team}' if team else ''}.{_SUFFIX[fmt]}"
    return Response(
        body, media_type=_MEDIA[fmt],
        headers={"ETag": version.etag, "Content-Disposition": f'attachment; filename="{name}"'},
    )  # fmt: skip


_FILE = {
    "description": "The file",
    "content": {m.split(";")[0]: {"schema": {"type": "string"}} for m in _MEDIA.values()},
}


@router.get("/schedules/{schedule_id}/export", response_class=Response, responses={200: _FILE})
def export_version(
    schedule_id: uuid.UUID,
    ctx: Ctx = Depends(allow(*EVERYONE)),
    format: Literal["csv", "robinx", "ics"] = Query("csv"),
    team: str | None = Query(None, max_length=64, description="Only this team's games"),
) -> Response:
    with ctx.tx() as tx:
        return _render(tx, visible(ctx, tx, schedule_id), format, team)


def _published(tx: Tx, season_id: uuid.UUID) -> ScheduleVersion:
    version = schedules.published_version(tx, season_id)
    if version is None:
        seasons.get_season(tx, season_id)
        raise NotFound(f"season {season_id} has no published schedule")
    return version


@router.get("/seasons/{season_id}/calendar.ics", response_class=Response, responses={200: _FILE})
def season_calendar(season_id: uuid.UUID, ctx: Ctx = Depends(allow(*EVERYONE))) -> Response:
    """The season's published schedule as an iCalendar feed."""
    with ctx.tx() as tx:
        return _render(tx, _published(tx, season_id), "ics", None)


@router.get("/seasons/{season_id}/teams/{team}/calendar.ics", response_class=Response, responses={200: _FILE})
def team_calendar(season_id: uuid.UUID, team: str, ctx: Ctx = Depends(allow(*EVERYONE))) -> Response:
    """One team's published games as an iCalendar feed."""
    with ctx.tx() as tx:
        return _render(tx, _published(tx, season_id), "ics", team)
