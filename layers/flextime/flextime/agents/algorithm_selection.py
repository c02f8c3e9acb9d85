"""The selection agent (SelectAlgorithm): instance profile -> plan.

Rules (documented in docs/workflow.md, unit-tested in tests/unit/test_algorithm_selection.py):

* time limit: the job's requested ``time_limit_s`` if any, else by size: <= 8 teams 10 s,
  <= 16 teams 60 s, larger 300 s.
* compute: ``fargate`` when the time limit exceeds the Lambda ceiling (780 s of Lambda's 900 s)
  or the model is large (> 60,000 estimated game variables, where Lambda's 10 GB / 6 vCPU run
  out); otherwise ``lambda`` (no container start, about 10 s saved). A deployment may force one
  (``FLEXTIME_COMPUTE``; the local cloud forces lambda, moto cannot run ECS tasks); forcing
  lambda caps the time limit at the ceiling.
* workers: lambda 2 (the vCPUs of a ~3.5 GB function); fargate 4, 8 above 60,000 variables.
* strategy: the engine's own strategy choice from its instance profile when the engine offers one
  (``flextime.engine.profile`` / ``flextime.engine.strategies``), else CP-SAT "auto".
* hint: the job's ``hint_key`` (previous version's games), when given.
* travel: a generate job on an instance with travel data reserves ``travel_s`` = the travel share
  (10 %) of the time limit for the travel improver; the solve gets the rest
  (``solve_time_limit_s``), so solve + travel stay within the job's time limit. On Lambda the
  improver is OptimizeTravel's, at most 10 s; on Fargate (``travel_in_solver``) the solver task
  runs it right after the solve, at most 300 s, and TTP-shaped instances get the beam search
  there (the image has numba, the Lambda layer has no room for it); OptimizeTravel then only
  checks and reports.
* repair: ``repair_key`` = PrepareRepair's ``inputs/repair.json`` when it exists; the solve then
  runs the engine's minimal-change repair (the published schedule is its hint).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from flextime.agents import runtime
from flextime.agents.settings import AgentSettings, get_settings
from flextime.agents.state import JobState
from flextime.domain import Instance
from flextime.engine.profile import InstanceProfile, profile_instance

LARGE_MODEL_VARIABLES = 60_000
Compute = Literal["lambda", "fargate"]


class Plan(BaseModel):
    model_config = ConfigDict(frozen=True)

    compute: Compute
    time_limit_s: float
    workers: int
    strategy: str = "auto"
    travel_s: float = Field(0.0, description="Seconds of time_limit_s reserved for the travel improver.")
    travel_in_solver: bool = Field(
        False, description="The solver task improves travel after the solve (OptimizeTravel only reports)."
    )
    hint_key: str | None = None
    repair_key: str | None = Field(None, description="PrepareRepair's input: solve = engine repair.")
    reasons: list[str] = Field(default_factory=list)
    profile: InstanceProfile
    engine_profile: dict[str, Any] | None = None

    @property
    def solve_time_limit_s(self) -> float:
        """The solver's share: the job's time limit minus the travel improver's."""
        return max(0.1, self.time_limit_s - self.travel_s)


def default_time_limit(profile: InstanceProfile) -> float:
    if profile.teams <= 8:
        return 10.0
    return 60.0 if profile.teams <= 16 else 300.0


def choose_plan(
    profile: InstanceProfile,
    requested: dict[str, Any],
    settings: AgentSettings,
    engine_choice: dict[str, Any] | None = None,
    *,
    travel: bool = False,
) -> Plan:
    """The plan for one solve (pure: profile + the job's requested options + settings).
    ``travel``: OptimizeTravel follows the solve (its share comes out of the time limit)."""
    reasons: list[str] = []
    time_limit = float(requested.get("time_limit_s") or default_time_limit(profile))
    reasons.append(
        f"time limit {time_limit:g} s ({'requested' if requested.get('time_limit_s') else 'by size'})"
    )
    large = profile.variables > LARGE_MODEL_VARIABLES
    compute: Compute = "fargate" if (time_limit > settings.lambda_solve_ceiling_s or large) else "lambda"
    if settings.compute != "auto" and settings.compute != compute:
        reasons.append(f"compute forced to {settings.compute} (was {compute})")
        compute = settings.compute
    else:
        reasons.append(f"{compute}: {profile.variables:,} variables, limit {time_limit:g} s")
    if compute == "lambda" and time_limit > settings.lambda_solve_ceiling_s:
        time_limit = settings.lambda_solve_ceiling_s
        reasons.append(f"time limit capped at the Lambda ceiling {time_limit:g} s")
    workers = 2 if compute == "lambda" else (8 if large else 4)
    if requested.get("workers"):
        workers = int(requested["workers"])
    strategy = str((engine_choice or {}).get("strategy") or requested.get("strategy") or "auto")
    in_solver = travel and compute == "fargate"
    budget = settings.fargate_travel_budget_s if in_solver else settings.travel_budget_s
    travel_s = min(budget, time_limit * settings.travel_share) if travel else 0.0
    if travel_s:
        where = "in the solver task" if in_solver else "in OptimizeTravel"
        reasons.append(f"solve {time_limit - travel_s:g} s + travel improvement {travel_s:g} s {where}")
    return Plan(
        compute=compute,
        time_limit_s=time_limit,
        travel_s=travel_s,
        travel_in_solver=in_solver and travel_s > 0,
        workers=workers,
        strategy=strategy,
        hint_key=requested.get("hint_key"),
        repair_key=requested.get("repair_key"),
        reasons=reasons,
        profile=profile,
        engine_profile=engine_choice,
    )


def engine_strategy(instance: Instance) -> dict[str, Any] | None:
    """The engine's instance profile and the strategy it would select (recorded in the plan; the
    solve passes strategy "auto", so the engine applies that selection itself)."""
    found = profile_instance(instance)
    data: dict[str, Any] = {"profile": found.model_dump(mode="json")}
    try:
        from flextime.engine.strategies import select_strategy
    except ImportError:
        return data
    chosen = select_strategy(found)
    data["selected"] = {"name": chosen.name, "reasons": list(chosen.reasons)}
    return data


def select_algorithm(state: JobState) -> JobState:
    from flextime.agents import director

    instance = Instance.model_validate(runtime.read_json(state.instance_key or ""))
    requested = dict(director.get_job(state).plan)
    default_hint = state.key("inputs", "hint.json")
    if not requested.get("hint_key") and runtime.artifacts().exists(default_hint):
        requested["hint_key"] = default_hint  # written by CreateScheduledJob
    if state.kind == "repair":
        requested["repair_key"] = state.key("inputs", "repair.json")  # written by PrepareRepair
    from flextime.travel.distances import has_travel_data

    plan = choose_plan(
        profile_instance(instance),
        requested,
        get_settings(),
        engine_strategy(instance),
        travel=state.kind == "generate" and has_travel_data(instance),
    )
    plan_key = runtime.write_json(state.key("inputs", "plan.json"), plan.model_dump(mode="json"))
    return state.model_copy(update={"plan_key": plan_key, "compute": plan.compute})
