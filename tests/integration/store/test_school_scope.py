"""School staff write only their own school's venue calendars and blackouts (enforced by
restrictive policies in the database); admins and schedulers write any school's; viewers none."""

from __future__ import annotations

import datetime as dt

import pytest

from flextime.store.db import tenant_transaction
from flextime.store.errors import TenantAccessError
from flextime.store.repositories import seasons

DAY = dt.date(2026, 3, 14)


def test_staff_writes_own_school_calendar_and_blackouts(pool, conferences):
    alpha, _ = conferences
    # When school A's staff adds and removes entries for school A
    with tenant_transaction(pool, alpha.tenant_id, alpha.staff) as tx:
        entry = seasons.add_calendar_entry(tx, alpha.venue_a, DAY, holder="WBB")
        blackout = seasons.add_blackout(tx, alpha.school_a, DAY, DAY, reason="graduation")
        seasons.delete_calendar_entry(tx, entry.id)
        seasons.delete_blackout(tx, blackout.id)
    # Then it worked (no exception); and the staff member still reads every school's calendar
    with tenant_transaction(pool, alpha.tenant_id, alpha.staff) as tx:
        assert seasons.list_calendar(tx, alpha.venue_a)
        assert tx.scope.role == "school_staff" and tx.scope.school_id == alpha.school_a


def test_staff_cannot_write_another_schools_calendar_or_blackouts(pool, conferences):
    alpha, _ = conferences
    # When school A's staff writes school B's venue calendar or blackouts
    # Then the database refuses
    with pytest.raises(TenantAccessError), tenant_transaction(pool, alpha.tenant_id, alpha.staff) as tx:
        seasons.add_calendar_entry(tx, alpha.venue_b, DAY, holder="concert")
    with pytest.raises(TenantAccessError), tenant_transaction(pool, alpha.tenant_id, alpha.staff) as tx:
        seasons.add_blackout(tx, alpha.school_b, DAY, DAY)


def test_staff_cannot_edit_or_delete_another_schools_rows(pool, owner, conferences):
    alpha, _ = conferences
    # Given an entry and a blackout of school B, written by the scheduler
    with tenant_transaction(pool, alpha.tenant_id, alpha.scheduler) as tx:
        entry = seasons.add_calendar_entry(tx, alpha.venue_b, DAY, holder="MBB")
        blackout = seasons.add_blackout(tx, alpha.school_b, DAY, DAY)
    # When school A's staff tries to delete them, or to move them to its own school via UPDATE
    with pytest.raises(TenantAccessError), tenant_transaction(pool, alpha.tenant_id, alpha.staff) as tx:
        seasons.delete_calendar_entry(tx, entry.id)
    with pytest.raises(TenantAccessError), tenant_transaction(pool, alpha.tenant_id, alpha.staff) as tx:
        seasons.delete_blackout(tx, blackout.id)
    with tenant_transaction(pool, alpha.tenant_id, alpha.staff) as tx:
        moved = tx.execute(
            "UPDATE school_blackouts SET reason = 'mine now' WHERE id = %s", (blackout.id,)
        ).rowcount
    # Then nothing changed
    assert moved == 0
    assert (
        owner.execute("SELECT reason FROM school_blackouts WHERE id = %s", (blackout.id,)).fetchone()[0] == ""
    )
    assert owner.execute("SELECT count(*) FROM venue_calendar WHERE id = %s", (entry.id,)).fetchone()[0] == 1


def test_staff_cannot_reassign_own_blackout_to_another_school(pool, conferences):
    alpha, _ = conferences
    # Given a blackout of school A
    with tenant_transaction(pool, alpha.tenant_id, alpha.staff) as tx:
        blackout = seasons.add_blackout(tx, alpha.school_a, DAY, DAY)
    # When staff A moves it to school B. Then the WITH CHECK of the policy refuses.
    with pytest.raises(TenantAccessError), tenant_transaction(pool, alpha.tenant_id, alpha.staff) as tx:
        tx.execute("UPDATE school_blackouts SET school_id = %s WHERE id = %s", (alpha.school_b, blackout.id))


def test_viewer_cannot_write_calendars(pool, conferences):
    alpha, _ = conferences
    # When a viewer writes a calendar entry. Then refused.
    with pytest.raises(TenantAccessError), tenant_transaction(pool, alpha.tenant_id, alpha.viewer) as tx:
        seasons.add_calendar_entry(tx, alpha.venue_a, DAY, holder="x")


def test_scheduler_writes_any_school(pool, conferences):
    alpha, _ = conferences
    # When the scheduler writes both schools' calendars. Then both are stored.
    with tenant_transaction(pool, alpha.tenant_id, alpha.scheduler) as tx:
        seasons.add_calendar_entry(tx, alpha.venue_a, DAY + dt.timedelta(days=1))
        seasons.add_calendar_entry(tx, alpha.venue_b, DAY + dt.timedelta(days=1))
