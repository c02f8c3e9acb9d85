"""The files a solve leaves behind: solution.xml (RobinX), schedule.csv and summary.json.

The summary's quality figures come from the independent validator, not from the solver, so a
solver bug cannot report a schedule as better than it is. Files are written to a temporary folder
first and moved into place together: a failed run never leaves a half-written --out.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from flextime.domain import Instance
from flextime.engine import SolveResult
from flextime.formats import robinx
from flextime.formats.schedule_csv import schedule_to_csv
from flextime.validate import ValidationReport


def build_summary(instance: Instance, result: SolveResult, report: ValidationReport | None) -> dict[str, Any]:
    """summary.json content: solver status and bounds plus the validator's figures."""
    summary: dict[str, Any] = {
        "instance": instance.name,
        "status": result.status,
        "feasible": bool(report.feasible) if report else False,
        "infeasibility": report.infeasibility if report else None,
        "objective": report.objective if report else None,
        "solver_objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "wall_seconds": round(result.wall_seconds, 3),
        "first_feasible_seconds": result.first_feasible_seconds,
        "travel_total": report.travel_total if report else None,
        "travel_by_team": report.travel_by_team if report else {},
        "breaks_by_team": report.breaks_by_team if report else {},
        "violations": [v.model_dump(mode="json") for v in report.violations] if report else [],
        "structural": list(report.structural) if report else [],
        "params": result.params.model_dump(mode="json", exclude={"hint"}) if result.params else None,
        "progress": [p.model_dump(mode="json") for p in result.progress],
    }
    if result.schedule is not None:
        from flextime.travel.summary import travel_summary

        travel = travel_summary(instance, result.schedule.games)
        summary["travel"] = travel.as_dict() if travel is not None else None
    if report is not None and result.objective is not None and report.objective != result.objective:
        summary["objective_mismatch"] = {"solver": result.objective, "validator": report.objective}
    return summary


def write_solve_outputs(
    out_dir: Path, instance: Instance, result: SolveResult, report: ValidationReport | None
) -> list[Path]:
    """Write the three files atomically into ``out_dir`` (created if needed); returns their paths."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".flextime-", dir=out_dir.parent))
    try:
        files = {"summary.json": json.dumps(build_summary(instance, result, report), indent=2) + "\n"}
        if result.schedule is not None:
            files["schedule.csv"] = schedule_to_csv(instance, result.schedule)
            files["solution.xml"] = robinx.solution_to_string(
                result.schedule,
                instance_name=instance.name,
                objective=report.objective if report else result.objective,
                infeasibility=report.infeasibility if report else None,
                solution_name=f"{instance.name}_flextime",
            )
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name in files:
            target = out_dir / name
            (staging / name).replace(target)
            written.append(target)
        for stale in ("schedule.csv", "solution.xml"):
            if stale not in files and (out_dir / stale).exists():
                (out_dir / stale).unlink()
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
