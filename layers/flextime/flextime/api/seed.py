"""The demo tenant ``big12``: the 16 Big 12 schools, their stadiums and arenas, one user per
role (school staff: one per school), and the built-in scenarios (football 2026, men's and women's
basketball 2026-27) as seasons with teams and a ``baseline`` scenario each.

Seeded on the first ``flextime serve``; idempotent: the ids are remembered in
``<user data>/flextime/api/tenants.json`` and a tenant that exists is left alone."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from flextime.store.db import tenant_transaction
from flextime.store.errors import ConflictError, StoreError

SLUG = "big12"


@dataclass
class SeededTenant:
    slug: str
    tenant_id: str
    users: dict[str, str] = field(default_factory=dict)  # "scheduler" / "school_staff:BYU" -> user id
    seasons: dict[str, str] = field(default_factory=dict)  # scenario name -> season id
    database: str = ""

    def user_for(self, role: str, school: str | None = None) -> uuid.UUID:
        key = f"school_staff:{school}" if role == "school_staff" and school else role
        if role == "school_staff" and not school:
            key = next(k for k in sorted(self.users) if k.startswith("school_staff:"))
        if key not in self.users:
            raise KeyError(f"no seeded user for {key} in {self.slug}; known: {', '.join(sorted(self.users))}")
        return uuid.UUID(self.users[key])


def registry_path(folder: Path | None = None) -> Path:
    from flextime.api.auth import default_key_dir

    return (folder or default_key_dir()) / "tenants.json"


def load_registry(folder: Path | None = None) -> dict[str, SeededTenant]:
    path = registry_path(folder)
    if not path.exists():
        return {}
    return {k: SeededTenant(**v) for k, v in json.loads(path.read_text()).items()}


def _save(entry: SeededTenant, folder: Path | None) -> None:
    path = registry_path(folder)
    data = {k: asdict(v) for k, v in load_registry(folder).items()}
    data[entry.slug] = asdict(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2))


def _exists(pool: Any, entry: SeededTenant) -> bool:
    try:
        with tenant_transaction(pool, entry.tenant_id, entry.users["conference_admin"]) as tx:
            return tx.execute("SELECT 1 FROM seasons LIMIT 1").fetchone() is not None
    except (StoreError, KeyError, ValueError):
        return False


def seed_demo(pool: Any, slug: str = SLUG, *, folder: Path | None = None, database: str = "") -> SeededTenant:
    """Create the demo tenant unless it exists (see the module docstring). ``folder`` holds the
    registry (default: the local key's folder)."""
    known = load_registry(folder).get(slug)
    if known is not None and _exists(pool, known):
        return known
    try:
        entry = _provision(pool, slug)
    except ConflictError:
        raise StoreError(
            f"tenant {slug!r} exists but its ids are not in {registry_path(folder)}; "
            "use another database (FLEXTIME_DATABASE_URL) or remove the tenant"
        ) from None
    entry.database = database
    _save(entry, folder)
    return entry


def _provision(pool: Any, slug: str) -> SeededTenant:
    from flextime import scenarios as builtin
    from flextime.scenarios import big12
    from flextime.store.repositories import scenarios, seasons, tenants

    tenant, admin = tenants.provision_tenant(
        pool,
        slug=slug,
        name="Big 12 Conference",
        admin_email=f"admin@{slug}.local",
        admin_name="Conference admin",
    )
    entry = SeededTenant(slug=slug, tenant_id=str(tenant.id), users={"conference_admin": str(admin.id)})
    with tenant_transaction(pool, tenant.id, admin.id) as tx:
        school_ids = {s.id: tenants.add_school(tx, code=s.id, name=s.name).id for s in big12.schools()}
        for role in ("scheduler", "viewer"):
            user = tenants.add_user(tx, email=f"{role}@{slug}.local", name=role.title(), role=role)
            entry.users[role] = str(user.id)
        for code, school in school_ids.items():
            user = tenants.add_user(
                tx, email=f"staff-{code.lower()}@{slug}.local", name=f"{code} staff", role="school_staff",
                school_id=school,
            )  # fmt: skip
            entry.users[f"school_staff:{code}"] = str(user.id)
        venue_schools = {}
        all_venues = []
        for s in big12.schools():
            for v in (s.stadium, s.arena):
                venue_schools[v.id] = school_ids[s.id]
                all_venues.append(v)
        seasons.add_venues(tx, all_venues, schools=venue_schools)
        sports: dict[str, uuid.UUID] = {}
        for info in builtin.list_scenarios():
            instance = builtin.load_builtin(info.name)
            if info.sport not in sports:
                sports[info.sport] = seasons.add_sport(
                    tx, code=info.sport, name=info.sport.replace("-", " ").title()
                ).id
            slots = [s.date for s in instance.slots if s.date]
            season = seasons.add_season(
                tx, sport_id=sports[info.sport], name=info.season,
                starts_on=min(slots) if slots else None, ends_on=max(slots) if slots else None,
            )  # fmt: skip
            seasons.add_teams(
                tx, season.id, instance.teams, schools={t.id: school_ids.get(t.id) for t in instance.teams}
            )
            scenario = scenarios.add_scenario(
                tx, season.id, "baseline", description=info.description,
                format={"format": instance.format.model_dump(mode="json"),
                        "slots": [s.model_dump(mode="json") for s in instance.slots]},
                objective=instance.objective.model_dump(mode="json"),
            )  # fmt: skip
            for c in instance.constraints:
                scenarios.put_constraint(tx, scenario.id, c)
            entry.seasons[info.name] = str(season.id)
    return entry
