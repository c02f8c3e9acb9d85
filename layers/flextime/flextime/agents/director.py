"""The Scheduling Director's bookkeeping: job status transitions and their events, the scheduled
(nightly) job, persisting a schedule in one transaction, and marking a job failed.

Every transition updates the job row and emits JobStatusChanged after the commit."""

from __future__ import annotations

import json
import uuid
from typing import Any

from flextime.agents import runtime
from flextime.agents.errors import JobInputError
from flextime.agents.events import publish
from flextime.agents.observability import MetricUnit, logger, metrics
from flextime.agents.state import ExecutionRef, JobState, ScheduledRequest
from flextime.domain import Instance, Schedule
from flextime.domain.events import JobEventStatus, JobFailed, JobStatusChanged
from flextime.engine import SolveResult
from flextime.outputs import build_summary
from flextime.store.errors import ConflictError, NotFound
from flextime.store.records import Job, ScheduledGame
from flextime.store.repositories import idempotency, jobs, schedules
from flextime.store.s3 import ArtifactNotFound, artifact_key

INFEASIBLE = "FAILED_INFEASIBLE"
# Scheduled jobs take their id from the execution id, so a retried first state finds its own job.
_SCHEDULED_JOB_NAMESPACE = uuid.UUID("5b0f7a4e-2f0c-4d1e-9a43-6f3f0c1e7a10")


def status_event(job: Job, status: JobEventStatus | None = None) -> JobStatusChanged:
    return JobStatusChanged(
        tenant_id=job.tenant_id,
        job_id=job.id,
        season_id=job.season_id,
        status=status or job.status,
        error_code=job.error_code,
        error_cause=job.error_cause,
    )


def mark_running(state: JobState) -> Job:
    """queued -> running with the execution id; a retry of the same execution is a no-op."""
    execution_id = state.execution.id if state.execution else state.job_id.hex
    with runtime.platform_tx(state.tenant_id) as tx:
        try:
            job = jobs.mark_running(tx, state.job_id, execution_id)
        except ConflictError:
            job = jobs.get_job(tx, state.job_id)
            if job.status != "running" or job.execution_id != execution_id:
                raise
            return job
    publish(status_event(job))
    return job


def create_scheduled_job(request: ScheduledRequest) -> JobState:
    """First state of a scheduled execution: a job re-optimising the season's latest draft, its
    input snapshot copied from the job that produced that draft, the draft given as a hint."""
    execution = request.execution or ExecutionRef(id=uuid.uuid4().hex)
    job_id = uuid.uuid5(_SCHEDULED_JOB_NAMESPACE, execution.id)
    input_key = artifact_key(request.tenant_id, request.season_id, job_id, "inputs", "instance.json")
    with runtime.platform_tx(request.tenant_id) as tx:
        try:
            job = jobs.get_job(tx, job_id)
        except NotFound:
            job = None
        if job is None:
            drafts = [v for v in schedules.list_versions(tx, request.season_id) if v.status != "archived"]
            base = next((v for v in reversed(drafts) if v.job_id is not None), None)
            if base is None or base.job_id is None:
                raise JobInputError(f"season {request.season_id} has no generated schedule to re-optimise")
            source = artifact_key(
                request.tenant_id, request.season_id, base.job_id, "instances", "instance.json"
            )
            try:
                runtime.write_json(input_key, runtime.read_json(source))
            except ArtifactNotFound as exc:
                raise JobInputError(f"input of job {base.job_id} is gone: {source}") from exc
            games = [
                g.model_dump(mode="json", include={"home", "away", "slot", "venue"})
                for g in schedules.list_games(tx, base.id)
            ]
            hint_key = artifact_key(request.tenant_id, request.season_id, job_id, "inputs", "hint.json")
            runtime.write_json(hint_key, {"games": games})
            plan: dict[str, Any] = {"hint_key": hint_key, "parent_id": str(base.id), "trigger": "schedule"}
            if request.time_limit_s:
                plan["time_limit_s"] = request.time_limit_s
            job = jobs.create_job(
                tx,
                request.season_id,
                scenario_id=request.scenario_id or base.scenario_id,
                kind="reoptimize",
                plan=plan,
                job_id=job_id,
            )
    logger.append_keys(correlation_id=str(job.id))
    return JobState(
        tenant_id=job.tenant_id,
        season_id=job.season_id,
        job_id=job.id,
        scenario_id=job.scenario_id,
        execution=execution,
        input_key=input_key,
    )


def get_job(state: JobState) -> Job:
    with runtime.platform_tx(state.tenant_id) as tx:
        return jobs.get_job(tx, state.job_id)


