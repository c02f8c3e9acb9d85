"""Forward-only SQL migrations: ``migrations/NNNN_<name>.sql``, applied in order as the owner.

Why a small runner and not alembic or yoyo: the schema is plain SQL (policies, triggers, roles:
things an ORM autogenerate does not model), there is no ORM to derive migrations from, and this
package ships in a Lambda layer where every dependency counts. What we need fits in one page:

* ``schema_migrations`` records version, name, sha256 checksum and time of each applied file;
* a session advisory lock makes concurrent runners (two Lambdas, a test worker) take turns;
* each file runs in its own transaction together with its bookkeeping row (all or nothing);
* re-running applies nothing (idempotent); an applied file whose content changed is refused
  (:class:`MigrationError`), because migrations are forward-only: fix with a new file.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from importlib import resources
from typing import Any

import psycopg

from flextime.store.errors import MigrationError

_LOCK_KEY = 0x466C657854696D65  # "FlexTime"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()

    @property
    def label(self) -> str:
        return f"{self.version:04d}_{self.name}"


@dataclass(frozen=True)
class MigrationStatus:
    version: int
    name: str
    applied: bool
    applied_at: Any = None
    checksum_ok: bool = True


def load_migrations() -> list[Migration]:
    """The packaged migration files, in version order (gaps and duplicates are refused)."""
    folder = resources.files("flextime.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise MigrationError(f"migration versions must be 1..n without gaps, found {versions}")
    return found


_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    duration_ms double precision NOT NULL
)
"""


def _applied(conn: psycopg.Connection[Any]) -> dict[int, tuple[str, str, Any]]:
    rows = conn.execute("SELECT version, name, checksum, applied_at FROM schema_migrations").fetchall()
    return {v: (n, c, at) for v, n, c, at in rows}


def upgrade(url: str, migrations: list[Migration] | None = None) -> list[Migration]:
    """Apply every pending migration to the database at ``url`` (connect as the owner). Returns
    the migrations applied by this call (empty when already up to date)."""
    migrations = load_migrations() if migrations is None else migrations
    applied_now: list[Migration] = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
        try:
            conn.execute(_BOOKKEEPING)
            done = _applied(conn)
            for migration in migrations:
                if migration.version in done:
                    _check_unchanged(migration, done[migration.version][1])
                    continue
                started = time.perf_counter()
                try:
                    with conn.transaction():
                        conn.execute(migration.sql.encode())  # trusted packaged SQL, many statements
                        conn.execute(
                            "INSERT INTO schema_migrations (version, name, checksum, duration_ms)"
                            " VALUES (%s, %s, %s, %s)",
                            (
                                migration.version,
                                migration.name,
                                migration.checksum,
                                (time.perf_counter() - started) * 1000,
                            ),
                        )
                except psycopg.Error as exc:
                    raise MigrationError(f"{migration.label}: {exc}") from exc
                applied_now.append(migration)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
    return applied_now


def _check_unchanged(migration: Migration, checksum: str) -> None:
    if checksum != migration.checksum:
        raise MigrationError(
            f"{migration.label} was applied with checksum {checksum[:12]}, the file now has "
            f"{migration.checksum[:12]}: migrations are forward-only, add a new file instead"
        )


def status(url: str) -> list[MigrationStatus]:
    """Every known migration and whether it is applied (and unchanged since)."""
    migrations = load_migrations()
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
        done = _applied(conn) if exists and exists[0] else {}
    return [
        MigrationStatus(
            m.version,
            m.name,
            m.version in done,
            done[m.version][2] if m.version in done else None,
            m.version not in done or done[m.version][1] == m.checksum,
        )
        for m in migrations
    ]
