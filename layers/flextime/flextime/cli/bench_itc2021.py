"""``flextime bench itc2021``: ITC2021 instances, selected strategy, validator-checked (resumable)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console


def register(bench_app: typer.Typer) -> None:
    """Add the ``itc2021`` command to ``flextime bench``."""

    @bench_app.command("itc2021")
    def bench_itc2021_cmd(
        instances: Annotated[
            str,
            typer.Option(
                "--instances", help="Comma-separated names, e.g. Early_1,Test5 (default Early_1..15)."
            ),
        ] = "",
        time_limit: Annotated[
            float, typer.Option("--time-limit", min=0.1, help="Seconds per instance.")
        ] = 300.0,
        workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="CP-SAT search workers.")] = 2,
        seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed.")] = 0,
        out: Annotated[
            Path, typer.Option("--out", help="Folder for itc2021.csv/.md/.png (existing rows are kept).")
        ] = Path("bench-itc2021"),
        plan: Annotated[
            str,
            typer.Option(
                "--plan",
                help="JSON object of strategy plan parameters to override, e.g. '{\"anneal\": false}' "
                "(A/B runs; the CSV's plan column records them).",
            ),
        ] = "",
    ) -> None:
        """Solve ITC2021 instances; CSV, markdown and PNG of feasibility, objective vs best known,
        time to first feasible and strategy. Instances already in the CSV are skipped."""
        from flextime.bench.itc2021 import EARLY, run_itc2021_bench, summary
        from flextime.bench.table import render_markdown
        from flextime.formats.errors import InputError

        console, err = Console(), Console(stderr=True)
        names = [n for n in instances.split(",") if n.strip()] or EARLY
        overrides = _plan_overrides(plan)
        if isinstance(overrides, str):
            err.print(f"[bold red]error:[/] {InputError('--plan', '', overrides)}")
            raise typer.Exit(code=2)
        from flextime.bench.itc2021 import canonical, itc_dir

        for name in names:
            path = itc_dir() / "instances" / f"{canonical(name)}.xml"
            if not path.exists():
                err.print(
                    f"[bold red]error:[/] {InputError(str(path), '--instances', 'no such ITC2021 instance')}"
                )
                raise typer.Exit(code=2)

        def on_row(row: dict) -> None:
            err.print(
                f"{row['instance']}: feasible={row['feasible']} objective={row['objective']} "
                f"best={row['best_known']} first={row['first_feasible_s']}s strategy={row['strategy']}",
                highlight=False,
            )

        rows = run_itc2021_bench(
            names,
            time_limit=time_limit,
            out_dir=out,
            workers=workers,
            seed=seed,
            on_row=on_row,
            plan_overrides=overrides,
        )
        from flextime.bench.itc2021 import MD_COLUMNS

        console.print(render_markdown([{c: r.get(c) for c in MD_COLUMNS} for r in rows]), highlight=False)
        s = summary(rows)
        console.print(f"feasible {s['feasible']}/{s['instances']}, median ratio {s['median_ratio']}")
        console.print(f"wrote {out}/itc2021.csv, itc2021.md, itc2021.png")


def _plan_overrides(text: str) -> dict[str, Any] | str:
    """The ``--plan`` JSON object, or why it is not one."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"not JSON ({exc.msg} at character {exc.pos})"
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        return 'must be a JSON object of plan parameters, e.g. {"anneal": false}'
    return value
