"""Live progress of an execution: the states from the execution history, and the solver's
objective/bound from the job row's progress samples."""

from __future__ import annotations

import time
import uuid
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from flextime.local.cloud import TERMINAL, LocalCloud


def _states(history: list[dict[str, Any]]) -> list[tuple[str, str, float | None]]:
    """(state, status, seconds) in order of entry (the same timeline the API serves:
    :func:`flextime.agents.jobs.steps_from_history`)."""
    from flextime.agents.jobs import steps_from_history

    return [(s.step, s.status, s.seconds) for s in steps_from_history(history)]


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
    colours = {
        "succeeded": "green",
        "running": "yellow",
        "failed": "red",
        "timed_out": "red",
        "aborted": "red",
    }
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
