"""RematchSeparation: when a pair of ``teams`` (empty = all) meets twice, at least ``min_slots``
slots lie strictly between the meetings; in dated play with ``min_days`` given, at least
``min_days`` days (date difference - 1) instead.

Deviation per pair meeting in s1 < s2: max(0, min - gap), like SE1.
"""

from __future__ import annotations

from flextime.domain.constraints import RematchSeparation
from flextime.engine.families.se1 import separate, slot_gap
from flextime.engine.variables import BuiltModel, Penalty


def add_rematch_separation(built: BuiltModel, c: RematchSeparation) -> list[Penalty]:
    teams = sorted(set(built.teams(c.teams)))
    pairs = [(a, b) for k, a in enumerate(teams) for b in teams[k + 1 :]]
    if c.min_days is not None and built.instance.dated:
        slots = built.instance.slots

        def day_gap(s1: int, s2: int) -> int:
            return (slots[s2].date - slots[s1].date).days - 1  # type: ignore[operator]

        return separate(built, c, pairs, c.min_days, day_gap)
    return separate(built, c, pairs, c.min_slots, slot_gap)
