"""The SPA's timeline: flextime.agents.jobs.job_steps reads the execution history into steps."""

from __future__ import annotations

import uuid
from itertools import pairwise

from flextime.agents.errors import TransientError
from flextime.agents.jobs import execution_arn, job_steps
from flextime.local.lambdas import Fault
from tests.integration.workflow.conftest import job_row, small_instance, start_job


def test_steps_of_a_successful_job_with_a_retried_step(cloud, world, owner):
    # Given PersistSchedule failing once transiently (the machine retries it)
    cloud.inject("PersistSchedule", Fault("raise", error=TransientError, message="connection reset"))

    # When a job runs to the end
    started = start_job(cloud, world, small_instance(4))
    assert cloud.wait(started.execution_arn)["status"] == "SUCCEEDED"
    arn = job_row(owner, started.job_id)["execution_id"]
    steps = job_steps(cloud.client("stepfunctions"), arn)

    # Then every state appears once, in order, succeeded, with times; the retry is counted
    assert arn == execution_arn(cloud.state_machine_arns["generate"], started.job_id)
    names = [s.step for s in steps]
    assert names[:3] == ["RecordExecution", "HasJob", "LoadScenario"]
    assert names[-3:] == ["PersistSchedule", "PublishScheduleGenerated", "Done"]
    assert {"SolveInLambda", "OptimizeTravel", "CheckVenues"} <= set(names)
    assert all(s.status == "succeeded" and s.ended_at and s.error is None for s in steps)
    assert all(a.started_at <= b.started_at for a, b in pairwise(steps))
    by_name = {s.step: s for s in steps}
    assert (by_name["PersistSchedule"].attempts, by_name["LoadScenario"].attempts) == (2, 1)
    assert by_name["HasJob"].type == "Choice" and by_name["HasJob"].attempts == 0


def test_steps_of_a_failed_job_name_the_failed_step_without_a_stack_trace(cloud, world):
    # Given the selection agent raising
    cloud.inject("SelectAlgorithm", Fault("raise", error=RuntimeError, message="boom in selection"))

    # When the job runs
    started = start_job(cloud, world, small_instance(4))
    assert cloud.wait(started.execution_arn)["status"] == "FAILED"
    steps = job_steps(cloud.client("stepfunctions"), started.execution_arn)

    # Then the timeline ends SelectAlgorithm (failed, the cause) -> MarkFailed -> JobFailed
    tail = [(s.step, s.status) for s in steps[-3:]]
    assert tail == [("SelectAlgorithm", "failed"), ("MarkFailed", "succeeded"), ("JobFailed", "failed")]
    failed = steps[-3]
    assert (failed.error, failed.cause) == ("RuntimeError", "boom in selection")
    assert failed.ended_at is not None and steps[-1].error == "FAILED"


def test_a_job_without_an_execution_has_no_steps(cloud):
    missing = execution_arn(cloud.state_machine_arns["generate"], uuid.uuid4())
    assert job_steps(cloud.client("stepfunctions"), missing) == []
