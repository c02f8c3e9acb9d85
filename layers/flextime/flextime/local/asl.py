"""The state machines' ``${Placeholders}`` and how they are filled: ONE map, used by the local
cloud here and by CDK (``definition_substitutions``) with deployed ARNs/names.

Placeholder names: ``<Stem>FunctionArn`` for each agent Lambda (stem -> ``functions/<dir>``), plus
the resource names in :data:`RESOURCE_PLACEHOLDERS`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from flextime.paths import REPO_ROOT

STATE_MACHINES: dict[str, str] = {
    "generate": "generate_schedule.asl.json",
    "repair": "repair_schedule.asl.json",
}

# Placeholder stem -> the folder under functions/ holding its handler.py.
FUNCTIONS: dict[str, str] = {
    "CreateScheduledJob": "create_scheduled_job",
    "LoadScenario": "load_scenario",
    "CheckConstraints": "check_constraints",
    "Explain": "explain",
    "SelectAlgorithm": "select_algorithm",
    "Solve": "solve",
    "CollectSolution": "collect_solution",
    "OptimizeTravel": "optimize_travel",
    "CheckVenues": "check_venues",
    "PersistSchedule": "persist_schedule",
    "MarkFailed": "mark_failed",
    "PrepareRepair": "prepare_repair",
}
# Lambdas that are not states (event consumers).
EVENT_FUNCTIONS: dict[str, str] = {"Notify": "notify"}

RESOURCE_PLACEHOLDERS: tuple[str, ...] = (
    "ArtifactBucketName",
    "EventBusName",
    "SolverClusterArn",
    "SolverTaskDefinitionArn",
    "SolverContainerName",
    "SolverSubnetA",
    "SolverSubnetB",
    "SolverSecurityGroupId",
)
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


def function_placeholder(stem: str) -> str:
    return f"{stem}FunctionArn"


def function_name(stem: str, prefix: str = "flextime") -> str:
    """Deployed function name of an agent, e.g. flextime-load-scenario."""
    return f"{prefix}-{FUNCTIONS.get(stem, EVENT_FUNCTIONS.get(stem, stem)).replace('_', '-')}"


def placeholder_names() -> set[str]:
    """Every placeholder the substitution map fills."""
    return {function_placeholder(s) for s in FUNCTIONS} | set(RESOURCE_PLACEHOLDERS)


def asl_dir() -> Path:
    return REPO_ROOT / "state_machines"


def asl_text(machine: str) -> str:
    return (asl_dir() / STATE_MACHINES[machine]).read_text(encoding="utf-8")


def placeholders_in(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def substitutions(
    *,
    account: str,
    region: str,
    bucket: str,
    event_bus: str,
    prefix: str = "flextime",
    solver: dict[str, str] | None = None,
) -> dict[str, str]:
    """The substitution map for one account/region (what CDK passes with real resource values)."""
    subs = {
        function_placeholder(
            stem
        ): f"arn:aws:lambda:{region}:{account}:function:{function_name(stem, prefix)}"
        for stem in FUNCTIONS
    }
    subs |= {"ArtifactBucketName": bucket, "EventBusName": event_bus}
    subs |= {
        "SolverClusterArn": f"arn:aws:ecs:{region}:{account}:cluster/{prefix}-solver",
        "SolverTaskDefinitionArn": f"arn:aws:ecs:{region}:{account}:task-definition/{prefix}-solver",
        "SolverContainerName": "solver",
        "SolverSubnetA": "subnet-local-a",
        "SolverSubnetB": "subnet-local-b",
        "SolverSecurityGroupId": "sg-local",
    } | (solver or {})
    return subs


def render(machine: str, subs: dict[str, str], timeout_overrides: dict[str, int] | None = None) -> str:
    """The ASL with every placeholder filled (KeyError naming the missing ones).

    ``timeout_overrides`` (state name -> seconds) exists for tests of the timeout path only."""
    text = asl_text(machine)
    missing = placeholders_in(text) - subs.keys()
    if missing:
        raise KeyError(f"unsubstituted placeholders in {machine}: {sorted(missing)}")
    rendered = _PLACEHOLDER.sub(lambda m: subs[m.group(1)], text)
    if not timeout_overrides:
        return rendered
    definition: dict[str, Any] = json.loads(rendered)
    for state, seconds in timeout_overrides.items():
        if state in definition["States"]:  # the machines share most, not all, state names
            definition["States"][state]["TimeoutSeconds"] = seconds
    return json.dumps(definition)
