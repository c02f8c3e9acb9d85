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
from flextime.agents.settings import AgentSettings
from flextime.domain import TeamUnavailable
from flextime.paths import REPO_ROOT
from flextime.store.s3 import artifact_key
from tests.conftest import tiny_round_robin

ENTRYPOINT = REPO_ROOT / "solver_container" / "entrypoint.py"
BUCKET = "solver-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def moto_s3() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    os.environ["MOTO_PORT"] = str(port)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()
    os.environ.pop("MOTO_PORT", None)


def _run(endpoint: str, instance, *, drop: str | None = None):
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    tenant, season, job = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    instance_key = artifact_key(tenant, season, job, "instances", "instance.json")
    plan_key = artifact_key(tenant, season, job, "inputs", "plan.json")
    plan = choose_plan(profile_instance(instance), {"time_limit_s": 5}, AgentSettings(compute="fargate"))
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
        [sys.executable, str(ENTRYPOINT)], env=env, capture_output=True, text=True, timeout=120
    )

    def read(kind: str, name: str):
        body = s3.get_object(Bucket=BUCKET, Key=artifact_key(tenant, season, job, kind, name))["Body"].read()
        return json.loads(body)

    return done, read


def test_the_entrypoint_solves_and_writes_schedule_report_and_progress(moto_s3):
    # Given a 4-team season and its plan in S3
    # When the container's entrypoint runs
    done, read = _run(moto_s3, tiny_round_robin(4))

    # Then it exits 0 and the schedule, the report and the progress are in S3
    assert done.returncode == 0, done.stderr
    assert len(read("solutions", "solution.json")["games"]) == 12
    assert read("reports", "solve.json")["status"] in ("OPTIMAL", "FEASIBLE")
    assert isinstance(read("reports", "progress.json"), list)


def test_an_infeasible_season_exits_3_with_its_report(moto_s3):
    # Given a season where T0 can never play
    instance = tiny_round_robin(4, constraints=[TeamUnavailable(id="x", team="T0", slots=list(range(6)))])

    # When / Then
    done, read = _run(moto_s3, instance)
    assert done.returncode == 3, done.stderr
    assert read("reports", "solve.json")["status"] == "INFEASIBLE"


def test_a_missing_setting_exits_2(moto_s3):
    # Given no instance key in the environment / When / Then
    done, _ = _run(moto_s3, tiny_round_robin(4), drop="FLEXTIME_INSTANCE_KEY")
    assert done.returncode == 2
    assert "FLEXTIME_INSTANCE_KEY" in done.stdout + done.stderr
