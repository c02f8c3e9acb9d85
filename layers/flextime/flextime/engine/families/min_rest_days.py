"""MinRestDays: between two consecutive games of a team in ``teams`` (empty = all) there are at
least ``days`` days without a game. rest = date difference - 1 (abstract slots: slot
difference - 1).

Hard: every window of slots spanning <= ``days`` days holds at most one game of the team.
Soft deviation per team: over its consecutive games, the missing rest days max(0, days - rest).
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
    # after[s] = later slots too close to s (date difference <= days, i.e. rest < days)
    after = {
        s: [o for o in range(s + 1, n_slots) if slot_distance(built, s, o) <= c.days] for s in range(n_slots)
    }
    out: list[Penalty] = []
    for t in built.teams(c.teams):
        plays = [built.plays_lit(t, s) for s in range(n_slots)]
        if c.hard:
            for s in range(n_slots):
                window = [s, *after[s]]
                if len(window) > 1:
                    m.add(sum(plays[o] for o in window) <= 1)
            continue
        terms = []
        for s1 in range(n_slots):
            for s2 in after[s1]:
                # consecutive games in s1 and s2: both played, nothing in between
                between = [_neg(plays[o]) for o in range(s1 + 1, s2)]
                both = built.new_and([plays[s1], plays[s2], *between], f"rest_{c.id}_{t}_{s1}_{s2}")
                missing = c.days - (slot_distance(built, s1, s2) - 1)
                if not (isinstance(both, int) and both == 0):
                    terms.append(missing * both)
        if terms:
            out.append(penalty(built, c, sum(terms), f"{c.display} [{team_name(built, t)}]"))
    return out


def _neg(lit):
    return 1 - lit if isinstance(lit, int) else lit.Not()
