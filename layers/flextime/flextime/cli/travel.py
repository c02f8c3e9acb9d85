"""Travel commands: ``improve-travel``, ``ttp-instance``, ``bench ttp`` and ``bench big12-ttp``."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from flextime.formats.errors import InputError

out_console = Console()
err_console = Console(stderr=True)

TimeLimit = Annotated[float, typer.Option("--time-limit", min=0.1, help="Search time limit in seconds.")]
Seed = Annotated[int, typer.Option("--seed", min=0, help="Random seed (same seed, same moves).")]
LnsFraction = Annotated[
    float,
    typer.Option(
        "--lns-fraction",
        min=0.0,
        max=0.9,
        help="TTP instances: this share of the time goes to CP-SAT round-window LNS after annealing.",
    ),
]
Workers = Annotated[
    int,
    typer.Option(
        "--workers",
        min=1,
        max=64,
        help="Annealer threads on TTP-shaped instances (they share the best); CP-SAT workers of the "
        "LNS on other seasons (at least 2; from an 8 s time limit).",
    ),
]
Search = Annotated[
    str,
    typer.Option(
        "--search",
        help="TTP instances: beam (beam search builds schedules, then annealers race from them; the "
        "default), race (successive halving over annealer lineages from random schedules) or cycles "
        "(one annealer per thread with reheat cycles).",
    ),
]


def _reports_bad_input(fn: Any) -> Any:
    from flextime.cli.app import reports_bad_input

    return reports_bad_input(fn)


def write_improve_outputs(out_dir: Path, instance: Any, result: Any) -> list[Path]:
    """schedule.csv, solution.xml and summary.json (validator figures, travel summary) into out_dir,
    staged in a temporary folder and moved into place together."""
    from flextime.formats import robinx
    from flextime.formats.schedule_csv import schedule_to_csv
    from flextime.travel.summary import travel_summary

    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    report = result.report
    summary = result.model_dump(mode="json", exclude={"schedule", "report"})
    summary.update(
        {
            "instance": instance.name,
            "validator": {
                "feasible": report.feasible,
                "infeasibility": report.infeasibility,
                "objective": report.objective,
                "travel_total": report.travel_total,
                "violations": [v.model_dump(mode="json") for v in report.violations],
                "structural": list(report.structural),
            },
            "travel": (ts.as_dict() if (ts := travel_summary(instance, result.schedule.games)) else None),
        }
    )
    files = {
        "summary.json": json.dumps(summary, indent=2) + "\n",
        "schedule.csv": schedule_to_csv(instance, result.schedule),
        "solution.xml": robinx.solution_to_string(
            result.schedule,
            instance_name=instance.name,
            objective=report.objective,
            infeasibility=report.infeasibility,
            solution_name=f"{instance.name}_flextime_travel",
        ),
    }
    staging = Path(tempfile.mkdtemp(prefix=".flextime-", dir=out_dir.parent))
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name in files:
            (staging / name).replace(out_dir / name)
            written.append(out_dir / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def improve_travel_cmd(
    instance: Annotated[str, typer.Argument(help="Built-in scenario name or instance file.")],
    schedule: Annotated[Path, typer.Argument(help="The schedule to improve (RobinX XML or schedule.csv).")],
    out: Annotated[
        Path, typer.Option("--out", help="Output folder (schedule.csv, solution.xml, summary.json).")
    ],
    time_limit: TimeLimit = 60.0,
    seed: Seed = 1,
    workers: Workers = 1,
    lns_fraction: LnsFraction = 0.0,
    search: Search = "beam",
) -> None:
    """Lower the travel of an existing schedule without breaking any hard constraint."""
    from flextime.formats.inputs import load_instance, load_schedule
    from flextime.travel.improve import SEARCHES, improve_travel

    if search not in SEARCHES:
        raise InputError(search, "--search", f"must be one of {', '.join(SEARCHES)}")
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "--out", "exists and is not a directory")
    loaded = load_instance(instance)
    start = load_schedule(schedule)
    result = improve_travel(
        loaded,
        start,
        time_limit_s=time_limit,
        seed=seed,
        workers=workers,
        lns_fraction=lns_fraction,
        search=search,
    )
    verdict = "[green]feasible[/]" if result.report.feasible else "[red]infeasible[/]"
    out_console.print(f"{loaded.name}: method {result.method}, {result.iterations:,} moves, seed {seed}")
    out_console.print(
        f"travel before {result.before_travel}  after {result.after_travel}  "
        f"(objective {result.before_objective} -> {result.after_objective}, "
        f"hard infeasibility {result.before_infeasibility} -> {result.after_infeasibility})"
    )
    out_console.print(f"validator: {verdict}")
    for path in write_improve_outputs(out, loaded, result):
        out_console.print(f"wrote {path}")
    raise typer.Exit(code=0 if result.report.feasible else 1)


def ttp_instance_cmd(
    source: Annotated[str, typer.Argument(help="Only 'big12' (the 16 Big 12 schools).")],
    out: Annotated[Path, typer.Option("--out", help="RobinX instance file to write.")],
    venues: Annotated[
        str, typer.Option("--venues", help="arena (basketball) or stadium (football).")
    ] = "arena",
) -> None:
    """Build a TTP instance in RobinX format from real venue coordinates."""
    from flextime.formats import robinx
    from flextime.travel.ttp_instance import big12_ttp_instance

    if source != "big12":
        raise InputError(source, "source", "only 'big12' is available")
    if venues not in ("arena", "stadium"):
        raise InputError(venues, "--venues", "must be 'arena' or 'stadium'")
    instance = big12_ttp_instance(venues)  # type: ignore[arg-type]
    out.parent.mkdir(parents=True, exist_ok=True)
    robinx.write_instance(instance, out)
    out_console.print(f"wrote {out} ({len(instance.teams)} teams, {len(instance.slots)} slots)")


def bench_ttp_cmd(
    instances: Annotated[
        str, typer.Option("--instances", help="Comma-separated RobinX TTP instance names.")
    ] = "NL4,NL6,NL8,NL10,NL12,NL14,NL16",
    time_limit: TimeLimit = 60.0,
    seed: Seed = 1,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write ttp.csv, ttp.md, ttp.png here (a rerun skips the rows there)."),
    ] = None,
    workers: Workers = 1,
    lns_fraction: LnsFraction = 0.0,
    search: Search = "beam",
) -> None:
    """The travel improver on RobinX TTP instances: distance, best-known, bound, gap, time to best."""
    from flextime.bench.table import render_markdown, write_table
    from flextime.bench.ttp import plot_gaps, run_ttp_bench
    from flextime.paths import benchmarks_dir
    from flextime.travel.improve import SEARCHES

    if search not in SEARCHES:
        raise InputError(search, "--search", f"must be one of {', '.join(SEARCHES)}")
    names = [x.strip() for x in instances.split(",") if x.strip()]
    root = benchmarks_dir()
    for name in names:
        if not (root / "ttp" / "instances_robinx" / f"{name}.xml").exists():
            raise InputError(
                name, "--instances", f"no such instance under {root / 'ttp' / 'instances_robinx'}"
            )

    def show(row: dict[str, Any]) -> None:
        err_console.print(
            f"{row['instance']}: {row['distance']} (best-known {row['best_known']}, gap {row['gap_pct']}%)"
        )

    rows = run_ttp_bench(
        names,
        time_limit=time_limit,
        seed=seed,
        root=root,
        out_dir=out,
        on_row=show,
        workers=workers,
        lns_fraction=lns_fraction,
        search=search,
    )
    out_console.print(render_markdown(rows), highlight=False)
    if out is not None:
        for path in [*write_table(rows, out, "ttp"), plot_gaps(rows, out / "ttp.png")]:
            out_console.print(f"wrote {path}")


def bench_big12_ttp_cmd(
    venues: Annotated[str, typer.Option("--venues", help="arena, stadium or both.")] = "arena",
    time_limit: TimeLimit = 120.0,
    seed: Seed = 1,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write big12_ttp.csv/.md and solutions here.")
    ] = None,
) -> None:
    """Big 12 as a TTP: our travel against the median of 10 naive circle-method schedules."""
    from flextime.bench.table import render_markdown, write_table
    from flextime.bench.ttp import run_big12_ttp
    from flextime.formats import robinx
    from flextime.travel.ttp_instance import big12_ttp_instance

    kinds = ["arena", "stadium"] if venues == "both" else [venues]
    if any(k not in ("arena", "stadium") for k in kinds):
        raise InputError(venues, "--venues", "must be arena, stadium or both")
    rows = []
    for kind in kinds:
        row, result = run_big12_ttp(venues=kind, time_limit=time_limit, seed=seed)
        rows.append(row)
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            instance = big12_ttp_instance(kind)  # type: ignore[arg-type]
            robinx.write_instance(instance, out / f"{instance.name}.xml")
            write_improve_outputs(out / instance.name, instance, result)
    out_console.print(render_markdown(rows), highlight=False)
    if out is not None:
        for path in write_table(rows, out, "big12_ttp"):
            out_console.print(f"wrote {path}")


def register(app: typer.Typer, bench_app: typer.Typer | None = None) -> None:
    """Add the travel commands to ``app`` (and the benchmarks to ``bench_app``)."""
    app.command("improve-travel")(_reports_bad_input(improve_travel_cmd))
    app.command("ttp-instance")(_reports_bad_input(ttp_instance_cmd))
    if bench_app is not None:
        bench_app.command("ttp")(_reports_bad_input(bench_ttp_cmd))
        bench_app.command("big12-ttp")(_reports_bad_input(bench_big12_ttp_cmd))
