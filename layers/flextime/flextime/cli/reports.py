"""``flextime import | import-template | report | export`` and ``flextime bench reports``.

Import needs the database (``--season``; tenant and user default to the local workspace) unless
``--instance`` is given, which validates against an instance file without one (a dry run).
Exit codes: 0 applied / valid / written, 2 bad input (every problem printed; nothing written)."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from flextime.formats.errors import InputError

out_console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])
KIND_HELP = "teams, venues, venue_calendar, blackouts, constraints or schedule"


def _problems_table(problems: list[Any]) -> Table:
    table = Table("file", "sheet", "row", "column", "problem", title=f"{len(problems)} problem(s)")
    for p in problems:
        table.add_row(p.file, p.sheet or "", "" if p.row is None else str(p.row), p.column or "", p.message)
    return table


def _check_kind(kind: str) -> None:
    from flextime.imports.specs import KINDS

    if kind not in KINDS:
        raise InputError(kind, "KIND", f"unknown import kind (one of {', '.join(KINDS)})")


def _tv(schedule_path: Path) -> dict[tuple[str, str, int], str]:
    """A tv column in a schedule.csv, when present."""
    import csv

    if schedule_path.suffix.lower() != ".csv":
        return {}
    with schedule_path.open(encoding="utf-8") as handle:
        return {
            (r["home"], r["away"], int(r["slot"])): r["tv"]
            for r in csv.DictReader(handle)
            if r.get("tv") and r.get("slot", "").isdigit()
        }


def _progress(schedule_path: Path) -> list[dict[str, Any]]:
    """Progress samples from a summary.json beside the schedule (``flextime solve`` writes one)."""
    import json

    summary = schedule_path.with_name("summary.json")
    if not summary.is_file():
        return []
    try:
        data = json.loads(summary.read_text(encoding="utf-8"))
    except ValueError:
        return []
    samples = data.get("progress") or data.get("result", {}).get("progress") or []
    return [s for s in samples if isinstance(s, dict)]


def reports_bad_input(fn: F) -> F:
    """InputError -> one line on stderr and exit code 2 (as the other commands do)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=2) from None

    return wrapper  # type: ignore[return-value]


