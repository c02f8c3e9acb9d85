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
    strategy: str | None = Field(None, description="the solving strategy that produced this result")
    plan: dict | None = Field(None, description="the strategy plan: name, parameters, reasons, profile")


ProgressFn = Callable[[ProgressSample], None]


class _Recorder(cp_model.CpSolverSolutionCallback):
    """Records improving solutions (times relative to the start of the whole solve)."""

    def __init__(
        self, built: BuiltModel, on_progress: ProgressFn | None, start: float, samples: list[ProgressSample]
    ):
        super().__init__()
        self.built = built
        self.on_progress = on_progress
        self.start = start
        self.samples = samples
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        t = time.perf_counter() - self.start
        has_objective = self.built.model.has_objective()
        obj = round(self.ObjectiveValue()) if has_objective else 0
        bound = float(self.BestObjectiveBound()) if has_objective else 0.0
        if self.first is None:
            self.first = t
        if self.samples and obj >= self.samples[-1].objective:
            return
        sample = ProgressSample(t_seconds=t, objective=obj, bound=bound)
        self.samples.append(sample)
        if self.on_progress is not None:
            self.on_progress(sample)


_STATUS: dict[cp_model.CpSolverStatus, Status] = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


class _Best:
    """The best solution over all phases, read out of the solver while it is still available."""

    def __init__(self) -> None:
        self.objective: int | None = None
        self.schedule: Schedule | None = None
        self.penalties: list[PenaltyReport] = []
        self.soft = 0
        self.travel: int | None = None
        self.values: list[int] = []

    def offer(self, built: BuiltModel, solver: cp_model.CpSolver, objective: int) -> None:
        if self.objective is not None and objective >= self.objective:
            return
        self.objective = objective
        self.schedule = extract_schedule(built, solver)
        self.penalties, self.soft = [], 0
        for p in built.penalties:
            dev = int(solver.Value(p.deviation))
            if dev:
                cost = p.weight * dev
                self.soft += cost
                self.penalties.append(
                    PenaltyReport(
                        constraint_id=p.constraint_id,
                        label=p.label,
                        family=p.family,
                        deviation=dev,
                        weight=p.weight,
                        cost=cost,
                    )
                )
        self.travel = int(solver.Value(built.travel)) if built.travel is not None else None
        n_vars = len(built.model.Proto().variables)
        self.values = [int(solver.Value(built.model.get_int_var_from_proto_index(i))) for i in range(n_vars)]

    def hint(self, built: BuiltModel) -> None:
        built.model.clear_hints()
        for i, value in enumerate(self.values):
            built.model.add_hint(built.model.get_int_var_from_proto_index(i), value)


def solve(
    built: BuiltModel, params: SolverParams | None = None, on_progress: ProgressFn | None = None
) -> SolveResult:
    """Solve a built model with CP-SAT (one or two phases, see ``SolverParams.strategy``)."""
    params = params or SolverParams()
    if params.hint is not None:
        add_hint(built, params.hint)
    has_objective = built.model.has_objective()
    start = time.perf_counter()
    samples: list[ProgressSample] = []
    best = _Best()
    bound: float | None = None
    first: float | None = None
    status: Status = "UNKNOWN"
    phases = params.phases() if has_objective else [(params.time_limit_s, None)]
    for k, (seconds, subsolvers) in enumerate(phases):
        remaining = params.time_limit_s - (time.perf_counter() - start)
        budget = remaining if k == len(phases) - 1 else min(seconds, remaining)
        if budget <= 0.01:
            break
        if best.values:
            best.hint(built)
        solver = cp_model.CpSolver()
        params.apply(solver)
        solver.parameters.max_time_in_seconds = budget
        if subsolvers:
            solver.parameters.subsolvers.extend(subsolvers)
        recorder = _Recorder(built, on_progress, start, samples)
        code = solver.Solve(built.model, recorder)
        status = _STATUS.get(code, "UNKNOWN")
        if recorder.first is not None and first is None:
            first = recorder.first
        if status in ("OPTIMAL", "FEASIBLE"):
            best.offer(built, solver, round(solver.ObjectiveValue()) if has_objective else 0)
        if has_objective and status in ("OPTIMAL", "FEASIBLE", "UNKNOWN"):
            b = float(solver.BestObjectiveBound())
            bound = b if bound is None else max(bound, b)
        if status in ("OPTIMAL", "INFEASIBLE", "MODEL_INVALID"):
            break
    wall = time.perf_counter() - start
    if status in ("FEASIBLE", "UNKNOWN") and best.objective is not None:
        status = "OPTIMAL" if bound is not None and bound >= best.objective else "FEASIBLE"
    feasible = best.objective is not None and status in ("OPTIMAL", "FEASIBLE")
    result = SolveResult(
        status=status,
        feasible=feasible,
        wall_seconds=wall,
        params=params,
        notes=list(built.notes),
        progress=samples,
        first_feasible_seconds=first,
        bound=bound,
    )
    if not feasible:
        return result
    objective = best.objective
    assert objective is not None
    if status == "OPTIMAL" or not has_objective:
        bound = float(objective)
    result.objective = objective
    result.bound = bound
    result.gap = max(0.0, (objective - (bound or 0.0)) / max(1, abs(objective)))
    result.schedule = best.schedule
    result.penalties = best.penalties
    result.soft_cost = best.soft if built.instance.objective.soft_constraints else 0
    result.travel = best.travel
    if result.first_feasible_seconds is None:
        result.first_feasible_seconds = wall
    return result


def solve_instance(
    instance: Instance, params: SolverParams | None = None, on_progress: ProgressFn | None = None
) -> SolveResult:
    """``build_model`` + ``solve``; with ``params.strategy`` other than "single", the strategy
    selected from the instance profile (see :mod:`flextime.engine.strategies`)."""
    params = params or SolverParams()
    if params.strategy != "single":
        from flextime.engine.strategies import solve_with_strategy

        return solve_with_strategy(instance, params, on_progress=on_progress)
    t0 = time.perf_counter()
    built = build_model(instance)
    build_s = time.perf_counter() - t0
    result = solve(built, params, on_progress)
    result.build_seconds = build_s
    return result
