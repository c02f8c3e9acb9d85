"""The two ways in (the API's job row, the nightly schedule), idempotent starts, the venue
re-solve, the repair machine and the notification agent."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import uuid

from flextime.agents.jobs import start_execution
from flextime.agents.state import JobState
from flextime.domain import TeamUnavailable
from flextime.local.lambdas import LambdaContextStub
from flextime.paths import REPO_ROOT
from flextime.store.db import get_pool, tenant_transaction
from flextime.store.repositories import notifications, seasons
from tests.integration.workflow.conftest import job_row, small_instance, start_job, versions_of


def test_starting_the_same_job_twice_yields_one_execution(cloud, world, owner):
    # Given a job the API started
    first = start_job(cloud, world, small_instance(4))

    # When the API (or a retry of its request) starts it again
    state = JobState(
        tenant_id=world.tenant_id,
        season_id=world.season_id,
        job_id=first.job_id,
        input_key=f"{world.tenant_id}/{world.season_id}/{first.job_id}/inputs/instance.json",
    )
    second = start_execution(cloud.client("stepfunctions"), state)

    # Then there is one execution, named after the job
    assert second.execution_arn == first.execution_arn and not second.started
    cloud.wait(first.execution_arn)
    sfn = cloud.client("stepfunctions")
    executions = sfn.list_executions(stateMachineArn=cloud.state_machine_arns["generate"])["executions"]
    assert [e["name"] for e in executions] == [str(first.job_id)]
    assert versions_of(owner, first.job_id) == 1


def test_the_nightly_schedule_creates_its_job_and_reoptimises_the_draft(cloud, world, owner):
    # Given a season with a generated draft
    first = start_job(cloud, world, small_instance(4))
    assert cloud.wait(first.execution_arn)["status"] == "SUCCEEDED"

    # When the EventBridge schedule starts the machine with no job row
    sfn = cloud.client("stepfunctions")
    request = {
        "source": "schedule",
        "tenant_id": str(world.tenant_id),
        "season_id": str(world.season_id),
        "time_limit_s": 3,
    }
    arn = sfn.start_execution(
        stateMachineArn=cloud.state_machine_arns["generate"], name="nightly-1", input=json.dumps(request)
    )["executionArn"]
    result = cloud.wait(arn)

    # Then its first state created a job, which wrote version 2 derived from version 1
    assert result["status"] == "SUCCEEDED", result
    output = json.loads(result["output"])
    job = job_row(owner, uuid.UUID(output["job_id"]))
    assert (job["kind"], job["status"]) == ("reoptimize", "succeeded")
    parent, version = owner.execute(
        "SELECT parent_id, version FROM schedules WHERE job_id = %s", (job["id"],)
    ).fetchone()
    assert version == 2
    assert (
        parent == owner.execute("SELECT id FROM schedules WHERE job_id = %s", (first.job_id,)).fetchone()[0]
    )


def test_a_venue_conflict_triggers_one_resolve_with_the_conflict_as_a_constraint(cloud, world, owner):
    # Given V0 (T0's home) held by another sport on five of the ten game dates
    instance = small_instance(6)
    held = [s.date for s in instance.slots[::2]]
    with tenant_transaction(get_pool(), world.tenant_id, world.admin) as tx:
        venue_ids = seasons.add_venues(tx, instance.venues)
        for day in held:
            seasons.add_calendar_entry(tx, venue_ids["V0"], day, holder="MBB")

    # When the job runs (a generous limit: the solves stop at the first schedule, no objective)
    started = start_job(cloud, world, instance, options={"time_limit_s": 20})
    result = cloud.wait(started.execution_arn)

    # Then the first schedule clashed, the machine solved once more with the cuts and succeeded
    assert result["status"] == "SUCCEEDED", result
    entered = [
        e["stateEnteredEventDetails"]["name"]
        for e in cloud.history(started.execution_arn)
        if "stateEnteredEventDetails" in e
    ]
    assert entered.count("SolveInLambda") == 2 and entered.count("CheckVenues") == 2
    home_days = {
        r[0]
        for r in owner.execute(
            "SELECT day FROM games WHERE home = 'T0' AND schedule_id = %s",
            (json.loads(result["output"])["schedule_id"],),
        ).fetchall()
    }
    assert home_days and not home_days & set(held)


def test_repair_keeps_past_and_locked_games_and_stores_the_diff(cloud, world, owner):
    # Given a generated schedule, one of its later games locked by the scheduler
    base_instance = small_instance(6)
    first = start_job(cloud, world, base_instance)
    base = json.loads(cloud.wait(first.execution_arn)["output"])
    old = set(
        owner.execute(
            "SELECT home, away, slot FROM games WHERE schedule_id = %s", (base["schedule_id"],)
        ).fetchall()
    )
    by_slot = {s: sorted(g for g in old if g[2] == s) for s in range(10)}
    h5 = by_slot[5][0][0]  # disrupted through the API's contract (a constraint in the instance)
    h7 = next(g[0] for g in by_slot[7] if h5 not in g[:2])  # and through a typed change
    locked = next(g for g in by_slot[9] if not {h5, h7} & set(g[:2]))
    owner.execute(
        "UPDATE games SET locked = true WHERE schedule_id = %s AND home = %s AND away = %s AND slot = %s",
        (base["schedule_id"], *locked),
    )
    disruption = TeamUnavailable(id="field-closed", label="field closed", team=h5, mode="home", slots=[5])
    instance = base_instance.model_copy(update={"constraints": [disruption]})

    # When the repair machine runs with games before slot 3 already played
    started = start_job(
        cloud,
        world,
        instance,
        kind="repair",
        options={
            "parent_id": base["schedule_id"],
            "disruptions": ["field-closed"],
            "changes": [{"kind": "team_blackout", "team": h7, "mode": "home", "slots": [7]}],
            "now_slot": 3,
            "window": 2,  # legacy, ignored: the engine's disruption objective decides what moves
        },
    )
    result = cloud.wait(started.execution_arn)

    # Then the new version keeps every past game and the locked one, honours both disruptions
    assert result["status"] == "SUCCEEDED", result
    new_id = json.loads(result["output"])["schedule_id"]
    new = set(
        owner.execute("SELECT home, away, slot FROM games WHERE schedule_id = %s", (new_id,)).fetchall()
    )
    assert {g for g in old if g[2] < 3} <= new
    assert locked in new
    assert not [g for g in new if (g[0], g[2]) in {(h5, 5), (h7, 7)}]
    assert versions_of(owner, started.job_id) == 1

    # and the engine's diff is stored on the job (and in S3), matching the versions' difference
    repair = job_row(owner, started.job_id)["result"]["repair"]
    assert repair["validator_feasible"] is True and repair["hard_violations"] == []
    assert repair["locked_games"] == 9 + 1  # three played slots of three games, plus the lock
    assert repair["changes"] and repair["games_moved"] >= 2
    moved_from = {(c["home"], c["away"], c["from_slot"]) for c in repair["changes"] if c["kind"] == "moved"}
    moved_to = {(c["home"], c["away"], c["to_slot"]) for c in repair["changes"] if c["kind"] == "moved"}
    flipped = [c for c in repair["changes"] if c["kind"] != "moved"]
    assert not flipped and moved_from == old - new and moved_to == new - old
    s3 = cloud.client("s3").get_object(Bucket=cloud.bucket, Key=repair["report_key"])
    assert json.loads(s3["Body"].read())["changes"] == repair["changes"]


def _notify_handler():
    spec = importlib.util.spec_from_file_location("notify_handler", REPO_ROOT / "functions/notify/handler.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


def test_notify_records_notifications_for_schedulers_and_admins(cloud, world):
    # Given a ScheduleGenerated event from the bus, and the admin having turned that kind off
    with tenant_transaction(get_pool(), world.tenant_id, world.admin) as tx:
        notifications.set_preference(tx, world.admin, "schedule_generated", "in_app", False)
    detail = {
        "tenant_id": str(world.tenant_id),
        "job_id": str(uuid.uuid4()),
        "season_id": str(world.season_id),
        "schedule_id": str(uuid.uuid4()),
        "version": 3,
    }
    event = {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "ScheduleGenerated",
        "source": "flextime",
        "account": "123456789012",
        "time": dt.datetime.now(dt.UTC).isoformat(),
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    }

    # When the notify handler consumes it
    result = _notify_handler()(event, LambdaContextStub(function_name="flextime-notify"))

    # Then only the scheduler (who did not opt out) got a notification
    assert result == {"recorded": 1}
    with tenant_transaction(get_pool(), world.tenant_id, world.scheduler) as tx:
        unread = notifications.unread(tx, world.scheduler)
    assert [n.kind for n in unread] == ["schedule_generated"] and unread[0].payload["version"] == 3
