"""The generate-schedule state machine end to end on moto with the real handlers and PostgreSQL."""

from __future__ import annotations

import json

from tests.integration.workflow.conftest import detail_types, job_row, small_instance, start_job, versions_of


def test_small_season_runs_end_to_end(cloud, world, owner):
    # Given a queued job for a 6-team season and its input snapshot in S3
    started = start_job(cloud, world, small_instance())

    # When the execution runs
    result = cloud.wait(started.execution_arn)

    # Then it succeeds, one draft version holds the games, the job is succeeded with the exports
    assert result["status"] == "SUCCEEDED", result
    output = json.loads(result["output"])
    assert output["schedule_version"] == 1
    job = job_row(owner, started.job_id)
    assert job["status"] == "succeeded"
    assert job["execution_id"].endswith(str(started.job_id))
    assert versions_of(owner, started.job_id) == 1
    games = owner.execute(
        "SELECT count(*), count(day) FROM games WHERE schedule_id = %s", (output["schedule_id"],)
    ).fetchone()
    assert games == (30, 30)
    s3 = cloud.client("s3")
    for name in job["result"]["exports"].values():
        assert s3.head_object(Bucket=cloud.bucket, Key=name)["ContentLength"] > 0
    # and the states ran in order, with JobStatusChanged + ScheduleGenerated on the bus
    entered = [
        e["stateEnteredEventDetails"]["name"]
        for e in cloud.history(started.execution_arn)
        if "stateEnteredEventDetails" in e
    ]
    assert entered[:4] == ["RecordExecution", "HasJob", "LoadScenario", "CheckConstraints"]
    assert entered[-3:] == ["PersistSchedule", "PublishScheduleGenerated", "Done"]
    assert "SolveInLambda" in entered
    types = detail_types(cloud)
    assert types.count("JobStatusChanged") == 2 and "ScheduleGenerated" in types
