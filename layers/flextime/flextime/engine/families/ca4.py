"""CA4: teams in ``teams1`` together play between ``min`` and ``max`` H / A / HA games against
``teams2`` in ``slots`` (GLOBAL: all slots together; EVERY: each slot separately, deviations summed).

Counting follows the ITC2021 rule literally: H counts games (i home vs j), A counts (j home vs i),
HA counts both, for i in teams1 and j in teams2 (so with overlapping groups a game can count twice).
"""

from __future__ import annotations

from flextime.domain.constraints import CA4
from flextime.domain.model import Instance
from flextime.engine.families._common import limit, valid_slots
from flextime.engine.variables import BuiltModel, Forbidden, Penalty


def forbid_ca4(instance: Instance, c: CA4, forbidden: Forbidden) -> None:
    if c.hard and c.max == 0 and c.min == 0:
        for i in c.teams1:
            for j in c.teams2:
                ti, tj = instance.team_index[i], instance.team_index[j]
                if c.mode1 in ("H", "HA"):
                    forbidden.forbid_game(ti, tj, c.slots)
                if c.mode1 in ("A", "HA"):
                    forbidden.forbid_game(tj, ti, c.slots)


def _slot_terms(built: BuiltModel, c: CA4, s: int) -> list:
    t1, t2 = built.teams(c.teams1), built.teams(c.teams2)
    terms = []
    for i in t1:
        for j in t2:
            if i == j:
                continue
            if c.mode1 in ("H", "HA") and (v := built.var(i, j, s)) is not None:
                terms.append(v)
            if c.mode1 in ("A", "HA") and (v := built.var(j, i, s)) is not None:
                terms.append(v)
    return terms


def _n_max(built: BuiltModel, terms: list, n_slots: int) -> int:
    # at most n/2 games per slot, each counted at most twice
    return min(len(terms), n_slots * built.n)


def add_ca4(built: BuiltModel, c: CA4) -> list[Penalty]:
    slots = valid_slots(built, c.slots)
    if c.mode2 == "GLOBAL":
        terms = [v for s in slots for v in _slot_terms(built, c, s)]
        return limit(built, c, sum(terms), _n_max(built, terms, len(slots)), c.min, c.max, c.display)
    out: list[Penalty] = []
    for s in slots:
        terms = _slot_terms(built, c, s)
        out += limit(built, c, sum(terms), _n_max(built, terms, 1), c.min, c.max, f"{c.display} [slot {s}]")
    return out
