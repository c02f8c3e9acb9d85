"""Byes: each team in ``teams`` (empty = all) has between ``min`` and ``max`` slots without a game,
optionally none in the first (``not_first``) and/or last (``not_last``) slot.

Deviation per team: max(0, byes - max) + max(0, min - byes) (+1 for a bye in the first / last
slot when forbidden).
"""

from __future__ import annotations

from flextime.domain.constraints import Byes
from flextime.engine.families._common import limit, penalty, team_name
from flextime.engine.variables import BuiltModel, Penalty


def add_byes(built: BuiltModel, c: Byes) -> list[Penalty]:
    m = built.model
    n_slots = built.n_slots
    out: list[Penalty] = []
    for t in built.teams(c.teams):
        plays = [built.plays_lit(t, s) for s in range(n_slots)]
        byes = n_slots - sum(plays)
        name = team_name(built, t)
        out += limit(built, c, byes, n_slots, c.min, c.max, f"{c.display} [{name}]")
        for flag, s, where in ((c.not_first, 0, "first"), (c.not_last, n_slots - 1, "last")):
            if not flag:
                continue
            if c.hard:
                if isinstance(plays[s], int):
                    if plays[s] == 0:
                        built.infeasible(f"{c.id}: {name} cannot play in the {where} slot")
                else:
                    m.add(plays[s] == 1)
            else:
                out.append(penalty(built, c, 1 - plays[s], f"{c.display} [{name}, bye in {where} slot]"))
    return out
