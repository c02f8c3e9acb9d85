"""The FastAPI application: routers per resource under /v1, problem+json errors, OIDC auth.

``create_app(settings)`` builds it for every runtime: Mangum in Lambda (functions/api), uvicorn
for ``flextime serve`` (plus the SPA's static files), and in-process ASGI in tests. Ports are
injectable: the pool factory, the job launcher and the token verifier."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles

from flextime.api import errors
from flextime.api.auth import TokenVerifier, local_jwks
from flextime.api.deps import JobLauncher, RateLimiter, Services, StepFunctionsLauncher
from flextime.api.routers import (
    alternatives,
    artifacts,
    audit,
    comments,
    dev_auth,
    exports,
    imports,
    jobs,
    notifications,
    repairs,
    reports,
    scenarios,
    schedules,
    seasons,
    sports,
    teams,
    venues,
)
from flextime.api.settings import ApiSettings, get_settings

ROUTERS = [
    sports, seasons, teams, venues, scenarios, jobs, schedules, repairs, alternatives, comments,
    notifications, exports, imports, reports, artifacts, audit,
]  # fmt: skip


def _default_pool() -> Any:
    from flextime.store.db import get_pool

    return get_pool()


def create_app(
    settings: ApiSettings | None = None,
    *,
    pool_factory: Callable[[], Any] | None = None,
    launcher: JobLauncher | None = None,
    verifier: TokenVerifier | None = None,
    artifact_store: Any = None,
    publisher: Any = None,
) -> FastAPI:
    settings = settings or get_settings()
    svc = Services(
        settings=settings,
        verifier=verifier or TokenVerifier(settings),
        pool_factory=pool_factory or _default_pool,
        launcher=launcher or StepFunctionsLauncher(),
        limiter=RateLimiter(settings.rate_limit_per_minute),
        artifact_store=artifact_store,
        event_publisher=publisher,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.seed_demo:
            from flextime.api.seed import seed_demo

            seed_demo(svc.pool, folder=settings.key_dir)
        yield

    app = FastAPI(
        title="FlexTime API",
        version="1.0.0",
        description="Conference schedules: seasons, scenarios, solve jobs, versioned schedules, exports. "
        "Errors are RFC 9457 problem+json. Authenticate with an OIDC bearer token.",
        openapi_url="/v1/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.services = svc
    errors.install(app)
    for module in ROUTERS:
        app.include_router(module.router)
    if settings.trust_local_key:
        # the SPA's one-click demo sign-in (local serving only; not in the OpenAPI): 404 otherwise
        app.include_router(dev_auth.router)

    @app.get("/v1/health", tags=["meta"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    if settings.trust_local_key and svc.verifier.local_key is not None:
        document = local_jwks(svc.verifier.local_key)

        @app.get("/.well-known/jwks.json", tags=["meta"], include_in_schema=False)
        def jwks() -> dict[str, Any]:
            return document

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    if settings.web_dist is not None and (settings.web_dist / "index.html").exists():
        app.mount("/", StaticFiles(directory=settings.web_dist, html=True), name="web")
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The schema, with problem+json documented as the error body of every operation."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = errors.Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    problem = {"content": {errors.PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    described = {
        "401": "Missing or invalid bearer token", "403": "Not allowed for your role", "404": "Not found",
        "409": "Conflict", "412": "Stale If-Match", "422": "Invalid request", "428": "If-Match required",
        "429": "Rate limited",
    }  # fmt: skip
    for path, ops in schema.get("paths", {}).items():
        for method, op in ops.items():
            if path == "/v1/health":
                continue
            responses = op.setdefault("responses", {})
            for code, text in described.items():
                if code in ("412", "428") and method != "post":
                    continue
                responses[code] = {"description": text, **problem}
    app.openapi_schema = schema
    return schema
