"""BR1: each team in ``teams`` has at most ``intp`` breaks of kind ``mode2`` (H, A or HA) in ``slots``.

A team has a break at slot s >= 1 when its status at s equals its status at s-1 (home break if
both home, away break if both away); the break is counted at s. In non-compact play a bye is a
status of its own and never forms a break.
"""

from __future__ import annotations

from flextime.domain.constraints import BR1
from flextime.engine.families._common import limit, team_name, valid_slots
from flextime.engine.variables import BuiltModel, Lit, Penalty


def break_lits(built: BuiltModel, t: int, slots: list[int], mode: str) -> list[Lit]:
    lits: list[Lit] = []
    for s in slots:
        if s < 1:
            continue
        if mode in ("H", "HA"):
            lits.append(built.home_break(t, s))
        if mode in ("A", "HA"):
            lits.append(built.away_break(t, s))
    return [lit for lit in lits if not (isinstance(lit, int) and lit == 0)]


def add_br1(built: BuiltModel, c: BR1) -> list[Penalty]:
    out: list[Penalty] = []
    slots = valid_slots(built, c.slots)
    for t in built.teams(c.teams):
        lits = break_lits(built, t, slots, c.mode2)
        n_max = len([s for s in slots if s >= 1])
        out += limit(built, c, sum(lits), n_max, 0, c.intp, f"{c.display} [{team_name(built, t)}]")
    return out
