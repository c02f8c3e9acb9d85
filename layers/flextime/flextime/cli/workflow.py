"""``flextime run SCENARIO`` (the main job through the local workflow) and ``flextime jobs``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

out_console = Console()
err_console = Console(stderr=True)


def print_run(run: object, console: Console) -> None:
    from flextime.local.workflow import WorkflowRun

    assert isinstance(run, WorkflowRun)
    colour = "green" if run.succeeded else "red"
    console.print(
        f"job {run.job_id}: [{colour}]{run.job_status}[/] (execution {run.status}) in {run.seconds:.1f} s"
    )
    if run.error_code:
        console.print(f"  {run.error_code}: {run.error_cause}", highlight=False)
    if run.summary:
        s = run.summary
        gap = f"{s['gap']:.2%}" if s.get("gap") is not None else "-"
        travel = s.get("travel_total")
        console.print(
            f"  feasible {s['feasible']}  objective {s['objective']}  gap {gap}  travel {travel}",
            highlight=False,
        )
    for name, path in run.files.items():
        console.print(f"  {name}: {path}", highlight=False)


def skip_exit_collection() -> None:
    """Move every live object to the collector's permanent generation: the interpreter's exit
    then skips cyclic collections over moto's large object graph (about 2 s on 2 cores)."""
    import gc

    gc.freeze()


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run_cmd(
        scenario: Annotated[str, typer.Argument(help="Built-in scenario name or instance file.")],
        time_limit: Annotated[
            float, typer.Option("--time-limit", min=0.1, help="Solver time limit (s).")
        ] = 30.0,
        out: Annotated[Path | None, typer.Option("--out", help="Where to copy the exports.")] = None,
        quiet: Annotated[bool, typer.Option("--quiet", help="No live progress.")] = False,
    ) -> None:
        """Run the generate-schedule workflow locally end to end (embedded DB + local cloud)."""
        from flextime.local.cloud import LocalCloud
        from flextime.local.workflow import run_workflow

        # The local cloud (moto, the agents) starts while the scenario loads and the database starts.
        cloud = LocalCloud(machines=["generate"]).start_in_background()
        try:
            from flextime.formats.inputs import load_instance

            instance = load_instance(scenario)
            target = out or Path("out/run") / Path(scenario).stem
            run = run_workflow(
                instance,
                scenario=Path(scenario).stem,
                time_limit=time_limit,
                out=target,
                cloud=cloud,
                console=None if quiet else err_console,
            )
        finally:
            cloud.close()
        skip_exit_collection()
        print_run(run, out_console)
        raise typer.Exit(code=0 if run.succeeded else 1)

    @app.command("jobs")
    def jobs_cmd(limit: Annotated[int, typer.Option("--limit", min=1)] = 20) -> None:
        """List the local workspace's jobs and their states."""
        from flextime.agents.runtime import platform_tx
        from flextime.local.workflow import prepare_database
        from flextime.local.workspace import open_workspace
        from flextime.store.repositories.jobs import list_jobs

        pool, url = prepare_database()
        ws = open_workspace(pool, url)
        with platform_tx(ws.tenant) as tx:
            rows = list_jobs(tx, limit=limit)
        season_names = {season: scenario for scenario, season in ws.seasons.items()}
        table = Table("job", "season", "kind", "status", "created", "seconds", "version / cause")
        for job in rows:
            took = (
                (job.finished_at - job.started_at).total_seconds()
                if job.finished_at and job.started_at
                else None
            )
            status = "failed_infeasible" if job.error_code == "FAILED_INFEASIBLE" else job.status
            detail = (
                f"v{job.result['version']}"
                if job.status == "succeeded" and job.result and "version" in job.result
                else (job.error_cause or "")
            )
            table.add_row(
                str(job.id)[:8],
                season_names.get(str(job.season_id), str(job.season_id)[:8]),
                job.kind,
                status,
                f"{job.created_at:%Y-%m-%d %H:%M:%S}",
                f"{took:.1f}" if took is not None else "-",
                detail[:60],
            )
        out_console.print(table)
