"""GamesPerSlot: each selected slot (empty selection = every slot) holds between ``min`` and
``max`` games. Deviation summed over slots."""

from __future__ import annotations

from flextime.domain.constraints import GamesPerSlot
from flextime.engine.families._common import limit
from flextime.engine.variables import BuiltModel, Penalty


def add_games_per_slot(built: BuiltModel, c: GamesPerSlot) -> list[Penalty]:
    slots = built.instance.resolve_slots(c)
    if not (c.slots or c.dates or c.weekdays):
        slots = list(range(built.n_slots))
    out: list[Penalty] = []
    for s in slots:
        terms = built.slot_vars(s)
        out += limit(built, c, sum(terms), built.n // 2, c.min, c.max, f"{c.display} [slot {s}]")
    return out
