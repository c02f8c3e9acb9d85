"""The report's plots (matplotlib, Agg, no pyplot state: safe in Lambda and threads). Each
function returns a Figure; :func:`render_plots` writes PNG (for the PDF) and SVG (for the SPA and
the HTML report). The map is a plain lat/lon plot: no tiles, nothing fetched."""

from __future__ import annotations

import io
import math

from matplotlib.figure import Figure

from flextime.domain import Instance
from flextime.reporting.analysis import ScheduleReport

PLOTS = ("trips_map", "home_away", "travel", "progress")


def _coords(instance: Instance, location: str) -> tuple[float, float] | None:
    venue = instance.venue_by_id.get(location)
    if venue is None:
        venue = instance.venue_by_id.get(instance.home_venue(location) or "")
    return (venue.lon, venue.lat) if venue else None


def trips_map(instance: Instance, report: ScheduleReport, teams: list[str] | None = None) -> Figure:
    """One small map per team: every venue as a grey dot, home as a star, each road trip as a
    coloured loop home -> stops -> home."""
    chosen = [t for t in report.teams if teams is None or t.id in teams]
    cols = min(4, max(1, len(chosen)))
    rows = max(1, math.ceil(len(chosen) / cols))
    fig = Figure(figsize=(3.0 * cols, 2.3 * rows), dpi=72)
    all_xy = [(v.lon, v.lat) for v in instance.venues]
    for i, team in enumerate(chosen):
        ax = fig.add_subplot(rows, cols, i + 1)
        if all_xy:
            ax.scatter([x for x, _ in all_xy], [y for _, y in all_xy], s=6, color="#bbbbbb", zorder=1)
        home = _coords(instance, instance.home_venue(team.id) or team.id)
        for k, trip in enumerate(team.trips):
            points = [_coords(instance, s) for s in trip.stops]
            path = [home, *points, home]
            if home is None or any(p is None for p in points):
                continue
            ax.plot([p[0] for p in path], [p[1] for p in path], lw=1.1, color=f"C{k % 10}", zorder=2)  # type: ignore[index]
        if home is not None:
            ax.scatter([home[0]], [home[1]], marker="*", s=70, color="black", zorder=3)
        ax.set_title(f"{team.id}: {len(team.trips)} trips, {team.travel or 0:,} mi", fontsize=8)
        # Tick labels are most of the drawing time of 16 small maps; the dots say where things are.
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_aspect("equal", adjustable="datalim")
    fig.suptitle("Road trips per team (longitude / latitude; star = home)", fontsize=10)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.92, wspace=0.08, hspace=0.25)
    return fig


def home_away_heatmap(report: ScheduleReport) -> Figure:
    values = [[1 if c == "H" else -1 if c == "A" else 0 for c in t.pattern] for t in report.teams]
    fig = Figure(figsize=(max(6, 0.28 * len(report.slots) + 2), 0.3 * len(report.teams) + 1.5), dpi=90)
    ax = fig.add_subplot(1, 1, 1)
    ax.imshow(values, cmap="RdBu", vmin=-1.4, vmax=1.4, aspect="auto", interpolation="nearest")
    ax.set_yticks(range(len(report.teams)), [t.id for t in report.teams], fontsize=7)
    step = max(1, len(report.slots) // 15)
    ax.set_xticks(
        range(0, len(report.slots), step), report.slots[::step], fontsize=6, rotation=60, ha="right"
    )
    ax.set_title("Home (blue) / away (red) / bye (white)", fontsize=9)
    fig.tight_layout()
    return fig


def travel_per_team(report: ScheduleReport) -> Figure:
    teams = sorted(report.teams, key=lambda t: t.travel or 0)
    fig = Figure(figsize=(6, 0.28 * len(teams) + 1.2), dpi=90)
    ax = fig.add_subplot(1, 1, 1)
    ax.barh([t.id for t in teams], [t.travel or 0 for t in teams], color="#4a7ab5")
    mean = report.fairness.travel_mean
    if mean:
        ax.axvline(mean, color="black", lw=0.8, ls="--", label=f"mean {mean:,.0f}")
        ax.legend(fontsize=7, loc="lower right")
    ax.set_xlabel("miles", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.set_title("Travel per team", fontsize=9)
    fig.tight_layout()
    return fig


def objective_and_bound(report: ScheduleReport) -> Figure:
    fig = Figure(figsize=(6, 3), dpi=90)
    ax = fig.add_subplot(1, 1, 1)
    points = report.progress
    if points:
        t = [p.t_seconds for p in points]
        objective = [p.objective for p in points]
        ax.step(t, objective, where="post", label="objective", color="C0")  # type: ignore[arg-type]  # None: a gap
        bounds = [(p.t_seconds, p.bound) for p in points if p.bound is not None]
        if bounds:
            ax.step([b[0] for b in bounds], [b[1] for b in bounds], where="post", label="bound", color="C3")
        ax.legend(fontsize=7)
    else:
        ax.text(0.5, 0.5, "no progress samples for this version", ha="center", va="center", fontsize=8)
    ax.set_xlabel("seconds", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.set_title("Objective and bound over time", fontsize=9)
    fig.tight_layout()
    return fig


def figures(instance: Instance, report: ScheduleReport) -> dict[str, Figure]:
    return {
        "trips_map": trips_map(instance, report),
        "home_away": home_away_heatmap(report),
        "travel": travel_per_team(report),
        "progress": objective_and_bound(report),
    }


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def render_plots(
    instance: Instance, report: ScheduleReport, formats: tuple[str, ...] = ("png", "svg")
) -> dict[str, bytes]:
    """``{"trips_map.png": ..., "trips_map.svg": ..., ...}``."""
    out = {}
    for name, fig in figures(instance, report).items():
        for fmt in formats:
            out[f"{name}.{fmt}"] = figure_bytes(fig, fmt)
    return out
