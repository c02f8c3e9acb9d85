"""RequiredMatchup: ``team_a`` and ``team_b`` meet at least ``min_meetings`` times (at most
``max_meetings`` when given); with two meetings each team hosts one (hard).

Deviation: max(0, min - meetings) + max(0, meetings - max).
"""

from __future__ import annotations

from flextime.domain.constraints import RequiredMatchup
from flextime.engine.families._common import limit
from flextime.engine.variables import BuiltModel, Penalty


def add_required_matchup(built: BuiltModel, c: RequiredMatchup) -> list[Penalty]:
    a, b = built.team(c.team_a), built.team(c.team_b)
    ab = [v for s in range(built.n_slots) if (v := built.var(a, b, s)) is not None]
    ba = [v for s in range(built.n_slots) if (v := built.var(b, a, s)) is not None]
    if c.hard and c.min_meetings == 2 and (c.max_meetings or 2) == 2:
        built.model.add(sum(ab) <= 1)
        built.model.add(sum(ba) <= 1)
    return limit(built, c, sum(ab) + sum(ba), len(ab) + len(ba), c.min_meetings, c.max_meetings, c.display)
