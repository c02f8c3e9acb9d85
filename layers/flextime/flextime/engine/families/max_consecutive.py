"""MaxConsecutive: no team in ``teams`` (empty = all) plays more than ``max`` consecutive home (H)
or away (A) games; consecutive counts the team's games in order, byes do not interrupt a streak.

Deviation per team: the number of its games that extend a streak beyond ``max`` (a streak of L
games costs L - max; in compact play this equals the number of all-H (all-A) windows of max+1
consecutive slots).

Compact play: sliding windows over slots. Non-compact play: per team a streak counter
r[s] in 0..max (reset by a game of the other kind, unchanged by a bye, +1 by a game of this kind);
an overflow literal o[s] (soft only) absorbs a game played while r[s-1] == max.
"""

from __future__ import annotations

from flextime.domain.constraints import MaxConsecutive
from flextime.engine.families._common import penalty, team_name
from flextime.engine.variables import BuiltModel, Penalty


def add_max_consecutive(built: BuiltModel, c: MaxConsecutive) -> list[Penalty]:
    if c.max + 1 > built.n_slots:
        return []
    out: list[Penalty] = []
    for t in built.teams(c.teams):
        if built.compact:
            out += _windows(built, c, t)
        else:
            out += _streak(built, c, t)
    return out


def _windows(built: BuiltModel, c: MaxConsecutive, t: int) -> list[Penalty]:
    m = built.model
    lits = [built.status_lit(t, s, c.mode) for s in range(built.n_slots)]
    over = []
    for start in range(built.n_slots - c.max):
        window = lits[start : start + c.max + 1]
        if c.hard:
            m.add(sum(window) <= c.max)
        else:
            over.append(built.new_and(window, f"mc_{c.id}_{t}_{start}"))
    if c.hard or not over:
        return []
    return [penalty(built, c, sum(over), f"{c.display} [{team_name(built, t)}]")]


def _streak(built: BuiltModel, c: MaxConsecutive, t: int) -> list[Penalty]:
    m = built.model
    other = "A" if c.mode == "H" else "H"
    prev = None  # r[-1] = 0
    overflow = []
    for s in range(built.n_slots):
        same = built.status_lit(t, s, c.mode)
        diff = built.status_lit(t, s, other)
        play = built.plays_lit(t, s)
        r = m.new_int_var(0, c.max, f"run_{c.id}_{t}_{s}")
        p = 0 if prev is None else prev
        # other kind: reset
        if isinstance(diff, int):
            if diff == 1:
                m.add(r == 0)
        else:
            m.add(r == 0).OnlyEnforceIf(diff)
        # bye: unchanged
        if isinstance(play, int):
            if play == 0:
                m.add(r == p)
        else:
            m.add(r == p).OnlyEnforceIf(play.Not())
        # same kind: +1 (or overflow)
        if isinstance(same, int):
            if same == 1:
                if c.hard:
                    m.add(r == p + 1)
                else:
                    o = m.new_bool_var(f"ovf_{c.id}_{t}_{s}")
                    m.add(r == p + 1).OnlyEnforceIf(o.Not())
                    m.add(r == c.max).OnlyEnforceIf(o)
                    m.add(p == c.max).OnlyEnforceIf(o)
                    overflow.append(o)
        elif c.hard:
            m.add(r == p + 1).OnlyEnforceIf(same)
        else:
            o = m.new_bool_var(f"ovf_{c.id}_{t}_{s}")
            m.add_implication(o, same)
            m.add(r == p + 1).OnlyEnforceIf([same, o.Not()])
            m.add(r == c.max).OnlyEnforceIf(o)
            m.add(p == c.max).OnlyEnforceIf(o)
            overflow.append(o)
        prev = r
    if c.hard or not overflow:
        return []
    return [penalty(built, c, sum(overflow), f"{c.display} [{team_name(built, t)}]")]
