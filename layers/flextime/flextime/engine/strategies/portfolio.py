"""portfolio: CP-SAT's own search on the full model (``runner.solve``): with <= 2 workers a
no-LP warm start for ``warm_start_fraction`` of the time, then the default portfolio hinted with
the best solution. Best for small models (it proves optimality) and where a bound matters (the
LP gives the gap)."""

from __future__ import annotations

import time
from typing import Any

from flextime.domain.model import Instance
from flextime.engine.build import build_model
from flextime.engine.params import SolverParams
from flextime.engine.runner import ProgressFn, SolveResult, solve
from flextime.engine.strategies._base import StrategyPlan

NAME = "portfolio"


def run(
    instance: Instance,
    params: SolverParams,
    plan: StrategyPlan,
    on_progress: ProgressFn | None = None,
    profile: dict[str, Any] | None = None,
) -> SolveResult:
    t0 = time.perf_counter()
    built = build_model(instance)
    build_s = time.perf_counter() - t0
    # the time limit covers the build, as in the other strategies (at least a second to search)
    update: dict[str, Any] = {"time_limit_s": max(1.0, params.time_limit_s - build_s)}
    if "warm_start_fraction" in plan.params:
        update["warm_start_fraction"] = plan.params["warm_start_fraction"]
    result = solve(built, params.model_copy(update=update), on_progress)
    result.params = params
    result.build_seconds = build_s
    result.strategy = NAME
    result.plan = {"name": plan.name, "params": plan.params, "reasons": plan.reasons, "profile": profile}
    return result