def persist_schedule(state: JobState) -> JobState:
    """Write the schedule version, its games and the job's success in ONE transaction.

    At most one version per job: the store's idempotency key ``persist:<job id>`` is claimed in
    the same transaction, so a retry (or a concurrent duplicate) returns the version written first.
    Artifacts (solution.xml, schedule.csv, summary.json) go to S3 before the commit; rewriting
    them on a retry is harmless."""
    instance = Instance.model_validate(runtime.read_json(state.instance_key or ""))
    schedule = Schedule.model_validate(runtime.read_json(state.solution_key or ""))
    solve = SolveResult.model_validate(runtime.read_json(state.key("reports", "solve.json")))
    report = _validate(instance, schedule)
    _write_exports(state, instance, solve.model_copy(update={"schedule": schedule}), report)
    slot_days = {s.index: s.date for s in instance.slots}
    games = [ScheduledGame(**g.model_dump(), day=slot_days.get(g.slot)) for g in schedule.games]
    objective = {
        "objective": report.objective,
        "infeasibility": report.infeasibility,
        "travel_total": report.travel_total,
        "bound": solve.bound,
        "gap": solve.gap,
    }
    key = f"persist:{state.job_id}"
    with runtime.platform_tx(state.tenant_id) as tx:
        claim = idempotency.claim_key(tx, key, {"job_id": str(state.job_id)})
        if not claim.fresh and claim.response:
            logger.info("schedule already persisted", extra={"schedule_id": claim.response["schedule_id"]})
            return state.model_copy(
                update={
                    "schedule_id": uuid.UUID(claim.response["schedule_id"]),
                    "schedule_version": claim.response["version"],
                }
            )
        job = jobs.get_job(tx, state.job_id)
        parent = job.plan.get("parent_id")
        version = schedules.create_version(
            tx,
            state.season_id,
            games,
            job_id=state.job_id,
            scenario_id=job.scenario_id,
            parent_id=uuid.UUID(parent) if parent else None,
            objective=objective,
            note=f"{job.kind} job {state.job_id}",
        )
        result = {
            "schedule_id": str(version.id),
            "version": version.version,
            **objective,
            "exports": _export_keys(state),
            "plan_key": state.plan_key,
        }
        if state.kind == "repair":
            result["repair"] = _repair_summary(state)
        job = jobs.finish_job(tx, state.job_id, "succeeded", result=result)
        idempotency.complete_key(tx, key, {"schedule_id": str(version.id), "version": version.version})
    metrics.add_metric(name="SchedulesGenerated", unit=MetricUnit.Count, value=1)
    publish(status_event(job))
    return state.model_copy(update={"schedule_id": version.id, "schedule_version": version.version})


def _repair_summary(state: JobState) -> dict[str, Any]:
    """The engine repair's diff and verdict (``reports/repair.json``, written by the solve)."""
    from flextime.agents.repair import repair_summary

    key = state.key("reports", "repair.json")
    try:
        return repair_summary(runtime.read_json(key), key)
    except ArtifactNotFound:
        return {"report_key": None}


def _validate(instance: Instance, schedule: Schedule) -> Any:
    from flextime.validate import validate

    return validate(instance, schedule)


def _export_keys(state: JobState) -> dict[str, str]:
    return {n: state.key("exports", n) for n in ("solution.xml", "schedule.csv", "summary.json")}


def _write_exports(state: JobState, instance: Instance, solve: SolveResult, report: Any) -> None:
    from flextime.formats import robinx
    from flextime.formats.schedule_csv import schedule_to_csv

    assert solve.schedule is not None
    keys = _export_keys(state)
    store = runtime.artifacts()
    xml = robinx.solution_to_string(
        solve.schedule,
        instance_name=instance.name,
        objective=report.objective,
        infeasibility=report.infeasibility,
        solution_name=f"{instance.name}_flextime",
    )
    store.put_bytes(keys["solution.xml"], xml.encode(), "application/xml")
    store.put_bytes(keys["schedule.csv"], schedule_to_csv(instance, solve.schedule).encode(), "text/csv")
    summary = build_summary(instance, solve, report) | {"job_id": str(state.job_id)}
    store.put_bytes(keys["summary.json"], json.dumps(summary, indent=2).encode(), "application/json")


def failure_cause(state: JobState) -> tuple[str, str]:
    """(error code, human cause) from the Catch's ``$.error`` (a Lambda error arrives as JSON)."""
    if state.error is None:
        return "Unknown", "the workflow failed without an error"
    code, cause = state.error.error or "Unknown", state.error.cause
    try:
        payload = json.loads(cause)
    except (json.JSONDecodeError, TypeError):
        payload = None
    if isinstance(payload, dict) and "errorMessage" in payload:
        code = payload.get("errorType") or code
        cause = str(payload["errorMessage"])
    if code == "States.Timeout" and not cause:
        cause = "a task exceeded its TimeoutSeconds"
    return code, cause or code


def mark_failed(state: JobState) -> JobState:
    """FAILED with the cause; JobStatusChanged + JobFailed. A job already final stays as it is."""
    code, cause = failure_cause(state)
    with runtime.platform_tx(state.tenant_id) as tx:
        try:
            job = jobs.finish_job(tx, state.job_id, "failed", error_code=code, error_cause=cause[:4000])
        except NotFound:
            job = None  # a scheduled execution that failed before creating its job
        except ConflictError:
            job = jobs.get_job(tx, state.job_id)
            logger.warning("job already final", extra={"status": job.status})
            return state
    metrics.add_metric(name="JobsFailed", unit=MetricUnit.Count, value=1)
    logger.error("job failed", extra={"error_code": code, "error_cause": cause})
    failed = JobFailed(
        tenant_id=state.tenant_id,
        job_id=state.job_id,
        season_id=state.season_id,
        error_code=code,
        error_cause=cause[:4000],
    )
    publish(status_event(job) if job else JobStatusChanged(**failed.model_dump()), failed)
    return state


def finish_infeasible(state: JobState, explanation: dict[str, Any], text: str) -> Job:
    """FAILED_INFEASIBLE with the explanation stored on the job (and in S3 beside it)."""
    with runtime.platform_tx(state.tenant_id) as tx:
        job = jobs.finish_job(
            tx,
            state.job_id,
            "failed",
            result={"explanation": explanation, "explanation_key": state.key("reports", "explanation.json")},
            error_code=INFEASIBLE,
            error_cause=text[:4000],
        )
    metrics.add_metric(name="JobsInfeasible", unit=MetricUnit.Count, value=1)
    publish(status_event(job, "failed_infeasible"))
    return job
