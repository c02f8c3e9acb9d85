"""CA1: each team in ``teams`` plays between ``min`` and ``max`` H / A / HA games in ``slots``.

Deviation per team: max(0, count - max) + max(0, min - count).
"""

from __future__ import annotations

from flextime.domain.constraints import CA1
from flextime.domain.model import Instance
from flextime.engine.families._common import limit, team_name, valid_slots
from flextime.engine.variables import BuiltModel, Forbidden, Penalty


def forbid_ca1(instance: Instance, c: CA1, forbidden: Forbidden) -> None:
    if c.hard and c.max == 0:
        for tid in c.teams:
            t = instance.team_index[tid]
            if c.mode in ("H", "HA"):
                forbidden.forbid_home(t, c.slots)
            if c.mode in ("A", "HA"):
                forbidden.forbid_away(t, c.slots)


def add_ca1(built: BuiltModel, c: CA1) -> list[Penalty]:
    out: list[Penalty] = []
    slots = valid_slots(built, c.slots)
    for t in built.teams(c.teams):
        terms = [v for s in slots for v in built.game_vars(t, s, c.mode)]
        out += limit(built, c, sum(terms), len(slots), c.min, c.max, f"{c.display} [{team_name(built, t)}]")
    return out
