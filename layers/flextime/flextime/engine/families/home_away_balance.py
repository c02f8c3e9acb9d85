"""HomeAwayBalance: among the first (last) ``k`` games of each team in ``teams`` (empty = all), the
number of home games lies in ``min_home``..``max_home``. Deviation per team.

Compact play: the first k games are slots 0..k-1, the last k are slots S-k..S-1. Non-compact
play: a per-team game counter G(s) (games in slots 0..s); a home game in slot s is among the first
k iff G(s-1) <= k-1 and among the last k iff G(s-1) >= games_per_team - k.
"""

from __future__ import annotations

from flextime.domain.constraints import HomeAwayBalance
from flextime.engine.families._common import limit, team_name
from flextime.engine.variables import BuiltModel, Penalty


def add_home_away_balance(built: BuiltModel, c: HomeAwayBalance) -> list[Penalty]:
    m = built.model
    n_slots = built.n_slots
    total = built.instance.games_per_team()
    k = min(c.k, total)
    out: list[Penalty] = []
    for t in built.teams(c.teams):
        if built.compact:
            slots = range(k) if c.window == "first" else range(n_slots - k, n_slots)
            lits = [built.home_lit(t, s) for s in slots]
        else:
            lits = []
            for s in range(n_slots):
                home = built.home_lit(t, s)
                if isinstance(home, int) and home == 0:
                    continue
                before = built.cum_plays(t, s - 1)
                inside = m.new_bool_var(f"hab_{c.id}_{t}_{s}")
                if c.window == "first":
                    m.add(before <= k - 1).OnlyEnforceIf(inside)
                    m.add(before >= k).OnlyEnforceIf(inside.Not())
                else:
                    m.add(before >= total - k).OnlyEnforceIf(inside)
                    m.add(before <= total - k - 1).OnlyEnforceIf(inside.Not())
                lits.append(built.new_and([home, inside], f"habh_{c.id}_{t}_{s}"))
        out += limit(built, c, sum(lits), k, c.min_home, c.max_home, f"{c.display} [{team_name(built, t)}]")
    return out
