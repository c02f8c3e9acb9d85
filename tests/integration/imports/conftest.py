# ruff: noqa: E501  (test data rows read best on one line)
"""A conference with one basketball season to import into: schools KU, KSU, BYU, their venues and
teams, a scenario whose hard constraint keeps BYU off Sundays, and a school staff user of KU.

The database fixtures are the data layer's (one throwaway database per run)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest

from flextime.domain import Team, TeamUnavailable, Venue
from flextime.store.db import tenant_transaction
from flextime.store.repositories import scenarios, seasons, tenants
from tests.integration.store.conftest import admin_url, db_url, fresh_database, owner, pool  # noqa: F401

SEASON_START, SEASON_END = dt.date(2027, 1, 2), dt.date(2027, 3, 6)
TENANT_TABLES = (
    "import_batches", "venues", "teams", "venue_calendar", "school_blackouts", "constraints", "schedules", "games",
)  # fmt: skip


@dataclass
class World:
    tenant_id: uuid.UUID
    admin: uuid.UUID
    staff: uuid.UUID
    season_id: uuid.UUID
    scenario_id: uuid.UUID


@pytest.fixture
def world(pool) -> World:  # noqa: F811
    """A fresh conference per test, so tests never see each other's imports."""
    tenant, admin = tenants.provision_tenant(
        pool, slug=f"imp-{uuid.uuid4().hex[:8]}", name="Imports", admin_email="a@x.org", admin_name="Admin"
    )
    with tenant_transaction(pool, tenant.id, admin.id) as tx:
        schools = {code: tenants.add_school(tx, code=code, name=code).id for code in ("KU", "KSU", "BYU")}
        staff = tenants.add_user(
            tx, email="staff@ku.edu", name="KU staff", role="school_staff", school_id=schools["KU"]
        )
        sport = seasons.add_sport(tx, code="MBB", name="Men's basketball")
        season = seasons.add_season(
            tx, sport_id=sport.id, name="2026-27", starts_on=SEASON_START, ends_on=SEASON_END
        )
        venues = [
            Venue(id="ALLEN", name="Allen Fieldhouse", lat=38.9543, lon=-95.2525, timezone="America/Chicago"),
            Venue(
                id="BRAMLAGE", name="Bramlage Coliseum", lat=39.2014, lon=-96.5936, timezone="America/Chicago"
            ),
            Venue(
                id="MARRIOTT", name="Marriott Center", lat=40.2518, lon=-111.6493, timezone="America/Denver"
            ),
        ]
        seasons.add_venues(tx, venues, schools={"ALLEN": schools["KU"], "BRAMLAGE": schools["KSU"],
                                                "MARRIOTT": schools["BYU"]})  # fmt: skip
        seasons.add_teams(
            tx,
            season.id,
            [Team(id="KU", name="Kansas", venue="ALLEN"), Team(id="KSU", name="Kansas State", venue="BRAMLAGE"),
             Team(id="BYU", name="BYU", venue="MARRIOTT")],
            schools={"KU": schools["KU"], "KSU": schools["KSU"], "BYU": schools["BYU"]},
        )  # fmt: skip
        scenario = scenarios.add_scenario(tx, season.id, "baseline")
        scenarios.put_constraint(
            tx,
            scenario.id,
            TeamUnavailable(id="byu-sun", label="BYU never on Sunday", team="BYU", weekdays=["Sun"]),
        )
    return World(tenant.id, admin.id, staff.id, season.id, scenario.id)


def snapshot(owner, tenant_id: uuid.UUID) -> dict[str, list]:  # noqa: F811
    """Every row of the importable tables of one tenant, as jsonb, in a stable order."""
    out = {}
    for table in TENANT_TABLES:
        rows = owner.execute(
            f"SELECT to_jsonb(t) FROM {table} t WHERE tenant_id = %s ORDER BY to_jsonb(t)::text", (tenant_id,)
        ).fetchall()
        out[table] = [r[0] for r in rows]
    return out


def row_counts(owner, tenant_id: uuid.UUID) -> dict[str, int]:  # noqa: F811
    return {t: len(rows) for t, rows in snapshot(owner, tenant_id).items()}
