"""The travel agent (OptimizeTravel): measure travel of the solved schedule (per team, road trips)
and, when the travel package offers an improver (``flextime.travel.improve``), apply it and keep
the result only if the independent validator confirms it is still feasible and no worse.

On a Fargate plan (``plan.travel_in_solver``) the solver task has already run the improver after
the solve, with up to 300 s instead of 10 s (and numba: TTP-shaped instances get the beam search,
which the Lambda layer, without numba, declines): OptimizeTravel then checks the task's schedule
with the validator and reports it. When the task left none, it improves here."""

from __future__ import annotations

import importlib
import inspect
from typing import TYPE_CHECKING, Any

from flextime.agents import runtime
from flextime.agents.observability import logger
from flextime.agents.settings import get_settings
from flextime.agents.state import JobState
from flextime.domain import Instance, Schedule
from flextime.travel.distances import has_travel_data
from flextime.travel.trips import road_trips, team_travel
from flextime.validate import validate

if TYPE_CHECKING:
    from flextime.agents.algorithm_selection import Plan


def travel_report(instance: Instance, schedule: Schedule) -> dict[str, Any]:
    if not has_travel_data(instance):
        return {"measured": False}
    by_team = team_travel(instance, schedule.games)
    trips = {
        t: [trip.model_dump(mode="json") for trip in road_trips(instance, schedule.games, t)]
        for t in instance.team_ids
    }
    return {"measured": True, "total": sum(by_team.values()), "by_team": by_team, "road_trips": trips}


def try_improve(instance: Instance, schedule: Schedule, budget_s: float, workers: int = 1) -> Schedule | None:
    """The improver's schedule, if one exists and beats ``schedule`` while staying feasible."""
    try:
        improver = importlib.import_module("flextime.travel.improve")
    except ImportError:
        return None
    fn = getattr(improver, "improve_travel", None) or getattr(improver, "improve", None)
    if not callable(fn):
        return None
    params = inspect.signature(fn).parameters
    kwargs: dict[str, Any] = {"time_limit_s": budget_s} if "time_limit_s" in params else {}
    if "workers" in params:
        kwargs["workers"] = workers
    found = fn(instance, schedule, **kwargs)
    candidate = getattr(found, "schedule", found)
    if not isinstance(candidate, Schedule):
        return None
    return accepted(instance, schedule, candidate)


def accepted(instance: Instance, schedule: Schedule, candidate: Schedule) -> Schedule | None:
    """``candidate`` when the validator finds it feasible and no worse than ``schedule``."""
    before, after = validate(instance, schedule), validate(instance, candidate)
    if after.feasible and after.objective <= before.objective:
        return candidate
    logger.warning("travel improvement rejected", extra={"feasible": after.feasible})
    return None


def _plan(state: JobState) -> Plan | None:
    if not state.plan_key:
        return None
    from flextime.agents.algorithm_selection import Plan

    return Plan.model_validate(runtime.read_json(state.plan_key))


def travel_budget(plan: Plan | None) -> float:
    """Seconds for the improver: the plan's ``travel_s`` (reserved out of the job's time limit by
    the selection agent); without a plan, the share of the default budget."""
    settings = get_settings()
    limit = settings.travel_budget_s
    if plan is not None:
        limit = plan.travel_s or min(limit, plan.time_limit_s * settings.travel_share)
        if plan.travel_in_solver:  # the solver task left no schedule: a Lambda's share only
            limit = min(limit, settings.travel_budget_s)
    return max(0.5, limit)


def improved_in_solver(
    state: JobState, plan: Plan | None, instance: Instance, schedule: Schedule
) -> tuple[bool, Schedule | None]:
    """(whether the solver task ran the improver, its schedule when feasible and better)."""
    key = state.key("solutions", "solution-travel.json")
    if plan is None or not plan.travel_in_solver or not runtime.artifacts().exists(key):
        return False, None
    candidate = Schedule.model_validate(runtime.read_json(key))
    if candidate.games == schedule.games:
        return True, None
    return True, accepted(instance, schedule, candidate)


def optimize_travel(state: JobState) -> JobState:
    instance = Instance.model_validate(runtime.read_json(state.instance_key or ""))
    schedule = Schedule.model_validate(runtime.read_json(state.solution_key or ""))
    before = travel_report(instance, schedule)
    in_solver, improved = False, None
    if before.get("measured"):
        plan = _plan(state)
        in_solver, improved = improved_in_solver(state, plan, instance, schedule)
        if not in_solver:
            improved = try_improve(instance, schedule, travel_budget(plan))
    update: dict[str, Any] = {}
    if improved is not None:
        update["solution_key"] = runtime.write_json(
            state.key("solutions", "solution-travel.json"), improved.model_dump(mode="json")
        )
    after = travel_report(instance, improved) if improved is not None else before
    runtime.write_json(
        state.key("reports", "travel.json"),
        {
            "before": before,
            "after": after,
            "improved": improved is not None,
            "improver": "solver task" if in_solver else "OptimizeTravel",
        },
    )
    logger.info("travel", extra={"total": after.get("total"), "improved": improved is not None})
    return state.model_copy(update=update)
