"""``flextime bench itc2021``: ITC2021 instances solved with the selected strategy, every result
re-scored by the independent validator, compared with the best-known values.

Only the best-known *table* (``itc2021_best_known.csv``, column ``best_ub``) is read, for the
ratio; the best-known solution files are never read. Resumable: rows already in the output CSV are
kept and their instances skipped.
"""

from __future__ import annotations

import csv
import json
import os
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from flextime.engine import SolverParams
from flextime.paths import benchmarks_dir

STEM = "itc2021"
COLUMNS = [
    "instance",
    "teams",
    "phased",
    "feasible",
    "infeasibility",
    "objective",
    "best_known",
    "ratio",
    "first_feasible_s",
    "time_limit_s",
    "strategy",
    "status",
    "wall_s",
    "load_1min",
    "plan",
    "notes",
]
MD_COLUMNS = [c for c in COLUMNS if c not in ("plan", "notes")]
EARLY = [f"Early_{k}" for k in range(1, 16)]


def itc_dir() -> Path:
    return benchmarks_dir() / "itc2021"


def canonical(name: str) -> str:
    """``Early_1`` or ``ITC2021_Early_1`` -> ``ITC2021_Early_1``."""
    name = name.strip().removesuffix(".xml")
    return name if name.startswith("ITC2021_") else f"ITC2021_{name}"


def best_known(path: Path | None = None) -> dict[str, int]:
    """instance -> best known objective (``best_ub``) from the table (never the solution files)."""
    path = path or itc_dir() / "itc2021_best_known.csv"
    with path.open(encoding="utf-8") as handle:
        return {row["instance"]: int(row["best_ub"]) for row in csv.DictReader(handle) if row["best_ub"]}


def ratio(objective: int | None, best: int | None) -> float | None:
    """objective / best known (1.0 for 0/0; None when not comparable)."""
    if objective is None or best is None:
        return None
    if best == 0:
        return 1.0 if objective == 0 else None
    return round(objective / best, 3)


