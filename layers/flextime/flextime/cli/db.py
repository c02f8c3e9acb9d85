"""``flextime db``: apply migrations, show their status, print the database URL in use.

The URL is FLEXTIME_DATABASE_URL when set, else the embedded PostgreSQL in the user data folder
(started on first use and left running for the next command).
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

db_app = typer.Typer(help="The database: migrations and the URL in use.", no_args_is_help=True)
_out = Console()


@db_app.command("upgrade")
def upgrade_cmd() -> None:
    """Apply pending migrations (as the connecting user, who must own the schema)."""
    from flextime.store.db import database_url
    from flextime.store.migrate import upgrade

    applied = upgrade(database_url())
    if not applied:
        _out.print("database is up to date")
    for migration in applied:
        _out.print(f"applied {migration.label}")


@db_app.command("status")
def status_cmd() -> None:
    """List migrations: applied (when) or pending; flag files changed since they were applied."""
    from flextime.store.db import database_url
    from flextime.store.migrate import status

    table = Table("version", "name", "state", "applied at")
    for s in status(database_url()):
        state = ("applied" if s.checksum_ok else "applied, file changed!") if s.applied else "pending"
        table.add_row(
            f"{s.version:04d}",
            s.name,
            state,
            s.applied_at.isoformat(timespec="seconds") if s.applied_at else "-",
        )
    _out.print(table)


@db_app.command("url")
def url_cmd() -> None:
    """Print the database URL in use (starts the embedded server when FLEXTIME_DATABASE_URL is unset)."""
    from flextime.store.db import database_url

    typer.echo(database_url())


@db_app.command("stop")
def stop_cmd() -> None:
    """Stop the embedded server (it otherwise keeps running between commands)."""
    from flextime.store.embedded import stop_embedded

    typer.echo("stopped" if stop_embedded() else "embedded server not running")
