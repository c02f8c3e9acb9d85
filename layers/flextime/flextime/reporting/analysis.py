"""What a schedule report says, computed from the instance and schedule alone (no database): the
season grid, each team's games with travel per leg and trip, home/away pattern and breaks, rest
days, every constraint with its deviation and penalty (from the independent validator), the
fairness ledger and the comparison with the previous version. Templates and plots only render it."""

from __future__ import annotations

import datetime as dt
import statistics
import zoneinfo
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

from pydantic import BaseModel, Field

from flextime.domain import Game, Instance, Schedule
from flextime.travel.distances import (
    TravelDataError,
    distance_lookup,
    game_location,
    has_travel_data,
    home_location,
)
from flextime.travel.summary import travel_summary
from flextime.travel.trips import road_trips, team_games
from flextime.validate import ValidationReport, validate

TvMap = Mapping[tuple[str, str, int], str]


class TeamGame(BaseModel):
    slot: int
    day: dt.date | None
    weekday: str
    opponent: str
    home: bool
    venue: str
    leg_miles: int | None
    trip: int | None
    """Road trip number (1, 2 ...) for away games."""
    rest_days: int | None
    """Days (or slots, undated) since the team's previous game, minus one."""
    tz_change: int
    """Hours of time-zone difference from where the team was before this game."""
    opponent_off_bye: bool
    tv: str = ""


class TripRow(BaseModel):
    number: int
    slots: list[int]
    stops: list[str]
    miles: int


class TeamReport(BaseModel):
    id: str
    name: str
    games: list[TeamGame]
    trips: list[TripRow]
    travel: int | None
    pattern: str
    """H / A per slot, '-' for a bye."""
    breaks: int
    home_games: int
    away_games: int
    min_rest: int | None
    mean_rest: float | None
    tz_changes: int
    tz_hours: int
    opponents_off_bye: int
    tv_games: int


class ConstraintRow(BaseModel):
    id: str
    type: str
    label: str
    hard: bool
    weight: int
    deviation: int
    penalty: int
    detail: str = ""

    @property
    def satisfied(self) -> bool:
        return self.deviation == 0


class Fairness(BaseModel):
    travel_min: int | None = None
    travel_max: int | None = None
    travel_mean: float | None = None
    travel_stdev: float | None = None
    travel_spread: int | None = None
    """max - min travel."""
    opponents_off_bye: dict[str, int] = Field(default_factory=dict)
    tz_changes: dict[str, int] = Field(default_factory=dict)
    tv_exposure: dict[str, int] = Field(default_factory=dict)
    longest_trip: int = 0
    longest_trip_team: str | None = None


class MovedGame(BaseModel):
    home: str
    away: str
    meeting: int
    before: str
    after: str


class Comparison(BaseModel):
    previous_label: str
    objective_before: int
    objective_after: int
    travel_before: int | None
    travel_after: int | None
    moved: list[MovedGame]
    unchanged: int
    travel_delta: dict[str, int] = Field(default_factory=dict)
    breaks_delta: dict[str, int] = Field(default_factory=dict)


class ProgressPoint(BaseModel):
    t_seconds: float
    objective: float | None = None
    bound: float | None = None


class ScheduleReport(BaseModel):
    title: str
    version_label: str
    generated_at: dt.datetime
    instance: str
    teams: list[TeamReport]
    slots: list[str]
    grid: list[list[str]]
    """One row per team (same order as ``teams``), one cell per slot: opponent, '@opp' away, '' bye."""
    validation: ValidationReport
    constraints: list[ConstraintRow]
    fairness: Fairness
    comparison: Comparison | None = None
    progress: list[ProgressPoint] = Field(default_factory=list)

    @property
    def soft_constraints(self) -> list[ConstraintRow]:
        return [c for c in self.constraints if not c.hard]

    @property
    def hard_constraints(self) -> list[ConstraintRow]:
        return [c for c in self.constraints if c.hard]


def _slot_text(instance: Instance, slot: int) -> str:
    s = instance.slots[slot]
    return s.date.isoformat() if s.date else (s.label or f"slot {slot}")


def _tz_offset(zone: str | None, day: dt.date | None) -> float:
    if not zone:
        return 0.0
    moment = dt.datetime.combine(day or dt.date(2027, 1, 15), dt.time(12))
    offset = moment.replace(tzinfo=zoneinfo.ZoneInfo(zone)).utcoffset()
    return offset.total_seconds() / 3600 if offset else 0.0


