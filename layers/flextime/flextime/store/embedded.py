"""The embedded PostgreSQL used when FLEXTIME_DATABASE_URL is unset (CLI, demo, laptops).

pgserver (PostgreSQL 16 binaries from a pip wheel) keeps its data in a user folder,
``$FLEXTIME_DATA_DIR/pg`` or ``~/.local/share/flextime/pg``, and is reused between runs: the
server is left running when the process exits (cleanup_mode None), so the next run only
connects; after a reboot it restarts from the same folder. As root, pgserver runs the server as
a ``pgserver`` system user (it calls useradd), because initdb refuses to run as root.
The server listens on a Unix socket only; the URL carries the socket folder.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import psycopg

DATABASE = "flextime"


def data_dir() -> Path:
    """Where the embedded cluster lives (read from the environment on every call)."""
    base = os.environ.get("FLEXTIME_DATA_DIR")
    root = (
        Path(base).expanduser()
        if base
        else Path(os.environ.get("XDG_DATA_HOME", "~/.local/share")).expanduser() / "flextime"
    )
    return root / "pg"


def _server(pgdata: Path) -> Any:
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); pgserver then uses /tmp.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        return pgserver.get_server(pgdata, cleanup_mode=None)


def embedded_url(pgdata: Path | None = None, database: str = DATABASE) -> str:
    """Start (or reuse) the embedded server and return a URL to ``database`` (created if missing)."""
    server = _server(pgdata or data_dir())
    admin_url = server.get_uri()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if not exists:
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(database)))
    return str(server.get_uri(database))


def stop_embedded(pgdata: Path | None = None) -> bool:
    """Stop the embedded server if it runs (``pg_ctl stop``); True when one was stopped."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgserver import _commands
        from pgserver.utils import PostmasterInfo

        pgdata = (pgdata or data_dir()).expanduser().resolve()
        info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
        if info is None or not info.is_running():
            return False
        user = "pgserver" if os.geteuid() == 0 else None
        pg_ctl = getattr(_commands, "pg_ctl")  # noqa: B009 - generated at import time, unknown to mypy
        pg_ctl(["-w", "stop"], pgdata=pgdata, user=user)
        from pgserver.postgres_server import PostgresServer

        PostgresServer._instances.pop(pgdata, None)
        return True
