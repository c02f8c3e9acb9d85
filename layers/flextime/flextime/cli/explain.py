"""Commands ``explain``, ``repair``, ``alternatives`` and ``bench engine-features`` (wired by ``register``).

Exit codes: 0 done (``explain``: the answer is known, feasible or explained), 1 no schedule / not
decided, 2 bad input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from flextime.formats.errors import InputError

out_console = Console()
err_console = Console(stderr=True)

ScenarioArg = Annotated[str, typer.Argument(help="Built-in scenario name or instance file.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def _load(ref: str) -> Any:
    from flextime.domain import InstanceError
    from flextime.formats.inputs import load_instance

    try:
        return load_instance(ref)
    except InstanceError as exc:
        raise InputError(ref, "instance", str(exc)) from None


def load_changes(path: Path) -> list[Any]:
    """A YAML or JSON list of changes; every problem is an InputError naming the file and entry."""
    import yaml
    from pydantic import ValidationError

    from flextime.domain.changes import parse_changes

    if not path.is_file():
        raise InputError(str(path), "path", "no such file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))  # JSON is YAML too
    except yaml.YAMLError as exc:
        raise InputError(str(path), "file", f"not YAML/JSON: {exc}") from None
    if isinstance(data, dict) and "changes" in data:
        data = data["changes"]
    if not isinstance(data, list):
        raise InputError(str(path), "file", "expected a list of changes (or {changes: [...]})")
    try:
        return parse_changes(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"]).lstrip(".")
        raise InputError(str(path), f"changes{where}", first["msg"]) from None


def _emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")


def explain_cmd(
    scenario: ScenarioArg,
    as_json: AsJson = False,
    time_budget: Annotated[
        float, typer.Option("--time-budget", min=0.5, help="Seconds for the whole explanation.")
    ] = 10.0,
    presolve: Annotated[
        bool, typer.Option("--presolve/--no-presolve", help="Run the counting checks first.")
    ] = True,
) -> None:
    """Say why a season cannot be scheduled: a minimal conflicting set of constraints, in words."""
    from flextime.engine.explain import explain_infeasibility, render_explanation

    e = explain_infeasibility(_load(scenario), time_budget_s=time_budget, presolve=presolve)
    if as_json:
        _emit(e.model_dump(mode="json"))
    else:
        out_console.print(render_explanation(e), highlight=False, soft_wrap=True)
    raise typer.Exit(code=1 if e.status == "unknown" else 0)


def repair_cmd(
    schedule: Annotated[Path, typer.Argument(help="The published schedule.csv.")],
    scenario: Annotated[str, typer.Option("--scenario", help="Built-in scenario name or instance file.")],
    change: Annotated[Path, typer.Option("--change", help="YAML/JSON list of changes.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for schedule.csv and repair.json.")],
    now_slot: Annotated[
        int | None, typer.Option("--now-slot", min=0, help="Games before this slot are played: kept.")
    ] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", min=0.1, help="Solver seconds.")] = 10.0,
    as_json: AsJson = False,
) -> None:
    """Repair a published schedule after changes, moving as few games as possible."""
    from flextime.domain import InstanceError
    from flextime.engine import SolverParams
    from flextime.engine.repair import ChangeError, repair
    from flextime.formats.inputs import load_schedule
    from flextime.formats.schedule_csv import schedule_to_csv

    if out.exists() and not out.is_dir():
        raise InputError(str(out), "--out", "exists and is not a directory")
    instance = _load(scenario)
    published = load_schedule(schedule)
    changes = load_changes(change)
    if now_slot is not None and now_slot > instance.n_slots:
        raise InputError("--now-slot", "", f"{now_slot} is past the last slot ({instance.n_slots - 1})")
    try:
        result = repair(instance, published, changes, now_slot, SolverParams(time_limit_s=time_limit))
    except (ChangeError, InstanceError) as exc:
        raise InputError(str(change), "changes", str(exc)) from None
    out.mkdir(parents=True, exist_ok=True)
    payload = result.model_dump(mode="json", exclude={"schedule"})
    (out / "repair.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    if result.schedule is not None:
        (out / "schedule.csv").write_text(schedule_to_csv(instance, result.schedule), encoding="utf-8")
    if as_json:
        _emit(payload)
    else:
        _print_repair(result)
    raise typer.Exit(code=0 if result.feasible else 1)


def alternatives_cmd(
    scenario: ScenarioArg,
    k: Annotated[int, typer.Option("-k", min=1, max=20, help="How many schedules.")] = 3,
    tolerance: Annotated[
        float, typer.Option("--tolerance", min=0.0, help="Allowed objective excess over the best.")
    ] = 0.02,
    min_difference: Annotated[
        int | None, typer.Option("--min-difference", min=1, help="Games each pair must differ in.")
    ] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", min=0.1, help="Total solver seconds.")] = 60.0,
    out: Annotated[Path | None, typer.Option("--out", help="Write alternative-<rank>.csv here.")] = None,
    as_json: AsJson = False,
) -> None:
    """k good schedules that really differ, compared side by side."""
    from flextime.bench.table import render_markdown
    from flextime.engine import SolverParams
    from flextime.engine.alternatives import alternatives, comparison_table
    from flextime.formats.schedule_csv import schedule_to_csv

    instance = _load(scenario)
    alts = alternatives(instance, k, tolerance, min_difference, SolverParams(time_limit_s=time_limit))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for a in alts:
            (out / f"alternative-{a.rank}.csv").write_text(
                schedule_to_csv(instance, a.schedule), encoding="utf-8"
            )
    rows = comparison_table(alts)
    if as_json:
        _emit(
            {
                "instance": instance.name,
                "alternatives": [a.model_dump(mode="json") for a in alts],
                "comparison": rows,
            }
        )
    else:
        out_console.print(render_markdown(rows) or "no feasible schedule found", highlight=False)
    raise typer.Exit(code=0 if alts else 1)


def bench_features_cmd(
    out: Annotated[Path | None, typer.Option("--out", help="Also write engine-features.csv/.md.")] = None,
) -> None:
    """Explain a planted Big 12 MBB conflict; repair a postponed football game; 3 alternatives."""
    from flextime.bench.explain import run_engine_features_bench
    from flextime.bench.table import render_markdown, write_table

    rows = run_engine_features_bench(console=err_console)
    out_console.print(render_markdown(rows), highlight=False)
    if out is not None:
        for path in write_table(rows, out, "engine-features"):
            out_console.print(f"wrote {path}")


def register(app: typer.Typer, bench_app: typer.Typer | None = None) -> None:
    """Add explain / repair / alternatives to ``app`` and engine-features to ``bench_app``."""
    from flextime.cli.app import reports_bad_input

    app.command("explain")(reports_bad_input(explain_cmd))
    app.command("repair")(reports_bad_input(repair_cmd))
    app.command("alternatives")(reports_bad_input(alternatives_cmd))
    if bench_app is not None:
        bench_app.command("engine-features")(reports_bad_input(bench_features_cmd))


def _print_repair(result: Any) -> None:
    if not result.feasible:
        out_console.print(f"no repair found ({result.status})")
        if result.explanation is not None:
            from flextime.engine.explain import render_explanation

            out_console.print(render_explanation(result.explanation), highlight=False, soft_wrap=True)
        return
    out_console.print(
        f"repaired ({result.status}): {result.games_moved} moved, {result.games_flipped} flipped, "
        f"{result.games_added} added, {result.games_removed} removed; teams affected: "
        f"{', '.join(result.teams_affected) or '-'}; validator: "
        f"{'clean' if result.validator_feasible else 'VIOLATIONS ' + ', '.join(result.hard_violations)}",
        highlight=False,
    )
    for d in result.changes:
        where = f"{d.from_date or '-'} -> {d.to_date or '-'}"
        out_console.print(f"  {d.kind:<8} {d.home} vs {d.away}: {where}", highlight=False)
