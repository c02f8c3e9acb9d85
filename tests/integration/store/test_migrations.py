"""Migrations apply on an empty database, are idempotent, and refuse edited files."""

from __future__ import annotations

import dataclasses

import psycopg
import pytest

from flextime.store.errors import MigrationError
from flextime.store.migrate import load_migrations, status, upgrade


def test_apply_on_empty_database_concurrently_then_idempotent(fresh_database):
    import threading

    # Given an empty database
    url = fresh_database()
    assert not any(m.applied for m in status(url))
    results: list[object] = []

    def run() -> None:
        try:
            results.append(len(upgrade(url)))
        except Exception as exc:  # pragma: no cover - reported by the assertion
            results.append(exc)

    # When two runners upgrade it at the same time, and then once more
    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    again = upgrade(url)
    # Then one applied every file and the other nothing (the advisory lock serialised them),
    # and the third run applies nothing either
    assert sorted(results) == [0, len(load_migrations())]
    assert again == []
    assert all(s.applied and s.checksum_ok for s in status(url))
    with psycopg.connect(url) as conn:
        recorded = conn.execute("SELECT version, checksum FROM schema_migrations ORDER BY version").fetchall()
    assert recorded == [(m.version, m.checksum) for m in load_migrations()]


def test_edited_migration_is_refused(db_url):
    # Given an upgraded database
    url = db_url
    migrations = load_migrations()
    edited = [dataclasses.replace(migrations[0], sql=migrations[0].sql + "\n-- edited\n"), *migrations[1:]]
    # When the runner sees a changed file that was already applied. Then it refuses.
    with pytest.raises(MigrationError, match="forward-only"):
        upgrade(url, edited)


def test_failed_migration_leaves_no_trace(db_url):
    # Given an upgraded database and a broken new migration after the real ones
    url = db_url
    migrations = load_migrations()
    broken = dataclasses.replace(migrations[-1], version=len(migrations) + 1, name="broken",
                                 sql="CREATE TABLE half_done (id int); SELECT 1/0;")  # fmt: skip
    # When applied
    with pytest.raises(MigrationError):
        upgrade(url, [*migrations, broken])
    # Then the good ones are recorded and the broken one left nothing behind
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == len(migrations)
        assert conn.execute("SELECT to_regclass('half_done')").fetchone()[0] is None
