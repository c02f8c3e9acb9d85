"""The Fargate entrypoint run as a subprocess (as the container runs it) against moto S3 served
by ThreadedMotoServer."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator

import boto3
import pytest

from flextime.agents.algorithm_selection import choose_plan, profile_instance
from flextime.agents.runtime import reset_runtime
from flextime.agents.settings import AgentSettings, reset_settings
from flextime.agents.state import JobState
from flextime.agents.travel import optimize_travel
from flextime.domain import Schedule, TeamUnavailable
from flextime.paths import REPO_ROOT
from flextime.store.s3 import artifact_key
from flextime.validate import validate
from tests.conftest import random_ttp, tiny_round_robin

ENTRYPOINT = REPO_ROOT / "solver_container" / "entrypoint.py"
BUCKET = "solver-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _s3(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture(scope="module")
def moto_s3() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    os.environ["MOTO_PORT"] = str(port)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    _s3(endpoint).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()
    os.environ.pop("MOTO_PORT", None)


def _run(endpoint: str, instance, *, drop: str | None = None, time_limit: float = 5, travel: bool = False):
    s3 = _s3(endpoint)
    tenant, season, job = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    instance_key = artifact_key(tenant, season, job, "instances", "instance.json")
    plan_key = artifact_key(tenant, season, job, "inputs", "plan.json")
    plan = choose_plan(
        profile_instance(instance),
        {"time_limit_s": time_limit},
        AgentSettings(compute="fargate"),
        travel=travel,
    )
    s3.put_object(Bucket=BUCKET, Key=instance_key, Body=instance.model_dump_json())
    s3.put_object(Bucket=BUCKET, Key=plan_key, Body=plan.model_dump_json())
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "FLEXTIME_BUCKET": BUCKET,
        "FLEXTIME_TENANT_ID": str(tenant),
        "FLEXTIME_SEASON_ID": str(season),
        "FLEXTIME_JOB_ID": str(job),
        "FLEXTIME_INSTANCE_KEY": instance_key,
        "FLEXTIME_PLAN_KEY": plan_key,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }
    if drop:
        env.pop(drop)
    done = subprocess.run(
        [sys.executable, str(ENTRYPOINT)], env=env, capture_output=True, text=True, timeout=300
    )

    def read(kind: str, name: str):
        body = s3.get_object(Bucket=BUCKET, Key=artifact_key(tenant, season, job, kind, name))["Body"].read()
        return json.loads(body)

    state = JobState(
        tenant_id=tenant,
        season_id=season,
        job_id=job,
        input_key=instance_key,
        instance_key=instance_key,
        plan_key=plan_key,
        solution_key=artifact_key(tenant, season, job, "solutions", "solution.json"),
        compute="fargate",
    )
    return done, read, state


def test_the_entrypoint_solves_and_writes_schedule_report_and_progress(moto_s3):
    # Given a 4-team season and its plan in S3
    # When the container's entrypoint runs
    done, read, _ = _run(moto_s3, tiny_round_robin(4))

    # Then it exits 0 and the schedule, the report and the progress are in S3
    assert done.returncode == 0, done.stderr
    assert len(read("solutions", "solution.json")["games"]) == 12
    assert read("reports", "solve.json")["status"] in ("OPTIMAL", "FEASIBLE")
    assert isinstance(read("reports", "progress.json"), list)


def test_an_infeasible_season_exits_3_with_its_report(moto_s3):
    # Given a season where T0 can never play
    instance = tiny_round_robin(4, constraints=[TeamUnavailable(id="x", team="T0", slots=list(range(6)))])

    # When / Then
    done, read, _ = _run(moto_s3, instance)
    assert done.returncode == 3, done.stderr
    assert read("reports", "solve.json")["status"] == "INFEASIBLE"


def test_a_missing_setting_exits_2(moto_s3):
    # Given no instance key in the environment / When / Then
    done, _, _ = _run(moto_s3, tiny_round_robin(4), drop="FLEXTIME_INSTANCE_KEY")
    assert done.returncode == 2
    assert "FLEXTIME_INSTANCE_KEY" in done.stdout + done.stderr


@pytest.fixture
def agents_on(moto_s3, monkeypatch):
    """The agents' S3 adapter pointed at the moto server's bucket."""
    for name, value in {
        "AWS_ENDPOINT_URL": moto_s3,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "FLEXTIME_BUCKET": BUCKET,
    }.items():
        monkeypatch.setenv(name, value)
    reset_settings()
    reset_runtime()
    yield moto_s3
    monkeypatch.undo()
    reset_settings()
    reset_runtime()


def test_a_fargate_plan_improves_travel_in_the_task_and_optimize_travel_reports_it(agents_on):
    # Given an 8-team TTP and a Fargate plan for a generate job (travel share: 10 % of 20 s)
    instance = random_ttp(8, seed=3)

    # When the container's entrypoint runs
    done, read, state = _run(agents_on, instance, time_limit=20, travel=True)

    # Then the task solved for 18 s, improved travel for 2 s, and wrote both schedules
    assert done.returncode == 0, done.stderr
    plan = read("inputs", "plan.json")
    assert (plan["travel_in_solver"], plan["travel_s"]) == (True, 2.0)
    assert read("reports", "solve.json")["params"]["time_limit_s"] == 18.0
    solved = Schedule.model_validate(read("solutions", "solution.json"))
    improved = Schedule.model_validate(read("solutions", "solution-travel.json"))
    before, after = validate(instance, solved), validate(instance, improved)
    assert after.feasible and after.travel_total < before.travel_total

    # When OptimizeTravel follows (the Lambda: no improver of its own runs)
    handed = optimize_travel(state)

    # Then it reports the task's improvement and hands its schedule on
    report = read("reports", "travel.json")
    assert report["improver"] == "solver task" and report["improved"]
    assert (report["before"]["total"], report["after"]["total"]) == (before.travel_total, after.travel_total)
    assert handed.solution_key == state.key("solutions", "solution-travel.json")
    assert Schedule.model_validate(read("solutions", "solution-travel.json")).games == improved.games


def test_optimize_travel_improves_itself_when_the_task_left_no_travel_schedule(agents_on):
    # Given a Fargate plan with travel whose task's travel schedule is missing
    instance = random_ttp(6, seed=4)
    done, read, state = _run(agents_on, instance, time_limit=5, travel=True)
    assert done.returncode == 0, done.stderr
    _s3(agents_on).delete_object(Bucket=BUCKET, Key=state.key("solutions", "solution-travel.json"))

    # When OptimizeTravel runs
    optimize_travel(state)

    # Then it ran the improver itself, and what it reports passes the validator
    report = read("reports", "travel.json")
    assert report["improver"] == "OptimizeTravel"
    final = Schedule.model_validate(
        read("solutions", "solution-travel.json" if report["improved"] else "solution.json")
    )
    assert validate(instance, final).feasible
    assert report["after"]["total"] <= report["before"]["total"]
