"""Shared machinery of the strategies: the plan, one clock per solve, the incumbent (a complete
assignment of every model variable), cloned sub-models with fixed variables and full hints, and the
final ``SolveResult``.

Every solution kept here is a solution of the *full* model (soft terms exact), so its objective is
what the validator computes.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field

from flextime.engine.extract import extract_schedule
from flextime.engine.params import SolverParams
from flextime.engine.runner import (
    _STATUS,
    PenaltyReport,
    ProgressFn,
    ProgressSample,
    SolveResult,
    Status,
    _Recorder,
)
from flextime.engine.variables import BuiltModel


class StrategyPlan(BaseModel):
    """A strategy chosen for an instance, with its parameters and the reasons (from the profile)."""

    model_config = ConfigDict(frozen=True)

    name: str
    params: dict[str, Any] = Field(default_factory=dict)
    reasons: list[str] = Field(default_factory=list)

    def get(self, key: str, default: Any) -> Any:
        return self.params.get(key, default)


class Incumbent:
    """The best complete assignment so far (values of every proto variable) and the solver that
    produced it (its response is read back for the schedule and the penalty report)."""

    def __init__(self, objective: int, values: list[int], solver: cp_model.CpSolver) -> None:
        self.objective = objective
        self.values = values
        self.solver = solver


class Session:
    """One solve: the clock, progress samples, best bound and the incumbent, shared by the phases."""

    def __init__(self, params: SolverParams, on_progress: ProgressFn | None) -> None:
        self.params = params
        self.on_progress = on_progress
        self.start = time.perf_counter()
        self.samples: list[ProgressSample] = []
        self.first: float | None = None
        self.bound: float | None = None
        self.best: Incumbent | None = None
        self.proven_infeasible = False
        self.proven_optimal = False
        self.notes: list[str] = []
        self.build_seconds = 0.0

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def remaining(self) -> float:
        return self.params.time_limit_s - self.elapsed()

    def solve(
        self,
        built: BuiltModel,
        model: cp_model.CpModel,
        seconds: float,
        *,
        workers: int | None = None,
        subsolvers: list[str] | None = None,
        record: bool = True,
        extra: dict[str, Any] | None = None,
        grace: float = 0.0,
    ) -> tuple[Status, cp_model.CpSolver]:
        """Run CP-SAT on ``model`` (the full model of ``built`` or a clone of it) for at most
        ``seconds`` and at most until the time limit (+ ``grace``)."""
        solver = cp_model.CpSolver()
        self.params.apply(solver)
        p = solver.parameters
        p.max_time_in_seconds = max(0.01, min(seconds, self.remaining() + grace))
        if workers is not None:
            p.num_workers = workers
        if subsolvers:
            p.subsolvers.extend(subsolvers)
        for key, value in (extra or {}).items():
            setattr(p, key, value)
        if record:
            recorder = _Recorder(built, self.on_progress, self.start, self.samples)
            code = solver.Solve(model, recorder)
            if recorder.first is not None and self.first is None:
                self.first = recorder.first
        else:
            code = solver.Solve(model)
        return _STATUS.get(code, "UNKNOWN"), solver

    def offer(self, solver: cp_model.CpSolver, has_objective: bool) -> bool:
        """Keep the solver's solution if it is at least as good as the incumbent."""
        objective = round(solver.ObjectiveValue()) if has_objective else 0
        if self.first is None:
            self.first = self.elapsed()
        if self.best is not None and objective > self.best.objective:
            return False
        improved = self.best is None or objective < self.best.objective
        self.best = Incumbent(objective, list(solver.ResponseProto().solution), solver)
        if improved and (not self.samples or objective < self.samples[-1].objective):
            sample = ProgressSample(t_seconds=self.elapsed(), objective=objective, bound=self.bound or 0.0)
            self.samples.append(sample)
            if self.on_progress is not None:
                self.on_progress(sample)
        return improved

    def raise_bound(self, solver: cp_model.CpSolver) -> None:
        b = float(solver.BestObjectiveBound())
        self.bound = b if self.bound is None else max(self.bound, b)


