"""FixedGame: ``home`` hosts ``away`` in the given slot (index or date), or at some slot when
neither is given.

Hard with a slot: the game variable is fixed to 1; before variables are built the other games of
both teams in that slot are removed (and, when each ordered pair meets exactly once, the same
game in the other slots). Soft deviation: 1 when the game is not played there.
"""

from __future__ import annotations

from flextime.domain.constraints import FixedGame
from flextime.domain.model import Instance, PartialRoundRobin, RoundRobin
from flextime.engine.families._common import penalty
from flextime.engine.variables import BuiltModel, Forbidden, Penalty


def forbid_fixed_game(instance: Instance, c: FixedGame, forbidden: Forbidden) -> None:
    s = instance.fixed_slot(c)
    if not c.hard or s is None or not 0 <= s < instance.n_slots:
        return
    h, a = instance.team_index[c.home], instance.team_index[c.away]
    for o in range(instance.n_teams):
        for t in (h, a):
            if o != t:
                if (t, o) != (h, a):
                    forbidden.forbid_game(t, o, [s])
                if (o, t) != (h, a):
                    forbidden.forbid_game(o, t, [s])
    f = instance.format
    once = isinstance(f, PartialRoundRobin) or (isinstance(f, RoundRobin) and f.rounds <= 2)
    if once:
        forbidden.forbid_game(h, a, [o for o in range(instance.n_slots) if o != s])


def add_fixed_game(built: BuiltModel, c: FixedGame) -> list[Penalty]:
    h, a = built.team(c.home), built.team(c.away)
    s = built.instance.fixed_slot(c)
    if s is None:
        terms = [v for o in range(built.n_slots) if (v := built.var(h, a, o)) is not None]
        if c.hard:
            if not terms:
                built.infeasible(f"{c.id}: {c.home} cannot host {c.away} in any slot")
            else:
                built.model.add_bool_or(terms)
            return []
        played = built.new_or(terms)
        return [penalty(built, c, 1 - played)]
    v = built.var(h, a, s)
    if c.hard:
        if v is None:
            built.infeasible(f"{c.id}: {c.home} vs {c.away} in slot {s} is excluded by other hard rules")
        else:
            built.model.add(v == 1)
            built.fixed.add((h, a, s))
        return []
    return [penalty(built, c, 1 if v is None else 1 - v)]
