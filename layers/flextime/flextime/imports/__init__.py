"""Spreadsheet imports: templates, validation with row-level problems, batch commit and rollback.

``validate_file`` needs no database; ``run_import`` / ``rollback`` are the workflow over the store.
Column specs live in :mod:`flextime.imports.specs`; see docs/import-and-reports.md.
"""

from flextime.imports.context import ImportContext
from flextime.imports.problems import Problem
from flextime.imports.specs import KINDS, SPECS, ImportKind, spec_for
from flextime.imports.templates import template_bytes, template_csv, template_xlsx

__all__ = [
    "KINDS",
    "SPECS",
    "ImportContext",
    "ImportKind",
    "Problem",
    "spec_for",
    "template_bytes",
    "template_csv",
    "template_xlsx",
]
