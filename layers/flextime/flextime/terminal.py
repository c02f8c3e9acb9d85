"""Terminal helpers shared by the CLI, benchmarks and demo: a live progress bar for a solve."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn


@contextlib.contextmanager
def solve_progress(
    title: str, time_limit: float, console: Console | None
) -> Iterator[Callable[[Any], None] | None]:
    """Yield an ``on_progress`` callback for the engine (None when ``console`` is None)."""
    if console is None:
        yield None
        return
    limit = max(time_limit, 0.001)
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[status]}"),
        console=console,
    )
    task = progress.add_task(title, total=limit, status="searching...")
    start = time.monotonic()
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(0.2):
            progress.update(task, completed=min(time.monotonic() - start, limit))

    def on_progress(sample: Any) -> None:
        bound = f"{sample.bound:g}" if sample.bound is not None else "-"
        progress.update(task, status=f"objective {sample.objective:g}  bound {bound}")

    ticker = threading.Thread(target=tick, daemon=True)
    with progress:
        ticker.start()
        try:
            yield on_progress
        finally:
            stop.set()
            ticker.join(timeout=1)
            progress.update(task, completed=limit)
