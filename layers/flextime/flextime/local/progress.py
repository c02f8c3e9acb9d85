"""Live progress of an execution: the states from the execution history, and the solver's
objective/bound from the job row's progress samples."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from flextime.local.cloud import TERMINAL, LocalCloud


def _states(history: list[dict[str, Any]]) -> list[tuple[str, str, float | None]]:
    """(state, status, seconds) in order of entry."""
    rows: dict[str, list[Any]] = {}
    for event in history:
        entered = event.get("stateEnteredEventDetails")
        exited = event.get("stateExitedEventDetails")
        ts: dt.datetime = event["timestamp"]
        if entered:
            rows[entered["name"]] = [entered["name"], "running", ts, None]
        elif exited and exited["name"] in rows:
            row = rows[exited["name"]]
            row[1], row[3] = "done", (ts - row[2]).total_seconds()
        elif event["type"] in ("TaskFailed", "TaskTimedOut", "LambdaFunctionFailed") and rows:
            list(rows.values())[-1][1] = "failed" if event["type"] != "TaskTimedOut" else "timed out"
    return [(r[0], r[1], r[3]) for r in rows.values()]


def _latest_sample(tenant_id: uuid.UUID, job_id: uuid.UUID) -> dict[str, Any] | None:
    from flextime.agents.runtime import platform_tx
    from flextime.store.repositories import jobs

    with platform_tx(tenant_id) as tx:
        progress = jobs.get_job(tx, job_id).progress
    return progress[-1] if progress else None


def render(
    states: list[tuple[str, str, float | None]], sample: dict[str, Any] | None, elapsed: float
) -> Group:
    table = Table("state", "status", "time", box=None, pad_edge=False)
    colours = {"done": "green", "running": "yellow", "failed": "red", "timed out": "red"}
    for name, status, seconds in states:
        table.add_row(
            name, Text(status, style=colours.get(status, "")), f"{seconds:.2f} s" if seconds else ""
        )
    line = f"elapsed {elapsed:.1f} s"
    if sample:
        bound, at = sample.get("bound") or 0, sample.get("t_seconds", 0)
        line += f"   solver: objective {sample.get('objective')}  bound {bound:g}  at {at:.1f} s"
    return Group(table, Text(line, style="dim"))


def follow(
    cloud: LocalCloud,
    execution_arn: str,
    tenant_id: uuid.UUID,
    job_id: uuid.UUID,
    console: Console | None,
    poll: float = 0.25,
) -> dict[str, Any]:
    """Wait for the execution, showing its states live on ``console`` (None: just wait)."""
    if console is None:
        return cloud.wait(execution_arn)
    sfn, start = cloud.client("stepfunctions"), time.monotonic()
    with Live(console=console, refresh_per_second=8, transient=False) as live:
        while True:
            described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
            sample = _latest_sample(tenant_id, job_id)
            live.update(render(_states(cloud.history(execution_arn)), sample, time.monotonic() - start))
            if described["status"] in TERMINAL:
                break
            time.sleep(poll)
    console.print()
    return described
