"""Repositories beyond schedules: constraints as validated JSONB, jobs, comments with mentions and
notifications, import rollback, idempotency keys."""

from __future__ import annotations

import datetime as dt

import pytest

from flextime.domain import Team, Venue
from flextime.domain.constraints import FixedGame, MaxConsecutive
from flextime.store.db import tenant_transaction
from flextime.store.errors import ConflictError, IdempotencyConflict, InvalidRecord
from flextime.store.repositories import (
    comments,
    idempotency,
    imports,
    jobs,
    notifications,
    scenarios,
    seasons,
)


def test_constraints_are_validated_on_write_and_read(pool, owner, conferences):
    alpha, _ = conferences
    with tenant_transaction(pool, alpha.tenant_id, alpha.scheduler) as tx:
        # When a valid domain constraint is stored and an invalid dict is offered
        scenarios.put_constraint(
            tx, alpha.scenario_id, FixedGame(id="fx", home="T00", away="T01", slot=3, hard=False, weight=5)
        )
        with pytest.raises(InvalidRecord):
            scenarios.put_constraint(
                tx, alpha.scenario_id, {"type": "MaxConsecutive", "id": "bad", "max": "many"}
            )
        stored = {c.constraint.id: c for c in scenarios.list_constraints(tx, alpha.scenario_id)}
    # Then the valid one reads back as the same typed model, the invalid one was never written
    assert stored["fx"].constraint == FixedGame(id="fx", home="T00", away="T01", slot=3, hard=False, weight=5)
    assert isinstance(stored["c1"].constraint, MaxConsecutive) and "bad" not in stored
    # When a row is corrupted behind the app's back (as owner)
    owner.execute(
        'UPDATE constraints SET body = body || \'{"max": -1, "unknown": 1}\''
        " WHERE tenant_id = %s AND constraint_id = 'fx'",
        (alpha.tenant_id,),
    )
    # Then reading it raises a typed error instead of returning a bad constraint
    with pytest.raises(InvalidRecord), tenant_transaction(pool, alpha.tenant_id, alpha.scheduler) as tx:
        scenarios.list_constraints(tx, alpha.scenario_id)
    owner.execute("DELETE FROM constraints WHERE tenant_id = %s AND constraint_id = 'fx'", (alpha.tenant_id,))


def test_job_lifecycle(pool, conferences):
    alpha, _ = conferences
    with tenant_transaction(pool, alpha.tenant_id, alpha.scheduler) as tx:
        # Given a queued job. When it runs, reports progress and fails
        job = jobs.create_job(tx, alpha.season_id, scenario_id=alpha.scenario_id, plan={"workers": 2})
        jobs.mark_running(tx, job.id, "arn:aws:states:exec/1")
        jobs.add_progress(tx, job.id, {"elapsed": 1.0, "objective": 40})
        jobs.add_progress(tx, job.id, {"elapsed": 2.0, "objective": 31})
        done = jobs.finish_job(tx, job.id, "failed", error_code="Infeasible", error_cause="no schedule")
        # Then everything is recorded, and a finished job cannot finish again
        with pytest.raises(ConflictError):
            jobs.finish_job(tx, job.id, "succeeded")
    assert done.status == "failed" and done.execution_id == "arn:aws:states:exec/1"
    assert [p["objective"] for p in done.progress] == [40, 31]
    assert done.started_at is not None and done.finished_at is not None and done.error_cause == "no schedule"


def test_mentions_notify_unless_turned_off(pool, conferences):
    alpha, _ = conferences
    with tenant_transaction(pool, alpha.tenant_id, alpha.admin) as tx:
        # Given the viewer turned mention notifications off
        notifications.set_preference(tx, alpha.viewer, "mention", "in_app", False)
        thread = comments.start_thread(tx, "game", "T00-T01@3", title="TV window")
        before = len(notifications.unread(tx, alpha.scheduler))
        # When the admin mentions the scheduler and the viewer
        comment = comments.add_comment(
            tx, thread.id, "ok for ESPN?", mentions=[alpha.scheduler, alpha.viewer]
        )
        # Then both are recorded as mentioned, but only the scheduler is notified
        assert set(comment.mentions) == {alpha.scheduler, alpha.viewer}
        assert len(notifications.unread(tx, alpha.scheduler)) == before + 1
        assert notifications.unread(tx, alpha.viewer) == []
        listed = comments.list_comments(tx, thread.id)
        assert [c.body for c in listed] == ["ok for ESPN?"] and set(listed[0].mentions) == set(
            comment.mentions
        )
        marked = notifications.mark_read(
            tx, alpha.scheduler, [n.id for n in notifications.unread(tx, alpha.scheduler)]
        )
        assert marked == before + 1 and notifications.unread(tx, alpha.scheduler) == []


def test_import_batch_rolls_back(pool, conferences):
    alpha, _ = conferences
    with tenant_transaction(pool, alpha.tenant_id, alpha.admin) as tx:
        # Given an import that created a venue, a team, a calendar entry and a constraint
        season = seasons.add_season(tx, sport_id=alpha.sport_id, name="import-test")
        batch = imports.start_batch(tx, "csv", season_id=season.id)
        ids = seasons.add_venues(
            tx, [Venue(id="IMP", name="Imported", lat=1, lon=1)], import_batch_id=batch.id
        )
        seasons.add_teams(tx, season.id, [Team(id="X1", name="X1", venue="IMP")], import_batch_id=batch.id)
        seasons.add_calendar_entry(tx, ids["IMP"], dt.date(2026, 9, 1), import_batch_id=batch.id)
        scenario = scenarios.add_scenario(tx, season.id, "imported")
        scenarios.put_constraint(
            tx, scenario.id, MaxConsecutive(id="m", max=3, mode="A"), import_batch_id=batch.id
        )
        finished = imports.finish_batch(tx, batch.id)
        # When it is rolled back
        deleted = imports.rollback_batch(tx, batch.id)
        # Then every row it created is gone, and it cannot be rolled back twice
        with pytest.raises(ConflictError):
            imports.rollback_batch(tx, batch.id)
        assert seasons.list_teams(tx, season.id) == []
        assert "IMP" not in {v.id for v in seasons.list_venues(tx)}
        assert scenarios.list_constraints(tx, scenario.id) == []
    assert finished.counts == {
        "constraints": 1,
        "venue_calendar": 1,
        "school_blackouts": 0,
        "teams": 1,
        "venues": 1,
    }
    assert deleted == finished.counts


def test_idempotency_keys(pool, conferences):
    alpha, beta = conferences
    with tenant_transaction(pool, alpha.tenant_id, alpha.admin) as tx:
        # Given a completed request. When retried with the same body. Then the stored response.
        first = idempotency.claim_key(tx, "solve-7", {"season": 1})
        idempotency.complete_key(tx, "solve-7", {"job": "j-1"})
        again = idempotency.claim_key(tx, "solve-7", {"season": 1})
        assert first.fresh and not again.fresh and again.response == {"job": "j-1"}
        # When reused with another body. Then refused.
        with pytest.raises(IdempotencyConflict):
            idempotency.claim_key(tx, "solve-7", {"season": 2})
    # And keys are per tenant: the same key in beta is fresh
    with tenant_transaction(pool, beta.tenant_id, beta.admin) as tx:
        assert idempotency.claim_key(tx, "solve-7", {"season": 1}).fresh
