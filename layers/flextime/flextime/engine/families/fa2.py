"""FA2: for each pair of ``teams``, the difference in home games played up to each slot of
``slots`` (slots 0..s inclusive) is at most ``intp``.

Deviation per pair: max(0, max over s in slots of |H_i(s) - H_j(s)| - intp).
"""

from __future__ import annotations

from flextime.domain.constraints import FA2
from flextime.engine.families._common import penalty, team_name, valid_slots
from flextime.engine.variables import BuiltModel, Expr, Penalty


def add_fa2(built: BuiltModel, c: FA2) -> list[Penalty]:
    m = built.model
    out: list[Penalty] = []
    slots = valid_slots(built, c.slots)
    teams = sorted(set(built.teams(c.teams)))
    for k, i in enumerate(teams):
        for j in teams[k + 1 :]:
            diffs = [(s, built.cum_home(i, s) - built.cum_home(j, s)) for s in slots if s + 1 > c.intp]
            if not diffs:
                continue
            if c.hard:
                for _, d in diffs:
                    m.add(d <= c.intp)
                    m.add(d >= -c.intp)
                continue
            terms: list[Expr] = [0]
            for _, d in diffs:
                terms += [d - c.intp, -d - c.intp]
            ub = max(s + 1 for s, _ in diffs) - c.intp
            dev = m.new_int_var(0, ub, f"fa2_{c.id}_{i}_{j}")
            m.add_max_equality(dev, terms)
            out.append(penalty(built, c, dev, f"{c.display} [{team_name(built, i)}, {team_name(built, j)}]"))
    return out
