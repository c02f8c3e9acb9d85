"""``flextime bench store``: how fast the data layer writes and reads schedules.

Runs in a throwaway database (``flextime_bench_<random>``, dropped at the end) on the server in
use (FLEXTIME_DATABASE_URL, else the embedded one). Writes are timed client-side around the whole
transaction (version row + games + audit row + commit, through the app role with row-level
security). Reads are timed at the database: EXPLAIN (ANALYZE) execution time of the repository's
query as the app role, over a tenant holding 20 sports' published seasons plus drafts; the
client-side round trip is reported beside it. The embedded server is timed in a new temporary
folder: first start (initdb + start) and restart (stop + start).
"""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from flextime.domain import Team, Venue
from flextime.store.db import database_url, make_pool, tenant_transaction
from flextime.store.migrate import upgrade
from flextime.store.records import ScheduledGame
from flextime.store.repositories import schedules, seasons, tenants

N_TEAMS = 16
N_SPORTS = 20
START = dt.date(2026, 8, 29)
_AT_DB = "database (EXPLAIN ANALYZE)"


def _games(n_games: int, per_slot: int = N_TEAMS // 2) -> list[ScheduledGame]:
    """``n_games`` round-robin games of 16 teams (circle method, repeating); two slots a week,
    as in a basketball season."""
    ids = [f"T{i:02d}" for i in range(N_TEAMS)]
    out: list[ScheduledGame] = []
    r = 0
    while len(out) < n_games:
        k = r % (N_TEAMS - 1)
        order = [ids[0], *ids[1:][k:], *ids[1:][:k]]
        for i in range(per_slot):
            home, away = (order[i], order[-1 - i]) if (r + i) % 2 == 0 else (order[-1 - i], order[i])
            out.append(ScheduledGame(home=home, away=away, slot=r, venue=f"V{int(home[1:]):02d}",
                                     day=START + dt.timedelta(days=(7 * r) // 2)))  # fmt: skip
            if len(out) == n_games:
                break
        r += 1
    return out


def _timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _row(what: str, times: list[float], target_ms: float, how: str, **extra: Any) -> dict[str, Any]:
    median = statistics.median(times)
    return {
        "measure": what,
        "median_ms": round(median, 2),
        "min_ms": round(min(times), 2),
        "max_ms": round(max(times), 2),
        "runs": len(times),
        "target_ms": target_ms,
        "meets": median < target_ms,
        "timed": how,
        "client_ms": extra.get("client_ms"),
    }


def _with_database(url: str, name: str) -> str:
    return make_conninfo(url, dbname=name)


def _explain_ms(tx: Any, query: str, params: dict[str, Any]) -> float:
    plan = tx.conn.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query}", params).fetchone()[0][0]
    return float(plan["Execution Time"])


def run_store_bench(
    *, repeat: int = 5, embedded: bool = True, url: str | None = None
) -> list[dict[str, Any]]:
    """One row per measure (median/min/max over ``repeat`` runs, the issue's target, pass/fail)."""
    admin_url = url or database_url()
    name = f"flextime_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    bench_url = _with_database(admin_url, name)
    try:
        upgrade(bench_url)
        with make_pool(bench_url, min_size=1, max_size=2) as pool:
            rows = _bench_schedules(pool, repeat, bench_url)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    if embedded:
        rows += _bench_embedded(repeat=min(repeat, 3))
    return rows


def _bench_schedules(pool: Any, repeat: int, owner_url: str) -> list[dict[str, Any]]:
    tenant, admin = tenants.provision_tenant(
        pool, slug="bench", name="Bench", admin_email="a@b", admin_name="A"
    )
    teams = [Team(id=f"T{i:02d}", name=f"Team {i}", venue=f"V{i:02d}") for i in range(N_TEAMS)]
    venues = [Venue(id=f"V{i:02d}", name=f"Venue {i}", lat=30, lon=-95) for i in range(N_TEAMS)]
    season_ids = []
    with tenant_transaction(pool, tenant.id, admin.id) as tx:
        seasons.add_venues(tx, venues)
        for s in range(N_SPORTS):
            sport = seasons.add_sport(tx, code=f"S{s:02d}", name=f"Sport {s}")
            season = seasons.add_season(tx, sport_id=sport.id, name="2026-27")
            seasons.add_teams(tx, season.id, teams)
            season_ids.append(season.id)
    # Background: every sport has a published 240-game season and two drafts.
    full = _games(240)
    for season_id in season_ids:
        with tenant_transaction(pool, tenant.id, admin.id) as tx:
            published = schedules.create_version(tx, season_id, full)
            schedules.publish(tx, published.id, published.row_version)
            schedules.create_version(tx, season_id, full)
            schedules.create_version(tx, season_id, full)

    def write(games: list[ScheduledGame]) -> Callable[[], None]:
        def run() -> None:
            with tenant_transaction(pool, tenant.id, admin.id) as tx:
                schedules.create_version(tx, season_ids[0], games)

        return run

    season_160, big = _games(160), _games(10_000)
    client = "client, whole transaction"
    rows = [
        _row(
            "write 16-team season (160 games) as a new version", _timed(write(season_160), repeat), 50, client
        ),
        _row("write 10,000 games as a new version", _timed(write(big), repeat), 1000, client),
    ]

    with psycopg.connect(owner_url, autocommit=True) as owner:
        owner.execute("ANALYZE")  # as autovacuum would have by then in a live database
    with tenant_transaction(pool, tenant.id, admin.id) as tx:
        version = schedules.published_version(tx, season_ids[1])
        assert version is not None
        team_params = {"t": tenant.id, "s": version.id, "team": "T05"}
        week_params = {
            "t": tenant.id,
            "from": START + dt.timedelta(days=7),
            "to": START + dt.timedelta(days=14),
        }
        n_team = len(schedules.team_games(tx, version.id, "T05"))
        n_week = len(schedules.week_games(tx, START + dt.timedelta(days=7)))
        total = tx.execute("SELECT count(*) AS n FROM games").fetchone()["n"]  # type: ignore[index]
        team_db = [_explain_ms(tx, schedules.TEAM_SEASON_SQL, team_params) for _ in range(repeat)]
        week_db = [_explain_ms(tx, schedules.WEEK_SQL, week_params) for _ in range(repeat)]
        team_client = _timed(lambda: schedules.team_games(tx, version.id, "T05"), repeat)
        week_client = _timed(lambda: schedules.week_games(tx, START + dt.timedelta(days=7)), repeat)
    rows += [
        _row(f"read one team's season ({n_team} of {total:,} games)", team_db, 5, _AT_DB,
             client_ms=round(statistics.median(team_client), 2)),
        _row(f"read one week of {N_SPORTS} sports ({n_week} of {total:,} games)", week_db, 5, _AT_DB,
             client_ms=round(statistics.median(week_client), 2)),
    ]  # fmt: skip
    return rows


def _bench_embedded(repeat: int) -> list[dict[str, Any]]:
    from flextime.store.embedded import embedded_url, stop_embedded

    first, restart = [], []
    for _ in range(repeat):
        folder = Path(tempfile.mkdtemp(prefix="flextime-pg-"))
        folder.chmod(0o755)  # as root the server runs as the pgserver user and must reach it
        pgdata = folder / "pg"
        try:
            started = time.perf_counter()
            embedded_url(pgdata)
            first.append((time.perf_counter() - started) * 1000)
            stop_embedded(pgdata)
            started = time.perf_counter()
            embedded_url(pgdata)
            restart.append((time.perf_counter() - started) * 1000)
        finally:
            stop_embedded(pgdata)
            shutil.rmtree(folder, ignore_errors=True)
    return [
        _row(
            "embedded PostgreSQL first start (initdb + start + create db)",
            first,
            5000,
            "client, until connectable",
        ),
        _row("embedded PostgreSQL restart (start + connect)", restart, 2000, "client, until connectable"),
    ]
