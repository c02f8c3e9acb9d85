"""Scenarios and their constraints. A constraint is stored whole as JSONB (the domain model's
JSON) and validated by ``flextime.domain.parse_constraint`` on write and again on read, so a row
edited behind the application's back surfaces as :class:`InvalidRecord`, not as a bad solve."""

from __future__ import annotations

import uuid
from typing import Any

from psycopg.types.json import Jsonb
from pydantic import ValidationError

from flextime.domain import Constraint, parse_constraint
from flextime.store.db import Tx
from flextime.store.errors import InvalidRecord, NotFound
from flextime.store.records import Scenario, StoredConstraint
from flextime.store.repositories.audit import append_audit


def add_scenario(
    tx: Tx,
    season_id: uuid.UUID,
    name: str,
    *,
    description: str = "",
    format: dict[str, Any] | None = None,
    objective: dict[str, Any] | None = None,
) -> Scenario:
    row = tx.execute(
        "INSERT INTO scenarios (tenant_id, season_id, name, description, format, objective, created_by)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING *",
        (
            tx.tenant_id,
            season_id,
            name,
            description,
            Jsonb(format or {}),
            Jsonb(objective or {}),
            tx.scope.user_id,
        ),
    ).fetchone()
    return Scenario.model_validate(row)


def get_scenario(tx: Tx, scenario_id: uuid.UUID) -> Scenario:
    row = tx.execute("SELECT * FROM scenarios WHERE id = %s", (scenario_id,)).fetchone()
    if row is None:
        raise NotFound("scenario", scenario_id)
    return Scenario.model_validate(row)


def put_constraint(
    tx: Tx,
    scenario_id: uuid.UUID,
    constraint: Constraint | dict[str, Any],
    *,
    enabled: bool = True,
    import_batch_id: uuid.UUID | None = None,
) -> StoredConstraint:
    """Insert or replace one constraint (by its id within the scenario)."""
    try:
        parsed = parse_constraint(
            constraint if isinstance(constraint, dict) else constraint.model_dump(mode="json")
        )
    except ValidationError as exc:
        raise InvalidRecord(f"constraint: {exc}") from exc
    body = parsed.model_dump(mode="json")
    before = tx.execute(
        "INSERT INTO constraints AS c (tenant_id, scenario_id, constraint_id, type, label, hard, weight,"
        " enabled,"
        " body, import_batch_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (tenant_id, scenario_id, constraint_id) DO UPDATE SET type = EXCLUDED.type,"
        " label = EXCLUDED.label, hard = EXCLUDED.hard, weight = EXCLUDED.weight, enabled = EXCLUDED.enabled,"
        " body = EXCLUDED.body, updated_at = now() RETURNING (xmax <> 0) AS replaced",
        (
            tx.tenant_id, scenario_id, parsed.id, parsed.type, parsed.label, parsed.hard, parsed.weight,
            enabled, Jsonb(body), import_batch_id,
        ),
    ).fetchone()  # fmt: skip
    action = "constraint.replace" if before and before["replaced"] else "constraint.add"
    append_audit(tx, action, "constraint", f"{scenario_id}/{parsed.id}", after={"enabled": enabled, **body})
    return StoredConstraint(scenario_id=scenario_id, constraint=parsed, enabled=enabled)


def list_constraints(tx: Tx, scenario_id: uuid.UUID, *, enabled_only: bool = False) -> list[StoredConstraint]:
    rows = tx.execute(
        "SELECT scenario_id, constraint_id, body, enabled FROM constraints WHERE scenario_id = %s"
        " AND (enabled OR NOT %s) ORDER BY constraint_id",
        (scenario_id, enabled_only),
    ).fetchall()
    out = []
    for r in rows:
        try:
            parsed = parse_constraint(r["body"])
        except ValidationError as exc:
            raise InvalidRecord(f"constraint {r['constraint_id']} of scenario {scenario_id}: {exc}") from exc
        out.append(StoredConstraint(scenario_id=r["scenario_id"], constraint=parsed, enabled=r["enabled"]))
    return out


def set_constraint_enabled(tx: Tx, scenario_id: uuid.UUID, constraint_id: str, enabled: bool) -> None:
    row = tx.execute(
        "UPDATE constraints SET enabled = %s, updated_at = now()"
        " WHERE scenario_id = %s AND constraint_id = %s"
        " RETURNING constraint_id",
        (enabled, scenario_id, constraint_id),
    ).fetchone()
    if row is None:
        raise NotFound("constraint", f"{scenario_id}/{constraint_id}")
    append_audit(
        tx,
        "constraint.enable" if enabled else "constraint.disable",
        "constraint",
        f"{scenario_id}/{constraint_id}",
    )


def delete_constraint(tx: Tx, scenario_id: uuid.UUID, constraint_id: str) -> None:
    row = tx.execute(
        "DELETE FROM constraints WHERE scenario_id = %s AND constraint_id = %s RETURNING body",
        (scenario_id, constraint_id),
    ).fetchone()
    if row is None:
        raise NotFound("constraint", f"{scenario_id}/{constraint_id}")
    append_audit(tx, "constraint.delete", "constraint", f"{scenario_id}/{constraint_id}", before=row["body"])
