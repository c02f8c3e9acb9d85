"""Schedule reports: generate one on demand (the reporting agent also runs after persist) and
download its files (HTML, PDF, plots for the SPA) through short-lived links."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from flextime.api import queries
from flextime.api.deps import EDITORS, EVERYONE, Ctx, allow
from flextime.api.errors import NotFound
from flextime.api.routers.artifacts import link
from flextime.api.routers.schedules import visible
from flextime.domain import Schedule
from flextime.store.repositories import jobs, schedules

router = APIRouter(prefix="/v1", tags=["reports"])


class ReportOut(BaseModel):
    schedule_id: uuid.UUID
    version: int
    files: dict[str, str]
    """File name -> artifact key (download with GET .../report/{name})."""
    seconds: dict[str, float]


def _owner(version: Any) -> uuid.UUID:
    return version.job_id or version.id


@router.post("/schedules/{schedule_id}/report", response_model=ReportOut)
def generate(schedule_id: uuid.UUID, ctx: Ctx = Depends(allow(*EDITORS))) -> ReportOut:
    """Build the version's report (HTML, PDF, plots; compared with its parent version) and store it."""
    from flextime.reporting.agent import generate_report

    with ctx.tx() as tx:
        version = visible(ctx, tx, schedule_id)
        instance = queries.assemble_instance(tx, version.season_id, version.scenario_id)
        games = schedules.list_games(tx, version.id)
        previous = (
            Schedule(instance=instance.name, games=list(schedules.list_games(tx, version.parent_id)))
            if version.parent_id
            else None
        )
        progress = jobs.get_job(tx, version.job_id).progress if version.job_id else []
    tv = {(g.home, g.away, g.slot): g.tv for g in games if g.tv}
    store = ctx.svc.artifacts
    result = generate_report(  # a sync route: FastAPI runs it in the thread pool
        instance, Schedule(instance=instance.name, games=list(games)), store=store,
        tenant_id=ctx.who.tenant_id, season_id=version.season_id, owner_id=_owner(version),
        version=version.version, previous=previous, progress=progress, tv=tv,
    )  # fmt: skip
    return ReportOut(
        schedule_id=version.id, version=version.version, files=result.files, seconds=result.seconds
    )


@router.get("/schedules/{schedule_id}/report/{name:path}", response_class=RedirectResponse, status_code=307)
def download(
    schedule_id: uuid.UUID,
    name: str = Path(..., max_length=100, pattern=r"^[a-z_]+(/[a-z_]+)?\.(html|pdf|json|png|svg)$"),
    ctx: Ctx = Depends(allow(*EVERYONE)),
) -> RedirectResponse:
    """A short-lived link to one report file, e.g. ``report.pdf`` or ``plots/travel.svg`` (307 to the
    store, or to ``/v1/artifacts/...`` when served locally)."""
    from flextime.store.s3 import artifact_key

    with ctx.tx() as tx:
        version = visible(ctx, tx, schedule_id)
    key = artifact_key(
        ctx.who.tenant_id, version.season_id, _owner(version), "reports", f"v{version.version}/{name}"
    )
    store = ctx.svc.artifacts
    if not store.exists(key):
        raise NotFound(f"no report file {name} for version {version.version}; POST .../report first")
    return link(ctx.svc, key, name.rsplit("/", 1)[-1])
