"""Open whatever the user names: a built-in scenario, a RobinX XML instance, a YAML/JSON scenario;
and a schedule as RobinX solution XML or schedule.csv. Every failure is an ``InputError``."""

from __future__ import annotations

from pathlib import Path

from flextime.domain import Instance, Schedule
from flextime.formats.errors import InputError

SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")


def load_instance(ref: str | Path) -> Instance:
    """A built-in scenario name, or a path to ``.xml`` (RobinX) / ``.yaml`` / ``.yml`` / ``.json``."""
    from flextime import scenarios

    text = str(ref)
    builtin = [info.name for info in scenarios.list_scenarios()]
    if text in builtin:
        return scenarios.load_builtin(text)
    path = Path(text)
    if not path.exists():
        known = ", ".join(builtin)
        raise InputError(text, "path", f"no such file, and not a built-in scenario (built-in: {known})")
    if path.is_dir():
        raise InputError(text, "path", "is a directory, expected an instance file")
    suffix = path.suffix.lower()
    if suffix == ".xml":
        from flextime.formats import robinx

        return robinx.read_instance(path)
    if suffix in SCENARIO_SUFFIXES:
        from flextime.formats import scenario

        return scenario.load_scenario(path)
    raise InputError(text, "path", f"unknown file type '{suffix}' (expected .xml, .yaml, .yml or .json)")


def load_schedule(ref: str | Path) -> Schedule:
    """A RobinX solution (``.xml``) or a ``schedule.csv``."""
    path = Path(ref)
    if not path.is_file():
        raise InputError(str(ref), "path", "no such file")
    suffix = path.suffix.lower()
    if suffix == ".xml":
        from flextime.formats import robinx

        return robinx.read_solution(path)
    if suffix == ".csv":
        from flextime.formats.schedule_csv import read_schedule_csv

        return read_schedule_csv(path)
    raise InputError(str(ref), "path", f"unknown schedule file type '{suffix}' (expected .xml or .csv)")