def register(app: typer.Typer, bench_app: typer.Typer | None = None) -> None:  # noqa: C901 - one closure per command

    @app.command("import")
    @reports_bad_input
    def import_cmd(
        kind: Annotated[str, typer.Argument(help=KIND_HELP)],
        file: Annotated[Path, typer.Argument(help="CSV or XLSX file (see `flextime import-template`).")],
        season: Annotated[str | None, typer.Option("--season", help="Season id to import into.")] = None,
        instance: Annotated[
            str | None,
            typer.Option("--instance", help="Validate against this scenario instead (no database)."),
        ] = None,
        scenario: Annotated[str | None, typer.Option("--scenario", help="Scenario id (constraints).")] = None,
        tenant: Annotated[
            str | None, typer.Option("--tenant", help="Tenant id (default: local workspace).")
        ] = None,
        user: Annotated[
            str | None, typer.Option("--user", help="User id (default: local workspace).")
        ] = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")] = False,
        errors_out: Annotated[
            Path | None, typer.Option("--errors-out", help="Write the annotated error file here.")
        ] = None,
    ) -> None:
        """Validate a spreadsheet and import it as one batch (or list every problem and write nothing)."""
        _check_kind(kind)
        if not file.is_file():
            raise InputError(str(file), "path", "no such file")
        data = file.read_bytes()
        if instance is not None:
            from flextime.formats.inputs import load_instance
            from flextime.imports.annotate import annotated_file
            from flextime.imports.context import ImportContext
            from flextime.imports.service import validate_file

            result = validate_file(
                data, file.name, kind, ImportContext.from_instance(load_instance(instance))
            )
            problems, status, rows, batch = result.problems, "valid", result.rows, None
            errors = (
                annotated_file(None if result.raw.empty else result.raw, problems, file.suffix.lstrip("."))
                if problems
                else None
            )
        else:
            if season is None:
                raise InputError("--season", "", "give --season (a season id) or --instance (validate only)")
            outcome = _run_import(kind, file.name, data, season, scenario, tenant, user, dry_run)
            problems, status, rows, batch = outcome.problems, outcome.status, outcome.rows, outcome.batch
            errors = outcome.errors_file
        if problems:
            err_console.print(_problems_table(problems))
            if errors_out is not None and errors is not None:
                errors_out.write_bytes(errors)
                err_console.print(f"wrote {errors_out}")
            err_console.print(f"[red]rejected[/]: {file} ({rows} rows); nothing was written")
            raise typer.Exit(code=2)
        if batch is not None:
            out_console.print(
                f"[green]applied[/] {file}: batch {batch.id} {dict(batch.counts)}", highlight=False
            )
        else:
            out_console.print(f"[green]{status}[/] {file}: {rows} rows, no problems (nothing written)")

    @app.command("import-template")
    @reports_bad_input
    def import_template_cmd(
        kind: Annotated[str, typer.Argument(help=KIND_HELP)],
        out: Annotated[Path, typer.Option("--out", help="File to write.")],
        fmt: Annotated[str, typer.Option("--format", help="csv or xlsx")] = "csv",
    ) -> None:
        """Write the import template of KIND (header, an example row; XLSX adds a notes sheet)."""
        from flextime.imports.templates import template_bytes

        _check_kind(kind)
        if fmt not in ("csv", "xlsx"):
            raise InputError(fmt, "--format", "expected csv or xlsx")
        out.write_bytes(template_bytes(kind, fmt))
        out_console.print(f"wrote {out}")

    @app.command("report")
    @reports_bad_input
    def report_cmd(
        instance: Annotated[str, typer.Argument(help="Built-in scenario name or instance file.")],
        schedule: Annotated[Path, typer.Argument(help="RobinX solution XML or schedule.csv.")],
        out: Annotated[Path, typer.Option("--out", help="Folder for report.html, report.pdf, plots/.")],
        previous: Annotated[
            Path | None, typer.Option("--previous", help="The previous version, for the comparison.")
        ] = None,
        title: Annotated[str | None, typer.Option("--title")] = None,
        pdf: Annotated[bool, typer.Option("--pdf/--no-pdf")] = True,
    ) -> None:
        """The schedule report from files (no database): HTML, PDF and plots."""
        from flextime.formats.inputs import load_instance, load_schedule
        from flextime.reporting.agent import write_report

        if out.exists() and not out.is_dir():
            raise InputError(str(out), "--out", "exists and is not a directory")
        loaded = load_instance(instance)
        result = write_report(
            out, loaded, load_schedule(schedule), previous=load_schedule(previous) if previous else None,
            progress=_progress(schedule), tv=_tv(schedule), title=title, pdf=pdf,
        )  # fmt: skip
        verdict = "[green]feasible[/]" if result.feasible else "[red]infeasible[/]"
        out_console.print(f"{loaded.name}: {verdict}  objective {result.objective}")
        timings = ", ".join(f"{k} {v:.2f} s" for k, v in result.seconds.items())
        out_console.print(f"wrote {len(result.files)} files to {out} ({timings})", highlight=False)

    @app.command("export")
    @reports_bad_input
    def export_cmd(
        instance: Annotated[str, typer.Argument(help="Built-in scenario name or instance file.")],
        schedule: Annotated[Path, typer.Argument(help="RobinX solution XML or schedule.csv.")],
        out: Annotated[Path, typer.Option("--out", help="File to write.")],
        fmt: Annotated[str, typer.Option("--format", help="ics, csv, xlsx or robinx")] = "csv",
        team: Annotated[str | None, typer.Option("--team", help="Only this team's games.")] = None,
        sequence: Annotated[int, typer.Option("--sequence", min=0, help="ICS SEQUENCE (the version).")] = 0,
        season_key: Annotated[str | None, typer.Option("--season-key", help="ICS UID prefix.")] = None,
    ) -> None:
        """Export a schedule as ICS (RFC 5545), CSV, XLSX or RobinX XML."""
        from flextime.domain import Schedule
        from flextime.formats.inputs import load_instance, load_schedule

        loaded, games = load_instance(instance), load_schedule(schedule)
        if team is not None and team not in loaded.team_index:
            raise InputError(team, "--team", f"unknown team (teams: {', '.join(loaded.team_ids)})")
        if fmt == "ics":
            from flextime.formats.ics import schedule_to_ics

            text = schedule_to_ics(
                loaded, games, team=team, sequence=sequence, season_key=season_key, tv=_tv(schedule)
            )
            out.write_bytes(text.encode("utf-8"))
        else:
            chosen = Schedule(
                instance=games.instance,
                games=[g for g in games.games if team is None or team in (g.home, g.away)],
            )
            if fmt == "csv":
                from flextime.formats.schedule_csv import schedule_to_csv

                out.write_text(schedule_to_csv(loaded, chosen), encoding="utf-8")
            elif fmt == "xlsx":
                from flextime.formats.xlsx import schedule_to_xlsx

                out.write_bytes(schedule_to_xlsx(loaded, chosen, tv=_tv(schedule)))
            elif fmt == "robinx":
                from flextime.formats.robinx import solution_to_string

                out.write_text(solution_to_string(chosen, instance_name=loaded.name), encoding="utf-8")
            else:
                raise InputError(fmt, "--format", "expected ics, csv, xlsx or robinx")
        out_console.print(f"wrote {out}")

    if bench_app is None:
        return

    @bench_app.command("reports")
    def bench_reports_cmd(
        repeat: Annotated[int, typer.Option("--repeat", min=1, max=20, help="Runs per measure.")] = 3,
        database: Annotated[
            bool, typer.Option("--database/--no-database", help="Also time the import.")
        ] = True,
        out: Annotated[
            Path | None, typer.Option("--out", help="Also write reports.csv and reports.md here.")
        ] = None,
    ) -> None:
        """Validate + import a 10,000-row calendar (< 3 s); a 16-team report, HTML + PDF + plots (< 10 s)."""
        from flextime.bench.reports import run_reports_bench
        from flextime.bench.table import render_markdown, write_table

        rows = run_reports_bench(repeat=repeat, database=database)
        out_console.print(render_markdown(rows), highlight=False)
        if out is not None:
            for path in write_table(rows, out, "reports"):
                out_console.print(f"wrote {path}")


def _run_import(
    kind: str,
    filename: str,
    data: bytes,
    season: str,
    scenario: str | None,
    tenant: str | None,
    user: str | None,
    dry_run: bool,
) -> Any:
    from flextime.imports.service import run_import
    from flextime.store.db import database_url, make_pool

    try:
        season_id = uuid.UUID(season)
        scenario_id = uuid.UUID(scenario) if scenario else None
    except ValueError as exc:
        raise InputError("--season/--scenario", "", f"not a uuid: {exc}") from None
    url = database_url()
    with make_pool(url, min_size=1, max_size=2) as pool:
        if tenant is None or user is None:
            from flextime.local.workspace import open_workspace

            ws = open_workspace(pool, url)
            tenant, user = tenant or ws.tenant_id, user or str(ws.user)
        return run_import(
            pool, uuid.UUID(tenant), uuid.UUID(user), kind=kind, filename=filename, data=data,
            season_id=season_id, scenario_id=scenario_id, dry_run=dry_run,
        )  # fmt: skip
