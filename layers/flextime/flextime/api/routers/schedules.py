"""Schedule versions: read (with the ETag), list per season, diff two versions, edit (move, swap,
lock, unlock) with immediate validation, save under If-Match, derive a draft, publish, archive.

Saving edits of a draft replaces its games (the ETag changes); saving edits of a published or
archived version creates a new draft whose parent it is (201 + Location). Viewers see published
versions only."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel, Field

from flextime.api import queries
from flextime.api.deps import (
    EDITORS,
    EVERYONE,
    STAFF,
    Ctx,
    Page,
    Paging,
    allow,
    if_match_row_version,
    page_of,
    paging,
)
from flextime.api.editing import EditError, EditOp, EditOutcome, apply_edits, outcome
from flextime.api.errors import Conflict, Forbidden, NotFound, Unprocessable
from flextime.store.db import Tx
from flextime.store.errors import ConcurrencyError, TenantAccessError
from flextime.store.errors import NotFound as StoreNotFound
from flextime.store.records import ScheduledGame, ScheduleVersion
from flextime.store.repositories import scenarios, schedules, seasons
from flextime.validate.report import Violation

router = APIRouter(prefix="/v1", tags=["schedules"])


class VersionOut(BaseModel):
    id: uuid.UUID
    season_id: uuid.UUID
    version: int
    status: Literal["draft", "published", "archived"]
    parent_id: uuid.UUID | None = None
    scenario_id: uuid.UUID | None = None
    job_id: uuid.UUID | None = None
    objective: dict[str, Any] = Field(default_factory=dict)
    note: str = ""
    row_version: int
    created_at: dt.datetime
    published_at: dt.datetime | None = None
    etag: str = Field(description="Send as If-Match to edit, publish or archive")


class ScheduleOut(BaseModel):
    version: VersionOut
    games: list[ScheduledGame]


class EditsIn(BaseModel):
    ops: list[EditOp] = Field(min_length=1, max_length=500)
    note: str = Field("", max_length=2000)


class SavedEdits(BaseModel):
    version: VersionOut
    validation: EditOutcome


class GameChangeOut(BaseModel):
    kind: Literal["moved", "flipped", "added", "removed"]
    home: str
    away: str
    from_slot: int | None = None
    to_slot: int | None = None
    from_date: str | None = None
    to_date: str | None = None


class ValidationOut(BaseModel):
    """The independent validator's verdict on a stored version (``flextime.validate``), measured
    against its scenario as it is now (constraints enabled now, the scenario's objective)."""

    schedule_id: uuid.UUID
    version: int
    scenario_id: uuid.UUID
    feasible: bool
    infeasibility: int = Field(description="Hard weight x deviation, plus one per structural problem")
    objective: int = Field(description="Soft penalty (when counted) + travel_weight x travel")
    soft_penalty: int
    travel_total: int | None = Field(None, description="None: the instance has no travel data")
    travel_by_team: dict[str, int] = Field(default_factory=dict)
    breaks_by_team: dict[str, int] = Field(default_factory=dict)
    structural: list[str] = Field(default_factory=list)
    violations: list[Violation] = Field(default_factory=list)


class DiffOut(BaseModel):
    base: uuid.UUID
    other: uuid.UUID
    changes: list[GameChangeOut]


def out(v: ScheduleVersion) -> VersionOut:
    return VersionOut(**v.model_dump(exclude={"tenant_id"}), etag=v.etag)


def visible(ctx: Ctx, tx: Tx, schedule_id: uuid.UUID) -> ScheduleVersion:
    version = schedules.get_version(tx, schedule_id)
    if tx.scope.role == "viewer" and version.status != "published":
        raise Forbidden("viewers see published schedules only")
    return version


def _tagged(response: Response, v: ScheduleVersion) -> None:
    response.headers["ETag"] = v.etag


@router.get("/seasons/{season_id}/schedules", response_model=Page[VersionOut], tags=["schedules"])
def list_versions(
    season_id: uuid.UUID,
    ctx: Ctx = Depends(allow(*EVERYONE)),
    p: Paging = Depends(paging),
    status: Literal["draft", "published", "archived"] | None = Query(None),
) -> Page[VersionOut]:
    with ctx.tx() as tx:
        seasons.get_season(tx, season_id)
        items = schedules.list_versions(tx, season_id)
        if tx.scope.role == "viewer":
            items = [v for v in items if v.status == "published"]
    return page_of([out(v) for v in items if status is None or v.status == status], p)


def if_none_match(request: Request) -> list[str]:
    """The entity tags of ``If-None-Match`` (weak comparison: ``W/`` dropped; ``*`` kept)."""
    header = request.headers.get("if-none-match", "")
    return [t.strip().removeprefix("W/") for t in header.split(",") if t.strip()][:20]


def _read(ctx: Ctx, request: Request, **where: Any) -> queries.ScheduleRead:
    """The one-round-trip read, with the checks ``Ctx.tx`` makes: membership, its role allowed
    here and carried by the token."""
    read = queries.read_schedule(
        ctx.pool, ctx.who.tenant_id, ctx.who.user_id, if_none_match=if_none_match(request), **where
    )
    if read.role is None:
        raise TenantAccessError(f"user {ctx.who.user_id} is not a member of tenant {ctx.who.tenant_id}")
    if read.role not in ctx.allowed or read.role not in ctx.who.roles:
        raise Forbidden(f"role {read.role} may not do this")
    return read


def _schedule_response(read: queries.ScheduleRead) -> Response:
    """The ScheduleOut document, serialised once: the games arrive as JSON from the database (the
    same bytes pydantic writes), so nothing is validated again. 304 when If-None-Match matched."""
    version = read.version
    assert version is not None
    headers = {"ETag": version.etag, "Cache-Control": "private, no-cache"}
    if read.games_json is None:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    head = out(version).model_dump_json().encode()
    body = b"".join((b'{"version":', head, b',"games":[', read.games_json.encode(), b"]}"))
    return Response(body, media_type="application/json", headers=headers)


_CONDITIONAL: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified (If-None-Match named the current ETag)"},
}


