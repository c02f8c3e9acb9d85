"""The venue agent (CheckVenues): games against the venues' calendars (arenas held by another
sport or event) and double bookings of shared venues. Conflicts become hard VenueUnavailable
cuts; the state machine re-solves once with them, and a second conflict fails the job."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pydantic import BaseModel

from flextime.agents import runtime
from flextime.agents.errors import VenueConflictsRemain
from flextime.agents.observability import logger
from flextime.agents.state import JobState
from flextime.domain import Instance, Schedule, VenueUnavailable
from flextime.store.db import Tx
from flextime.store.errors import NotFound
from flextime.store.repositories import seasons

DOUBLE_BOOKED = "shared venue booked twice"


class VenueConflict(BaseModel):
    venue: str
    slot: int
    day: dt.date | None = None
    games: list[str]
    reason: str


def venue_of(instance: Instance, home: str, venue: str | None) -> str | None:
    return venue or instance.home_venue(home)


def find_conflicts(
    instance: Instance, schedule: Schedule, held: dict[str, dict[dt.date, str]]
) -> list[VenueConflict]:
    """``held``: venue id -> {day: holder} from the calendars."""
    days = {s.index: s.date for s in instance.slots}
    by_venue_slot: dict[tuple[str, int], list[str]] = defaultdict(list)
    conflicts: list[VenueConflict] = []
    for g in schedule.games:
        venue = venue_of(instance, g.home, g.venue)
        if venue is None:
            continue
        by_venue_slot[(venue, g.slot)].append(f"{g.away}@{g.home}")
        day = days.get(g.slot)
        if day is not None and day in held.get(venue, {}):
            conflicts.append(
                VenueConflict(
                    venue=venue,
                    slot=g.slot,
                    day=day,
                    games=[f"{g.away}@{g.home}"],
                    reason=f"held by {held[venue][day] or 'another event'}",
                )
            )
    for (venue, slot), games in sorted(by_venue_slot.items()):
        if len(games) > 1:
            conflicts.append(
                VenueConflict(
                    venue=venue,
                    slot=slot,
                    day=days.get(slot),
                    games=games,
                    reason=DOUBLE_BOOKED,
                )
            )
    return conflicts


def calendars(tx: Tx, instance: Instance) -> dict[str, dict[dt.date, str]]:
    held: dict[str, dict[dt.date, str]] = {}
    for venue in instance.venues:
        try:
            entries = seasons.list_calendar(tx, seasons.venue_id(tx, venue.id))
        except NotFound:
            continue
        held[venue.id] = {e.day: e.holder for e in entries}
    return held


def cuts(
    instance: Instance, conflicts: list[VenueConflict], held: dict[str, dict[dt.date, str]]
) -> list[VenueUnavailable]:
    """For each venue with a calendar conflict: every held slot of that venue becomes a hard 'no
    game here' constraint (cutting only the clashing slot would let the re-solve move the game
    onto another held date). Double bookings get no cut: that needs the solver to pick a game."""
    by_date = instance.slot_by_date
    out: list[VenueUnavailable] = []
    for venue in sorted({c.venue for c in conflicts if c.reason != DOUBLE_BOOKED}):
        slots = sorted(by_date[d] for d in held.get(venue, {}) if d in by_date)
        out.append(
            VenueUnavailable(
                id=f"venue-cut-{venue}",
                label=f"{venue} held on {len(slots)} date(s)",
                venue=venue,
                slots=slots,
            )
        )
    return out


def check_venues(state: JobState) -> JobState:
    instance = Instance.model_validate(runtime.read_json(state.instance_key or ""))
    schedule = Schedule.model_validate(runtime.read_json(state.solution_key or ""))
    with runtime.platform_tx(state.tenant_id) as tx:
        held = calendars(tx, instance)
    conflicts = find_conflicts(instance, schedule, held)
    runtime.write_json(
        state.key("reports", f"venues-{state.venue_resolves}.json"),
        [c.model_dump(mode="json") for c in conflicts],
    )
    logger.info("venues checked", extra={"conflicts": len(conflicts), "resolves": state.venue_resolves})
    if not conflicts:
        return state.model_copy(update={"venue_conflicts": 0, "resolve": False})
    new_cuts = cuts(instance, conflicts, held)
    if state.venue_resolves >= 1 or not new_cuts:
        raise VenueConflictsRemain(
            f"{len(conflicts)} venue conflict(s) remain: "
            + "; ".join(f"{c.venue} slot {c.slot} {c.reason} ({', '.join(c.games)})" for c in conflicts[:5])
        )
    cut_instance = instance.model_copy(update={"constraints": [*instance.constraints, *new_cuts]})
    Instance.model_validate(cut_instance.model_dump())  # the cuts must reference known venues/slots
    key = runtime.write_json(
        state.key("instances", "instance-venue-cuts.json"), cut_instance.model_dump(mode="json")
    )
    return state.model_copy(
        update={
            "instance_key": key,
            "venue_conflicts": len(conflicts),
            "venue_resolves": state.venue_resolves + 1,
            "resolve": True,
        }
    )
