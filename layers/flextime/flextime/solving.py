"""Solve, then check with the independent validator: the one use case behind CLI solve, bench and demo."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flextime.domain import Instance
from flextime.engine import SolveResult, SolverParams, solve_instance
from flextime.outputs import build_summary, write_solve_outputs
from flextime.validate import ValidationReport, validate


@dataclass(frozen=True)
class SolveOutcome:
    instance: Instance
    result: SolveResult
    report: ValidationReport | None

    @property
    def feasible(self) -> bool:
        return self.report is not None and self.report.feasible

    def summary(self) -> dict[str, Any]:
        return build_summary(self.instance, self.result, self.report)

    def write(self, out_dir: Path) -> list[Path]:
        return write_solve_outputs(out_dir, self.instance, self.result, self.report)


def solve_and_check(
    instance: Instance, params: SolverParams, on_progress: Callable[[Any], None] | None = None
) -> SolveOutcome:
    """Run CP-SAT on the instance and re-score whatever it returns with the validator."""
    result = solve_instance(instance, params, on_progress=on_progress)
    report = validate(instance, result.schedule) if result.schedule is not None else None
    return SolveOutcome(instance=instance, result=result, report=report)