def read_rows(csv_path: Path) -> list[dict[str, Any]]:
    if not csv_path.exists():
        return []
    with csv_path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def solve_one(
    name: str,
    *,
    time_limit: float,
    workers: int,
    seed: int,
    on_progress: Any = None,
    solutions_dir: Path | None = None,
    plan_overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Solve one instance (selected strategy) and re-score it with the validator; the schedule (if
    any) is written to ``solutions_dir/<instance>.xml`` as a RobinX solution with the validator's
    objective and infeasibility (a start for experiments, or a comparison between runs)."""
    from flextime.formats.robinx import read_instance, write_solution
    from flextime.solving import solve_and_check

    full = canonical(name)
    instance = read_instance(itc_dir() / "instances" / f"{full}.xml")
    params = SolverParams(
        time_limit_s=time_limit, workers=workers, seed=seed, plan_overrides=plan_overrides or {}
    )
    outcome = solve_and_check(instance, params, on_progress)
    result, report = outcome.result, outcome.report
    best = best_known().get(full)
    objective = report.objective if report is not None and report.feasible else None
    if solutions_dir is not None and result.schedule is not None and report is not None:
        solutions_dir.mkdir(parents=True, exist_ok=True)
        write_solution(
            result.schedule,
            solutions_dir / f"{full}.xml",
            instance_name=full,
            objective=report.objective,
            infeasibility=report.infeasibility,
            solution_name=f"flextime {result.strategy} {time_limit:g}s seed {seed}",
        )
    fmt = instance.format
    return {
        "instance": full.removeprefix("ITC2021_"),
        "teams": instance.n_teams,
        "phased": bool(getattr(fmt, "phased", False)),
        "feasible": outcome.feasible,
        "infeasibility": report.infeasibility if report is not None else None,
        "objective": objective,
        "best_known": best,
        "ratio": ratio(objective, best),
        "first_feasible_s": (
            round(result.first_feasible_seconds, 2)
            if outcome.feasible and result.first_feasible_seconds is not None
            else None
        ),
        "time_limit_s": time_limit,
        "strategy": result.strategy,
        "status": result.status,
        "wall_s": round(result.wall_seconds, 1),
        "load_1min": round(os.getloadavg()[0], 2),
        "plan": json.dumps({k: v for k, v in (result.plan or {}).items() if k != "profile"}, sort_keys=True),
        # the strategy's phase notes (which phase found the schedule or failed, LNS statistics)
        "notes": json.dumps(result.notes),
    }


def run_itc2021_bench(
    instances: Sequence[str],
    *,
    time_limit: float,
    out_dir: Path,
    workers: int = 2,
    seed: int = 0,
    on_row: Callable[[dict[str, Any]], None] | None = None,
    progress: Callable[[str], Any] | None = None,
    plan_overrides: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Solve the instances not yet in ``out_dir/itc2021.csv``; rewrite CSV, markdown and PNG after
    each instance (schedules in ``out_dir/solutions``). Returns every row (old and new), in the
    order of ``instances`` then the rest."""
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / f"{STEM}.csv"
    rows = read_rows(csv_path)
    done = {canonical(r["instance"]) for r in rows}
    for name in instances:
        if canonical(name) in done:
            continue
        on_progress = progress(canonical(name).removeprefix("ITC2021_")) if progress else None
        row = solve_one(
            name,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            on_progress=on_progress,
            solutions_dir=out_dir / "solutions",
            plan_overrides=plan_overrides,
        )
        rows.append(row)
        done.add(canonical(name))
        write_outputs(rows, out_dir)
        if on_row is not None:
            on_row(row)
    write_outputs(rows, out_dir)
    order = {canonical(n): k for k, n in enumerate(instances)}
    return sorted(rows, key=lambda r: order.get(canonical(r["instance"]), len(order)))


def summary(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    feasible = [r for r in rows if str(r["feasible"]) in ("True", "true", "yes", "1")]
    ratios = [float(r["ratio"]) for r in feasible if r.get("ratio") not in (None, "", "None")]
    return {
        "instances": len(rows),
        "feasible": len(feasible),
        "median_ratio": round(statistics.median(ratios), 3) if ratios else None,
    }


def write_outputs(rows: Sequence[dict[str, Any]], out_dir: Path) -> list[Path]:
    """``itc2021.csv`` (all columns, incl. the plan), ``itc2021.md`` (table + summary) and ``itc2021.png``."""
    from flextime.bench.table import render_markdown

    rows = sorted(rows, key=_order)
    csv_path, md_path, png_path = (out_dir / f"{STEM}.{ext}" for ext in ("csv", "md", "png"))
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    s = summary(rows)
    md = render_markdown([{c: _typed(r.get(c)) for c in MD_COLUMNS} for r in rows])
    md += f"\n\nfeasible {s['feasible']}/{s['instances']}, median ratio to best-known {s['median_ratio']}\n"
    md_path.write_text(md, encoding="utf-8")
    plot(rows, png_path)
    return [csv_path, md_path, png_path]


def _order(row: dict[str, Any]) -> tuple[int, str, int]:
    """Test, Early, Middle, Late; then by number (resumed runs keep a stable order)."""
    name = canonical(str(row["instance"])).removeprefix("ITC2021_")
    category, _, number = name.rpartition("_") if "_" in name else ("Test", "", name.removeprefix("Test"))
    rank = {"Test": 0, "Early": 1, "Middle": 2, "Late": 3}.get(category, 4)
    return rank, category, int(number) if number.isdigit() else 0


def _typed(value: Any) -> Any:
    """CSV strings back to numbers/bools for the markdown cells."""
    if not isinstance(value, str):
        return value
    if value in ("", "None"):
        return None
    if value in ("True", "False"):
        return value == "True"
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


def plot(rows: Sequence[dict[str, Any]], path: Path) -> None:
    """Bars: objective / best-known per instance (red x: no feasible schedule); time to first feasible."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [str(r["instance"]) for r in rows]
    ratios = [_typed(r.get("ratio")) for r in rows]
    firsts = [_typed(r.get("first_feasible_s")) for r in rows]
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(max(6, 0.55 * len(rows) + 2), 7), sharex=True)
    xs = range(len(rows))
    ax1.bar(xs, [r if isinstance(r, int | float) else 0 for r in ratios], color="tab:blue")
    for x, r in zip(xs, ratios, strict=True):
        if not isinstance(r, int | float):
            ax1.plot(x, 0.05, "rx", markersize=10)
    ax1.axhline(1.0, color="green", linewidth=1, label="best known")
    ax1.axhline(2.0, color="orange", linewidth=1, linestyle="--", label="target 2.0")
    ax1.set_ylabel("objective / best known")
    ax1.set_yscale("symlog", linthresh=2)
    ax1.legend(loc="upper left", fontsize=8)
    s = summary(rows)
    ax1.set_title(f"ITC2021: feasible {s['feasible']}/{s['instances']}, median ratio {s['median_ratio']}")
    ax2.bar(xs, [f if isinstance(f, int | float) else 0 for f in firsts], color="tab:gray")
    ax2.set_ylabel("first feasible (s)")
    ax2.set_xticks(list(xs), names, rotation=60, ha="right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
