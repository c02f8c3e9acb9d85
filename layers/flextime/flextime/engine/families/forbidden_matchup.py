"""ForbiddenMatchup: ``team_a`` and ``team_b`` meet at most ``max_meetings`` times (default never).

Deviation: max(0, meetings - max_meetings).
"""

from __future__ import annotations

from flextime.domain.constraints import ForbiddenMatchup
from flextime.domain.model import Instance
from flextime.engine.families._common import limit
from flextime.engine.variables import BuiltModel, Forbidden, Penalty


def forbid_forbidden_matchup(instance: Instance, c: ForbiddenMatchup, forbidden: Forbidden) -> None:
    if c.hard and c.max_meetings == 0:
        a, b = instance.team_index[c.team_a], instance.team_index[c.team_b]
        forbidden.pairs.update({(a, b), (b, a)})


def add_forbidden_matchup(built: BuiltModel, c: ForbiddenMatchup) -> list[Penalty]:
    a, b = built.team(c.team_a), built.team(c.team_b)
    terms = [v for s in range(built.n_slots) for v in built.meet_vars(a, b, s)]
    return limit(built, c, sum(terms), len(terms), 0, c.max_meetings, c.display)
