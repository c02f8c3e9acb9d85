"""``flextime demo`` (``make demo``): the main job on embedded defaults.

Builds the three Big 12 schedules (football 2026, men's and women's basketball 2026-27) from the
built-in dataset, re-checks each with the validator, and writes solution.xml, schedule.csv and
summary.json per scenario under ``out``.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from flextime import scenarios
from flextime.engine import SolverParams
from flextime.solving import solve_and_check
from flextime.terminal import solve_progress


def run_demo(*, out: Path, time_limit: float, console: Console, progress_console: Console | None) -> int:
    """Run the demo; returns the process exit code (0 when every schedule is feasible)."""
    table = Table(
        "scenario", "status", "feasible", "objective", "gap", "first feasible", "travel (mi)", "files"
    )
    all_feasible = True
    for info in scenarios.list_scenarios():
        instance = scenarios.load_builtin(info.name)
        params = SolverParams(time_limit_s=time_limit, workers=2, seed=0)
        with solve_progress(info.title, time_limit, progress_console) as on_progress:
            outcome = solve_and_check(instance, params, on_progress)
        target = out / info.name
        outcome.write(target)
        result, report = outcome.result, outcome.report
        all_feasible &= outcome.feasible
        table.add_row(
            info.name,
            result.status,
            "yes" if outcome.feasible else "NO",
            str(report.objective) if report else "-",
            f"{result.gap:.2%}" if result.gap is not None else "-",
            f"{result.first_feasible_seconds:.2f} s" if result.first_feasible_seconds is not None else "-",
            f"{report.travel_total:,}" if report and report.travel_total is not None else "-",
            str(target),
        )
    console.print(table)
    return 0 if all_feasible else 1
