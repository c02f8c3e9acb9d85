"""Tenants (conferences), users, memberships and schools."""

from __future__ import annotations

import uuid

from psycopg_pool import ConnectionPool

from flextime.store.db import Scope, Tx, scoped_transaction
from flextime.store.errors import NotFound
from flextime.store.records import Membership, Role, School, Tenant, User
from flextime.store.repositories.audit import append_audit


def provision_tenant(
    pool: ConnectionPool, *, slug: str, name: str, admin_email: str, admin_name: str
) -> tuple[Tenant, User]:
    """Create a conference and its first conference admin in one transaction.

    Runs as the app role scoped to the new tenant id (chosen here), so row-level security
    accepts exactly these rows; no owner connection is needed."""
    tenant_id = uuid.uuid4()
    scope = Scope(tenant_id, None, role="conference_admin")
    with scoped_transaction(pool, scope) as tx:
        row = tx.execute(
            "INSERT INTO tenants (id, slug, name) VALUES (%s, %s, %s) RETURNING *", (tenant_id, slug, name)
        ).fetchone()
        tenant = Tenant.model_validate(row)
        admin = add_user(tx, email=admin_email, name=admin_name, role="conference_admin")
        append_audit(
            tx, "tenant.provision", "tenant", tenant_id, after={"slug": slug, "admin": str(admin.id)}
        )
    return tenant, admin


def get_tenant(tx: Tx) -> Tenant:
    row = tx.execute("SELECT * FROM tenants WHERE id = %s", (tx.tenant_id,)).fetchone()
    if row is None:
        raise NotFound("tenant", tx.tenant_id)
    return Tenant.model_validate(row)


def add_school(tx: Tx, *, code: str, name: str) -> School:
    row = tx.execute(
        "INSERT INTO schools (tenant_id, code, name) VALUES (%s, %s, %s) RETURNING *",
        (tx.tenant_id, code, name),
    ).fetchone()
    return School.model_validate(row)


def list_schools(tx: Tx) -> list[School]:
    return [School.model_validate(r) for r in tx.execute("SELECT * FROM schools ORDER BY code").fetchall()]


def add_user(tx: Tx, *, email: str, name: str, role: Role, school_id: uuid.UUID | None = None) -> User:
    """A user of this tenant with one role (school_staff must name a school)."""
    row = tx.execute(
        "INSERT INTO users (tenant_id, email, name) VALUES (%s, %s, %s) RETURNING *",
        (tx.tenant_id, email, name),
    ).fetchone()
    user = User.model_validate(row)
    tx.execute(
        "INSERT INTO memberships (tenant_id, user_id, role, school_id) VALUES (%s, %s, %s, %s)",
        (tx.tenant_id, user.id, role, school_id),
    )
    append_audit(tx, "user.add", "user", user.id, after={"email": email, "role": role})
    return user


def get_membership(tx: Tx, user_id: uuid.UUID) -> Membership:
    row = tx.execute("SELECT * FROM memberships WHERE user_id = %s", (user_id,)).fetchone()
    if row is None:
        raise NotFound("membership", user_id)
    return Membership.model_validate(row)


def list_users(tx: Tx) -> list[User]:
    return [User.model_validate(r) for r in tx.execute("SELECT * FROM users ORDER BY email").fetchall()]
