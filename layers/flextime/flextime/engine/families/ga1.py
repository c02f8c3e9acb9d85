"""GA1: between ``min`` and ``max`` of the listed (home, away) ``meetings`` are played in ``slots``."""

from __future__ import annotations

from flextime.domain.constraints import GA1
from flextime.domain.model import Instance
from flextime.engine.families._common import limit, valid_slots
from flextime.engine.variables import BuiltModel, Forbidden, Penalty


def forbid_ga1(instance: Instance, c: GA1, forbidden: Forbidden) -> None:
    if c.hard and c.max == 0 and c.min == 0:
        for h, a in c.meetings:
            forbidden.forbid_game(instance.team_index[h], instance.team_index[a], c.slots)


def add_ga1(built: BuiltModel, c: GA1) -> list[Penalty]:
    slots = valid_slots(built, c.slots)
    terms = []
    for h, a in c.meetings:
        th, ta = built.team(h), built.team(a)
        terms += [v for s in slots if (v := built.var(th, ta, s)) is not None]
    return limit(built, c, sum(terms), len(terms), c.min, c.max, c.display)
