"""``flextime demo`` (``make demo``): the main job on embedded defaults, THROUGH the workflow.

Starts the embedded PostgreSQL and the local cloud (moto running the generate-schedule ASL with
the agent Lambdas bound in-process), runs one job per Big 12 scenario (football 2026 first, then
men's and women's basketball 2026-27), and copies each job's solution.xml, schedule.csv and
summary.json from (local) S3 to ``out/<scenario>``. The schedule figures come from the summary
the workflow wrote (validator-checked)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from flextime import scenarios


def run_demo(*, out: Path, time_limit: float, console: Console, progress_console: Console | None) -> int:
    """Run the demo; returns the process exit code (0 when every schedule is feasible)."""
    from flextime.local.cloud import LocalCloud
    from flextime.local.workflow import run_workflow

    table = Table(
        "scenario", "status", "feasible", "objective", "gap", "first feasible", "travel (mi)", "job", "files"
    )
    all_feasible = True
    # The local cloud starts in the background while the first scenario loads and the database starts.
    with LocalCloud(machines=["generate"]).start_in_background() as cloud:
        for info in scenarios.list_scenarios():
            instance = scenarios.load_builtin(info.name)
            if progress_console is not None:
                progress_console.print(f"[bold]{info.title}[/]: generate-schedule on the local cloud")
            run = run_workflow(
                instance,
                scenario=info.name,
                time_limit=time_limit,
                out=out / info.name,
                cloud=cloud,
                console=progress_console,
            )
            summary = run.summary or {}
            feasible = run.succeeded and bool(summary.get("feasible"))
            all_feasible &= feasible
            gap, first = summary.get("gap"), summary.get("first_feasible_seconds")
            travel = summary.get("travel_total")
            table.add_row(
                info.name,
                summary.get("status", run.error_code or run.job_status),
                "yes" if feasible else "NO",
                str(summary.get("objective", "-")),
                f"{gap:.2%}" if gap is not None else "-",
                f"{first:.2f} s" if first is not None else "-",
                f"{travel:,}" if travel is not None else "-",
                f"{str(run.job_id)[:8]} {run.job_status}",
                str(out / info.name),
            )
    console.print(table)
    return 0 if all_feasible else 1
