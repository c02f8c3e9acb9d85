"""Fixtures for the API: a throwaway database (the data layer's fixtures), the demo tenant
``big12`` seeded through ``flextime.api.seed`` plus a second tenant, moto's Step Functions behind
the real job launcher, the app in process (ASGI) and local tokens per role."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from fastapi.testclient import TestClient

from flextime.api.app import create_app
from flextime.api.auth import mint_local_token
from flextime.api.deps import StepFunctionsLauncher
from flextime.api.seed import SeededTenant, seed_demo
from flextime.api.settings import ApiSettings
from flextime.store.db import tenant_transaction
from flextime.store.records import ScheduledGame
from flextime.store.repositories import schedules
from flextime.store.s3 import LocalArtifactStore
from tests.integration.store.conftest import (  # noqa: F401 (fixtures)
    Conference,
    admin_url,
    db_url,
    fresh_database,
    pool,
    seed_conference,
)

ROLES = ("conference_admin", "scheduler", "school_staff", "viewer")


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A private folder for the local signing key and the seed registry."""
    return tmp_path_factory.mktemp("flextime-data")


@pytest.fixture(scope="session")
def settings(data_dir) -> ApiSettings:
    return ApiSettings(trust_local_key=True, key_dir=data_dir / "api")


def create_state_machines(sfn: Any) -> dict[str, str]:
    """The generate and repair state machines (a Pass state) unless they exist; kind -> ARN."""
    definition = json.dumps({"StartAt": "Wait", "States": {"Wait": {"Type": "Pass", "End": True}}})
    role = "arn:aws:iam::123456789012:role/flextime"
    existing = {m["name"]: m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]}
    return {
        kind: existing.get(f"flextime-{kind}")
        or sfn.create_state_machine(name=f"flextime-{kind}", definition=definition, roleArn=role)[
            "stateMachineArn"
        ]
        for kind in ("generate", "repair")
    }


@pytest.fixture(scope="session")
def aws(data_dir) -> Iterator[dict[str, Any]]:
    """moto (plain): a state machine whose executions stay RUNNING, i.e. a real StartExecution API."""
    from moto import mock_aws

    from flextime.agents.settings import reset_settings

    env = {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
    saved = {
        k: os.environ.get(k)
        for k in [*env, "FLEXTIME_STATE_MACHINE_ARN", "FLEXTIME_REPAIR_STATE_MACHINE_ARN"]
    }
    os.environ.update(env)
    with mock_aws():
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        arns = create_state_machines(sfn)
        os.environ["FLEXTIME_STATE_MACHINE_ARN"] = arns["generate"]
        os.environ["FLEXTIME_REPAIR_STATE_MACHINE_ARN"] = arns["repair"]
        reset_settings()
        yield {"sfn": sfn, "arns": arns, "store": LocalArtifactStore(data_dir / "artifacts")}
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    reset_settings()


@pytest.fixture(autouse=True)
def _state_machines_exist(aws) -> None:
    """After a LocalCloud test in this xdist worker (``mock_aws`` with Step Functions execution on,
    nested in this session's mock) this session's state machines are no longer found: create them
    where calls now go (same names, same ARNs). Undoing LocalCloud's moto config on its nested stop
    did not prevent it, so the cause inside moto is not pinned down."""
    assert create_state_machines(aws["sfn"]) == aws["arns"]


@dataclass
class World:
    big12: SeededTenant
    other: Conference
    season_id: uuid.UUID  # big12 football
    published_id: uuid.UUID
    draft_id: uuid.UUID


def football_games(teams: list[str]) -> list[ScheduledGame]:
    """Nine rounds of a circle-method round robin in slots 0..8 (structurally plausible)."""
    n, games = len(teams), []
    base = dt.date(2026, 9, 12)
    for r in range(9):
        order = [teams[0], *teams[1:][r:], *teams[1:][:r]]
        for i in range(n // 2):
            a, b = order[i], order[n - 1 - i]
            home, away = (a, b) if (r + i) % 2 == 0 else (b, a)
            games.append(ScheduledGame(home=home, away=away, slot=r, day=base + dt.timedelta(days=7 * r)))
    return games


@pytest.fixture(scope="session")
def world(pool, data_dir) -> World:  # noqa: F811
    big12 = seed_demo(pool, folder=data_dir / "api")
    assert seed_demo(pool, folder=data_dir / "api").tenant_id == big12.tenant_id  # idempotent
    other = seed_conference(pool, f"other-{uuid.uuid4().hex[:6]}")
    season_id = uuid.UUID(big12.seasons["big12-football-2026"])
    admin = big12.user_for("conference_admin")
    with tenant_transaction(pool, big12.tenant_id, admin) as tx:
        from flextime.store.repositories import seasons

        teams = [t.id for t in seasons.list_teams(tx, season_id)]
        scenario = tx.execute("SELECT id FROM scenarios WHERE season_id = %s", (season_id,)).fetchone()["id"]
        v1 = schedules.create_version(tx, season_id, football_games(teams), scenario_id=scenario)
        published = schedules.publish(tx, v1.id, v1.row_version)
        draft = schedules.derive_draft(tx, published.id)
    return World(big12=big12, other=other, season_id=season_id, published_id=published.id, draft_id=draft.id)


class RecordingPublisher:
    """The event publisher port: keeps what was published (``ImportCompleted``)."""

    def __init__(self) -> None:
        self.events: list[Any] = []

    def publish(self, details: Any) -> None:
        self.events.extend(details)


@pytest.fixture(scope="session")
def events() -> RecordingPublisher:
    return RecordingPublisher()


@pytest.fixture(scope="session")
def app(settings, pool, aws, events):  # noqa: F811
    launcher = StepFunctionsLauncher(sfn_client=aws["sfn"], artifact_store=aws["store"])
    return create_app(
        settings, pool_factory=lambda: pool, launcher=launcher, artifact_store=aws["store"], publisher=events
    )


@pytest.fixture(scope="session")
def client(app) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def token(settings, world):
    """token(role) -> bearer token of the big12 user holding ``role``."""

    def make(role: str, *, tenant: SeededTenant | None = None, school: str | None = "BYU") -> str:
        t = tenant or world.big12
        return mint_local_token(
            settings, user_id=t.user_for(role, school), tenant_id=uuid.UUID(t.tenant_id), roles=[role]
        )

    return make


@pytest.fixture(scope="session")
def headers(token):
    return {role: {"Authorization": f"Bearer {token(role)}"} for role in ROLES}
