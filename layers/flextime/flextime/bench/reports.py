"""``flextime bench reports``: the import and report targets of issue 11.

* Validate and import a 10,000-row venue calendar (16 venues x 125 days x 5 holders) into a
  throwaway database, through ``run_import`` (one tenant transaction: context, pandas
  validation, batch commit, audit). Target < 3 s. Validation alone (no database) is shown too.
* The full report of a 16-team season (analysis, 4 plots as PNG + SVG, self-contained HTML, PDF).
  Target < 10 s.
"""

from __future__ import annotations

import datetime as dt
import io
import time
import uuid
from collections.abc import Callable
from typing import Any

from flextime.bench.store import _row, _timed

CALENDAR_ROWS = 10_000
N_VENUES = 16
HOLDERS = ("WBB", "VB", "WRES", "CONCERT", "GRAD")
SEASON_START = dt.date(2026, 11, 1)


def calendar_csv(rows: int = CALENDAR_ROWS) -> bytes:
    """``rows`` distinct (venue, day, holder) rows over 16 venues."""
    days = -(-rows // (N_VENUES * len(HOLDERS)))
    out = io.StringIO()
    out.write("venue,date,holder,note\n")
    n = 0
    for d in range(days):
        day = (SEASON_START + dt.timedelta(days=d)).isoformat()
        for v in range(N_VENUES):
            for holder in HOLDERS:
                if n == rows:
                    break
                out.write(f"V{v:02d},{day},{holder},booked\n")
                n += 1
    return out.getvalue().encode()


def _context() -> Any:
    from flextime.imports.context import ImportContext

    return ImportContext(
        season="bench", starts_on=SEASON_START, ends_on=SEASON_START + dt.timedelta(days=200),
        venues={f"V{v:02d}" for v in range(N_VENUES)},
    )  # fmt: skip


def bench_validate(repeat: int) -> dict[str, Any]:
    from flextime.imports.service import validate_file

    data = calendar_csv()

    def run() -> None:
        result = validate_file(data, "calendar.csv", "venue_calendar", _context())
        assert result.ok and result.rows == CALENDAR_ROWS, result.problems[:3]

    return _row("validate a 10,000-row calendar (no database)", _timed(run, repeat), 3000, "read + validate")


def bench_import(repeat: int, url: str | None = None) -> dict[str, Any]:
    """Each run imports the file into a fresh tenant (so every run inserts 10,000 rows)."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    from flextime.domain import Venue
    from flextime.imports.service import run_import
    from flextime.store.db import database_url, make_pool, tenant_transaction
    from flextime.store.migrate import upgrade
    from flextime.store.repositories import seasons, tenants

    data = calendar_csv()
    admin_url = url or database_url()
    name = f"flextime_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    bench_url = make_conninfo(admin_url, dbname=name)
    times: list[float] = []
    try:
        upgrade(bench_url)
        with make_pool(bench_url, min_size=1, max_size=2) as pool:
            for _ in range(repeat):
                tenant, admin = tenants.provision_tenant(
                    pool,
                    slug=f"b-{uuid.uuid4().hex[:8]}",
                    name="Bench",
                    admin_email="a@b.org",
                    admin_name="A",
                )
                with tenant_transaction(pool, tenant.id, admin.id) as tx:
                    sport = seasons.add_sport(tx, code="MBB", name="MBB")
                    season = seasons.add_season(
                        tx, sport_id=sport.id, name="bench", starts_on=SEASON_START,
                        ends_on=SEASON_START + dt.timedelta(days=200),
                    )  # fmt: skip
                    seasons.add_venues(
                        tx,
                        [Venue(id=f"V{v:02d}", name=f"Venue {v}", lat=35, lon=-95) for v in range(N_VENUES)],
                    )
                started = time.perf_counter()
                outcome = run_import(
                    pool, tenant.id, admin.id, kind="venue_calendar", filename="calendar.csv", data=data,
                    season_id=season.id,
                )  # fmt: skip
                times.append((time.perf_counter() - started) * 1000)
                assert outcome.status == "applied" and outcome.batch is not None
                assert outcome.batch.counts["venue_calendar"] == CALENDAR_ROWS
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    return _row("validate + import a 10,000-row calendar", times, 3000, "run_import: one transaction")


def bench_report(repeat: int) -> list[dict[str, Any]]:
    from flextime.reporting.agent import build_files
    from flextime.reporting.sample import previous_version, sample_season

    instance, schedule = sample_season(16)
    previous = previous_version(schedule)
    progress = [{"t_seconds": t / 2, "objective": 100 - 2 * t, "bound": t} for t in range(20)]
    stages: dict[str, list[float]] = {}

    def run() -> None:
        _, files, seconds = build_files(instance, schedule, previous=previous, progress=progress)
        assert files["report.pdf"].startswith(b"%PDF")
        for stage, s in seconds.items():
            stages.setdefault(stage, []).append(s * 1000)

    rows = [
        _row("full report, 16-team season (HTML + PDF + plots)", _timed(run, repeat), 10_000, "build_files")
    ]
    rows += [_row(f"  of which {stage}", times, 10_000, "stage") for stage, times in stages.items()]
    return rows


def run_reports_bench(
    *, repeat: int = 3, database: bool = True, url: str | None = None
) -> list[dict[str, Any]]:
    steps: list[Callable[[], Any]] = [lambda: [bench_validate(repeat)]]
    if database:
        steps.append(lambda: [bench_import(repeat, url)])
    steps.append(lambda: bench_report(repeat))
    rows: list[dict[str, Any]] = []
    for step in steps:
        rows += step()
    return rows