def set_hint(model: cp_model.CpModel, values: list[int]) -> None:
    """A complete hint: every proto variable hinted to ``values[i]``."""
    hint = model.Proto().solution_hint
    hint.vars.clear()
    hint.values.clear()
    hint.vars.extend(range(len(values)))
    hint.values.extend(values)


def fixed_clone(model: cp_model.CpModel, fixed: Iterable[tuple[int, int]]) -> cp_model.CpModel:
    """A copy of ``model`` with the given (proto index, value) pairs fixed through their domains."""
    clone = model.clone()
    variables = clone.Proto().variables
    for index, value in fixed:
        domain = variables[index].domain
        domain[0] = value
        domain[1] = value
        # a Boolean domain has exactly two bounds; longer domains are not used for game variables
    return clone


def x_index(built: BuiltModel) -> dict[tuple[int, int, int], int]:
    return {key: v.Index() for key, v in built.x.items()}


def complete_from_games(
    session: Session, built: BuiltModel, games: set[tuple[int, int, int]], seconds: float
) -> bool:
    """Fix the game variables to ``games`` in the full model and let CP-SAT fill in the rest (all
    helper literals and deviations follow by propagation); offered to the session. False when the
    games are not a solution of the full model's hard part."""
    fixed = [(v.Index(), 1 if key in games else 0) for key, v in built.x.items()]
    clone = fixed_clone(built.model, fixed)
    # a found schedule is not lost at the deadline: completing it (propagation only) may take
    # up to a second beyond the time limit
    status, solver = session.solve(built, clone, seconds, workers=1, record=False, grace=1.0)
    if status not in ("OPTIMAL", "FEASIBLE"):
        return False
    session.offer(solver, built.model.has_objective())
    return True


def games_of(built: BuiltModel, values: list[int]) -> set[tuple[int, int, int]]:
    return {key for key, v in built.x.items() if values[v.Index()]}


def finish(
    session: Session,
    built: BuiltModel,
    params: SolverParams,
    plan: StrategyPlan,
    profile: dict[str, Any] | None,
    last_status: Status = "UNKNOWN",
) -> SolveResult:
    """The ``SolveResult`` of the incumbent (or of no solution)."""
    wall = session.elapsed()
    has_objective = built.model.has_objective()
    best = session.best
    if best is None:
        status: Status = "INFEASIBLE" if session.proven_infeasible else last_status
        if status in ("OPTIMAL", "FEASIBLE"):
            status = "UNKNOWN"
        result = SolveResult(
            status=status,
            feasible=False,
            wall_seconds=wall,
            params=params,
            notes=list(built.notes) + session.notes,
            progress=session.samples,
            bound=session.bound,
        )
    else:
        bound = session.bound
        optimal = (
            session.proven_optimal or not has_objective or (bound is not None and bound >= best.objective)
        )
        if optimal:
            bound = float(best.objective)
        solver = best.solver
        penalties, soft = [], 0
        for p in built.penalties:
            dev = int(solver.Value(p.deviation))
            if dev:
                cost = p.weight * dev
                soft += cost
                penalties.append(
                    PenaltyReport(
                        constraint_id=p.constraint_id,
                        label=p.label,
                        family=p.family,
                        deviation=dev,
                        weight=p.weight,
                        cost=cost,
                    )
                )
        low = max(0.0, bound) if bound is not None else 0.0
        result = SolveResult(
            status="OPTIMAL" if optimal else "FEASIBLE",
            feasible=True,
            objective=best.objective,
            bound=bound,
            gap=max(0.0, (best.objective - low) / max(1, abs(best.objective))),
            wall_seconds=wall,
            first_feasible_seconds=session.first if session.first is not None else wall,
            schedule=extract_schedule(built, solver),
            penalties=penalties,
            soft_cost=soft if built.instance.objective.soft_constraints else 0,
            travel=int(solver.Value(built.travel)) if built.travel is not None else None,
            progress=session.samples,
            params=params,
            notes=list(built.notes) + session.notes,
        )
    result.build_seconds = session.build_seconds
    result.strategy = plan.name
    result.plan = {"name": plan.name, "params": plan.params, "reasons": plan.reasons, "profile": profile}
    return result
