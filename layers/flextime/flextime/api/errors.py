"""RFC 9457 problem details for every error the API returns.

Errors are typed: the API raises :class:`ApiError` subclasses, the data layer raises
``flextime.store.errors`` types and the domain raises ``InstanceError`` / pydantic errors; one
handler per type maps them to ``application/problem+json``. Nothing matches on messages, and an
unexpected exception becomes a 500 whose body carries an id to find the log line, never a trace.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from flextime.domain import InstanceError
from flextime.store import errors as store_errors

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://flextime.dev/problems/"

log = logging.getLogger("flextime.api")


class Problem(BaseModel):
    """The problem+json body (RFC 9457); extension members beside the standard ones."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="URI naming the problem type")
    title: str
    status: int
    detail: str = ""
    instance: str = ""
    errors: list[dict[str, Any]] | None = Field(None, description="Field errors (validation only)")


class ApiError(Exception):
    """An error with a problem type; subclasses fix status, slug and title."""

    status = 500
    slug = "internal"
    title = "Internal error"

    def __init__(self, detail: str = "", *, headers: dict[str, str] | None = None, **extensions: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.headers = headers or {}
        self.extensions = extensions


class BadRequest(ApiError):
    status, slug, title = 400, "bad-request", "Bad request"


class Unauthorized(ApiError):
    status, slug, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str = "", **extensions: Any) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="flextime"'}, **extensions)


class Forbidden(ApiError):
    status, slug, title = 403, "forbidden", "Not allowed for your role"


class NotFound(ApiError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(ApiError):
    status, slug, title = 409, "conflict", "Conflict"


class PreconditionFailed(ApiError):
    status, slug, title = 412, "precondition-failed", "The resource changed since you read it"


class Unprocessable(ApiError):
    status, slug, title = 422, "unprocessable", "The request cannot be processed"


class PreconditionRequired(ApiError):
    status, slug, title = 428, "precondition-required", "If-Match header required"


class RateLimited(ApiError):
    status, slug, title = 429, "rate-limited", "Too many requests"


class NotImplementedYet(ApiError):
    status, slug, title = 501, "not-implemented", "Not available in this deployment"


def problem_response(
    request: Request,
    status: int,
    slug: str,
    title: str,
    detail: str = "",
    *,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **{k: v for k, v in extensions.items() if v is not None},
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


# ---- store error -> HTTP (by type) -------------------------------------------------------------
_STORE: list[tuple[type[Exception], int, str, str]] = [
    (store_errors.NotFound, 404, "not-found", "Not found"),
    (store_errors.ConcurrencyError, 412, "precondition-failed", "The resource changed since you read it"),
    (store_errors.ImmutableVersionError, 409, "immutable-version", "Published versions cannot change"),
    (store_errors.TenantAccessError, 403, "forbidden", "Not allowed for your role or school"),
    (store_errors.ConflictError, 409, "conflict", "Conflict"),
    (store_errors.IdempotencyConflict, 422, "idempotency-key-reused", "Idempotency key reused"),
    (store_errors.InvalidRecord, 422, "invalid-record", "Invalid record"),
]
# Integrity/data errors the database raises on a well-formed request that names unknown things
# (a venue code that does not exist) or values out of range: the client's to fix.
_DATABASE: list[tuple[type[Exception], int, str, str]] = [
    (psycopg.errors.ForeignKeyViolation, 422, "unknown-reference", "Refers to something that does not exist"),
    (psycopg.errors.UniqueViolation, 409, "conflict", "Conflict"),
    (psycopg.errors.CheckViolation, 422, "invalid-value", "A value is out of range"),
    (psycopg.errors.NotNullViolation, 422, "invalid-value", "A required value is missing"),
    (psycopg.errors.DataError, 422, "invalid-value", "A value is out of range"),
]


def _store_detail(exc: Exception) -> str:
    # Not-found details name only what the caller asked for (entity + their key): no existence leak.
    if isinstance(exc, store_errors.NotFound):
        return f"{exc.entity} {exc.key} not found"
    if isinstance(exc, store_errors.ConcurrencyError):
        return f"{exc.entity} {exc.key} changed (ETag is stale); read it again"
    if isinstance(exc, psycopg.Error):
        return (exc.diag.message_primary or "") if exc.diag else ""
    return str(exc)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        return problem_response(
            request, exc.status, exc.slug, exc.title, exc.detail, headers=exc.headers, **exc.extensions
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        return problem_response(
            request, 422, "validation", "Request validation failed", f"{len(errors)} error(s)", errors=errors
        )

    @app.exception_handler(ValidationError)
    async def _model(request: Request, exc: ValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()
        ]
        return problem_response(request, 422, "validation", "Invalid document", str(exc.title), errors=errors)

    @app.exception_handler(InstanceError)
    async def _instance(request: Request, exc: InstanceError) -> JSONResponse:
        return problem_response(
            request, 422, "invalid-instance", "The season data do not form a valid instance",
            "; ".join(exc.problems), problems=exc.problems,
        )  # fmt: skip

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        return problem_response(
            request, exc.status_code, slug, str(exc.detail), headers=getattr(exc, "headers", None)
        )

    for kind, status, slug, title in [*_STORE, *_DATABASE]:
        app.add_exception_handler(kind, _mapped(status, slug, title))

    app.add_middleware(CatchAll)


class CatchAll:
    """Innermost-but-one ASGI middleware: an unexpected exception becomes a problem+json 500 with
    an error id (logged with the trace), instead of Starlette's re-raise to the server."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            error_id = uuid.uuid4().hex
            log.exception("unhandled error", extra={"error_id": error_id, "path": scope.get("path")})
            if started:
                raise
            response = problem_response(
                Request(scope), 500, "internal", "Internal error", "The error was logged.", error_id=error_id
            )
            await response(scope, receive, send)


def _mapped(status: int, slug: str, title: str) -> Any:
    async def handler(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(request, status, slug, title, _store_detail(exc))

    return handler
