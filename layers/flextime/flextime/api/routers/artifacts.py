"""Artifact downloads through the API: report files and import error files streamed from the
artifact store, for stores whose own links a browser cannot open (the ``LocalArtifactStore``'s
``file://`` paths, moto's in-process S3 under ``flextime serve``).

``GET /v1/schedules/{id}/report/{name}`` and ``GET /v1/seasons/{id}/imports/{import}/errors``
redirect here (307) instead of to the store when ``settings.artifact_links`` says so
(:func:`link`). Authorised like those routes, by tenant and role: the key's tenant must be the
token's (another tenant's key is a plain 404), only report files and error files are served,
error files to staff only, and a viewer gets a report only of a published version."""

from __future__ import annotations

import mimetypes
import re
import uuid
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path
from fastapi.responses import FileResponse, RedirectResponse, Response

from flextime.api.deps import EVERYONE, STAFF, Ctx, Services, allow
from flextime.api.errors import Forbidden, NotFound
from flextime.store.s3 import ArtifactNotFound, LocalArtifactStore

router = APIRouter(prefix="/v1", tags=["artifacts"])

_REPORT = re.compile(r"^reports/v(\d{1,9})/[a-z_]+(/[a-z_]+)?\.(html|pdf|json|png|svg)$")
_ERRORS = re.compile(r"^imports/errors-[A-Za-z0-9._-]{1,200}$")
_INLINE = {".pdf", ".png", ".svg", ".json"}


def via_api(svc: Services, store_url: str) -> bool:
    """Whether downloads go through :func:`download` instead of the store's own link."""
    mode = svc.settings.artifact_links
    if mode != "auto":
        return mode == "api"
    return svc.settings.trust_local_key or not store_url.startswith(("https://", "http://"))


def link(svc: Services, key: str, filename: str) -> RedirectResponse:
    """307 to the store's short-lived link, or to this API's download route."""
    url = svc.artifacts.download_url(key, filename=filename)
    if via_api(svc, url):
        url = "/v1/artifacts/" + quote(key, safe="/")
    return RedirectResponse(url, status_code=307)


def _authorise(ctx: Ctx, key: str) -> None:
    tenant, season, _owner, rest = [*key.split("/", 3), "", "", ""][:4]
    try:
        same_tenant = uuid.UUID(tenant) == ctx.who.tenant_id
        season_id = uuid.UUID(season)
        uuid.UUID(_owner)
    except ValueError:
        raise NotFound("no such file") from None
    report, errors = _REPORT.match(rest), _ERRORS.match(rest)
    if not same_tenant or not (report or errors):
        raise NotFound("no such file")  # another tenant's key answers like a key that exists nowhere
    with ctx.tx() as tx:  # membership: the role must be allowed and carried by the token
        role = tx.scope.role
        if errors and role not in STAFF:
            raise Forbidden("import error files are for staff")
        if report and role == "viewer":
            row = tx.execute(
                "SELECT status FROM schedules WHERE season_id = %s AND version = %s",
                (season_id, int(report.group(1))),
            ).fetchone()
            if row is None or row["status"] != "published":
                raise Forbidden("viewers see reports of published schedules only")


@router.get(
    "/artifacts/{key:path}",
    response_class=Response,
    responses={200: {"description": "The file", "content": {"application/octet-stream": {}}}},
)
def download(
    key: str = Path(..., max_length=400, description="The artifact key the redirect named"),
    ctx: Ctx = Depends(allow(*EVERYONE)),
) -> Any:
    """One report or import error file, streamed from the artifact store (local serving)."""
    _authorise(ctx, key)
    name = key.rsplit("/", 1)[-1]
    media = mimetypes.guess_type(name)[0] or "application/octet-stream"
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    headers = {
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
        # HTML from the API's origin (the SPA's, locally) runs nothing: an opaque sandbox
        "Content-Security-Policy": "sandbox; default-src 'none'; img-src data: 'self'; "
        "style-src 'unsafe-inline'",
    }
    disposition = "inline" if suffix in _INLINE else "attachment"
    store = ctx.svc.artifacts
    try:
        if isinstance(store, LocalArtifactStore):
            path = store._path(key)  # the store's own check: the key cannot leave its folder
            if not path.is_file():
                raise ArtifactNotFound(key)
            return FileResponse(
                path, media_type=media, filename=name, content_disposition_type=disposition, headers=headers
            )
        data = store.get_bytes(key)
    except (ArtifactNotFound, ValueError):
        raise NotFound("no such file") from None
    headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return Response(data, media_type=media, headers=headers)
