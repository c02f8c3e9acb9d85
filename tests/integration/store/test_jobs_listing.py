"""jobs.list_jobs / count_jobs: the tenant's jobs newest first, by season and/or status, paged,
counted, isolated."""

from __future__ import annotations

import uuid

import pytest

from flextime.store.db import tenant_transaction
from flextime.store.repositories import jobs, seasons


def test_list_jobs_filters_by_season_and_status_newest_first(pool, conferences):
    alpha, beta = conferences
    with tenant_transaction(pool, alpha.tenant_id, alpha.scheduler) as tx:
        # Given a season of its own with three jobs: succeeded, failed, queued (in that order)
        season = seasons.add_season(tx, sport_id=alpha.sport_id, name=f"list-{uuid.uuid4().hex[:6]}")
        made = [jobs.create_job(tx, season.id, kind="solve", plan={"n": i}) for i in range(3)]
        jobs.mark_running(tx, made[0].id, "arn:x:0")
        jobs.finish_job(tx, made[0].id, "succeeded", result={"version": 1})
        jobs.finish_job(tx, made[1].id, "failed", error_code="FAILED", error_cause="boom")
        tx.execute(  # distinct creation times (one transaction shares now())
            "UPDATE jobs SET created_at = created_at + make_interval(secs => (plan->>'n')::int)"
            " WHERE season_id = %s",
            (season.id,),
        )

        # When listed
        of_season = jobs.list_jobs(tx, season_id=season.id)
        failed = jobs.list_jobs(tx, season_id=season.id, status="failed")
        latest = jobs.list_jobs(tx, season_id=season.id, limit=1)
        second_page = jobs.list_jobs(tx, season_id=season.id, limit=2, offset=2)
        counts = (jobs.count_jobs(tx, season_id=season.id), jobs.count_jobs(tx, season.id, "failed"))
        everything = jobs.list_jobs(tx, limit=500)

    # Then newest first, filtered, limited, typed
    assert [j.id for j in of_season] == [made[2].id, made[1].id, made[0].id]
    assert [(j.status, j.error_code) for j in failed] == [("failed", "FAILED")]
    assert [j.id for j in latest] == [made[2].id]
    assert [j.id for j in second_page] == [made[0].id] and counts == (3, 1)
    assert of_season[2].result == {"version": 1} and of_season[0].status == "queued"
    assert {j.id for j in of_season} <= {j.id for j in everything}
    assert all(j.tenant_id == alpha.tenant_id for j in everything)

    # and another tenant sees none of them
    with tenant_transaction(pool, beta.tenant_id, beta.scheduler) as tx:
        assert jobs.list_jobs(tx, season_id=season.id) == []
        assert jobs.count_jobs(tx, season_id=season.id) == 0
        assert not {j.id for j in jobs.list_jobs(tx, limit=500)} & {j.id for j in made}


def test_list_jobs_rejects_an_unknown_status(pool, conferences):
    alpha, _ = conferences
    with pytest.raises(ValueError), tenant_transaction(pool, alpha.tenant_id, alpha.scheduler) as tx:
        jobs.list_jobs(tx, status="done")  # type: ignore[arg-type]
    with pytest.raises(ValueError), tenant_transaction(pool, alpha.tenant_id, alpha.scheduler) as tx:
        jobs.count_jobs(tx, status="done")  # type: ignore[arg-type]
