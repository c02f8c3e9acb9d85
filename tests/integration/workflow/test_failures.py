"""Failure paths: infeasible instances, faults in every task state, retried persist."""

from __future__ import annotations

import json
import time

import pytest

from flextime.agents.errors import TransientError
from flextime.domain import TeamUnavailable
from flextime.local.cloud import LocalCloud
from flextime.local.lambdas import Fault
from tests.integration.workflow.conftest import detail_types, job_row, small_instance, start_job, versions_of

# Task states backed by an agent Lambda on the happy path (placeholder stem -> state name).
TASK_STATES = {
    "LoadScenario": "LoadScenario",
    "CheckConstraints": "CheckConstraints",
    "SelectAlgorithm": "SelectAlgorithm",
    "Solve": "SolveInLambda",
    "OptimizeTravel": "OptimizeTravel",
    "CheckVenues": "CheckVenues",
    "PersistSchedule": "PersistSchedule",
}


def test_infeasible_instance_ends_failed_infeasible_with_the_explanation_stored(cloud, world, owner):
    # Given a season where team T0 may never play (a compact round robin needs it every slot)
    instance = small_instance(
        4,
        constraints=[
            TeamUnavailable(id="t0-out", label="T0 away all season", team="T0", slots=list(range(6)))
        ],
    )

    # When the job runs
    started = start_job(cloud, world, instance)
    result = cloud.wait(started.execution_arn)

    # Then the execution fails as FAILED_INFEASIBLE, the job carries the explanation, no version
    assert result["status"] == "FAILED" and result["error"] == "FAILED_INFEASIBLE"
    job = job_row(owner, started.job_id)
    assert (job["status"], job["error_code"]) == ("failed", "FAILED_INFEASIBLE")
    assert job["result"]["explanation"] and job["error_cause"]
    s3 = cloud.client("s3")
    assert s3.head_object(Bucket=cloud.bucket, Key=job["result"]["explanation_key"])
    assert versions_of(owner, started.job_id) == 0
    assert "JobStatusChanged" in detail_types(cloud)


@pytest.mark.parametrize("stem", TASK_STATES)
def test_a_raising_task_fails_the_job_with_its_cause(cloud, world, owner, stem):
    # Given an agent that raises a non-transient error
    cloud.inject(stem, Fault("raise", error=RuntimeError, message=f"boom in {stem}"))

    # When the job runs
    started = start_job(cloud, world, small_instance(4))
    result = cloud.wait(started.execution_arn)

    # Then the job is FAILED with that cause, nothing was written, JobFailed was emitted
    assert result["status"] == "FAILED" and result["error"] == "FAILED"
    job = job_row(owner, started.job_id)
    assert job["status"] == "failed"
    assert (job["error_code"], job["error_cause"]) == ("RuntimeError", f"boom in {stem}")
    assert versions_of(owner, started.job_id) == 0
    assert "JobFailed" in detail_types(cloud)


@pytest.mark.parametrize("stem", TASK_STATES)
def test_a_task_that_times_out_fails_the_job(workflow_db, world, owner, stem):
    # Given the state's TimeoutSeconds lowered to 1 s and its agent hanging for longer
    with LocalCloud(timeout_overrides={TASK_STATES[stem]: 1}) as cloud:
        cloud.inject(stem, Fault("sleep", seconds=1.5))

        # When the job runs
        started = start_job(cloud, world, small_instance(4))
        result = cloud.wait(started.execution_arn)
        time.sleep(0.6)  # let the hung invocation end inside the mock

        # Then the job is FAILED with States.Timeout, no version, JobFailed emitted
        assert result["status"] == "FAILED"
        job = job_row(owner, started.job_id)
        assert (job["status"], job["error_code"]) == ("failed", "States.Timeout")
        assert versions_of(owner, started.job_id) == 0
        assert "JobFailed" in detail_types(cloud)


def test_a_retried_persist_writes_one_version(cloud, world, owner):
    # Given PersistSchedule failing transiently AFTER its transaction committed
    cloud.inject("PersistSchedule", Fault("raise_after", error=TransientError, message="connection reset"))

    # When the job runs (the state machine retries PersistSchedule)
    started = start_job(cloud, world, small_instance(4))
    result = cloud.wait(started.execution_arn)

    # Then it succeeds with exactly one version for the job, persist having run twice
    assert result["status"] == "SUCCEEDED", result
    assert versions_of(owner, started.job_id) == 1
    persists = [n for n, _ in cloud.lambdas.invocations if n.endswith("persist-schedule")]
    assert len(persists) == 2
    assert json.loads(result["output"])["schedule_version"] == 1
