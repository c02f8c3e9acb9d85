"""``flextime bench store``: data-layer timings (wired into the bench sub-app by ``register``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console


def register(bench_app: typer.Typer) -> None:
    """Add the ``store`` command to ``flextime bench``."""

    @bench_app.command("store")
    def bench_store_cmd(
        repeat: Annotated[int, typer.Option("--repeat", min=1, max=50, help="Runs per measure.")] = 5,
        embedded: Annotated[
            bool, typer.Option("--embedded/--no-embedded", help="Also time the embedded server.")
        ] = True,
        out: Annotated[
            Path | None, typer.Option("--out", help="Also write store.csv and store.md here.")
        ] = None,
    ) -> None:
        """Write a season / 10,000 games as a version, read a team's season and a week; embedded start."""
        from flextime.bench.store import run_store_bench
        from flextime.bench.table import render_markdown, write_table

        console = Console()
        rows = run_store_bench(repeat=repeat, embedded=embedded)
        console.print(render_markdown(rows), highlight=False)
        if out is not None:
            for path in write_table(rows, out, "store"):
                console.print(f"wrote {path}")