@router.get("/seasons/{season_id}/schedule", response_model=ScheduleOut, responses=_CONDITIONAL)
def published_schedule(
    season_id: uuid.UUID,
    request: Request,
    ctx: Ctx = Depends(allow(*EVERYONE)),
    team: str | None = Query(None, max_length=64, description="Only this team's games"),
) -> Response:
    """The season's published schedule (``ETag``; ``If-None-Match`` -> 304)."""
    read = _read(ctx, request, season_id=season_id, team=team)
    if read.version is None:
        with ctx.tx() as tx:
            seasons.get_season(tx, season_id)
        raise NotFound(f"season {season_id} has no published schedule")
    return _schedule_response(read)


@router.get("/schedules/{schedule_id}", response_model=ScheduleOut, responses=_CONDITIONAL)
def get_schedule(
    schedule_id: uuid.UUID,
    request: Request,
    ctx: Ctx = Depends(allow(*EVERYONE)),
    team: str | None = Query(None, max_length=64, description="Only this team's games"),
) -> Response:
    """One version with its games (``ETag``: send it as If-Match to edit; ``If-None-Match`` -> 304)."""
    read = _read(ctx, request, schedule_id=schedule_id, team=team)
    if read.version is None:
        raise StoreNotFound("schedule", schedule_id)
    if read.role == "viewer" and read.version.status != "published":
        raise Forbidden("viewers see published schedules only")
    return _schedule_response(read)


@router.get("/schedules/{schedule_id}/diff", response_model=DiffOut)
def diff(
    schedule_id: uuid.UUID,
    against: uuid.UUID = Query(description="The other version (same season)"),
    ctx: Ctx = Depends(allow(*STAFF)),
) -> DiffOut:
    """Moved / flipped / added / removed games from ``schedule_id`` to ``against``."""
    from flextime.domain import Schedule
    from flextime.engine.repair import diff_schedules

    with ctx.tx() as tx:
        base, other = schedules.get_version(tx, schedule_id), schedules.get_version(tx, against)
        if base.season_id != other.season_id:
            raise Unprocessable("the two versions belong to different seasons")
        instance = queries.assemble_instance(tx, base.season_id, base.scenario_id)
        old, new = schedules.list_games(tx, base.id), schedules.list_games(tx, other.id)
    changes = diff_schedules(instance, Schedule(games=list(old)), Schedule(games=list(new)))
    return DiffOut(base=base.id, other=other.id, changes=[GameChangeOut(**c.model_dump()) for c in changes])


@router.get("/schedules/{schedule_id}/validation", response_model=ValidationOut)
def validation(schedule_id: uuid.UUID, ctx: Ctx = Depends(allow(*EVERYONE))) -> ValidationOut:
    """Validate the version's games against its scenario (viewers: published versions only).
    409 when the season has no scenario to validate against."""
    from flextime.domain import Schedule
    from flextime.validate import validate

    with ctx.tx() as tx:
        version = visible(ctx, tx, schedule_id)
        try:
            scenario = (
                scenarios.get_scenario(tx, version.scenario_id)
                if version.scenario_id
                else queries.default_scenario(tx, version.season_id)
            )
        except StoreNotFound as exc:
            raise Conflict("the season has no scenario to validate against") from exc
        instance = queries.assemble_instance(tx, version.season_id, scenario.id)
        games = schedules.list_games(tx, version.id)
    report = validate(instance, Schedule(instance=instance.name, games=list(games)))
    return ValidationOut(
        schedule_id=version.id, version=version.version, scenario_id=scenario.id,
        **report.model_dump(exclude={"instance"}),
    )  # fmt: skip


