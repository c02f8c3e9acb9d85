"""RematchSeparation: consecutive meetings of a pair of ``teams`` (empty = all) have at least
``min_slots`` slots strictly between them and, in dated play with ``min_days``, at least
``min_days`` days strictly between them (date difference - 1).

Deviation per pair of consecutive meetings in s1 < s2:
max(0, min_slots - (s2 - s1 - 1)) + max(0, min_days - (days(s1, s2) - 1)).
"""

from __future__ import annotations

from flextime.domain.constraints import RematchSeparation
from flextime.engine.families.se1 import separate
from flextime.engine.variables import BuiltModel, Penalty


def add_rematch_separation(built: BuiltModel, c: RematchSeparation) -> list[Penalty]:
    teams = sorted(set(built.teams(c.teams)))
    pairs = [(a, b) for k, a in enumerate(teams) for b in teams[k + 1 :]]
    slots = built.instance.slots
    use_days = c.min_days is not None and built.instance.dated

    def cost(s1: int, s2: int) -> int:
        d = max(0, c.min_slots - (s2 - s1 - 1))
        if use_days:
            d += max(0, c.min_days - ((slots[s2].date - slots[s1].date).days - 1))  # type: ignore[operator]
        return d

    return separate(built, c, pairs, cost, slot_min=None if use_days else c.min_slots)
