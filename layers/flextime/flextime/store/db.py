"""Connections: settings (read lazily), the pool, and per-transaction tenant scope.

Request paths never run as the schema owner. Each unit of work is one transaction that
``SET LOCAL ROLE flextime_app`` (a non-owner, non-superuser role, so FORCE ROW LEVEL SECURITY
applies) and sets ``app.tenant_id`` / ``app.user_id`` / ``app.role`` / ``app.school_id`` with
``set_config(..., true)``: transaction-local, so nothing leaks to the next borrower of a pooled
connection. The role and school come from the memberships table, not from the caller.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool
from pydantic import BaseModel, Field

from flextime.store.errors import (
    AppendOnlyError,
    ConflictError,
    ImmutableVersionError,
    StoreError,
    TenantAccessError,
)

APP_ROLE = "flextime_app"
ROLES = ("conference_admin", "scheduler", "school_staff", "viewer")


class StoreSettings(BaseModel):
    """Data-layer settings. ``database_url`` None means: use the embedded server."""

    database_url: str | None = None
    database_secret_arn: str | None = None
    app_role: str = APP_ROLE
    pool_min_size: int = Field(1, ge=0)
    pool_max_size: int = Field(4, ge=1)

    @classmethod
    def from_env(cls) -> StoreSettings:
        """Read FLEXTIME_DATABASE_URL / FLEXTIME_DB_POOL_MAX now (never at import time)."""
        return cls(
            database_url=os.environ.get("FLEXTIME_DATABASE_URL") or None,
            database_secret_arn=os.environ.get("FLEXTIME_DATABASE_SECRET_ARN") or None,
            pool_max_size=int(os.environ.get("FLEXTIME_DB_POOL_MAX", "4")),
        )


def database_url(settings: StoreSettings | None = None) -> str:
    """The URL in use: FLEXTIME_DATABASE_URL; else, in AWS, the Aurora credentials secret named by
    FLEXTIME_DATABASE_SECRET_ARN (set by CDK); else the embedded server (started if needed)."""
    settings = settings or StoreSettings.from_env()
    if settings.database_url:
        return settings.database_url
    if settings.database_secret_arn:
        return url_from_secret(settings.database_secret_arn)
    from flextime.store.embedded import embedded_url

    return embedded_url()


def make_pool(url: str, *, min_size: int = 1, max_size: int = 4) -> ConnectionPool:
    """An open psycopg pool. Lambda: min_size 1, a small max_size (one request per instance)."""
    pool = ConnectionPool(
        url, min_size=min_size, max_size=max_size, kwargs={"autocommit": False}, open=False, name="flextime"
    )
    pool.open(wait=True, timeout=30)
    return pool


@lru_cache(maxsize=1)
def get_pool() -> ConnectionPool:
    """The process-wide pool (created on first use; reused across Lambda invocations)."""
    settings = StoreSettings.from_env()
    return make_pool(database_url(settings), min_size=settings.pool_min_size, max_size=settings.pool_max_size)


@dataclass(frozen=True)
class Scope:
    """Who is acting, within which tenant, as resolved from the memberships table."""

    tenant_id: uuid.UUID
    user_id: uuid.UUID | None
    role: str
    school_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Tx:
    """A connection inside a tenant-scoped transaction (what repositories receive)."""

    conn: psycopg.Connection[Any]
    scope: Scope

    @property
    def tenant_id(self) -> uuid.UUID:
        return self.scope.tenant_id

    def execute(self, query: Any, params: Any = None) -> psycopg.Cursor[dict[str, Any]]:
        cur = self.conn.cursor(row_factory=dict_row)
        return cur.execute(query, params)


def _set_scope(conn: psycopg.Connection[Any], scope: Scope, app_role: str) -> None:
    conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(app_role)))
    conn.execute(
        "SELECT set_config('app.tenant_id', %s, true), set_config('app.user_id', %s, true),"
        " set_config('app.role', %s, true), set_config('app.school_id', %s, true)",
        (
            str(scope.tenant_id),
            str(scope.user_id) if scope.user_id else "",
            scope.role,
            str(scope.school_id) if scope.school_id else "",
        ),
    )


@contextmanager
def translate_errors() -> Iterator[None]:
    """Turn database errors that carry meaning into typed store errors (by SQLSTATE)."""
    try:
        yield
    except pg_errors.RaiseException as exc:  # pragma: no cover - P0001 is not used by our triggers
        raise StoreError(str(exc)) from exc
    except psycopg.Error as exc:
        state = exc.sqlstate
        if state == "FTIMM":
            raise ImmutableVersionError(exc.diag.message_primary or str(exc)) from exc
        if state == "FTAUD":
            raise AppendOnlyError(exc.diag.message_primary or str(exc)) from exc
        if state == "42501":  # insufficient_privilege: RLS WITH CHECK or a revoked privilege
            raise TenantAccessError(exc.diag.message_primary or str(exc)) from exc
        if state == "23505":
            raise ConflictError(exc.diag.message_detail or str(exc)) from exc
        raise


@contextmanager
def scoped_transaction(pool: ConnectionPool, scope: Scope, *, app_role: str = APP_ROLE) -> Iterator[Tx]:
    """One transaction as ``app_role`` with the given scope, trusted as is (provisioning, jobs run
    by the platform). Request paths use :func:`tenant_transaction`."""
    with pool.connection() as conn, translate_errors(), conn.transaction():
        _set_scope(conn, scope, app_role)
        yield Tx(conn, scope)


@contextmanager
def tenant_transaction(
    pool: ConnectionPool, tenant_id: uuid.UUID | str, user: uuid.UUID | str, *, app_role: str = APP_ROLE
) -> Iterator[Tx]:
    """One transaction for ``user`` acting in ``tenant_id``: commits on success, rolls back on any
    exception. The user's role and school are read from memberships inside the transaction;
    a user who is not a member gets :class:`TenantAccessError`."""
    tenant = uuid.UUID(str(tenant_id))
    user_id = uuid.UUID(str(user))
    with pool.connection() as conn, translate_errors(), conn.transaction():
        _set_scope(conn, Scope(tenant, user_id, role=""), app_role)
        row = conn.execute(
            "SELECT role, school_id FROM memberships WHERE tenant_id = %s AND user_id = %s", (tenant, user_id)
        ).fetchone()
        if row is None:
            raise TenantAccessError(f"user {user_id} is not a member of tenant {tenant}")
        scope = Scope(tenant, user_id, role=row[0], school_id=row[1])
        _set_scope(conn, scope, app_role)
        yield Tx(conn, scope)


def url_from_secret(secret_arn: str, client: Any = None) -> str:
    """Build a libpq URL from a Secrets Manager secret in the RDS JSON shape
    (host, port, username, password, dbname), as Aurora's generated secret has it."""
    import json
    from urllib.parse import quote

    if client is None:
        import boto3

        client = boto3.client("secretsmanager")
    secret = json.loads(client.get_secret_value(SecretId=secret_arn)["SecretString"])
    user, password = quote(secret["username"], safe=""), quote(secret["password"], safe="")
    host, port = secret["host"], secret.get("port", 5432)
    dbname = quote(str(secret.get("dbname", "postgres")), safe="")
    return f"postgresql://{user}:{password}@{host}:{port}/{dbname}?sslmode=require"
