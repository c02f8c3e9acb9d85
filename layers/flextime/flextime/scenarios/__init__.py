"""Built-in scenarios: the Big 12 2026 football and 2026-27 basketball seasons.

``list_scenarios()`` describes them, ``load_builtin(name)`` builds one as an ``Instance``. Each is
also committed as an editable YAML file under ``flextime/scenarios/data/<name>.yaml``
(regenerate with ``python -m flextime.scenarios``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flextime.domain import Instance
from flextime.scenarios import big12

__all__ = [
    "DATA_DIR",
    "ScenarioInfo",
    "builtin_yaml_path",
    "list_scenarios",
    "load_builtin",
    "write_builtin_yaml",
]

DATA_DIR = big12.DATA_DIR


@dataclass(frozen=True)
class ScenarioInfo:
    """What ``flextime scenarios`` lists."""

    name: str
    title: str
    sport: str
    season: str
    description: str


_REGISTRY: dict[str, tuple[ScenarioInfo, Callable[[], Instance]]] = {
    big12.FOOTBALL: (
        ScenarioInfo(
            name=big12.FOOTBALL,
            title="Big 12 football 2026",
            sport="football",
            season="2026",
            description="16 teams, 9 conference games on the 12 Saturdays 12 Sep - 28 Nov 2026; "
            "protected rivalries and the officially announced games fixed.",
        ),
        big12.football_2026,
    ),
    big12.MBB: (
        ScenarioInfo(
            name=big12.MBB,
            title="Big 12 men's basketball 2026-27",
            sport="mens-basketball",
            season="2026-27",
            description="16 teams, 18 games (3 home-and-home), Sat/Mon/Tue/Wed dates 2 Jan - 6 Mar 2027; "
            "Saturday-Monday/Tuesday pairing, no three road games in a row, BYU never on Sunday.",
        ),
        big12.mbb_2026_27,
    ),
    big12.WBB: (
        ScenarioInfo(
            name=big12.WBB,
            title="Big 12 women's basketball 2026-27",
            sport="womens-basketball",
            season="2026-27",
            description="16 teams, 18 games (3 home-and-home), Wed/Sat/Sun dates 19 Dec 2026 - 28 Feb 2027 "
            "without the holidays; BYU never on Sunday.",
        ),
        big12.wbb_2026_27,
    ),
}


def list_scenarios() -> list[ScenarioInfo]:
    """The built-in scenarios, in a stable order."""
    return [info for info, _ in _REGISTRY.values()]


def load_builtin(name: str) -> Instance:
    """Build the built-in scenario ``name``; an unknown name raises ``KeyError`` listing the names."""
    try:
        _, build = _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown scenario '{name}'; built-in scenarios: {', '.join(_REGISTRY)}") from None
    return build()


def builtin_yaml_path(name: str) -> Path:
    """Where the editable YAML copy of a built-in scenario lives."""
    return DATA_DIR / f"{name}.yaml"


def write_builtin_yaml() -> list[Path]:
    """(Re)write ``data/<name>.yaml`` for every built-in scenario with ``dump_scenario``."""
    from flextime.formats.scenario import dump_scenario

    return [dump_scenario(load_builtin(info.name), builtin_yaml_path(info.name)) for info in list_scenarios()]