def _edited(tx: Tx, version: ScheduleVersion, body: EditsIn) -> tuple[list[ScheduledGame], EditOutcome]:
    try:
        instance = queries.assemble_instance(tx, version.season_id, version.scenario_id)
    except StoreNotFound as exc:
        raise Conflict("the season has no scenario to validate against") from exc
    games = schedules.list_games(tx, version.id)
    try:
        edited = apply_edits(instance, games, body.ops)
    except EditError as exc:
        raise Unprocessable(str(exc)) from exc
    return edited, outcome(instance, games, edited)


@router.post("/schedules/{schedule_id}/edits/preview", response_model=EditOutcome)
def preview_edits(schedule_id: uuid.UUID, body: EditsIn, ctx: Ctx = Depends(allow(*EDITORS))) -> EditOutcome:
    """Validate edits without saving: the violations they would cause (and resolve)."""
    with ctx.tx() as tx:
        version = schedules.get_version(tx, schedule_id)
        _, verdict = _edited(tx, version, body)
    return verdict


@router.post("/schedules/{schedule_id}/edits", response_model=SavedEdits)
def save_edits(
    schedule_id: uuid.UUID,
    body: EditsIn,
    request: Request,
    response: Response,
    ctx: Ctx = Depends(allow(*EDITORS)),
) -> SavedEdits:
    """Apply and save edits (If-Match required). A draft is edited in place (200, new ETag); a
    published or archived version gets a new draft holding the edits (201 + Location)."""
    expected = if_match_row_version(request, schedule_id)
    with ctx.tx() as tx:
        version = schedules.get_version(tx, schedule_id)
        if version.row_version != expected:
            raise ConcurrencyError("schedule", schedule_id, expected, version.row_version)
        edited, verdict = _edited(tx, version, body)
        if version.status == "draft":
            saved = schedules.replace_games(tx, schedule_id, expected, edited)
        else:
            saved = schedules.create_version(
                tx, version.season_id, edited, parent_id=version.id, scenario_id=version.scenario_id,
                objective=version.objective, note=body.note or f"edit of version {version.version}",
            )  # fmt: skip
            response.status_code = status.HTTP_201_CREATED
            response.headers["Location"] = f"/v1/schedules/{saved.id}"
    _tagged(response, saved)
    return SavedEdits(version=out(saved), validation=verdict)


@router.post(
    "/schedules/{schedule_id}/drafts", response_model=VersionOut, status_code=status.HTTP_201_CREATED
)
def derive_draft(
    schedule_id: uuid.UUID, response: Response, ctx: Ctx = Depends(allow(*EDITORS))
) -> VersionOut:
    """A new draft copying this version's games."""
    with ctx.tx() as tx:
        draft = schedules.derive_draft(tx, schedule_id)
    response.headers["Location"] = f"/v1/schedules/{draft.id}"
    _tagged(response, draft)
    return out(draft)


def _transition(
    ctx: Ctx, request: Request, response: Response, schedule_id: uuid.UUID, action: Any
) -> VersionOut:
    expected = if_match_row_version(request, schedule_id)
    with ctx.tx() as tx:
        version = action(tx, schedule_id, expected)
    _tagged(response, version)
    return out(version)


@router.post("/schedules/{schedule_id}/publish", response_model=VersionOut)
def publish(
    schedule_id: uuid.UUID, request: Request, response: Response, ctx: Ctx = Depends(allow(*EDITORS))
) -> VersionOut:
    """Publish a draft (If-Match required); the season's published version becomes archived."""
    return _transition(ctx, request, response, schedule_id, _publish)


def _publish(tx: Tx, schedule_id: uuid.UUID, expected: int) -> ScheduleVersion:
    current = schedules.get_version(tx, schedule_id)
    if current.status != "draft":
        raise Conflict(f"version {current.version} is {current.status}; only drafts are published")
    return schedules.publish(tx, schedule_id, expected)


@router.post("/schedules/{schedule_id}/archive", response_model=VersionOut)
def archive(
    schedule_id: uuid.UUID, request: Request, response: Response, ctx: Ctx = Depends(allow(*EDITORS))
) -> VersionOut:
    """Archive a draft or the published version (If-Match required)."""
    return _transition(ctx, request, response, schedule_id, _archive)


def _archive(tx: Tx, schedule_id: uuid.UUID, expected: int) -> ScheduleVersion:
    current = schedules.get_version(tx, schedule_id)
    if current.status == "archived":
        raise Conflict("the version is archived already")
    return queries.archive(tx, schedule_id, expected)