def _location_zone(instance: Instance, location: str) -> str | None:
    venue = instance.venue_by_id.get(location)
    if venue is not None:
        return venue.timezone
    team = next((t for t in instance.teams if t.id == location), None)
    return team.timezone if team else None


def _team_report(
    instance: Instance, games: Sequence[Game], team: str, breaks: int, travel: int | None, tv: TvMap
) -> TeamReport:
    own = team_games(games, team)
    busy = {g.slot for g in games if g.home == team or g.away == team}
    playing: dict[str, set[int]] = {}
    for g in games:
        playing.setdefault(g.home, set()).add(g.slot)
        playing.setdefault(g.away, set()).add(g.slot)
    travel_ok = has_travel_data(instance)
    dist = distance_lookup(instance) if travel_ok else None
    here = home_location(instance, team) if travel_ok else None
    trips = road_trips(instance, games, team) if travel_ok else []
    trip_of_slot = {s: i for i, trip in enumerate(trips, start=1) for s in trip.slots}
    rows: list[TeamGame] = []
    previous: Game | None = None
    zone_here = _location_zone(instance, here) if here else None
    tz_changes = tz_hours = off_bye = 0
    for g in own:
        is_home = g.home == team
        opponent = g.away if is_home else g.home
        loc = game_location(instance, g) if travel_ok else (g.venue or "")
        leg = dist(here, loc) if dist and here is not None else None
        slot = instance.slots[g.slot]
        rest = None
        if previous is not None:
            prev_slot = instance.slots[previous.slot]
            rest = (
                (slot.date - prev_slot.date).days - 1
                if slot.date and prev_slot.date
                else g.slot - previous.slot - 1
            )
        zone = _location_zone(instance, loc)
        shift = round(abs(_tz_offset(zone, slot.date) - _tz_offset(zone_here, slot.date)))
        if shift:
            tz_changes += 1
            tz_hours += shift
        bye = g.slot > 0 and (g.slot - 1) not in playing.get(opponent, set())
        off_bye += bye
        rows.append(
            TeamGame(
                slot=g.slot, day=slot.date, weekday=slot.weekday or "", opponent=opponent, home=is_home,
                venue=loc, leg_miles=leg, trip=None if is_home else trip_of_slot.get(g.slot), rest_days=rest,
                tz_change=shift, opponent_off_bye=bye, tv=tv.get((g.home, g.away, g.slot), ""),
            )
        )  # fmt: skip
        here, zone_here, previous = loc, zone, g
    rests = [r.rest_days for r in rows if r.rest_days is not None]
    pattern = "".join(
        ("H" if next(g for g in own if g.slot == s).home == team else "A") if s in busy else "-"
        for s in range(instance.n_slots)
    )
    name = next(t.name for t in instance.teams if t.id == team)
    return TeamReport(
        id=team, name=name, games=rows,
        trips=[TripRow(number=i, slots=x.slots, stops=x.stops, miles=x.miles) for i, x in enumerate(trips, 1)],  # noqa: E501
        travel=travel, pattern=pattern, breaks=breaks,
        home_games=sum(r.home for r in rows), away_games=sum(not r.home for r in rows),
        min_rest=min(rests) if rests else None,
        mean_rest=round(statistics.fmean(rests), 2) if rests else None,
        tz_changes=tz_changes, tz_hours=tz_hours, opponents_off_bye=off_bye,
        tv_games=sum(bool(r.tv) for r in rows),
    )  # fmt: skip


def _grid(instance: Instance, games: Sequence[Game]) -> list[list[str]]:
    cells: dict[tuple[str, int], str] = {}
    for g in games:
        cells[(g.home, g.slot)] = g.away
        cells[(g.away, g.slot)] = f"@{g.home}"
    return [[cells.get((t, s), "") for s in range(instance.n_slots)] for t in instance.team_ids]


def _constraints(instance: Instance, report: ValidationReport) -> list[ConstraintRow]:
    found = {v.constraint_id: v for v in report.violations}
    rows = []
    for c in instance.constraints:
        v = found.get(c.id)
        rows.append(
            ConstraintRow(
                id=c.id, type=c.type, label=c.display, hard=c.hard, weight=c.weight,
                deviation=v.deviation if v else 0, penalty=v.cost if v else 0, detail=v.detail if v else "",
            )
        )  # fmt: skip
    return rows


