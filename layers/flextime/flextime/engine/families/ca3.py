"""CA3: each team in ``teams1`` plays between ``min`` and ``max`` H / A / HA games against
``teams2`` in every window of ``intp`` consecutive slots (s..s+intp-1 for s = 0..S-intp).
Deviation: summed over teams and windows.

mode2 GAMES (windows of ``intp`` consecutive *games* of the team, byes skipped) equals SLOTS in
compact play. In non-compact play a game in slot s is the team's game number G(s-1) (games before
s), and it lies in window k iff k <= G(s-1) <= k + intp - 1 (reified game counters).
"""

from __future__ import annotations

from flextime.domain.constraints import CA3
from flextime.domain.model import Instance
from flextime.engine.families._common import limit, team_name
from flextime.engine.variables import BuiltModel, Forbidden, Penalty


def forbid_ca3(instance: Instance, c: CA3, forbidden: Forbidden) -> None:
    if c.hard and c.max == 0 and c.min == 0 and c.intp <= instance.n_slots:
        for i in c.teams1:
            for j in c.teams2:
                ti, tj = instance.team_index[i], instance.team_index[j]
                if c.mode1 in ("H", "HA"):
                    forbidden.forbid_game(ti, tj, range(instance.n_slots))
                if c.mode1 in ("A", "HA"):
                    forbidden.forbid_game(tj, ti, range(instance.n_slots))


def add_ca3(built: BuiltModel, c: CA3) -> list[Penalty]:
    if c.mode2 == "GAMES" and not built.compact:
        return _game_windows(built, c)
    out: list[Penalty] = []
    others = set(built.teams(c.teams2))
    n_slots = built.n_slots
    for t in built.teams(c.teams1):
        per_slot = [built.vs_vars(t, others, s, c.mode1) for s in range(n_slots)]
        for start in range(0, n_slots - c.intp + 1):
            terms = [v for s in range(start, start + c.intp) for v in per_slot[s]]
            n_max = min(c.intp, len(terms))
            out += limit(
                built,
                c,
                sum(terms),
                n_max,
                c.min,
                c.max,
                f"{c.display} [{team_name(built, t)}, slots {start}..{start + c.intp - 1}]",
            )
    return out


def _game_windows(built: BuiltModel, c: CA3) -> list[Penalty]:
    out: list[Penalty] = []
    others = set(built.teams(c.teams2))
    n_slots = built.n_slots
    total = built.instance.games_per_team()
    for t in built.teams(c.teams1):
        marks = [built.new_or(built.vs_vars(t, others, s, c.mode1)) for s in range(n_slots)]
        for k in range(0, total - c.intp + 1):
            terms = []
            for s in range(n_slots):
                if isinstance(marks[s], int) and marks[s] == 0:
                    continue
                inside = [
                    marks[s],
                    built.games_before_at_least(t, s, k),
                    _neg(built.games_before_at_least(t, s, k + c.intp)),
                ]
                lit = built.new_and(inside, f"ca3g_{t}_{s}_{k}")
                if not (isinstance(lit, int) and lit == 0):
                    terms.append(lit)
            out += limit(
                built,
                c,
                sum(terms),
                min(c.intp, len(terms)),
                c.min,
                c.max,
                f"{c.display} [{team_name(built, t)}, games {k + 1}..{k + c.intp}]",
            )
    return out


def _neg(lit):
    return 1 - lit if isinstance(lit, int) else lit.Not()
