"""``flextime bench big12``: the three built-in Big 12 scenarios, solved and re-checked."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from flextime import scenarios
from flextime.engine import SolverParams
from flextime.solving import solve_and_check


def run_big12_bench(
    *, time_limit: float, workers: int, seed: int, console: Console | None = None
) -> list[dict[str, Any]]:
    """One row per scenario: status, time to first feasible, objective, bound, gap, validator verdict."""
    from flextime.terminal import solve_progress

    rows = []
    for info in scenarios.list_scenarios():
        instance = scenarios.load_builtin(info.name)
        params = SolverParams(time_limit_s=time_limit, workers=workers, seed=seed)
        with solve_progress(info.name, time_limit, console) as on_progress:
            outcome = solve_and_check(instance, params, on_progress)
        result, report = outcome.result, outcome.report
        rows.append(
            {
                "scenario": info.name,
                "status": result.status,
                "first_feasible_s": result.first_feasible_seconds,
                "objective": report.objective if report else None,
                "bound": result.bound,
                "gap_pct": round(100 * result.gap, 2) if result.gap is not None else None,
                "wall_s": round(result.wall_seconds, 2),
                "validator_feasible": outcome.feasible,
                "travel_miles": report.travel_total if report else None,
            }
        )
    return rows
