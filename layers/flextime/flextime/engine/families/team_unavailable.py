"""TeamUnavailable: ``team`` plays no game (any) / no home game (home) / no away game (away) in the
selected slots, dates or weekdays. Hard: the variables are never created. Soft deviation: the
number of such games."""

from __future__ import annotations

from flextime.domain.constraints import TeamUnavailable
from flextime.domain.model import Instance
from flextime.engine.families._common import penalty
from flextime.engine.variables import BuiltModel, Forbidden, Penalty

_MODE = {"any": "HA", "home": "H", "away": "A"}


def forbid_team_unavailable(instance: Instance, c: TeamUnavailable, forbidden: Forbidden) -> None:
    if c.hard:
        t = instance.team_index[c.team]
        slots = instance.resolve_slots(c)
        if c.mode in ("any", "home"):
            forbidden.forbid_home(t, slots)
        if c.mode in ("any", "away"):
            forbidden.forbid_away(t, slots)


def add_team_unavailable(built: BuiltModel, c: TeamUnavailable) -> list[Penalty]:
    t = built.team(c.team)
    terms = [v for s in built.instance.resolve_slots(c) for v in built.game_vars(t, s, _MODE[c.mode])]
    if not terms:
        return []
    if c.hard:
        built.model.add(sum(terms) == 0)
        return []
    return [penalty(built, c, sum(terms))]
