"""VenueUnavailable: no game at ``venue`` in the selected slots / dates / weekdays. The venue of a
game is the home team's ``Team.venue``. Soft deviation: the number of such games."""

from __future__ import annotations

from flextime.domain.constraints import VenueUnavailable
from flextime.domain.model import Instance
from flextime.engine.families._common import penalty
from flextime.engine.variables import BuiltModel, Forbidden, Penalty


def _hosts(instance: Instance, venue: str) -> list[int]:
    return [i for i, t in enumerate(instance.teams) if t.venue == venue]


def forbid_venue_unavailable(instance: Instance, c: VenueUnavailable, forbidden: Forbidden) -> None:
    if c.hard:
        slots = instance.resolve_slots(c)
        for t in _hosts(instance, c.venue):
            forbidden.forbid_home(t, slots)


def add_venue_unavailable(built: BuiltModel, c: VenueUnavailable) -> list[Penalty]:
    slots = built.instance.resolve_slots(c)
    terms = [v for t in _hosts(built.instance, c.venue) for s in slots for v in built.home_vars(t, s)]
    if not terms:
        return []
    if c.hard:
        built.model.add(sum(terms) == 0)
        return []
    return [penalty(built, c, sum(terms))]
