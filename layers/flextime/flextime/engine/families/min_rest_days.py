"""MinRestDays: between two games of a team in ``teams`` (empty = all) there are at least ``days``
days without a game: two games whose dates differ by <= ``days`` are too close (abstract slots:
slot difference <= ``days``).

Hard: every window of slots spanning <= ``days`` days holds at most one game of the team.
Soft deviation per team: the number of its games played too soon after its previous game.
"""

from __future__ import annotations

from flextime.domain.constraints import MinRestDays
from flextime.engine.families._common import penalty, team_name
from flextime.engine.variables import BuiltModel, Penalty


def slot_distance(built: BuiltModel, s1: int, s2: int) -> int:
    """Days (dated play) or slots between the starts of ``s1`` and ``s2``."""
    slots = built.instance.slots
    if built.instance.dated:
        return (slots[s2].date - slots[s1].date).days  # type: ignore[operator]
    return s2 - s1


def add_min_rest_days(built: BuiltModel, c: MinRestDays) -> list[Penalty]:
    m = built.model
    n_slots = built.n_slots
    # windows[s] = slots after s that are too close to s
    after = {
        s: [o for o in range(s + 1, n_slots) if slot_distance(built, s, o) <= c.days] for s in range(n_slots)
    }
    out: list[Penalty] = []
    for t in built.teams(c.teams):
        plays = [built.plays_lit(t, s) for s in range(n_slots)]
        if c.hard:
            for s in range(n_slots):
                window = [s, *after[s]]
                lits = [plays[o] for o in window]
                if len(window) > 1:
                    m.Add(sum(lits) <= 1)
            continue
        too_soon = []
        for s2 in range(n_slots):
            before = [s1 for s1 in range(s2) if s2 in after[s1]]
            if not before:
                continue
            recent = built.new_or([plays[s1] for s1 in before], f"recent_{t}_{s2}")
            too_soon.append(built.new_and([plays[s2], recent], f"soon_{c.id}_{t}_{s2}"))
        if too_soon:
            out.append(penalty(built, c, sum(too_soon), f"{c.display} [{team_name(built, t)}]"))
    return out
