"""Fixtures for the data layer: one throwaway database per test run (per xdist worker).

The database is created on FLEXTIME_TEST_DATABASE_URL's server (default: the local PostgreSQL at
127.0.0.1:5432); when that server is unreachable, on the embedded server instead. Migrations run
as the owner; repositories run through ``tenant_transaction`` as the app role. Dropped at the end.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from flextime.domain import Game, Team, Venue
from flextime.domain.constraints import MaxConsecutive
from flextime.store.db import Scope, make_pool, scoped_transaction, tenant_transaction
from flextime.store.migrate import upgrade
from flextime.store.repositories import (
    comments,
    idempotency,
    imports,
    jobs,
    notifications,
    scenarios,
    schedules,
    seasons,
    tenants,
)

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _admin_url() -> str:
    url = os.environ.get("FLEXTIME_TEST_DATABASE_URL", DEFAULT_ADMIN_URL)
    try:
        with psycopg.connect(url, connect_timeout=3):
            return url
    except psycopg.OperationalError:
        from flextime.store.embedded import embedded_url

        return embedded_url(database="postgres")


def _with_database(url: str, name: str) -> str:
    return make_conninfo(url, dbname=name)


@pytest.fixture(scope="session")
def admin_url() -> str:
    return _admin_url()


@pytest.fixture(scope="session")
def fresh_database(admin_url: str) -> Iterator[callable]:
    """A factory of empty databases, all dropped at the end of the session."""
    created: list[str] = []

    def make() -> str:
        name = f"flextime_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        created.append(name)
        return _with_database(admin_url, name)

    yield make
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for name in created:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def db_url(fresh_database) -> str:
    """The migrated test database (owner URL)."""
    url = fresh_database()
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def pool(db_url: str):
    pool = make_pool(db_url, min_size=1, max_size=6)
    yield pool
    pool.close()


@pytest.fixture
def owner(db_url: str) -> Iterator[psycopg.Connection]:
    """A connection as the owner (superuser here): bypasses RLS, for arranging and inspecting."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        yield conn


# ---- a seeded world: two conferences with a row in every tenant table ---------------------------

TEAMS = [Team(id=f"T{i:02d}", name=f"Team {i}", venue=f"V{i:02d}") for i in range(16)]
VENUES = [Venue(id=f"V{i:02d}", name=f"Venue {i}", lat=30 + i / 10, lon=-95 - i / 10) for i in range(16)]
SEASON_START = dt.date(2026, 1, 3)


def round_robin_games(teams: list[Team], rounds: int = 2) -> list[Game]:
    """A double round robin by the circle method, one slot per round, dated weekly."""
    ids = [t.id for t in teams]
    n, games = len(ids), []
    for r in range(rounds * (n - 1)):
        fixed, rest = ids[0], ids[1:]
        k = r % (n - 1)
        order = [fixed, *rest[k:], *rest[:k]]
        for i in range(n // 2):
            a, b = order[i], order[n - 1 - i]
            home, away = (a, b) if (r + i) % 2 == 0 else (b, a)
            if r >= n - 1:
                home, away = away, home
            games.append(Game(home=home, away=away, slot=r, venue=f"V{ids.index(home):02d}"))
    return games


def dated(games: list[Game], start: dt.date = SEASON_START) -> list:
    from flextime.store.records import ScheduledGame

    return [ScheduledGame(**g.model_dump(), day=start + dt.timedelta(days=7 * g.slot)) for g in games]


@dataclass
class Conference:
    tenant_id: uuid.UUID
    admin: uuid.UUID
    scheduler: uuid.UUID
    staff: uuid.UUID  # school_staff of school_a
    viewer: uuid.UUID
    school_a: uuid.UUID
    school_b: uuid.UUID
    sport_id: uuid.UUID
    season_id: uuid.UUID
    scenario_id: uuid.UUID
    venue_a: uuid.UUID  # belongs to school_a
    venue_b: uuid.UUID  # belongs to school_b
    published: uuid.UUID
    extra: dict = field(default_factory=dict)


def seed_conference(pool, slug: str) -> Conference:
    """Provision a conference through the repositories so that every tenant table gets rows."""
    tenant, admin = tenants.provision_tenant(
        pool, slug=slug, name=slug.upper(), admin_email="admin@x.org", admin_name="Admin"
    )
    with tenant_transaction(pool, tenant.id, admin.id) as tx:
        school_a = tenants.add_school(tx, code="A", name="School A")
        school_b = tenants.add_school(tx, code="B", name="School B")
        scheduler = tenants.add_user(tx, email="sched@x.org", name="Sched", role="scheduler")
        staff = tenants.add_user(
            tx, email="staff@a.edu", name="Staff A", role="school_staff", school_id=school_a.id
        )
        viewer = tenants.add_user(tx, email="viewer@x.org", name="Viewer", role="viewer")
        sport = seasons.add_sport(tx, code="FB", name="Football")
        season = seasons.add_season(tx, sport_id=sport.id, name="2026", starts_on=SEASON_START)
        batch = imports.start_batch(tx, "csv", season_id=season.id, source_key="imports/x.csv")
        venue_ids = seasons.add_venues(
            tx, VENUES, schools={"V00": school_a.id, "V01": school_b.id}, import_batch_id=batch.id
        )
        seasons.add_teams(tx, season.id, TEAMS, schools={"T00": school_a.id, "T01": school_b.id})
        seasons.add_calendar_entry(tx, venue_ids["V00"], dt.date(2026, 2, 1), holder="MBB")
        seasons.add_blackout(tx, school_a.id, dt.date(2026, 5, 1), dt.date(2026, 5, 10), reason="exams")
        scenario = scenarios.add_scenario(tx, season.id, "baseline", format={"kind": "round_robin"})
        scenarios.put_constraint(tx, scenario.id, MaxConsecutive(id="c1", label="no 3 away", max=2, mode="A"))
        job = jobs.create_job(tx, season.id, scenario_id=scenario.id, plan={"engine": "cp-sat"})
        jobs.add_progress(tx, job.id, {"elapsed": 0.5, "objective": 12})
        version = schedules.create_version(tx, season.id, dated(round_robin_games(TEAMS)), job_id=job.id)
        published = schedules.publish(tx, version.id, version.row_version)
        thread = comments.start_thread(tx, "schedule", published.id, title="Week 3")
        comments.add_comment(tx, thread.id, "@sched please look", mentions=[scheduler.id])
        notifications.set_preference(tx, scheduler.id, "digest", "email", False)
        claim = idempotency.claim_key(tx, "key-1", {"a": 1})
        assert claim.fresh
        idempotency.complete_key(tx, "key-1", {"ok": True})
    return Conference(
        tenant_id=tenant.id, admin=admin.id, scheduler=scheduler.id, staff=staff.id, viewer=viewer.id,
        school_a=school_a.id, school_b=school_b.id, sport_id=sport.id, season_id=season.id,
        scenario_id=scenario.id, venue_a=venue_ids["V00"], venue_b=venue_ids["V01"], published=published.id,
        extra={"batch": batch.id, "job": job.id, "thread": thread.id},
    )  # fmt: skip


@pytest.fixture(scope="session")
def conferences(pool) -> tuple[Conference, Conference]:
    """Two seeded tenants (session-wide; tests that modify data add their own rows)."""
    suffix = uuid.uuid4().hex[:6]
    return seed_conference(pool, f"alpha-{suffix}"), seed_conference(pool, f"beta-{suffix}")


__all__ = ["Scope", "scoped_transaction"]
