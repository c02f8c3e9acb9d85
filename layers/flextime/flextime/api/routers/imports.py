"""Spreadsheet imports: templates, upload -> validate -> commit (or 422 with every located
problem), the season's import history, rollback, and the annotated error file.

The upload is the raw request body (``Content-Type`` of the file; ``filename`` query parameter),
so no multipart parser is needed in the Lambda."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from flextime.api.deps import EDITORS, STAFF, Ctx, allow
from flextime.api.errors import NotFound, Unprocessable
from flextime.imports.problems import Problem
from flextime.imports.specs import KINDS
from flextime.store.records import ImportBatch

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


def _artifacts() -> Any:
    from flextime.agents.runtime import artifacts

    return artifacts()


def _publisher() -> Any:
    from flextime.agents.events import publisher

    return publisher()


@router.get("/imports/templates/{kind}", response_class=Response)
def import_template(kind: Literal[KINDS], format: Literal["csv", "xlsx"] = Query("csv")) -> Response:  # type: ignore[valid-type]
    """The template of ``kind`` (header and an example row; XLSX adds a notes sheet)."""
    from flextime.imports.templates import template_bytes

    return Response(
        template_bytes(kind, format), media_type=_MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{kind}-template.{format}"'},
    )  # fmt: skip


@router.post("/seasons/{season_id}/imports/{kind}", response_model=ImportOut)
async def upload_import(
    season_id: uuid.UUID,
    kind: Literal[KINDS],  # type: ignore[valid-type]
    request: Request,
    filename: str = Query(..., max_length=200, description="The file's name (.csv or .xlsx)"),
    scenario_id: uuid.UUID | None = Query(None, description="Target scenario (constraints)"),
    dry_run: bool = Query(False, description="Validate only"),
    ctx: Ctx = Depends(allow(*STAFF)),
) -> ImportOut:
    """Validate the uploaded file against the season and commit it as one batch; any problem
    rejects the whole file (422, ``problems`` lists file/sheet/row/column/message)."""
    from fastapi.concurrency import run_in_threadpool

    from flextime.imports.service import run_import

    data = await request.body()
    if len(data) > MAX_UPLOAD_BYTES:
        raise Unprocessable(f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    outcome = await run_in_threadpool(
        run_import, ctx.pool, ctx.who.tenant_id, ctx.who.user_id, kind=kind, filename=filename, data=data,
        season_id=season_id, scenario_id=scenario_id, dry_run=dry_run, artifacts=_artifacts(),
        publisher=None if dry_run else _publisher(),
    )  # fmt: skip
    out = ImportOut(
        import_id=outcome.import_id, kind=kind, file=outcome.file, status=outcome.status, rows=outcome.rows,
        problems=outcome.problems, batch=outcome.batch,
    )  # fmt: skip
    if outcome.status == "rejected":
        raise Unprocessable(
            f"{len(outcome.problems)} problem(s); nothing was written", **out.model_dump(mode="json")
        )
    return out


@router.get("/seasons/{season_id}/imports", response_model=list[ImportBatch])
def import_history(season_id: uuid.UUID, ctx: Ctx = Depends(allow(*STAFF))) -> list[ImportBatch]:
    """The season's import batches, newest first."""
    from flextime.imports.commit import season_history

    with ctx.tx() as tx:
        return season_history(tx, season_id)


@router.post("/imports/{batch_id}/rollback")
def rollback_import(batch_id: uuid.UUID, ctx: Ctx = Depends(allow(*EDITORS))) -> dict[str, int]:
    """Restore the state before the batch exactly (newest batch of a season first; audited)."""
    from flextime.imports.commit import rollback_import as rollback

    with ctx.tx() as tx:
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
    store = _artifacts()
    prefix = artifact_key(ctx.who.tenant_id, season_id, import_id, "imports", "errors-")
    keys = store.list_keys(prefix)
    if not keys:
        raise NotFound(f"import {import_id} has no error file")
    return RedirectResponse(store.download_url(keys[0], filename=keys[0].rsplit("/", 1)[-1]), status_code=307)
