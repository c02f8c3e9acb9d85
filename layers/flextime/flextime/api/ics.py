"""iCalendar (RFC 5545) feeds of a schedule version.

Games carry a date but no kick-off time, so events are all-day ``DTSTART;VALUE=DATE`` values:
a DATE is the same calendar day in every time zone (RFC 5545 3.3.4), so no VTIMEZONE is needed
and no client shifts a game to the previous evening. ``UID`` is stable across versions (season,
home, away and the meeting's ordinal), so a moved game updates the subscriber's event instead of
duplicating it; ``SEQUENCE`` is the version number.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterable

from flextime.domain import Instance
from flextime.store.records import ScheduledGame, ScheduleVersion

_UIDS = uuid.UUID("0b7c2f3e-9d4a-4a8e-8f51-2d8e6c0a9b17")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold at 75 octets (continuation lines start with one space), never inside a UTF-8 char."""
    out, current = [], b""
    for ch in line:
        enc = ch.encode("utf-8")
        if len(current) + len(enc) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += enc
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def game_uid(season_id: uuid.UUID, home: str, away: str, meeting: int) -> str:
    return f"{uuid.uuid5(_UIDS, f'{season_id}:{home}:{away}:{meeting}')}@flextime"


def calendar(
    instance: Instance,
    version: ScheduleVersion,
    games: Iterable[ScheduledGame],
    *,
    name: str,
    team: str | None = None,
) -> str:
    names = {t.id: t.name for t in instance.teams}
    venues = {v.id: v for v in instance.venues}
    stamp = (version.published_at or version.created_at).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//FlexTime//Conference schedules//EN",
        "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(name)}",
    ]  # fmt: skip
    meetings: Counter[tuple[str, str]] = Counter()
    for g in sorted(games, key=lambda g: (g.slot, g.home, g.away)):
        meetings[(g.home, g.away)] += 1
        day = g.day or (instance.slots[g.slot].date if g.slot < instance.n_slots else None)
        if day is None or (team and team not in (g.home, g.away)):
            continue
        venue = venues.get(g.venue or instance.home_venue(g.home) or "")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{game_uid(version.season_id, g.home, g.away, meetings[(g.home, g.away)])}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(f'{names.get(g.away, g.away)} at {names.get(g.home, g.home)}')}",
            f"SEQUENCE:{version.version}",
            "STATUS:CONFIRMED" if version.status == "published" else "STATUS:TENTATIVE",
            "TRANSP:TRANSPARENT",
        ]
        if venue is not None:
            lines.append(f"LOCATION:{_escape(', '.join(x for x in (venue.name, venue.city) if x))}")
            lines.append(f"GEO:{venue.lat:.6f};{venue.lon:.6f}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
