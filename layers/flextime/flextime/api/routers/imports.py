"""Spreadsheet imports: templates, upload -> validate -> commit (or 422 with every located
problem), the season's import history, rollback, and the annotated error file.

The upload is the raw request body (``Content-Type`` of the file; ``filename`` query parameter),
so no multipart parser is needed in the Lambda."""

from __future__ import annotations

import logging
import uuid
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from flextime.api.deps import EVERYONE, STAFF, Ctx, allow
from flextime.api.errors import Forbidden, NotFound, Unprocessable
from flextime.imports.problems import Problem
from flextime.imports.specs import KINDS
from flextime.store.records import ImportBatch
from flextime.store.repositories import seasons

log = logging.getLogger("flextime.api")
router = APIRouter(prefix="/v1", tags=["imports"])

_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ImportOut(BaseModel):
    import_id: uuid.UUID
    kind: str
    file: str
    status: Literal["applied", "rejected", "valid"]
    rows: int
    problems: list[Problem] = Field(default_factory=list)
    batch: ImportBatch | None = None
    errors_url: str | None = Field(None, description="The annotated error file (rejected imports)")


#: What school staff may import: the kinds whose tables carry the database's school-scope
#: policies (venue calendars, school blackouts). Venues, teams, constraints and schedules have only
#: tenant isolation in the database, so the API refuses those kinds to school staff up front.
SCHOOL_KINDS = ("venue_calendar", "blackouts")

#: The upload's documented body: the file's bytes (schemathesis and the SPA send them raw).
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "description": "The file's bytes (CSV in UTF-8 or an XLSX workbook); not multipart.",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            _MEDIA["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


class _BestEffort:
    """The ``ImportCompleted`` event is a notification: the batch is committed before it is sent,
    so a failed send is logged instead of answering 500 for a write that happened."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def publish(self, details: Any) -> None:
        try:
            self.inner.publish(details)
        except Exception:  # any transport error
            log.exception("ImportCompleted was not published")


@router.get("/imports/templates/{kind}", response_class=Response)
def import_template(
    kind: Literal[KINDS],  # type: ignore[valid-type]
    format: Literal["csv", "xlsx"] = Query("csv"),
    ctx: Ctx = Depends(allow(*EVERYONE)),
) -> Response:
    """The template of ``kind`` (header and an example row; XLSX adds a notes sheet)."""
    from flextime.imports.templates import template_bytes

    return Response(
        template_bytes(kind, format), media_type=_MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{kind}-template.{format}"'},
    )  # fmt: skip


@router.post("/seasons/{season_id}/imports/{kind}", response_model=ImportOut, openapi_extra=UPLOAD_BODY)
async def upload_import(
    season_id: uuid.UUID,
    kind: Literal[KINDS],  # type: ignore[valid-type]
    request: Request,
    filename: str = Query(..., min_length=1, max_length=200, description="The file's name (.csv or .xlsx)"),
    scenario_id: uuid.UUID | None = Query(None, description="Target scenario (constraints)"),
    dry_run: bool = Query(False, description="Validate only"),
    ctx: Ctx = Depends(allow(*STAFF)),
) -> ImportOut:
    """Validate the uploaded file against the season and commit it as one batch; any problem
    rejects the whole file (422, ``problems`` lists file/sheet/row/column/message) and writes
    nothing. School staff import only venue calendars and blackouts of their own school."""
    from fastapi.concurrency import run_in_threadpool

    from flextime.imports.service import run_import

    # The membership (not only the token) decides; the season must exist before anything is stored.
    with ctx.tx() as tx:
        role = tx.scope.role
        seasons.get_season(tx, season_id)
    if role == "school_staff" and kind not in SCHOOL_KINDS:
        raise Forbidden(f"school staff may import {' and '.join(SCHOOL_KINDS)} only")
    if kind == "constraints" and scenario_id is None:
        raise Unprocessable("a constraints import needs scenario_id")
    data = await request.body()
    if len(data) > MAX_UPLOAD_BYTES:
        raise Unprocessable(f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    svc = ctx.svc
    outcome = await run_in_threadpool(
        run_import, ctx.pool, ctx.who.tenant_id, ctx.who.user_id, kind=kind, filename=filename, data=data,
        season_id=season_id, scenario_id=scenario_id, dry_run=dry_run, artifacts=svc.artifacts,
        publisher=None if dry_run else _BestEffort(svc.publisher),
    )  # fmt: skip
    errors_url = f"/v1/seasons/{season_id}/imports/{outcome.import_id}/errors"
    out = ImportOut(
        import_id=outcome.import_id, kind=kind, file=outcome.file, status=outcome.status, rows=outcome.rows,
        problems=outcome.problems, batch=outcome.batch,
        errors_url=errors_url if outcome.errors_key else None,
    )  # fmt: skip
    if outcome.status == "rejected":
        # problem+json's own `status` is the HTTP status: the import's status travels as `outcome`.
        members = out.model_dump(mode="json", exclude={"status", "batch"})
        raise Unprocessable(
            f"{len(outcome.problems)} problem(s); nothing was written", outcome="rejected", **members
        )
    return out


@router.get("/seasons/{season_id}/imports", response_model=list[ImportBatch])
def import_history(season_id: uuid.UUID, ctx: Ctx = Depends(allow(*EVERYONE))) -> list[ImportBatch]:
    """The season's import batches, newest first."""
    from flextime.imports.commit import season_history

    with ctx.tx() as tx:
        seasons.get_season(tx, season_id)
        return season_history(tx, season_id)


@router.post("/imports/{batch_id}/rollback")
def rollback_import(batch_id: uuid.UUID, ctx: Ctx = Depends(allow(*STAFF))) -> dict[str, int]:
    """Restore the state before the batch exactly (newest batch of a season first; audited).
    School staff roll back only their own batches of venue calendars or blackouts."""
    from flextime.imports.commit import rollback_import as rollback

    with ctx.tx() as tx:
        if tx.scope.role == "school_staff":
            # Row-level security filters the deletes silently: another school's rows would stay
            # while the batch is marked rolled back, so refuse before touching anything.
            row = tx.execute(
                "SELECT kind, created_by FROM import_batches WHERE id = %s", (batch_id,)
            ).fetchone()
            if row is None:
                raise NotFound(f"import_batch {batch_id} not found")
            if row["kind"] not in SCHOOL_KINDS or row["created_by"] != ctx.who.user_id:
                raise Forbidden("school staff roll back only their own calendar or blackout imports")
        return rollback(tx, batch_id)


@router.get(
    "/seasons/{season_id}/imports/{import_id}/errors", response_class=RedirectResponse, status_code=307
)
def import_errors(
    season_id: uuid.UUID, import_id: uuid.UUID, ctx: Ctx = Depends(allow(*STAFF))
) -> RedirectResponse:
    """A short-lived download link to the annotated error file of a rejected import."""
    from flextime.store.s3 import artifact_key

    with ctx.tx():
        pass  # membership and role check
    store = ctx.svc.artifacts
    prefix = artifact_key(ctx.who.tenant_id, season_id, import_id, "imports", "errors-")
    keys = store.list_keys(prefix)
    if not keys:
        raise NotFound(f"import {import_id} has no error file")
    from flextime.api.routers.artifacts import link

    return link(ctx.svc, keys[0], keys[0].rsplit("/", 1)[-1])
