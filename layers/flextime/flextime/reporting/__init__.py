"""Schedule reports: analysis (pure), plots (matplotlib), HTML and PDF from one jinja2 template,
and the reporting agent that stores them. See docs/import-and-reports.md."""

from flextime.reporting.agent import ReportArtifacts, build_files, generate_report, write_report
from flextime.reporting.analysis import ScheduleReport, build_report

__all__ = [
    "ReportArtifacts",
    "ScheduleReport",
    "build_files",
    "build_report",
    "generate_report",
    "write_report",
]
