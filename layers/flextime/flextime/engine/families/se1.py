"""SE1: each pair of ``teams`` has at least ``min`` slots strictly between two consecutive meetings.

Deviation per pair meeting in s1 < s2: max(0, min - (s2 - s1 - 1)).

Hard: every window of ``min + 1`` consecutive slots holds at most one meeting of the pair.
Soft, double round robin (each ordered pair meets exactly once): with p = slot of (i, j) and
q = slot of (j, i), deviation = max(0, min + 1 - |p - q|). Other formats: one indicator per pair of
close meeting slots.
"""

from __future__ import annotations

from collections.abc import Callable

from flextime.domain.constraints import SE1
from flextime.engine.families._common import penalty, team_name
from flextime.engine.variables import BuiltModel, Penalty


def separate(
    built: BuiltModel,
    c: object,
    pairs: list[tuple[int, int]],
    cost: Callable[[int, int], int],
    slot_min: int | None = None,
) -> list[Penalty]:
    """Meetings of a pair in slots s1 < s2 cost ``cost(s1, s2)`` (>= 0, non-increasing in s2).

    Hard: no two meetings with a positive cost. ``slot_min`` (set when the cost is exactly
    max(0, slot_min - (s2 - s1 - 1))) enables the compact position formulation for soft
    constraints in a double round robin.
    """
    m = built.model
    out: list[Penalty] = []
    n_slots = built.n_slots
    close = {s1: [s2 for s2 in range(s1 + 1, n_slots) if cost(s1, s2) > 0] for s1 in range(n_slots)}
    if not any(close.values()):
        return out
    for a, b in pairs:
        meet = [sum(built.meet_vars(a, b, s)) for s in range(n_slots)]
        has = [bool(built.meet_vars(a, b, s)) for s in range(n_slots)]
        if c.hard:  # type: ignore[attr-defined]
            for s1 in range(n_slots):
                if not has[s1] or not close[s1]:
                    continue
                window = [s1, *close[s1]]
                if sum(has[s] for s in window) > 1:
                    m.add(sum(meet[s] for s in window) <= 1)
            continue
        label = f"{c.display} [{team_name(built, a)}, {team_name(built, b)}]"  # type: ignore[attr-defined]
        if built.ordered_multiplicity() == 1 and slot_min:
            p = sum(s * v for s in range(n_slots) if (v := built.var(a, b, s)) is not None)
            q = sum(s * v for s in range(n_slots) if (v := built.var(b, a, s)) is not None)
            g = m.new_int_var(0, n_slots, f"gap_{a}_{b}")
            m.add_abs_equality(g, p - q)
            dev = m.new_int_var(0, slot_min, f"se_{a}_{b}")
            m.add_max_equality(dev, [0, slot_min + 1 - g])
            out.append(penalty(built, c, dev, label))
            continue
        terms = []
        for s1 in range(n_slots):
            if not has[s1]:
                continue
            for s2 in close[s1]:
                if not has[s2]:
                    continue
                # consecutive meetings: both slots, no meeting in between
                between = [_neg(built.new_or(built.meet_vars(a, b, o))) for o in range(s1 + 1, s2) if has[o]]
                both = built.new_and(
                    [
                        built.new_or(built.meet_vars(a, b, s1)),
                        built.new_or(built.meet_vars(a, b, s2)),
                        *between,
                    ]
                )
                terms.append(cost(s1, s2) * both)
        if terms:
            out.append(penalty(built, c, sum(terms), label))
    return out


def _neg(lit):
    return 1 - lit if isinstance(lit, int) else lit.Not()


def add_se1(built: BuiltModel, c: SE1) -> list[Penalty]:
    teams = sorted(set(built.teams(c.teams)))
    pairs = [(a, b) for k, a in enumerate(teams) for b in teams[k + 1 :]]
    return separate(built, c, pairs, lambda s1, s2: max(0, c.min - (s2 - s1 - 1)), slot_min=c.min)
