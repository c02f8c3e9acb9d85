"""Run CP-SAT on a built model and report: status, objective, bound, gap, progress, schedule and
the violated soft terms."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field

from flextime.domain.model import Instance, Schedule
from flextime.engine.build import add_hint, build_model
from flextime.engine.extract import extract_schedule
from flextime.engine.params import SolverParams
from flextime.engine.variables import BuiltModel

Status = Literal["OPTIMAL", "FEASIBLE", "INFEASIBLE", "MODEL_INVALID", "UNKNOWN"]


class ProgressSample(BaseModel):
    """One improving solution: when it was found, its objective and the bound at that time."""

    model_config = ConfigDict(frozen=True)

    t_seconds: float
    objective: int
    bound: float


class PenaltyReport(BaseModel):
    """A violated soft term of the returned schedule."""

    model_config = ConfigDict(frozen=True)

    constraint_id: str
    label: str
    family: str = ""
    deviation: int
    weight: int
    cost: int


class SolveResult(BaseModel):
    status: Status
    feasible: bool
    objective: int | None = None
    bound: float | None = None
    gap: float | None = Field(None, description="(objective - bound) / max(1, |objective|)")
    wall_seconds: float
    first_feasible_seconds: float | None = None
    schedule: Schedule | None = None
    penalties: list[PenaltyReport] = Field(default_factory=list)
    soft_cost: int | None = None
    travel: int | None = None
    progress: list[ProgressSample] = Field(default_factory=list)
    params: SolverParams
    notes: list[str] = Field(default_factory=list)
    build_seconds: float | None = None


ProgressFn = Callable[[ProgressSample], None]


class _Recorder(cp_model.CpSolverSolutionCallback):
    def __init__(self, built: BuiltModel, on_progress: ProgressFn | None, start: float):
        super().__init__()
        self.built = built
        self.on_progress = on_progress
        self.start = start
        self.samples: list[ProgressSample] = []
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        t = time.perf_counter() - self.start
        has_objective = self.built.model.HasObjective()
        obj = int(round(self.ObjectiveValue())) if has_objective else 0
        bound = float(self.BestObjectiveBound()) if has_objective else 0.0
        if self.first is None:
            self.first = t
        if self.samples and obj >= self.samples[-1].objective:
            return
        sample = ProgressSample(t_seconds=t, objective=obj, bound=bound)
        self.samples.append(sample)
        if self.on_progress is not None:
            self.on_progress(sample)


_STATUS: dict[int, Status] = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


def solve(built: BuiltModel, params: SolverParams | None = None, on_progress: ProgressFn | None = None) -> SolveResult:
    """Solve a built model with CP-SAT."""
    params = params or SolverParams()
    if params.hint is not None:
        add_hint(built, params.hint)
    solver = cp_model.CpSolver()
    params.apply(solver)
    start = time.perf_counter()
    recorder = _Recorder(built, on_progress, start)
    code = solver.Solve(built.model, recorder)
    wall = time.perf_counter() - start
    status = _STATUS.get(code, "UNKNOWN")
    feasible = status in ("OPTIMAL", "FEASIBLE")
    has_objective = built.model.HasObjective()
    result = SolveResult(
        status=status,
        feasible=feasible,
        wall_seconds=wall,
        params=params,
        notes=list(built.notes),
        progress=recorder.samples,
        first_feasible_seconds=recorder.first,
    )
    if not feasible:
        if has_objective and status == "UNKNOWN":
            result.bound = float(solver.BestObjectiveBound())
        return result
    objective = int(round(solver.ObjectiveValue())) if has_objective else 0
    bound = float(solver.BestObjectiveBound()) if has_objective else 0.0
    if status == "OPTIMAL":
        bound = float(objective)
    result.objective = objective
    result.bound = bound
    result.gap = max(0.0, (objective - bound) / max(1, abs(objective)))
    result.schedule = extract_schedule(built, solver)
    reports = []
    soft = 0
    for p in built.penalties:
        dev = int(solver.Value(p.deviation))
        if dev:
            cost = p.weight * dev
            soft += cost
            reports.append(
                PenaltyReport(
                    constraint_id=p.constraint_id, label=p.label, family=p.family,
                    deviation=dev, weight=p.weight, cost=cost,
                )
            )
    result.penalties = reports
    result.soft_cost = soft if built.instance.objective.soft_constraints else 0
    if built.travel is not None:
        result.travel = int(solver.Value(built.travel))
    if result.first_feasible_seconds is None:
        result.first_feasible_seconds = wall
    return result


def solve_instance(
    instance: Instance, params: SolverParams | None = None, on_progress: ProgressFn | None = None
) -> SolveResult:
    """``build_model`` + ``solve``."""
    t0 = time.perf_counter()
    built = build_model(instance)
    build_s = time.perf_counter() - t0
    result = solve(built, params, on_progress)
    result.build_seconds = build_s
    return result
