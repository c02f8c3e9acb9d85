"""``flextime bench ttp``: the travel improver on RobinX TTP instances against the best-known table.

Only ``ttp/ttp_best_known.csv`` is read for the gaps; the best-known *schedules* in
``ttp/best_solutions`` are never opened. Every schedule is re-checked by the validator.
"""

from __future__ import annotations

import contextlib
import csv
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flextime.formats import robinx
from flextime.paths import benchmarks_dir

__all__ = ["DEFAULT_INSTANCES", "best_known", "plot_gaps", "read_rows", "run_big12_ttp", "run_ttp_bench"]

DEFAULT_INSTANCES = ("NL4", "NL6", "NL8", "NL10", "NL12", "NL14", "NL16")


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:  # pragma: no cover
        return "?"


def best_known(root: Path | None = None) -> dict[str, dict[str, str]]:
    """instance -> row of ``ttp_best_known.csv`` (best_ub, best_lb, status, ...)."""
    path = (root or benchmarks_dir()) / "ttp" / "ttp_best_known.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["instance"]: row for row in csv.DictReader(handle)}


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except ValueError:
        return None


def run_ttp_bench(
    instances: list[str],
    *,
    time_limit: float,
    seed: int = 1,
    root: Path | None = None,
    out_dir: Path | None = None,
    on_row: Callable[[dict[str, Any]], None] | None = None,
    workers: int = 1,
    lns_fraction: float = 0.0,
    search: str = "beam",
) -> list[dict[str, Any]]:
    """Solve each instance from scratch with the travel improver (``search``); one row per instance.

    With ``out_dir`` each best schedule is written to ``<out_dir>/<instance>_solution.xml`` and the
    table (``ttp.csv``/``ttp.md``) is rewritten after every instance; a rerun keeps the rows already
    there and skips their instances (a full 10-minute-per-instance run is long)."""
    from flextime.bench.table import write_table
    from flextime.travel.improve import improve_travel

    root = root or benchmarks_dir()
    known = best_known(root)
    rows: list[dict[str, Any]] = read_rows(out_dir / "ttp.csv") if out_dir is not None else []
    done = {r["instance"] for r in rows}
    for name in instances:
        if name in done:
            continue
        path = root / "ttp" / "instances_robinx" / f"{name}.xml"
        instance = robinx.read_instance(path)
        load = _load()
        started = time.perf_counter()
        result = improve_travel(
            instance,
            None,
            time_limit_s=time_limit,
            seed=seed,
            workers=workers,
            lns_fraction=lns_fraction,
            search=search,
        )
        wall = time.perf_counter() - started
        row_known = known.get(name, {})
        ub, lb = _int(row_known.get("best_ub")), _int(row_known.get("best_lb"))
        ours = result.after_travel if result.feasible else None
        gap = round(100 * (ours - ub) / ub, 2) if (ours is not None and ub) else None
        row = {
            "instance": name,
            "teams": len(instance.teams),
            "distance": ours,
            "best_known": ub,
            "lower_bound": lb,
            "gap_pct": gap,
            "time_to_best_s": result.time_to_best_s,
            "time_limit_s": time_limit,
            "wall_s": round(wall, 1),
            "iterations": result.iterations,
            "validator_feasible": result.report.feasible,
            "seed": seed,
            "workers": workers,
            "method": result.method,
            "load_1min": load,
        }
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            robinx.write_solution(
                result.schedule,
                out_dir / f"{name}_solution.xml",
                instance_name=instance.name,
                objective=result.report.objective,
                infeasibility=result.report.infeasibility,
                solution_name=f"{name}_flextime",
            )
        rows.append(row)
        if out_dir is not None:
            write_table(rows, out_dir, "ttp")
        if on_row is not None:
            on_row(row)
    return rows


def read_rows(csv_path: Path) -> list[dict[str, Any]]:
    """Rows of an earlier ``ttp.csv`` (empty when there is none), numbers and booleans parsed back."""
    if not csv_path.exists():
        return []
    with csv_path.open(newline="", encoding="utf-8") as handle:
        rows: list[dict[str, Any]] = list(csv.DictReader(handle))
    for row in rows:
        for key, value in row.items():
            if value in (None, ""):
                row[key] = None
            elif value in ("True", "False"):
                row[key] = value == "True"
            elif key not in ("instance", "method", "load_1min"):  # load: text as written ("2.20")
                with contextlib.suppress(ValueError):
                    row[key] = int(value) if value.lstrip("-").isdigit() else float(value)
    return rows


def plot_gaps(rows: list[dict[str, Any]], path: Path, title: str = "TTP: gap to best-known") -> Path:
    """Bar chart of the gap to the best-known distance per instance (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r["instance"] for r in rows]
    gaps = [r["gap_pct"] if r["gap_pct"] is not None else 0.0 for r in rows]
    colors = ["tab:green" if r["gap_pct"] == 0 else "tab:blue" for r in rows]
    fig, ax = plt.subplots(figsize=(max(5, 0.7 * len(rows) + 2), 3.6))
    ax.bar(names, gaps, color=colors)
    for x, r in enumerate(rows):
        label = "n/a" if r["gap_pct"] is None else f"{r['gap_pct']:.1f}%"
        ax.annotate(label, (x, gaps[x]), ha="center", va="bottom", fontsize=8)
    ax.set_ylabel("gap to best-known (%)")
    ax.set_title(title)
    ax.tick_params(axis="x", labelrotation=45)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def run_big12_ttp(
    *, venues: str = "arena", time_limit: float = 120.0, seed: int = 1, runs: int = 10
) -> tuple[dict[str, Any], Any]:
    """Big 12 as a TTP: our travel against the median of ``runs`` naive circle-method schedules.
    Returns (row, improve result)."""
    from flextime.travel.improve import improve_travel
    from flextime.travel.ttp_instance import big12_ttp_instance, naive_baseline

    instance = big12_ttp_instance(venues)  # type: ignore[arg-type]
    naive = naive_baseline(instance, runs=runs, seed=seed)
    load = _load()
    result = improve_travel(instance, None, time_limit_s=time_limit, seed=seed)
    median = float(naive["median"])  # type: ignore[arg-type]
    ours = result.after_travel if result.feasible else None
    row = {
        "instance": instance.name,
        "venues": venues,
        "naive_median_miles": round(median),
        "naive_feasible": f"{naive['feasible']}/{runs}",
        "ours_miles": ours,
        "reduction_pct": round(100 * (median - ours) / median, 2) if ours is not None else None,
        "time_to_best_s": result.time_to_best_s,
        "time_limit_s": time_limit,
        "validator_feasible": result.report.feasible,
        "seed": seed,
        "load_1min": load,
    }
    return row, result
