"""CA2: each team in ``teams1`` plays between ``min`` and ``max`` H / A / HA games against
``teams2`` in ``slots`` (mode2 GLOBAL). Deviation per team of ``teams1``."""

from __future__ import annotations

from flextime.domain.constraints import CA2
from flextime.domain.model import Instance
from flextime.engine.families._common import limit, team_name, valid_slots
from flextime.engine.variables import BuiltModel, Forbidden, Penalty


def forbid_ca2(instance: Instance, c: CA2, forbidden: Forbidden) -> None:
    if c.hard and c.max == 0 and c.min == 0:
        for i in c.teams1:
            for j in c.teams2:
                ti, tj = instance.team_index[i], instance.team_index[j]
                if c.mode1 in ("H", "HA"):
                    forbidden.forbid_game(ti, tj, c.slots)
                if c.mode1 in ("A", "HA"):
                    forbidden.forbid_game(tj, ti, c.slots)


def add_ca2(built: BuiltModel, c: CA2) -> list[Penalty]:
    out: list[Penalty] = []
    slots = valid_slots(built, c.slots)
    others = set(built.teams(c.teams2))
    for t in built.teams(c.teams1):
        terms = [v for s in slots for v in built.vs_vars(t, others, s, c.mode1)]
        # at most one game per slot, so the count is at most the number of slots
        n_max = min(len(slots), len(terms))
        out += limit(built, c, sum(terms), n_max, c.min, c.max, f"{c.display} [{team_name(built, t)}]")
    return out
