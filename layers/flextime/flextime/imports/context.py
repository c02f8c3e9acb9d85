"""What an import file is checked against: the season's dates, teams, venues, schools and sports,
the teams that never play on Sunday, and who is importing (school staff write only their school).

Built from the database (:func:`flextime.imports.service.load_context`) or from an instance file,
so ``flextime import --dry-run --instance ...`` validates without a database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flextime.domain import Instance, TeamUnavailable


@dataclass
class ImportContext:
    season: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    teams: dict[str, str | None] = field(default_factory=dict)
    """Team code -> home venue code (teams of the season)."""
    team_school: dict[str, str | None] = field(default_factory=dict)
    venues: set[str] = field(default_factory=set)
    venue_school: dict[str, str | None] = field(default_factory=dict)
    schools: set[str] = field(default_factory=set)
    sports: set[str] = field(default_factory=set)
    no_sunday_teams: set[str] = field(default_factory=set)
    role: str | None = None
    own_school: str | None = None
    """School code of a school_staff importer (their rows must be their school's)."""

    def in_season(self, day: dt.date) -> bool:
        if self.starts_on is not None and day < self.starts_on:
            return False
        return not (self.ends_on is not None and day > self.ends_on)

    @property
    def season_range(self) -> str:
        start = self.starts_on.isoformat() if self.starts_on else "..."
        end = self.ends_on.isoformat() if self.ends_on else "..."
        return f"{start} to {end}"

    @classmethod
    def from_instance(cls, instance: Instance) -> ImportContext:
        dates = [s.date for s in instance.slots if s.date is not None]
        return cls(
            season=instance.season or instance.name,
            starts_on=min(dates) if dates else None,
            ends_on=max(dates) if dates else None,
            teams={t.id: t.venue for t in instance.teams},
            team_school={t.id: t.id for t in instance.teams},
            venues={v.id for v in instance.venues},
            venue_school={v.id: None for v in instance.venues},
            schools={t.id for t in instance.teams},
            sports={instance.sport} if instance.sport else set(),
            no_sunday_teams=no_sunday_teams(instance.constraints),
        )


def no_sunday_teams(constraints: list) -> set[str]:
    """Teams a hard ``team_unavailable`` keeps off every Sunday (e.g. BYU)."""
    return {
        c.team
        for c in constraints
        if isinstance(c, TeamUnavailable) and c.hard and c.mode == "any" and "Sun" in c.weekdays
    }
