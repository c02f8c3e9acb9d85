"""The solve agent: instance + plan (+ hint) from S3 -> CP-SAT -> solution and report to S3.

Shared by the Lambda (SolveInLambda: progress samples go to the job row) and the Fargate
container (solver_container/entrypoint.py: progress goes to S3; CollectSolution copies it)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, get_args

from flextime.agents import runtime
from flextime.agents.algorithm_selection import Plan
from flextime.agents.errors import InstanceInfeasible, NoScheduleFound, SolverContainerFailed
from flextime.agents.observability import MetricUnit, logger, metrics
from flextime.agents.settings import get_settings
from flextime.agents.state import JobState
from flextime.domain import Instance, Schedule
from flextime.engine import ProgressSample, SolveResult, SolverParams, solve_instance
from flextime.store.repositories import jobs
from flextime.store.s3 import ArtifactStore, get_json, put_json

ProgressSink = Callable[[dict[str, Any]], None]


def solver_params(plan: Plan, hint: Schedule | None) -> SolverParams:
    strategies = get_args(SolverParams.model_fields["strategy"].annotation)
    strategy = plan.strategy if plan.strategy in strategies else "auto"
    return SolverParams(
        time_limit_s=plan.solve_time_limit_s, workers=plan.workers, seed=0, hint=hint, strategy=strategy
    )


def run_solve(
    store: ArtifactStore,
    instance_key: str,
    plan_key: str,
    solution_key: str,
    report_key: str,
    on_sample: ProgressSink | None = None,
    travel_key: str | None = None,
) -> SolveResult:
    """Solve and write ``solution_key`` (the schedule) and ``report_key`` (the SolveResult).

    A repair plan (``plan.repair_key``) runs the engine's minimal-change repair instead
    (:func:`flextime.agents.repair.run_repair`). A plan with ``travel_in_solver`` then improves
    the schedule's travel for ``plan.travel_s`` and writes the result to ``travel_key`` (the
    improved schedule, or the solve's own when nothing better was found or the improver
    failed), where OptimizeTravel picks it up."""
    instance = Instance.model_validate(get_json(store, instance_key))
    plan = Plan.model_validate(get_json(store, plan_key))
    if plan.repair_key:
        from flextime.agents.repair import run_repair

        result = run_repair(store, instance, plan.repair_key, solver_params(plan, None))
        if result.schedule is not None:
            put_json(store, solution_key, result.schedule.model_dump(mode="json"))
        put_json(store, report_key, result.model_dump(mode="json", exclude={"params": {"hint"}}))
        return result
    hint = None
    if plan.hint_key:
        hint = Schedule.model_validate({"instance": instance.name, **get_json(store, plan.hint_key)})

    def on_progress(sample: ProgressSample) -> None:
        if on_sample is not None:
            on_sample(sample.model_dump(mode="json"))

    result = solve_instance(instance, solver_params(plan, hint), on_progress)
    if result.schedule is not None:
        put_json(store, solution_key, result.schedule.model_dump(mode="json"))
        if plan.travel_in_solver and travel_key:
            better = improved_travel(instance, result.schedule, plan.travel_s, plan.workers)
            put_json(store, travel_key, better.model_dump(mode="json"))
    put_json(store, report_key, result.model_dump(mode="json", exclude={"params": {"hint"}}))
    return result


def improved_travel(instance: Instance, schedule: Schedule, budget_s: float, workers: int = 1) -> Schedule:
    """The travel improver's schedule when it is feasible and no worse, else ``schedule`` (also
    when the improver fails: the solve's schedule is never lost to it)."""
    from flextime.agents.travel import try_improve

    try:
        return try_improve(instance, schedule, budget_s, workers) or schedule
    except Exception:
        logger.exception("travel improvement failed; keeping the solve's schedule")
        return schedule


def raise_for_status(result: SolveResult) -> None:
    if result.schedule is not None:
        return
    if result.status == "INFEASIBLE":
        raise InstanceInfeasible("CP-SAT proved that the constraints cannot all hold")
    raise NoScheduleFound(
        f"no schedule within {result.params.time_limit_s:g} s (status {result.status}); "
        "raise the time limit or relax constraints"
    )


class JobProgress:
    """Progress samples -> the job row, at most one write per ``min_interval`` seconds (the
    last sample is always written by ``flush``)."""

    def __init__(self, state: JobState, min_interval: float):
        self.state, self.min_interval = state, min_interval
        self._last_write = 0.0
        self._pending: dict[str, Any] | None = None

    def __call__(self, sample: dict[str, Any]) -> None:
        self._pending = sample
        if time.monotonic() - self._last_write >= self.min_interval:
            self.flush()

    def flush(self) -> None:
        if self._pending is None:
            return
        with runtime.platform_tx(self.state.tenant_id) as tx:
            jobs.add_progress(tx, self.state.job_id, self._pending)
        self._pending, self._last_write = None, time.monotonic()


def solve(state: JobState) -> JobState:
    solution_key = state.key("solutions", "solution.json")
    progress = JobProgress(state, get_settings().progress_min_interval_s)
    result = run_solve(
        runtime.artifacts(),
        state.instance_key or "",
        state.plan_key or "",
        solution_key,
        state.key("reports", "solve.json"),
        progress,
        travel_key=state.key("solutions", "solution-travel.json"),
    )
    progress.flush()
    metrics.add_metric(name="SolveSeconds", unit=MetricUnit.Seconds, value=result.wall_seconds)
    logger.info("solved", extra={"status": result.status, "objective": result.objective, "gap": result.gap})
    raise_for_status(result)
    return state.model_copy(update={"solution_key": solution_key})


def collect_solution(state: JobState) -> JobState:
    """After the Fargate task: check its exit code, copy its progress to the job row, route on
    its result like the Lambda solve does."""
    from flextime.agents.errors import JobInputError

    exit_code = (state.fargate or {}).get("exit_code")
    report_key = state.key("reports", "solve.json")
    if exit_code not in (None, EXIT_OK, EXIT_INFEASIBLE, EXIT_NO_SCHEDULE):
        raise SolverContainerFailed(
            f"solver task exited with {exit_code}: {EXIT_MEANINGS.get(exit_code, '?')}"
        )
    try:
        result = SolveResult.model_validate(runtime.read_json(report_key))
    except KeyError as exc:
        raise JobInputError(f"the solver task wrote no report at {report_key}") from exc
    samples = [p.model_dump(mode="json") for p in result.progress]
    if samples:
        with runtime.platform_tx(state.tenant_id) as tx:
            for sample in samples:
                jobs.add_progress(tx, state.job_id, sample)
    raise_for_status(result)
    return state.model_copy(update={"solution_key": state.key("solutions", "solution.json")})


# Exit codes of the solver container (also in solver_container/entrypoint.py and docs/workflow.md).
EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_NO_SCHEDULE = 0, 1, 2, 3, 4
EXIT_MEANINGS = {
    EXIT_OK: "solved (a schedule was written)",
    EXIT_ERROR: "unexpected error",
    EXIT_BAD_INPUT: "bad input: missing setting or unreadable instance/plan",
    EXIT_INFEASIBLE: "the instance is infeasible (report written, no schedule)",
    EXIT_NO_SCHEDULE: "no schedule within the time limit (report written)",
}
