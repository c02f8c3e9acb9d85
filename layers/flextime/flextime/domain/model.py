"""Season models: teams, venues, slots, competition formats, the instance and its schedule.

An ``Instance`` is everything a solve needs: who plays (teams), where (venues), when (slots,
optionally dated), how often (format), under which rules (constraints) and what to minimise
(objective). Team order defines team indices, slot index defines time order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from flextime.domain.constraints import (
    WEEKDAYS,
    Constraint,
    FixedGame,
    VenueUnavailable,
    Weekday,
    constraint_slot_refs,
    constraint_team_refs,
)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Venue(_Frozen):
    """A stadium or arena (or a neutral site)."""

    id: str = Field(min_length=1)
    name: str
    city: str | None = None
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    timezone: str = Field("UTC", description="IANA time zone, e.g. America/Chicago")
    capacity: int | None = Field(None, ge=0)


class Team(_Frozen):
    """A school (or club). ``venue`` is the home venue id for this sport, when venues are known."""

    id: str = Field(min_length=1)
    name: str
    short_name: str | None = None
    venue: str | None = None
    timezone: str | None = None


class Slot(_Frozen):
    """A round (abstract slot) or a calendar date (dated play)."""

    index: int = Field(ge=0)
    date: dt.date | None = None
    label: str | None = None

    @property
    def weekday(self) -> Weekday | None:
        return WEEKDAYS[self.date.weekday()] if self.date else None

    @property
    def display(self) -> str:
        if self.date:
            return f"{self.weekday} {self.date.isoformat()}"
        return self.label or f"slot {self.index}"


class RoundRobin(_Frozen):
    """Every pair meets ``rounds`` times (alternating home), e.g. a double round robin.

    compact: every team plays in every slot (needs n-1 slots per round, n even).
    phased: each pair meets once in each half. mirrored: the second half repeats the first with
    home and away swapped (implies phased).
    """

    kind: Literal["round_robin"] = "round_robin"
    rounds: int = Field(2, ge=1, le=4)
    compact: bool = True
    phased: bool = False
    mirrored: bool = False


class PartialRoundRobin(_Frozen):
    """Each team plays ``games_per_team`` games, of which ``home_min``..``home_max`` at home; each
    pair meets between ``min_meetings`` and ``max_meetings`` times (when twice, each hosts once)."""

    kind: Literal["partial_round_robin"] = "partial_round_robin"
    games_per_team: int = Field(ge=1)
    home_min: int = Field(ge=0)
    home_max: int = Field(ge=0)
    min_meetings: int = Field(0, ge=0, le=2)
    max_meetings: int = Field(1, ge=1, le=2)

    @model_validator(mode="after")
    def _ranges(self) -> PartialRoundRobin:
        if self.home_min > self.home_max:
            raise ValueError(f"home_min {self.home_min} > home_max {self.home_max}")
        if self.home_max > self.games_per_team:
            raise ValueError(f"home_max {self.home_max} > games_per_team {self.games_per_team}")
        if self.min_meetings > self.max_meetings:
            raise ValueError(f"min_meetings {self.min_meetings} > max_meetings {self.max_meetings}")
        return self


Format = Annotated[RoundRobin | PartialRoundRobin, Field(discriminator="kind")]


class Objective(_Frozen):
    """What the engine minimises: weighted soft-constraint deviations plus ``travel_weight`` x
    total travel (miles, or the instance's distance units)."""

    soft_constraints: bool = True
    travel_weight: int = Field(0, ge=0)


class Game(_Frozen):
    """One scheduled game. ``venue`` defaults to the home team's venue; locked games are never
    moved by the engine."""

    home: str
    away: str
    slot: int = Field(ge=0)
    venue: str | None = None
    locked: bool = False


class Schedule(_Frozen):
    """A (possibly partial) assignment of games to slots for one instance."""

    instance: str = ""
    games: list[Game] = Field(default_factory=list)


class InstanceError(ValueError):
    """An instance that cannot be solved as written: unknown references, impossible format."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class Instance(_Frozen):
    """A complete scheduling problem."""

    name: str
    sport: str | None = None
    season: str | None = None
    description: str | None = None
    teams: list[Team] = Field(min_length=2)
    venues: list[Venue] = Field(default_factory=list)
    slots: list[Slot] = Field(min_length=1)
    format: Format = Field(default_factory=RoundRobin)
    constraints: list[Constraint] = Field(default_factory=list)
    objective: Objective = Field(default_factory=Objective)
    distances: list[list[int]] | None = Field(
        None, description="Team x team distance matrix (TTP); otherwise derived from venues."
    )

    @model_validator(mode="after")
    def _references(self) -> Instance:
        problems = self.reference_problems()
        if problems:
            raise InstanceError(problems)
        return self

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Instance:
        """A copy without the cached lookups below (``model_copy(update=...)`` would carry them
        over, stale, from this instance)."""
        copy = super().model_copy(update=update, deep=deep)
        for name, attr in vars(Instance).items():
            if isinstance(attr, cached_property):
                copy.__dict__.pop(name, None)
        return copy

    # ---- lookups ---------------------------------------------------------------------------
    @cached_property
    def team_ids(self) -> list[str]:
        return [t.id for t in self.teams]

    @cached_property
    def team_index(self) -> dict[str, int]:
        return {t.id: i for i, t in enumerate(self.teams)}

    @cached_property
    def home_venues(self) -> dict[str, str | None]:
        return {t.id: t.venue for t in self.teams}

    @cached_property
    def memo(self) -> dict[str, object]:
        """Derived lookups that other modules build once per (frozen) instance, by name (e.g. the
        distance lookup of :func:`flextime.travel.distances.distance_lookup`)."""
        return {}

    @cached_property
    def venue_by_id(self) -> dict[str, Venue]:
        return {v.id: v for v in self.venues}

    @cached_property
    def slot_by_date(self) -> dict[dt.date, int]:
        return {s.date: s.index for s in self.slots if s.date is not None}

    @property
    def n_teams(self) -> int:
        return len(self.teams)

    @property
    def n_slots(self) -> int:
        return len(self.slots)

    @property
    def dated(self) -> bool:
        return all(s.date is not None for s in self.slots)

    @property
    def compact(self) -> bool:
        return isinstance(self.format, RoundRobin) and self.format.compact

    def home_venue(self, team: str) -> str | None:
        return self.home_venues.get(team)

    def resolve_slots(self, selector: object) -> list[int]:
        """Slot indices selected by a constraint's slots/dates/weekdays (union; sorted)."""
        chosen: set[int] = set(getattr(selector, "slots", None) or [])
        for d in getattr(selector, "dates", None) or []:
            if d in self.slot_by_date:
                chosen.add(self.slot_by_date[d])
        weekdays = set(getattr(selector, "weekdays", None) or [])
        if weekdays:
            chosen.update(s.index for s in self.slots if s.weekday in weekdays)
        return sorted(chosen)

    def fixed_slot(self, c: FixedGame) -> int | None:
        if c.slot is not None:
            return c.slot
        if c.date is not None:
            return self.slot_by_date.get(c.date)
        return None

    def games_per_team(self) -> int:
        f = self.format
        if isinstance(f, RoundRobin):
            return f.rounds * (self.n_teams - 1)
        return f.games_per_team

    def total_games(self) -> int:
        return self.games_per_team() * self.n_teams // 2

    # ---- checks ----------------------------------------------------------------------------
    def reference_problems(self) -> list[str]:
        """Every dangling reference or impossible format, phrased for a human."""
        problems: list[str] = []
        problems += _duplicates("teams", [t.id for t in self.teams])
        problems += _duplicates("venues", [v.id for v in self.venues])
        problems += _duplicates("constraints", [c.id for c in self.constraints])
        indices = [s.index for s in self.slots]
        if indices != list(range(len(indices))):
            problems.append("slots: indices must be 0..n-1 in order")
        dates = [s.date for s in self.slots if s.date is not None]
        if dates and dates != sorted(set(dates)):
            problems.append("slots: dates must be strictly increasing")
        venue_ids = {v.id for v in self.venues}
        for t in self.teams:
            if t.venue is not None and venue_ids and t.venue not in venue_ids:
                problems.append(f"teams[{t.id}].venue: unknown venue '{t.venue}'")
        problems += self._format_problems()
        problems += self._constraint_problems(venue_ids)
        if self.objective.travel_weight > 0 and self.distances is None:
            homeless = [t.id for t in self.teams if t.venue is None]
            if homeless or not self.venues:
                problems.append(
                    "objective.travel_weight: travel needs a distance matrix or a home venue with "
                    f"coordinates for every team (missing for: {', '.join(homeless) or 'all teams'})"
                )
        if self.distances is not None:
            n = self.n_teams
            if len(self.distances) != n or any(len(row) != n for row in self.distances):
                problems.append(f"distances: expected a {n} x {n} matrix")
        return problems

    def _constraint_problems(self, venue_ids: set[str]) -> list[str]:
        problems: list[str] = []
        teams = set(self.team_ids)
        n_slots = len(self.slots)
        for c in self.constraints:
            where = f"constraints[{c.id}]"
            for field, team in constraint_team_refs(c):
                if team not in teams:
                    problems.append(f"{where}.{field}: unknown team '{team}'")
            for field, slot in constraint_slot_refs(c):
                if not 0 <= slot < n_slots:
                    problems.append(
                        f"{where}.{field}: slot {slot} does not exist (slots are 0..{n_slots - 1})"
                    )
            if isinstance(c, FixedGame) and c.date is not None and c.date not in self.slot_by_date:
                problems.append(f"{where}.date: {c.date} is not a playing date of this season")
            if isinstance(c, VenueUnavailable) and c.venue not in venue_ids:
                problems.append(f"{where}.venue: unknown venue '{c.venue}'")
        return problems

    def _format_problems(self) -> list[str]:
        f = self.format
        n, s = self.n_teams, self.n_slots
        if isinstance(f, RoundRobin):
            needed = f.rounds * (n - 1)
            if f.compact:
                if n % 2:
                    return [f"format: a compact round robin needs an even number of teams (got {n})"]
                if s != needed:
                    return [
                        f"format: a compact {f.rounds}-round robin of {n} teams "
                        f"needs {needed} slots (got {s})"
                    ]
            elif s < needed:
                return [f"format: {needed} games per team do not fit in {s} slots"]
            if (f.phased or f.mirrored) and f.rounds != 2:
                return ["format: phased/mirrored needs rounds = 2"]
            return []
        problems = []
        if f.games_per_team > s:
            problems.append(f"format.games_per_team: {f.games_per_team} games do not fit in {s} slots")
        if f.games_per_team > f.max_meetings * (n - 1):
            problems.append(
                f"format.games_per_team: {f.games_per_team} games need more than "
                f"{f.max_meetings} meeting(s) with each of {n - 1} opponents"
            )
        if f.min_meetings * (n - 1) > f.games_per_team:
            problems.append(
                f"format.min_meetings: meeting every opponent needs more than {f.games_per_team} games"
            )
        if (n * f.games_per_team) % 2:
            problems.append(f"format.games_per_team: {n} teams x {f.games_per_team} games is odd")
        if f.home_min * n > n * f.games_per_team // 2 or f.home_max * n < n * f.games_per_team // 2:
            problems.append(
                f"format.home_min/home_max: every game has one home team, so the average team hosts "
                f"{f.games_per_team / 2:g} games, outside {f.home_min}..{f.home_max}"
            )
        return problems


def _duplicates(what: str, ids: list[str]) -> list[str]:
    seen: set[str] = set()
    dups = sorted({i for i in ids if i in seen or seen.add(i)})  # type: ignore[func-returns-value]
    return [f"{what}: duplicate id '{d}'" for d in dups]
