"""Commands: scenarios, solve, validate, bench big12, demo, schema.

Exit codes: 0 success, 1 the run finished but found no feasible schedule (or the schedule given to
``validate`` is infeasible), 2 bad input (message on stderr naming the file and field; nothing written).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from flextime.cli.api import register as register_api
from flextime.cli.api import register_bench as register_bench_api
from flextime.cli.bench_itc2021 import register as register_bench_itc2021
from flextime.cli.bench_store import register as register_bench_store
from flextime.cli.db import db_app
from flextime.cli.explain import register as register_engine_features
from flextime.cli.reports import register as register_reports
from flextime.cli.travel import register as register_travel
from flextime.cli.workflow import register as register_workflow
from flextime.formats.errors import InputError

app = typer.Typer(
    name="flextime",
    help="FlexTime: conference schedules with OR-Tools CP-SAT.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
bench_app = typer.Typer(
    help="Benchmarks that print tables (and write CSV/markdown with --out).", no_args_is_help=True
)
app.add_typer(bench_app, name="bench")
register_bench_store(bench_app)
register_bench_api(bench_app)
register_bench_itc2021(bench_app)
app.add_typer(db_app, name="db")
register_reports(app, bench_app)
register_api(app)
register_workflow(app)

# Not a terminal (pipes, CI logs, make): rich would wrap tables at 80 columns; use a wide page.
out_console = Console() if sys.stdout.isatty() else Console(width=160)
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def reports_bad_input(fn: F) -> F:
    """Turn an InputError into a one-line message on stderr and exit code 2 (never a traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True, soft_wrap=True)
            raise typer.Exit(code=2) from None

    return wrapper  # type: ignore[return-value]


TimeLimit = Annotated[float, typer.Option("--time-limit", min=0.1, help="Solver time limit in seconds.")]
Workers = Annotated[int, typer.Option("--workers", min=1, max=64, help="CP-SAT search workers.")]
Seed = Annotated[int, typer.Option("--seed", min=0, help="Random seed (same seed, same run).")]


@app.command("scenarios")
def scenarios_cmd() -> None:
    """List the built-in scenarios (usable by name wherever an instance file is expected)."""
    from flextime import scenarios

    table = Table("name", "title", "teams", "slots", "constraints")
    for info in scenarios.list_scenarios():
        instance = scenarios.load_builtin(info.name)
        table.add_row(
            info.name,
            info.title,
            str(instance.n_teams),
            str(instance.n_slots),
            str(len(instance.constraints)),
        )
    out_console.print(table)


