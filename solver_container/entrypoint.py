"""Fargate solver task: read the job's instance and plan from S3, solve, write the result back.

Environment (set by the state machine's container overrides, bucket by the task definition):
FLEXTIME_BUCKET, FLEXTIME_TENANT_ID, FLEXTIME_SEASON_ID, FLEXTIME_JOB_ID, FLEXTIME_INSTANCE_KEY,
FLEXTIME_PLAN_KEY. Progress samples go to ``reports/progress.json`` as they arrive; the schedule
to ``solutions/solution.json``; the SolveResult to ``reports/solve.json`` (CollectSolution reads it);
with a plan's ``travel_in_solver``, the travel improver's schedule to
``solutions/solution-travel.json`` (OptimizeTravel checks and reports it).

Exit codes: 0 solved, 1 unexpected error, 2 bad input (missing setting, unreadable instance or
plan), 3 infeasible (report written), 4 no schedule within the time limit (report written).
"""

from __future__ import annotations

import os
import sys
import time

REQUIRED = (
    "FLEXTIME_BUCKET",
    "FLEXTIME_TENANT_ID",
    "FLEXTIME_SEASON_ID",
    "FLEXTIME_JOB_ID",
    "FLEXTIME_INSTANCE_KEY",
    "FLEXTIME_PLAN_KEY",
)


def main() -> int:
    from pydantic import ValidationError

    from flextime.agents import solver
    from flextime.agents.observability import logger
    from flextime.store.s3 import ArtifactNotFound, S3ArtifactStore, artifact_key, put_json

    env = {name: os.environ.get(name, "") for name in REQUIRED}
    logger.set_correlation_id(env["FLEXTIME_JOB_ID"] or None)
    if missing := [name for name, value in env.items() if not value]:
        logger.error("missing settings", extra={"missing": missing})
        return solver.EXIT_BAD_INPUT
    store = S3ArtifactStore(env["FLEXTIME_BUCKET"])
    owner = (env["FLEXTIME_TENANT_ID"], env["FLEXTIME_SEASON_ID"], env["FLEXTIME_JOB_ID"])
    progress_key = artifact_key(*owner, "reports", "progress.json")
    samples: list[dict] = []
    last_write = 0.0

    def on_sample(sample: dict) -> None:
        nonlocal last_write
        samples.append(sample)
        if time.monotonic() - last_write >= 1.0:  # at most one S3 write per second
            put_json(store, progress_key, samples)
            last_write = time.monotonic()

    try:
        result = solver.run_solve(
            store,
            env["FLEXTIME_INSTANCE_KEY"],
            env["FLEXTIME_PLAN_KEY"],
            artifact_key(*owner, "solutions", "solution.json"),
            artifact_key(*owner, "reports", "solve.json"),
            on_sample,
            travel_key=artifact_key(*owner, "solutions", "solution-travel.json"),
        )
    except (ArtifactNotFound, ValidationError) as exc:
        logger.error("bad input", extra={"error": str(exc)[:2000]})
        return solver.EXIT_BAD_INPUT
    except Exception:
        logger.exception("solver failed")
        return solver.EXIT_ERROR
    put_json(store, progress_key, samples)
    logger.info("solved", extra={"status": result.status, "objective": result.objective})
    if result.schedule is not None:
        return solver.EXIT_OK
    return solver.EXIT_INFEASIBLE if result.status == "INFEASIBLE" else solver.EXIT_NO_SCHEDULE


if __name__ == "__main__":
    sys.exit(main())
