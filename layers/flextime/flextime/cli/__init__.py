"""The ``flextime`` command line. Each command is a thin wrapper over the shared package."""

from __future__ import annotations

from flextime.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
