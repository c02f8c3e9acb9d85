"""``flextime serve`` (the API with uvicorn, the SPA's static files, the local cloud for jobs and the
demo tenant ``big12``) and ``flextime token`` (a bearer token from the local signing key)."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

err_console = Console(stderr=True)


def _database() -> tuple[Any, str]:
    from flextime.store.db import database_url, get_pool
    from flextime.store.migrate import upgrade

    url = database_url()
    upgrade(url)
    return get_pool(), url


def register_bench(bench_app: typer.Typer) -> None:
    """Add ``flextime bench api`` (latency of `flextime serve` under load on loopback)."""

    @bench_app.command("api")
    def bench_api_cmd(
        rate: Annotated[float, typer.Option("--rate", min=1, max=5000, help="Requests per second.")] = 200.0,
        seconds: Annotated[float, typer.Option("--seconds", min=1, max=600)] = 15.0,
        moves: Annotated[int, typer.Option("--moves", min=1, max=10000)] = 300,
        workers: Annotated[int, typer.Option("--workers", min=1, max=32, help="Server processes.")] = 1,
    ) -> None:
        """GET a 16-team season schedule at a fixed rate; move-game validation round trips."""
        from flextime.bench.api import run_api_bench
        from flextime.bench.table import render_markdown

        rows = run_api_bench(rate=rate, seconds=seconds, moves=moves, workers=workers)
        Console().print(render_markdown(rows), highlight=False)


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_cmd(
        host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
        web: Annotated[Path, typer.Option("--web", help="The SPA's build folder.")] = Path("web/dist"),
        local_cloud: Annotated[
            bool,
            typer.Option("--local-cloud/--no-local-cloud", help="Run jobs in the in-process local cloud."),
        ] = True,
        log_level: Annotated[str, typer.Option("--log-level")] = "warning",
        workers: Annotated[
            int,
            typer.Option(
                "--workers",
                min=1,
                max=32,
                help="uvicorn worker processes (more than one needs --no-local-cloud).",
            ),
        ] = 1,
    ) -> None:
        """Serve the API (OpenAPI at /v1/openapi.json, docs at /docs) on the embedded defaults."""
        import contextlib
        import os

        import uvicorn

        from flextime.api.app import create_app
        from flextime.api.deps import StepFunctionsLauncher
        from flextime.api.seed import seed_demo
        from flextime.api.settings import get_settings

        settings = get_settings().model_copy(
            update={"trust_local_key": True, "web_dist": web if (web / "index.html").exists() else None}
        )
        pool, url = _database()
        seeded = seed_demo(pool, folder=settings.key_dir, database=url)
        if workers > 1:
            if local_cloud:
                err_console.print("--workers > 1 needs --no-local-cloud (the local cloud is one process)")
                raise typer.Exit(2)
            # Each worker process builds the app itself (worker_app) from the environment.
            os.environ["FLEXTIME_DATABASE_URL"] = url
            os.environ["FLEXTIME_API_TRUST_LOCAL_KEY"] = "true"
            if settings.web_dist is not None:
                os.environ["FLEXTIME_API_WEB_DIST"] = str(settings.web_dist.resolve())
            pool.close()
            err_console.print(f"FlexTime API on http://{host}:{port} ({workers} workers)", highlight=False)
            uvicorn.run(
                "flextime.cli.api:worker_app", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, access_log=False,
            )  # fmt: skip
            return
        with contextlib.ExitStack() as stack:
            launcher = StepFunctionsLauncher()
            if local_cloud:
                from flextime.local.cloud import LocalCloud
                from flextime.store.s3 import S3ArtifactStore

                cloud = stack.enter_context(LocalCloud())
                launcher = StepFunctionsLauncher(
                    cloud.client("stepfunctions"), S3ArtifactStore(cloud.bucket, client=cloud.client("s3"))
                )
            api = create_app(settings, pool_factory=lambda: pool, launcher=launcher)
            err_console.print(
                f"FlexTime API on http://{host}:{port}  (docs /docs, tenant {seeded.slug}: "
                f"`flextime token --role scheduler --tenant {seeded.slug}`)",
                highlight=False,
            )
            uvicorn.run(api, host=host, port=port, log_level=log_level, access_log=False)

    @app.command("token")
    def token_cmd(
        role: Annotated[
            str, typer.Option("--role", help="conference_admin | scheduler | school_staff | viewer")
        ],
        tenant: Annotated[str, typer.Option("--tenant", help="Seeded tenant slug (big12) or tenant id.")],
        user: Annotated[str | None, typer.Option("--user", help="User id (default: the seeded user)")] = None,
        school: Annotated[str | None, typer.Option("--school", help="School code for school_staff")] = None,
        hours: Annotated[float, typer.Option("--hours", min=0.01, max=720)] = 12.0,
    ) -> None:
        """Print a bearer token (only the token, on stdout) signed by the key `flextime serve` trusts."""
        import datetime as dt

        from flextime.api.auth import ROLES, mint_local_token
        from flextime.api.seed import SLUG, load_registry, seed_demo
        from flextime.api.settings import get_settings

        if role not in ROLES:
            err_console.print(f"unknown role {role!r}; one of {', '.join(ROLES)}")
            raise typer.Exit(2)
        settings = get_settings()
        registry = load_registry(settings.key_dir)
        if tenant == SLUG and tenant not in registry:
            pool, url = _database()
            registry[tenant] = seed_demo(pool, folder=settings.key_dir, database=url)
        try:
            if tenant in registry:
                entry = registry[tenant]
                tenant_id = uuid.UUID(entry.tenant_id)
                user_id = uuid.UUID(user) if user else entry.user_for(role, school)
            else:
                tenant_id = uuid.UUID(tenant)
                if not user:
                    raise ValueError("--user is required for a tenant that was not seeded here")
                user_id = uuid.UUID(user)
        except (KeyError, ValueError) as exc:
            err_console.print(f"error: {exc}")
            raise typer.Exit(2) from None
        token = mint_local_token(
            settings, user_id=user_id, tenant_id=tenant_id, roles=[role], ttl=dt.timedelta(hours=hours)
        )
        sys.stdout.write(token + "\n")


def worker_app() -> Any:
    """The app of one ``flextime serve --workers N`` process (settings and database from the
    environment the parent prepared; jobs go to the configured Step Functions)."""
    from flextime.api.app import create_app
    from flextime.api.settings import get_settings
    from flextime.store.db import get_pool

    return create_app(get_settings(), pool_factory=get_pool)
