"""iCalendar (RFC 5545) export of a dated schedule: the whole season or one team's games.

The ONE place ICS is written (the API's exports route, the CLI and the reporting agent call it).

* UIDs are stable: derived from the season key, the (unordered) pair and which meeting of the pair
  it is (1st, 2nd ... in slot order), never from the date or home/away. A calendar client that
  imported version 1 and then receives version 2 updates the moved game instead of adding a copy;
  ``sequence`` (use the schedule version number) is increased so clients accept the update.
* Without kick-off times games are all-day events (``DTSTART;VALUE=DATE``), which need no zone.
  With ``kickoff`` (a local time at the venue) events carry ``TZID`` = the venue's IANA zone and
  the calendar holds a ``VTIMEZONE`` for every zone used, built from the zoneinfo database.
* Lines end in CRLF and are folded at 75 octets; text values are escaped.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flextime.domain import Game, Instance, Schedule
from flextime.formats.errors import InputError

PRODID = "-//FlexTime//Conference schedules//EN"
UID_DOMAIN = "flextime"


@dataclass(frozen=True)
class IcsEvent:
    uid: str
    game: Game
    day: dt.date
    meeting: int


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "season"


def game_uid(season_key: str, game: Game, meeting: int) -> str:
    """Stable across versions: season + unordered pair + meeting number."""
    a, b = sorted((game.home, game.away))
    return f"{_slug(season_key)}-{_slug(a)}-{_slug(b)}-{meeting}@{UID_DOMAIN}"


def _day(instance: Instance, game: Game) -> dt.date | None:
    """The game's own date (stored games carry ``day``), else its slot's date."""
    day = getattr(game, "day", None)
    if day is None and game.slot < instance.n_slots:
        day = instance.slots[game.slot].date
    return day


def season_events(instance: Instance, schedule: Schedule, season_key: str) -> list[IcsEvent]:
    """Every dated game with its stable UID, in slot order."""
    games = sorted(schedule.games, key=lambda g: (g.slot, g.home, g.away))
    if games and all(_day(instance, g) is None for g in games):
        raise InputError(instance.name, "slots", "ICS needs dated slots; this season has abstract rounds")
    if not games and not instance.dated:
        raise InputError(instance.name, "slots", "ICS needs dated slots; this season has abstract rounds")
    meetings: dict[tuple[str, ...], int] = {}
    events = []
    for g in games:
        pair = tuple(sorted((g.home, g.away)))
        meetings[pair] = meetings.get(pair, 0) + 1
        day = _day(instance, g)
        if day is not None:
            events.append(IcsEvent(game_uid(season_key, g, meetings[pair]), g, day, meetings[pair]))
    return events


def schedule_to_ics(
    instance: Instance,
    schedule: Schedule,
    *,
    season_key: str | None = None,
    team: str | None = None,
    sequence: int = 0,
    kickoff: dt.time | None = None,
    tv: Mapping[tuple[str, str, int], str] | None = None,
    stamp: dt.datetime | None = None,
    calendar_name: str | None = None,
    status: str = "CONFIRMED",
) -> str:
    """The season's (or ``team``'s) games as an iCalendar text (CRLF line ends).

    ``season_key`` names the season in UIDs (default: the instance name); ``tv`` maps
    (home, away, slot) to a broadcaster for the description; ``stamp`` fixes DTSTAMP (use the
    version's publication time); ``status`` is CONFIRMED (published) or TENTATIVE (a draft)."""
    if team is not None and team not in instance.team_index:
        raise InputError(
            instance.name, "--team", f"unknown team '{team}' (teams: {', '.join(instance.team_ids)})"
        )
    key = season_key or instance.name
    events = [
        e
        for e in season_events(instance, schedule, key)
        if team is None or team in (e.game.home, e.game.away)
    ]
    now = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    names = {t.id: t.name for t in instance.teams}
    title = calendar_name or (f"{names[team]} — {instance.name}" if team else instance.name)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    lines.append(f"X-WR-CALNAME:{_escape(title)}")
    zones = sorted({_zone(instance, e.game) for e in events}) if kickoff else []
    if kickoff:
        years = (
            range(min(e.day.year for e in events) - 1, max(e.day.year for e in events) + 2)
            if events
            else range(0)
        )
        for zone in zones:
            lines += vtimezone(zone, years)
    for e in events:
        lines += _vevent(
            instance, e, names, now=now, sequence=sequence, kickoff=kickoff, tv=tv, status=status
        )
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _zone(instance: Instance, game: Game) -> str:
    venue = instance.venue_by_id.get(game.venue or instance.home_venue(game.home) or "")
    return venue.timezone if venue else "UTC"


def _vevent(
    instance: Instance,
    e: IcsEvent,
    names: Mapping[str, str],
    *,
    now: str,
    sequence: int,
    kickoff: dt.time | None,
    tv: Mapping[tuple[str, str, int], str] | None,
    status: str,
) -> list[str]:
    g = e.game
    venue = instance.venue_by_id.get(g.venue or instance.home_venue(g.home) or "")
    lines = ["BEGIN:VEVENT", f"UID:{e.uid}", f"DTSTAMP:{now}", f"SEQUENCE:{sequence}"]
    if kickoff is None:
        lines += [
            f"DTSTART;VALUE=DATE:{e.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{e.day + dt.timedelta(days=1):%Y%m%d}",
        ]
        lines.append("TRANSP:TRANSPARENT")
    else:
        zone = _zone(instance, g)
        start = dt.datetime.combine(e.day, kickoff)
        end = start + dt.timedelta(hours=3)
        if zone == "UTC":
            lines += [f"DTSTART:{start:%Y%m%dT%H%M%S}Z", f"DTEND:{end:%Y%m%dT%H%M%S}Z"]
        else:
            lines += [f"DTSTART;TZID={zone}:{start:%Y%m%dT%H%M%S}", f"DTEND;TZID={zone}:{end:%Y%m%dT%H%M%S}"]
    lines.append(f"SUMMARY:{_escape(f'{names.get(g.away, g.away)} at {names.get(g.home, g.home)}')}")
    if venue is not None:
        lines.append(f"LOCATION:{_escape(', '.join(x for x in (venue.name, venue.city) if x))}")
        lines.append(f"GEO:{venue.lat:.6f};{venue.lon:.6f}")
    slot_label = instance.slots[g.slot].label if g.slot < instance.n_slots else None
    description = [f"{instance.name}, {slot_label or f'slot {g.slot}'}, meeting {e.meeting}"]
    network = (tv or {}).get((g.home, g.away, g.slot)) or getattr(g, "tv", None)
    if network:
        description.append(f"TV: {network}")
    lines.append(f"DESCRIPTION:{_escape(chr(10).join(description))}")
    lines += [f"STATUS:{status}", "END:VEVENT"]
    return lines


def vtimezone(zone: str, years: Iterable[int]) -> list[str]:
    """A VTIMEZONE for ``zone`` with one STANDARD/DAYLIGHT block per transition in ``years``
    (explicit DTSTARTs rather than RRULEs: exact for any zone the zoneinfo database knows)."""
    tz = zoneinfo.ZoneInfo(zone)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone}"]
    transitions = []
    for year in years:
        transitions += _transitions(tz, year)
    if not transitions:
        offset = dt.datetime(2000, 1, 1, tzinfo=tz).utcoffset() or dt.timedelta(0)
        transitions = [
            (dt.datetime(1970, 1, 1), offset, offset, False, dt.datetime(2000, 1, 1, tzinfo=tz).tzname())
        ]
    for local, before, after, dst, name in transitions:
        block = "DAYLIGHT" if dst else "STANDARD"
        lines += [
            f"BEGIN:{block}",
            f"DTSTART:{local:%Y%m%dT%H%M%S}",
            f"TZOFFSETFROM:{_offset(before)}",
            f"TZOFFSETTO:{_offset(after)}",
        ]
        if name:
            lines.append(f"TZNAME:{name}")
        lines.append(f"END:{block}")
    lines.append("END:VTIMEZONE")
    return lines


def _transitions(
    tz: zoneinfo.ZoneInfo, year: int
) -> list[tuple[dt.datetime, dt.timedelta, dt.timedelta, bool, str | None]]:
    out = []
    utc = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    previous = utc.astimezone(tz).utcoffset()
    for hour in range(0, 366 * 24):
        moment = utc + dt.timedelta(hours=hour)
        if moment.year != year:
            break
        local = moment.astimezone(tz)
        offset = local.utcoffset()
        if offset != previous:
            assert previous is not None and offset is not None
            wall = (moment + previous).replace(tzinfo=None)  # local wall time just before the change
            out.append((wall, previous, offset, bool(local.dst()), local.tzname()))
            previous = offset
    return out


def _offset(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for ch in line:
        encoded = ch.encode("utf-8")
        if len(current) + len(encoded) > limit:
            parts.append(current.decode("utf-8"))
            current, limit = b"", 74  # continuation lines start with one space
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)
