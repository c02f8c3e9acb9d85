"""HTML and PDF from ONE jinja2 template (``templates/report.html.j2``).

PDF: xhtml2pdf (reportlab underneath). It installs from PyPI alone, so the Lambda layer and a
developer machine need no system packages; WeasyPrint renders CSS better but needs pango/cairo
from the operating system. The template keeps to CSS 2.1 tables xhtml2pdf lays out well; the
``pdf`` flag only changes sizes and uses PNG plots (xhtml2pdf does not draw SVG images)."""

from __future__ import annotations

import base64
import io
from functools import cache
from pathlib import Path

import jinja2

from flextime.reporting.analysis import ScheduleReport

TEMPLATES = Path(__file__).with_name("templates")


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=jinja2.select_autoescape(["html", "j2"])
    )


def data_uri(data: bytes, media_type: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def render_html(report: ScheduleReport, images: dict[str, str] | None = None, *, pdf: bool = False) -> str:
    """The report page; ``images`` maps plot name -> src (a data URI or a relative path)."""
    return _environment().get_template("report.html.j2").render(r=report, images=images or {}, pdf=pdf)


class PdfError(RuntimeError):
    pass


def html_to_pdf(html: str) -> bytes:
    from xhtml2pdf import pisa

    out = io.BytesIO()
    status = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if status.err:
        raise PdfError(f"PDF rendering failed with {status.err} error(s)")
    return out.getvalue()


def render_pdf(report: ScheduleReport, png_plots: dict[str, bytes]) -> bytes:
    images = {name: data_uri(data, "image/png") for name, data in png_plots.items()}
    return html_to_pdf(render_html(report, images, pdf=True))
