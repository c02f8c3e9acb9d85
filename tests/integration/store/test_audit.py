"""The audit log is append-only for the app and hash-chained so tampering is detected."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from flextime.store.db import tenant_transaction
from flextime.store.errors import TenantAccessError
from flextime.store.repositories import tenants
from flextime.store.repositories.audit import append_audit, list_audit, verify_audit_chain


def test_chain_verifies_and_records_the_actor(pool, conferences):
    alpha, _ = conferences
    # Given some audited actions by the scheduler
    with tenant_transaction(pool, alpha.tenant_id, alpha.scheduler) as tx:
        entry = append_audit(tx, "test.action", "thing", "42", before={"n": 1}, after={"n": 2})
    # Then the chain verifies and the entry names its actor and links to the previous row
    with tenant_transaction(pool, alpha.tenant_id, alpha.admin) as tx:
        assert verify_audit_chain(tx) is None
        latest = list_audit(tx, entity_type="thing", entity_id="42")[0]
    assert latest.actor_id == alpha.scheduler and latest.seq == entry.seq and latest.prev_hash != ""


def test_app_cannot_update_or_delete_audit_rows(pool, conferences):
    alpha, _ = conferences
    # When the app role updates or deletes audit rows. Then the privilege is missing.
    with pytest.raises(TenantAccessError), tenant_transaction(pool, alpha.tenant_id, alpha.admin) as tx:
        tx.execute("UPDATE audit_log SET action = 'x'")
    with pytest.raises(TenantAccessError), tenant_transaction(pool, alpha.tenant_id, alpha.admin) as tx:
        tx.execute("DELETE FROM audit_log")


def test_owner_is_stopped_by_the_append_only_trigger(owner, conferences):
    alpha, _ = conferences
    # When even the owner updates a row. Then the trigger refuses.
    with pytest.raises(psycopg.Error) as refused:
        owner.execute("UPDATE audit_log SET action = 'x' WHERE tenant_id = %s", (alpha.tenant_id,))
    assert refused.value.sqlstate == "FTAUD"
    with pytest.raises(psycopg.Error):
        owner.execute("TRUNCATE audit_log")


def test_chain_verification_detects_an_edited_row(pool, db_url, conferences):
    _, beta = conferences
    with tenant_transaction(pool, beta.tenant_id, beta.admin) as tx:
        for i in range(3):
            append_audit(tx, "test.step", "thing", i)
        rows = list_audit(tx, limit=1000)
    target = sorted(rows, key=lambda r: r.seq)[len(rows) // 2]
    # Given a superuser who disables the triggers and edits one row in the middle of the chain
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute(
            "UPDATE audit_log SET after = '{\"forged\": true}' WHERE tenant_id = %s AND seq = %s",
            (beta.tenant_id, target.seq),
        )
    # When the chain is verified
    with tenant_transaction(pool, beta.tenant_id, beta.admin) as tx:
        broken = verify_audit_chain(tx)
    # Then the edited row is the first broken one
    assert broken is not None and broken.seq == target.seq and broken.reason == "hash_mismatch"


def test_chain_verification_detects_a_deleted_row(pool, db_url):
    # Given a tenant of its own (chains are per tenant, so the others are not disturbed)
    tenant, admin = tenants.provision_tenant(pool, slug=f"gamma-{uuid.uuid4().hex[:6]}", name="G",
                                             admin_email="a@g", admin_name="A")  # fmt: skip
    with tenant_transaction(pool, tenant.id, admin.id) as tx:
        for i in range(4):
            append_audit(tx, "test.step", "thing", i)
    # When a superuser deletes row 3 (with triggers off)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("DELETE FROM audit_log WHERE tenant_id = %s AND seq = 3", (tenant.id,))
    with tenant_transaction(pool, tenant.id, admin.id) as tx:
        broken = verify_audit_chain(tx)
    # Then verification stops at the gap
    assert broken is not None and broken.seq == 4 and broken.reason == "sequence_gap"
