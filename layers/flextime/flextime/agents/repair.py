"""The repair agent (in-season): minimal change to a season's schedule version, by the engine's
own repair (:func:`flextime.engine.repair.repair`, one implementation for the CLI, the API and
the workflow).

* **PrepareRepair** (:func:`prepare_repair`) reads the job's plan -- ``parent_id`` (the version to
  repair), ``changes`` (the :mod:`flextime.domain.changes` union: postpone, venue_unavailable,
  tv_pick, team_blackout), ``now_slot`` (games before it are already played), ``disruptions`` (ids
  of constraints the API added to the instance; they are hard constraints of the instance like any
  other), optional ``weights`` (:class:`~flextime.engine.repair.RepairWeights`) -- checks the
  changes against the version without solving, and writes the repair input
  ``inputs/repair.json`` (the published games, with their ``locked`` flags, the changes, now).
  The legacy ``window`` / ``free_slots`` options are ignored: the disruption objective decides
  which games move.
* The **solve** (Lambda or Fargate: :func:`flextime.agents.solver.run_solve`) sees
  ``plan.repair_key`` and calls :func:`run_repair` instead of a fresh solve: locked and past games
  stay, the schedule written is the repaired one, ``reports/solve.json`` carries the disruption as
  the objective, and ``reports/repair.json`` the diff and the validator's verdict.
* **PersistSchedule** copies that diff into the job's result (``result.repair``).
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from flextime.agents import runtime
from flextime.agents.errors import JobInputError
from flextime.agents.state import JobState
from flextime.domain import Game, Instance, InstanceError, Schedule
from flextime.domain.changes import Change, parse_changes
from flextime.store.repositories import jobs, schedules
from flextime.store.s3 import ArtifactStore, get_json, put_json

REPAIR_INPUT = "repair.json"


class RepairInput(BaseModel):
    """``inputs/repair.json``: what the solve needs besides the instance and the plan."""

    parent_id: str
    published: Schedule
    changes: list[Change] = Field(default_factory=list)
    now_slot: int | None = None
    weights: dict[str, int] | None = None
    disruptions: list[str] = Field(default_factory=list)
    report_key: str = Field(description="Where the solve writes the RepairResult (diff, verdict).")


def _published(games: list[Any], instance: Instance) -> Schedule:
    return Schedule(
        instance=instance.name,
        games=[Game(**g.model_dump(include={"home", "away", "slot", "venue", "locked"})) for g in games],
    )


def prepare_repair(state: JobState) -> JobState:
    """Validate the repair request against the version and write ``inputs/repair.json``."""
    from flextime.engine.repair import ChangeError, RepairWeights, apply_changes

    instance = Instance.model_validate(runtime.read_json(state.instance_key or ""))
    with runtime.platform_tx(state.tenant_id) as tx:
        plan = jobs.get_job(tx, state.job_id).plan
        if not plan.get("parent_id"):
            raise JobInputError("a repair job needs plan.parent_id (the schedule version to repair)")
        published = _published(list(schedules.list_games(tx, uuid.UUID(plan["parent_id"]))), instance)
    known = {c.id for c in instance.constraints}
    missing = [d for d in plan.get("disruptions") or [] if d not in known]
    if missing:
        raise JobInputError(f"disruptions name constraints not in the instance: {missing}")
    try:
        changes = parse_changes(plan.get("changes") or [])
        weights = RepairWeights(**plan["weights"]) if plan.get("weights") else None
        now_slot = int(plan["now_slot"]) if plan.get("now_slot") is not None else None
        apply_changes(instance, published, changes, now_slot)  # bad changes fail here, before the solve
    except (ValidationError, ChangeError, InstanceError, ValueError) as exc:
        raise JobInputError(f"bad repair request: {exc}") from exc
    data = RepairInput(
        parent_id=str(plan["parent_id"]),
        published=published,
        changes=changes,
        now_slot=now_slot,
        weights=weights.model_dump() if weights else None,
        disruptions=list(plan.get("disruptions") or []),
        report_key=state.key("reports", "repair.json"),
    )
    runtime.write_json(state.key("inputs", REPAIR_INPUT), data.model_dump(mode="json"))
    return state


def run_repair(store: ArtifactStore, instance: Instance, repair_key: str, params: Any) -> Any:
    """The solve of a repair job: :func:`flextime.engine.repair.repair` on the instance (with any
    venue cuts) -> the RepairResult written to the input's ``report_key``; returns it as the
    :class:`~flextime.engine.SolveResult` the rest of the workflow reads (objective = disruption)."""
    from flextime.engine import SolveResult
    from flextime.engine.repair import RepairWeights, repair

    data = RepairInput.model_validate(get_json(store, repair_key))
    weights = RepairWeights(**data.weights) if data.weights else None
    result = repair(instance, data.published, data.changes, data.now_slot, params, weights)
    put_json(store, data.report_key, result.model_dump(mode="json"))
    return SolveResult(
        status=result.status,
        feasible=result.feasible,
        objective=result.disruption,
        wall_seconds=result.seconds,
        schedule=result.schedule,
        params=params,
        notes=[
            f"repair of version {data.parent_id}: {result.games_moved} moved, "
            f"{result.games_flipped} flipped, {result.locked_games} locked"
        ],
        strategy="repair",
    )


def repair_summary(report: dict[str, Any], report_key: str) -> dict[str, Any]:
    """What the job's result keeps of the RepairResult (the diff in full)."""
    keep = (
        "status",
        "changes",
        "games_moved",
        "games_flipped",
        "games_added",
        "games_removed",
        "teams_affected",
        "disruption",
        "validator_feasible",
        "hard_violations",
        "locked_games",
    )
    return {k: report.get(k) for k in keep} | {"report_key": report_key}
