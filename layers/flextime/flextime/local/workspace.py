"""The local workspace: one conference ("local") in the embedded (or configured) database, one
season per scenario, remembered in ``$FLEXTIME_DATA_DIR/local-workspace.json``."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from psycopg_pool import ConnectionPool

from flextime.store.db import tenant_transaction
from flextime.store.errors import StoreError
from flextime.store.repositories import seasons, tenants


@dataclass
class Workspace:
    tenant_id: str
    user_id: str
    seasons: dict[str, str] = field(default_factory=dict)  # scenario name -> season id

    @property
    def tenant(self) -> uuid.UUID:
        return uuid.UUID(self.tenant_id)

    @property
    def user(self) -> uuid.UUID:
        return uuid.UUID(self.user_id)


def _path() -> Path:
    from flextime.store.embedded import data_dir

    return data_dir() / "local-workspace.json"


def _exists(pool: ConnectionPool, ws: Workspace) -> bool:
    try:
        with tenant_transaction(pool, ws.tenant, ws.user) as tx:
            tenants.get_tenant(tx)
        return True
    except (StoreError, ValueError):
        return False


def open_workspace(pool: ConnectionPool, database_url: str) -> Workspace:
    """The workspace of this database (provisioned on first use or when the database is new)."""
    path = _path()
    saved: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    data = saved.get(database_url)
    ws = Workspace(**data) if data else None
    if ws is None or not _exists(pool, ws):
        tenant, admin = tenants.provision_tenant(
            pool,
            slug=f"local-{uuid.uuid4().hex[:6]}",
            name="Local conference",
            admin_email="scheduler@localhost",
            admin_name="Local scheduler",
        )
        ws = Workspace(str(tenant.id), str(admin.id))
    saved[database_url] = asdict(ws)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(saved, indent=2))
    return ws


def season_for(
    pool: ConnectionPool, ws: Workspace, database_url: str, scenario: str, sport: str | None
) -> uuid.UUID:
    """The season a scenario's runs are versions of (created on first use)."""
    if scenario in ws.seasons:
        return uuid.UUID(ws.seasons[scenario])
    with tenant_transaction(pool, ws.tenant, ws.user) as tx:
        code = f"{(sport or 'sport')[:20]}-{uuid.uuid4().hex[:4]}"
        sport_row = seasons.add_sport(tx, code=code, name=sport or scenario)
        season = seasons.add_season(tx, sport_id=sport_row.id, name=scenario)
    ws.seasons[scenario] = str(season.id)
    saved = json.loads(_path().read_text())
    saved[database_url] = asdict(ws)
    _path().write_text(json.dumps(saved, indent=2))
    return season.id
