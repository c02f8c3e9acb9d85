"""The repair agent (PrepareRepair, in-season): minimal change to a season's schedule version.

The job's plan names the version to repair (``parent_id``) and the disruption: constraint ids of
the instance (TeamUnavailable / VenueUnavailable added for the disruption) and/or ``free_slots``.
Games within ``window`` slots of a disrupted slot are free (hinted with their old slot); every
other game of the version is fixed where it is, so the re-solve moves as little as possible."""

from __future__ import annotations

import uuid
from typing import Any

from flextime.agents import runtime
from flextime.agents.errors import JobInputError
from flextime.agents.state import JobState
from flextime.domain import FixedGame, Game, Instance
from flextime.store.repositories import jobs, schedules


def disrupted_slots(instance: Instance, plan: dict[str, Any]) -> set[int]:
    chosen = set(plan.get("free_slots") or [])
    ids = set(plan.get("disruptions") or [])
    for c in instance.constraints:
        if c.id in ids:
            chosen.update(instance.resolve_slots(c))
    return chosen


def repair_constraints(games: list[Game], free: set[int]) -> list[FixedGame]:
    return [
        FixedGame(
            id=f"keep-{g.home}-{g.away}-{g.slot}",
            label="unchanged by the repair",
            home=g.home,
            away=g.away,
            slot=g.slot,
        )
        for g in games
        if g.slot not in free
    ]


def prepare_repair(state: JobState) -> JobState:
    instance = Instance.model_validate(runtime.read_json(state.instance_key or ""))
    with runtime.platform_tx(state.tenant_id) as tx:
        plan = jobs.get_job(tx, state.job_id).plan
        if not plan.get("parent_id"):
            raise JobInputError("a repair job needs plan.parent_id (the schedule version to repair)")
        base = [
            Game(**g.model_dump(include={"home", "away", "slot", "venue"}))
            for g in schedules.list_games(tx, uuid.UUID(plan["parent_id"]))
        ]
    window = int(plan.get("window", 1))
    free = {s + d for s in disrupted_slots(instance, plan) for d in range(-window, window + 1)}
    fixed = repair_constraints(base, free)
    repaired = instance.model_copy(update={"constraints": [*instance.constraints, *fixed]})
    key = runtime.write_json(state.key("instances", "instance-repair.json"), repaired.model_dump(mode="json"))
    runtime.write_json(state.key("inputs", "hint.json"), {"games": [g.model_dump(mode="json") for g in base]})
    return state.model_copy(update={"instance_key": key})