def _fairness(teams: list[TeamReport]) -> Fairness:
    travel = [t.travel for t in teams if t.travel is not None]
    fair = Fairness(
        opponents_off_bye={t.id: t.opponents_off_bye for t in teams},
        tz_changes={t.id: t.tz_changes for t in teams},
        tv_exposure={t.id: t.tv_games for t in teams},
    )
    if travel:
        fair.travel_min, fair.travel_max = min(travel), max(travel)
        fair.travel_mean = round(statistics.fmean(travel), 1)
        fair.travel_stdev = round(statistics.pstdev(travel), 1)
        fair.travel_spread = fair.travel_max - fair.travel_min
    return fair


def _adopt_travel_summary(instance: Instance, games: Sequence[Game], fairness: Fairness) -> None:
    """The travel package's summary is the reference for time-zone changes and the longest trip
    (the same figures the travel agent reports); the per-game shifts above stay for the tables."""
    summary = travel_summary(instance, games) if has_travel_data(instance) else None
    if summary is None:
        return
    fairness.tz_changes = {t.team: t.timezone_changes for t in summary.by_team}
    fairness.longest_trip, fairness.longest_trip_team = summary.longest_trip, summary.longest_trip_team


def _meetings(instance: Instance, games: Sequence[Game]) -> dict[tuple[str, str, int], Game]:
    out: dict[tuple[str, str, int], Game] = {}
    count: dict[tuple[str, str], int] = {}
    for g in sorted(games, key=lambda g: (g.slot, g.home, g.away)):
        a, b = sorted((g.home, g.away))
        count[(a, b)] = count.get((a, b), 0) + 1
        out[(a, b, count[(a, b)])] = g
    return out


def compare(
    instance: Instance,
    schedule: Schedule,
    report: ValidationReport,
    previous: Schedule,
    label: str = "previous version",
) -> Comparison:
    """What changed since ``previous``: games moved (same pair and meeting, other slot or host),
    objective and travel before/after, per-team travel and break deltas."""
    before = validate(instance, previous)
    old, new = _meetings(instance, previous.games), _meetings(instance, schedule.games)
    moved, unchanged = [], 0
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and (a.slot, a.home) == (b.slot, b.home):
            unchanged += 1
            continue

        def text(g: Game | None) -> str:
            return f"{g.away} at {g.home}, {_slot_text(instance, g.slot)}" if g else "(none)"

        g = b or a
        assert g is not None
        moved.append(MovedGame(home=g.home, away=g.away, meeting=key[2], before=text(a), after=text(b)))
    return Comparison(
        previous_label=label,
        objective_before=before.objective,
        objective_after=report.objective,
        travel_before=before.travel_total,
        travel_after=report.travel_total,
        moved=moved,
        unchanged=unchanged,
        travel_delta={
            t: report.travel_by_team.get(t, 0) - before.travel_by_team.get(t, 0) for t in instance.team_ids
        },
        breaks_delta={
            t: report.breaks_by_team.get(t, 0) - before.breaks_by_team.get(t, 0) for t in instance.team_ids
        },
    )


def build_report(
    instance: Instance,
    schedule: Schedule,
    *,
    title: str | None = None,
    version_label: str = "",
    previous: Schedule | None = None,
    previous_label: str = "previous version",
    progress: Sequence[Mapping[str, Any]] = (),
    tv: TvMap | None = None,
) -> ScheduleReport:
    """Everything the HTML/PDF report and the plots show."""
    report = validate(instance, schedule)
    games = list(schedule.games)
    try:
        teams = [
            _team_report(
                instance, games, t, report.breaks_by_team.get(t, 0), report.travel_by_team.get(t), tv or {}
            )
            for t in instance.team_ids
        ]
    except TravelDataError:  # pragma: no cover - validate() already reported it as structural
        raise
    points = [
        ProgressPoint(
            t_seconds=float(p.get("t_seconds", p.get("elapsed", 0.0))), objective=p.get("objective"),
            bound=p.get("bound"),
        )
        for p in progress
    ]  # fmt: skip
    fairness = _fairness(teams)
    _adopt_travel_summary(instance, games, fairness)
    return ScheduleReport(
        title=title or instance.name,
        version_label=version_label,
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        instance=instance.name,
        teams=teams,
        slots=[_slot_text(instance, s.index) for s in instance.slots],
        grid=_grid(instance, games),
        validation=report,
        constraints=_constraints(instance, report),
        fairness=fairness,
        comparison=compare(instance, schedule, report, previous, previous_label)
        if previous is not None
        else None,
        progress=points,
    )


__all__ = ["ScheduleReport", "build_report", "compare", "pairwise"]