@app.command("solve")
@reports_bad_input
def solve_cmd(
    instance: Annotated[
        str, typer.Argument(help="Built-in scenario name or instance file (.xml, .yaml, .json).")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Output folder (solution.xml, schedule.csv, summary.json).")
    ],
    time_limit: TimeLimit = 60.0,
    workers: Workers = 2,
    seed: Seed = 0,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Solve a season with CP-SAT and write solution.xml, schedule.csv and summary.json."""
    from flextime.engine import SolverParams
    from flextime.solving import solve_and_check
    from flextime.terminal import solve_progress

    if out.exists() and not out.is_dir():
        raise InputError(str(out), "--out", "exists and is not a directory")
    loaded = _load_instance(instance)
    params = SolverParams(time_limit_s=time_limit, workers=workers, seed=seed)
    with solve_progress(loaded.name, time_limit, None if quiet else err_console) as on_progress:
        outcome = solve_and_check(loaded, params, on_progress)
    outcome.write(out)
    _print_outcome(outcome)
    out_console.print(
        f"wrote {out}/summary.json" + (", schedule.csv, solution.xml" if outcome.result.schedule else "")
    )
    raise typer.Exit(code=0 if outcome.feasible else 1)


@app.command("validate")
@reports_bad_input
def validate_cmd(
    instance: Annotated[str, typer.Argument(help="Built-in scenario name or instance file.")],
    solution: Annotated[Path, typer.Argument(help="RobinX solution XML or schedule.csv.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Check a schedule independently of the solver: feasibility, infeasibility, objective, travel."""
    from flextime.formats.inputs import load_schedule
    from flextime.validate import validate

    loaded = _load_instance(instance)
    report = validate(loaded, load_schedule(solution))
    if as_json:
        payload = report.model_dump(mode="json")
        payload["distance"] = report.travel_total
        sys.stdout.write(json.dumps(payload) + "\n")
    else:
        verdict = "[green]feasible[/]" if report.feasible else "[red]infeasible[/]"
        out_console.print(
            f"{loaded.name}: {verdict}  infeasibility={report.infeasibility}  objective={report.objective}"
        )
        if report.travel_total is not None:
            out_console.print(f"travel total: {report.travel_total}")
        for problem in report.structural:
            out_console.print(f"  structure: {problem}", highlight=False)
        for v in report.violations:
            kind = "HARD" if v.hard else "soft"
            out_console.print(
                f"  {kind} {v.constraint_id} cost {v.cost}: {v.detail or v.label}", highlight=False
            )
    raise typer.Exit(code=0 if report.feasible else 1)


@bench_app.command("big12")
@reports_bad_input
def bench_big12_cmd(
    time_limit: TimeLimit = 60.0,
    workers: Workers = 2,
    seed: Seed = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Also write big12.csv and big12.md here.")] = None,
) -> None:
    """Solve the three Big 12 scenarios; table of time to first feasible, objective, bound, gap."""
    from flextime.bench.big12 import run_big12_bench
    from flextime.bench.table import render_markdown, write_table

    rows = run_big12_bench(time_limit=time_limit, workers=workers, seed=seed, console=err_console)
    out_console.print(render_markdown(rows), highlight=False)
    if out is not None:
        for path in write_table(rows, out, "big12"):
            out_console.print(f"wrote {path}")


@app.command("demo")
@reports_bad_input
def demo_cmd(
    time_limit: TimeLimit = 30.0,
    out: Annotated[Path, typer.Option("--out", help="Where the demo writes its files.")] = Path("out/demo"),
) -> None:
    """The main job: build the Big 12 schedules end to end and show what came out."""
    from flextime.demo import run_demo

    raise typer.Exit(
        code=run_demo(out=out, time_limit=time_limit, console=out_console, progress_console=err_console)
    )


@app.command("schema")
def schema_cmd(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the schema here instead of stdout.")
    ] = None,
) -> None:
    """Print the JSON Schema of the native scenario format."""
    from flextime.formats.scenario import scenario_json_schema

    text = json.dumps(scenario_json_schema(), indent=2) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


def _load_instance(ref: str) -> Any:
    from flextime.formats.inputs import load_instance

    return load_instance(ref)


def _print_outcome(outcome: Any) -> None:
    result, report = outcome.result, outcome.report
    table = Table(title=outcome.instance.name, show_header=False)
    gap = f"{result.gap:.2%}" if result.gap is not None else "-"
    first = f"{result.first_feasible_seconds:.2f} s" if result.first_feasible_seconds is not None else "-"
    rows = [
        ("status", result.status),
        ("feasible (validator)", str(outcome.feasible)),
        ("objective", str(report.objective) if report else "-"),
        ("bound", f"{result.bound:g}" if result.bound is not None else "-"),
        ("gap", gap),
        ("first feasible", first),
        ("wall time", f"{result.wall_seconds:.2f} s"),
    ]
    if report is not None and report.travel_total is not None:
        rows.append(("travel total", f"{report.travel_total:,}"))
    for key, value in rows:
        table.add_row(key, value)
    out_console.print(table)
    if report is not None and report.violations:
        shown = sorted(report.violations, key=lambda v: (-int(v.hard), -v.cost))[:10]
        out_console.print(f"violated constraints ({len(report.violations)}; largest first):")
        for v in shown:
            out_console.print(
                f"  {'HARD' if v.hard else 'soft'} cost {v.cost:>4}  {v.label or v.constraint_id}",
                highlight=False,
            )


register_engine_features(app, bench_app)  # explain, repair, alternatives, bench engine-features
register_travel(app, bench_app)  # improve-travel, ttp-instance, bench ttp, bench big12-ttp
