"""BR2: all ``teams`` together have at most ``intp`` breaks (home or away) in ``slots``."""

from __future__ import annotations

from flextime.domain.constraints import BR2
from flextime.engine.families._common import limit, valid_slots
from flextime.engine.families.br1 import break_lits
from flextime.engine.variables import BuiltModel, Penalty


def add_br2(built: BuiltModel, c: BR2) -> list[Penalty]:
    slots = valid_slots(built, c.slots)
    teams = built.teams(c.teams)
    lits = [lit for t in teams for lit in break_lits(built, t, slots, "HA")]
    n_max = len(teams) * len([s for s in slots if s >= 1])
    return limit(built, c, sum(lits), n_max, 0, c.intp, c.display)
