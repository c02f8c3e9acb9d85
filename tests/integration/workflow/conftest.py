"""Fixtures for the workflow: a migrated throwaway database (as the store tests make them), the
local cloud (moto running the real ASL with the real handlers) and a provisioned conference."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from flextime.agents.jobs import StartedJob, create_job, start_execution
from flextime.domain import Instance, RoundRobin, Slot, Team, Venue
from flextime.local.cloud import LocalCloud
from flextime.store.db import get_pool, tenant_transaction
from flextime.store.migrate import upgrade
from flextime.store.repositories import seasons, tenants
from flextime.store.s3 import S3ArtifactStore
from tests.integration.store.conftest import _admin_url


@pytest.fixture(scope="session")
def workflow_db() -> Iterator[str]:
    """A migrated database; the agents reach it through FLEXTIME_DATABASE_URL (as in Lambda)."""
    admin = _admin_url()
    name = f"flextime_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_conninfo(admin, dbname=name)
    upgrade(url)
    saved = os.environ.get("FLEXTIME_DATABASE_URL")
    os.environ["FLEXTIME_DATABASE_URL"] = url
    get_pool.cache_clear()
    yield url
    get_pool().close()
    get_pool.cache_clear()
    if saved is None:
        os.environ.pop("FLEXTIME_DATABASE_URL", None)
    else:
        os.environ["FLEXTIME_DATABASE_URL"] = saved
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def owner(workflow_db: str) -> Iterator[psycopg.Connection]:
    """The owner connection (bypasses RLS): for inspecting what the workflow wrote."""
    with psycopg.connect(workflow_db, autocommit=True) as conn:
        yield conn


@dataclass
class World:
    tenant_id: uuid.UUID
    admin: uuid.UUID
    scheduler: uuid.UUID
    season_id: uuid.UUID


@pytest.fixture
def world(workflow_db: str) -> World:
    """A fresh conference with one season (per test, so counts are the test's own)."""
    pool = get_pool()
    tenant, admin = tenants.provision_tenant(
        pool, slug=f"wf-{uuid.uuid4().hex[:8]}", name="Workflow", admin_email="a@x.org", admin_name="Admin"
    )
    with tenant_transaction(pool, tenant.id, admin.id) as tx:
        scheduler = tenants.add_user(tx, email="s@x.org", name="Sched", role="scheduler")
        sport = seasons.add_sport(tx, code="FB", name="Football")
        season = seasons.add_season(tx, sport_id=sport.id, name="2026")
    return World(tenant.id, admin.id, scheduler.id, season.id)


@pytest.fixture
def cloud(workflow_db: str) -> Iterator[LocalCloud]:
    with LocalCloud() as local:
        yield local


def small_instance(n_teams: int = 6, *, constraints: list | None = None, name: str = "wf-small") -> Instance:
    """A dated compact double round robin with venues (travel measured, venue calendars apply)."""
    start = dt.date(2026, 9, 5)
    return Instance(
        name=name,
        teams=[Team(id=f"T{i}", name=f"Team {i}", venue=f"V{i}") for i in range(n_teams)],
        venues=[Venue(id=f"V{i}", name=f"Venue {i}", lat=30 + i, lon=-95 - i) for i in range(n_teams)],
        slots=[Slot(index=s, date=start + dt.timedelta(days=7 * s)) for s in range(2 * (n_teams - 1))],
        format=RoundRobin(rounds=2, compact=True),
        constraints=constraints or [],
    )


def start_job(
    cloud: LocalCloud,
    world: World,
    instance: Instance,
    *,
    options: dict[str, Any] | None = None,
    kind: str = "solve",
    job_id: uuid.UUID | None = None,
) -> StartedJob:
    state = create_job(
        get_pool(),
        S3ArtifactStore(cloud.bucket, client=cloud.client("s3")),
        tenant_id=world.tenant_id,
        user_id=world.scheduler,
        season_id=world.season_id,
        instance=instance,
        options={"time_limit_s": 5, **(options or {})},
        kind=kind,
        job_id=job_id,
    )
    return start_execution(cloud.client("stepfunctions"), state)


def job_row(owner: psycopg.Connection, job_id: uuid.UUID) -> dict[str, Any]:
    from psycopg.rows import dict_row

    with owner.cursor(row_factory=dict_row) as cur:
        row = cur.execute("SELECT * FROM jobs WHERE id = %s", (job_id,)).fetchone()
    assert row is not None
    return row


def versions_of(owner: psycopg.Connection, job_id: uuid.UUID) -> int:
    row = owner.execute("SELECT count(*) FROM schedules WHERE job_id = %s", (job_id,)).fetchone()
    return int(row[0]) if row else 0


def detail_types(cloud: LocalCloud) -> list[str]:
    return [e["detail-type"] for e in cloud.received_events()]
