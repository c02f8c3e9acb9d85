"""The reporting agent: build the report of one schedule version (HTML, PDF, plots, JSON data)
and store it, under ``<tenant>/<season>/<job>/reports/v<version>/``, through the ArtifactStore.
The workflow calls :func:`generate_report` after PersistSchedule; the API and the CLI call it on
demand (the CLI through :func:`write_report`, into a folder, without a database)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from flextime.domain import Instance, Schedule
from flextime.reporting.analysis import ScheduleReport, TvMap, build_report
from flextime.reporting.plots import render_plots
from flextime.reporting.render import data_uri, render_html, render_pdf
from flextime.store.s3 import ArtifactStore, artifact_key

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".json": "application/json",
}


class ReportArtifacts(BaseModel):
    """Where each file went (artifact key or path) and how long each stage took."""

    files: dict[str, str] = Field(default_factory=dict)
    seconds: dict[str, float] = Field(default_factory=dict)
    feasible: bool = True
    objective: int = 0


def build_files(
    instance: Instance,
    schedule: Schedule,
    *,
    previous: Schedule | None = None,
    previous_label: str = "previous version",
    progress: Sequence[Mapping[str, Any]] = (),
    tv: TvMap | None = None,
    title: str | None = None,
    version_label: str = "",
    pdf: bool = True,
) -> tuple[ScheduleReport, dict[str, bytes], dict[str, float]]:
    """All report files by name: report.html (self-contained), report.pdf, report.json, plots/*."""
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    report = build_report(
        instance, schedule, title=title, version_label=version_label, previous=previous,
        previous_label=previous_label, progress=progress, tv=tv,
    )  # fmt: skip
    seconds["analysis"] = time.perf_counter() - start
    start = time.perf_counter()
    plots = render_plots(instance, report)
    seconds["plots"] = time.perf_counter() - start
    files = {f"plots/{name}": data for name, data in plots.items()}
    start = time.perf_counter()
    svgs = {n[:-4]: data_uri(d, "image/svg+xml") for n, d in plots.items() if n.endswith(".svg")}
    files["report.html"] = render_html(report, svgs).encode("utf-8")
    files["report.json"] = report.model_dump_json().encode("utf-8")
    seconds["html"] = time.perf_counter() - start
    if pdf:
        start = time.perf_counter()
        files["report.pdf"] = render_pdf(report, {n[:-4]: d for n, d in plots.items() if n.endswith(".png")})
        seconds["pdf"] = time.perf_counter() - start
    return report, files, seconds


def write_report(out_dir: Path, instance: Instance, schedule: Schedule, **kwargs: Any) -> ReportArtifacts:
    """Write the report files into ``out_dir`` (created)."""
    report, files, seconds = build_files(instance, schedule, **kwargs)
    out = ReportArtifacts(
        seconds=seconds, feasible=report.validation.feasible, objective=report.validation.objective
    )
    for name, data in files.items():
        path = Path(out_dir) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        out.files[name] = str(path)
    return out


def generate_report(
    instance: Instance,
    schedule: Schedule,
    *,
    store: ArtifactStore,
    tenant_id: uuid.UUID | str,
    season_id: uuid.UUID | str,
    owner_id: uuid.UUID | str,
    version: int | None = None,
    previous: Schedule | None = None,
    progress: Sequence[Mapping[str, Any]] = (),
    tv: TvMap | None = None,
    title: str | None = None,
) -> ReportArtifacts:
    """Build the report of one schedule version and store every file; ``owner_id`` is the job id
    (or the schedule id for an on-demand report). Returns the artifact keys by file name."""
    label = f"version {version}" if version is not None else ""
    report, files, seconds = build_files(
        instance, schedule, previous=previous,
        previous_label=f"version {version - 1}" if version and previous is not None else "previous version",
        progress=progress, tv=tv, title=title, version_label=label,
    )  # fmt: skip
    out = ReportArtifacts(
        seconds=seconds, feasible=report.validation.feasible, objective=report.validation.objective
    )
    prefix = f"v{version}/" if version is not None else ""
    start = time.perf_counter()
    for name, data in files.items():
        key = artifact_key(tenant_id, season_id, owner_id, "reports", prefix + name)
        store.put_bytes(key, data, CONTENT_TYPES.get(Path(name).suffix, "application/octet-stream"))
        out.files[name] = key
    out.seconds["store"] = time.perf_counter() - start
    return out
