"""Venues (tenant-wide) and their calendars (days a venue is unavailable). Calendar writes are
school-scoped by the database: school staff write only their own school's venues."""

from __future__ import annotations

import datetime as dt
import uuid

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, Field

from flextime.api import queries
from flextime.api.deps import EDITORS, EVERYONE, STAFF, Ctx, Page, Paging, allow, page_of, paging
from flextime.api.errors import NotFound
from flextime.domain import Venue
from flextime.store.records import CalendarEntry
from flextime.store.repositories import seasons

router = APIRouter(prefix="/v1/venues", tags=["venues"])


class VenueOut(Venue):
    row_id: uuid.UUID = Field(description="The venue's resource id (``id`` is its code)")
    school_id: uuid.UUID | None = None


class CalendarIn(BaseModel):
    day: dt.date
    holder: str = Field("", max_length=200, description="Who holds the venue (e.g. another sport)")
    note: str = Field("", max_length=2000)


def _out(row: dict) -> VenueOut:
    return VenueOut(
        id=row["code"], name=row["name"], city=row["city"], lat=row["lat"], lon=row["lon"],
        timezone=row["timezone"], capacity=row["capacity"], row_id=row["id"], school_id=row["school_id"],
    )  # fmt: skip


@router.get("", response_model=Page[VenueOut])
def list_venues(
    ctx: Ctx = Depends(allow(*EVERYONE)),
    p: Paging = Depends(paging),
    q: str | None = Query(None, max_length=100, description="Code, name or city contains"),
) -> Page[VenueOut]:
    with ctx.tx() as tx:
        rows = queries.venue_rows(tx)
    if q:
        needle = q.lower()
        rows = [r for r in rows if any(needle in (r[k] or "").lower() for k in ("code", "name", "city"))]
    return page_of([_out(r) for r in rows], p)


@router.post("", response_model=VenueOut, status_code=status.HTTP_201_CREATED)
def create_venue(venue: Venue, response: Response, ctx: Ctx = Depends(allow(*EDITORS))) -> VenueOut:
    with ctx.tx() as tx:
        ids = seasons.add_venues(tx, [venue])
        row = queries.venue_row(tx, ids[venue.id])
    response.headers["Location"] = f"/v1/venues/{row['id']}"
    return _out(row)


@router.get("/{venue_id}", response_model=VenueOut)
def get_venue(venue_id: uuid.UUID, ctx: Ctx = Depends(allow(*EVERYONE))) -> VenueOut:
    with ctx.tx() as tx:
        return _out(queries.venue_row(tx, venue_id))


@router.get("/{venue_id}/calendar", response_model=Page[CalendarEntry])
def venue_calendar(
    venue_id: uuid.UUID,
    ctx: Ctx = Depends(allow(*EVERYONE)),
    p: Paging = Depends(paging),
    start: dt.date | None = Query(None, alias="from", description="First day (inclusive)"),
    end: dt.date | None = Query(None, alias="to", description="Last day (inclusive)"),
) -> Page[CalendarEntry]:
    with ctx.tx() as tx:
        queries.venue_row(tx, venue_id)
        entries = seasons.list_calendar(tx, venue_id)
    entries = [e for e in entries if (start is None or e.day >= start) and (end is None or e.day <= end)]
    return page_of(entries, p)


@router.post("/{venue_id}/calendar", response_model=CalendarEntry, status_code=status.HTTP_201_CREATED)
def add_calendar_entry(
    venue_id: uuid.UUID, body: CalendarIn, ctx: Ctx = Depends(allow(*STAFF))
) -> CalendarEntry:
    with ctx.tx() as tx:
        queries.venue_row(tx, venue_id)
        return seasons.add_calendar_entry(tx, venue_id, body.day, holder=body.holder, note=body.note)


@router.delete("/{venue_id}/calendar/{entry_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_calendar_entry(
    venue_id: uuid.UUID, entry_id: uuid.UUID, ctx: Ctx = Depends(allow(*STAFF))
) -> Response:
    with ctx.tx() as tx:
        if not any(e.id == entry_id for e in seasons.list_calendar(tx, venue_id)):
            raise NotFound(f"calendar entry {entry_id} not found")
        seasons.delete_calendar_entry(tx, entry_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
