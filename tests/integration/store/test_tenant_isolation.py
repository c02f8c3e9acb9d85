"""Row-level security: every tenant table is isolated, for reads and for writes."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg import sql
from psycopg.types.json import Jsonb

from flextime.store.db import APP_ROLE, tenant_transaction
from flextime.store.errors import TenantAccessError
from flextime.store.repositories import schedules, seasons

NOT_TENANT_TABLES = {"schema_migrations"}
TENANT_KEY = {"tenants": "id"}


def tenant_tables(owner: psycopg.Connection) -> list[str]:
    rows = owner.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows if r[0] not in NOT_TENANT_TABLES]


def test_every_table_is_tenant_scoped_with_forced_rls(owner, conferences):
    # Given every table of the schema (a new table shows up here automatically)
    tables = tenant_tables(owner)
    assert len(tables) >= 20
    for table in tables:
        key = TENANT_KEY.get(table, "tenant_id")
        # Then it has the tenant key, RLS enabled and forced, and a policy on the tenant
        column = owner.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s"
            " AND column_name = %s AND is_nullable = 'NO'",
            (table, key),
        ).fetchone()
        assert column, f"{table} has no NOT NULL {key}"
        enabled, forced = owner.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = %s::regclass", (table,)
        ).fetchone()
        assert enabled and forced, f"{table}: row level security not enabled and forced"
        policy = owner.execute(
            "SELECT qual, with_check FROM pg_policies WHERE schemaname = 'public' AND tablename = %s"
            " AND policyname = 'tenant_isolation'",
            (table,),
        ).fetchone()
        assert (
            policy and "flextime_current_tenant()" in policy[0] and "flextime_current_tenant()" in policy[1]
        ), table


def test_app_role_is_neither_owner_nor_superuser(owner):
    # Given the application role
    row = owner.execute(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", (APP_ROLE,)
    ).fetchone()
    # Then it cannot bypass row-level security and owns no table
    assert row == (False, False)
    owned = owner.execute(
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s", (APP_ROLE,)
    )
    assert owned.fetchone()[0] == 0


def _as_app(conn: psycopg.Connection, tenant_id: uuid.UUID) -> None:
    conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(APP_ROLE)))
    conn.execute(
        "SELECT set_config('app.tenant_id', %s, true), set_config('app.role', 'conference_admin', true)",
        (str(tenant_id),),
    )


def test_cross_tenant_reads_and_writes_are_refused_for_every_table(owner, db_url, conferences):
    alpha, beta = conferences
    for table in tenant_tables(owner):
        key = TENANT_KEY.get(table, "tenant_id")
        ident, key_ident = sql.Identifier(table), sql.Identifier(key)
        # Given alpha has rows in this table (seeded through the repositories)
        alpha_row = owner.execute(
            sql.SQL("SELECT to_jsonb(t) FROM {} t WHERE {} = %s LIMIT 1").format(ident, key_ident),
            (alpha.tenant_id,),
        ).fetchone()
        assert alpha_row, f"the seed put no row of tenant alpha into {table}: extend seed_conference"
        with psycopg.connect(db_url) as conn:
            # When beta reads, updates and deletes alpha's rows as the app role
            with conn.transaction():
                _as_app(conn, beta.tenant_id)
                seen = conn.execute(
                    sql.SQL("SELECT count(*) FROM {} WHERE {} = %s").format(ident, key_ident),
                    (alpha.tenant_id,),
                ).fetchone()[0]
                updated = _rowcount_or_refused(
                    conn,
                    sql.SQL("UPDATE {} SET {} = {} WHERE {} = %s").format(
                        ident, key_ident, key_ident, key_ident
                    ),
                    alpha.tenant_id,
                )
                deleted = _rowcount_or_refused(
                    conn, sql.SQL("DELETE FROM {} WHERE {} = %s").format(ident, key_ident), alpha.tenant_id
                )
            # Then nothing is visible or changed
            assert (seen, updated, deleted) == (0, 0, 0), table
            # When beta inserts a copy of alpha's row (alpha's tenant id) as the app role
            with pytest.raises(psycopg.errors.InsufficientPrivilege) as refused, conn.transaction():
                _as_app(conn, beta.tenant_id)
                conn.execute(
                    sql.SQL("INSERT INTO {} SELECT * FROM jsonb_populate_record(NULL::{}, %s)").format(
                        ident, ident
                    ),
                    (Jsonb(alpha_row[0]),),
                )
            # Then row-level security refuses it
            assert "row-level security" in str(refused.value) or "permission denied" in str(refused.value), (
                table
            )
        # And alpha's rows are all still there
        still = owner.execute(
            sql.SQL("SELECT count(*) FROM {} WHERE {} = %s").format(ident, key_ident), (alpha.tenant_id,)
        ).fetchone()[0]
        assert still > 0, table


def _rowcount_or_refused(conn: psycopg.Connection, statement: sql.Composed, tenant: uuid.UUID) -> int:
    """Rows affected; 0 when the privilege itself is revoked (the audit log: no UPDATE/DELETE)."""
    try:
        with conn.transaction():
            return conn.execute(statement, (tenant,)).rowcount
    except psycopg.errors.InsufficientPrivilege:
        return 0


def test_without_a_tenant_in_scope_nothing_is_visible(db_url, conferences):
    # Given a transaction as the app role that never set app.tenant_id
    with psycopg.connect(db_url) as conn, conn.transaction():
        conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(APP_ROLE)))
        # Then no tenant rows are visible
        assert conn.execute("SELECT count(*) FROM games").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM tenants").fetchone()[0] == 0


def test_a_user_of_another_tenant_is_refused(pool, conferences):
    alpha, beta = conferences
    # When beta's admin opens a transaction in alpha
    # Then the membership lookup (itself under RLS) refuses
    with pytest.raises(TenantAccessError), tenant_transaction(pool, alpha.tenant_id, beta.admin):
        pass


def test_repositories_do_not_see_other_tenants_ids(pool, conferences):
    alpha, beta = conferences
    # Given beta acting with alpha's ids
    with tenant_transaction(pool, beta.tenant_id, beta.admin) as tx:
        # Then alpha's published version and season are not found
        with pytest.raises(Exception) as missing:
            schedules.get_version(tx, alpha.published)
        assert type(missing.value).__name__ == "NotFound"
        assert schedules.list_games(tx, alpha.published) == []
        assert seasons.list_teams(tx, alpha.season_id) == []
