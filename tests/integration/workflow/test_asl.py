"""ASL lint: every Task has Retry, Catch and TimeoutSeconds; every placeholder is in the one
substitution map (the CDK issue checks it again against the synthesized template)."""

from __future__ import annotations

import json

import pytest

from flextime.local import asl

MACHINES = list(asl.STATE_MACHINES)


def _states(machine: str) -> dict[str, dict]:
    return json.loads(asl.asl_text(machine))["States"]


@pytest.mark.parametrize("machine", MACHINES)
def test_every_task_has_retry_catch_and_timeout(machine):
    # Given the machine's Task states
    tasks = {n: s for n, s in _states(machine).items() if s["Type"] == "Task"}

    # Then each has all three, and every Catch ends in MarkFailed / Explain / a Fail state
    assert tasks
    for name, state in tasks.items():
        assert state.get("Retry"), name
        assert state.get("Catch"), name
        assert isinstance(state.get("TimeoutSeconds"), int) and state["TimeoutSeconds"] > 0, name
        assert any("States.ALL" in c["ErrorEquals"] for c in state["Catch"]), name


@pytest.mark.parametrize("machine", MACHINES)
def test_every_transition_target_exists_and_failures_are_recorded(machine):
    # Given the states
    states = _states(machine)

    # Then every Next/Default/Catch target exists, and every catch-all goes to MarkFailed (except its own)
    for name, state in states.items():
        targets = [state.get("Next"), state.get("Default")]
        targets += [c["Next"] for c in state.get("Choices", [])] + [c["Next"] for c in state.get("Catch", [])]
        assert all(t in states for t in targets if t), name
        catch_all = [c["Next"] for c in state.get("Catch", []) if "States.ALL" in c["ErrorEquals"]]
        if state["Type"] == "Task" and name != "MarkFailed":
            assert catch_all == ["MarkFailed"], name


@pytest.mark.parametrize("machine", MACHINES)
def test_every_placeholder_is_in_the_substitution_map(machine):
    # Given the placeholders used by the file
    used = asl.placeholders_in(asl.asl_text(machine))

    # Then the map fills them all, and rendering leaves none behind
    assert used <= asl.placeholder_names()
    subs = asl.substitutions(account="111111111111", region="eu-west-1", bucket="b", event_bus="flextime")
    rendered = asl.render(machine, subs)
    assert "${" not in rendered
    assert json.loads(rendered)["StartAt"] == "RecordExecution"


def test_no_literal_arns_in_the_asl_files():
    # Given / Then: ARNs come only from placeholders (service integration ARNs aside)
    for machine in MACHINES:
        text = asl.asl_text(machine)
        for line in text.splitlines():
            if "arn:aws:" in line:
                assert "arn:aws:states:::" in line, line


def test_the_fargate_branch_passes_ids_and_keys_in_container_overrides():
    # Given the Fargate solve state
    fargate = _states("generate")["SolveOnFargate"]

    # Then it is a .sync ECS task whose container gets the job id and the S3 keys
    assert fargate["Resource"] == "arn:aws:states:::ecs:runTask.sync"
    env = fargate["Parameters"]["Overrides"]["ContainerOverrides"][0]["Environment"]
    names = {e["Name"] for e in env}
    assert {"FLEXTIME_JOB_ID", "FLEXTIME_INSTANCE_KEY", "FLEXTIME_PLAN_KEY", "FLEXTIME_BUCKET"} <= names
