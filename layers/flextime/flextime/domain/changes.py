"""In-season changes to a published schedule (input of the repair), as a discriminated union on
``kind``. Dates or slot indices may be given wherever a date is asked for.

* ``postpone``: the game ``home`` vs ``away`` (on ``date``/``slot`` when the pair meets twice) cannot
  be played on its date; it moves to a later date (after ``not_before`` when given).
* ``venue_unavailable``: no game at ``venue`` on the given dates.
* ``tv_pick``: a broadcaster fixes ``home`` vs ``away`` to a date.
* ``team_blackout``: ``team`` cannot play (``mode`` any / home / away) on the given dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator


class _Change(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    reason: str = Field("", description="Why (shown in the repair report).")


class _Dates(BaseModel):
    dates: list[dt.date] = Field(default_factory=list)
    slots: list[int] = Field(default_factory=list)

    @model_validator(mode="after")
    def _some(self) -> _Dates:
        if not self.dates and not self.slots:
            raise ValueError("give at least one date or slot")
        return self


class PostponeGame(_Change):
    """A game cannot be played on its published date and must move later."""

    kind: Literal["postpone"] = "postpone"
    home: str
    away: str
    date: dt.date | None = Field(None, description="The published date (needed when the pair meets twice).")
    slot: int | None = None
    not_before: dt.date | None = Field(None, description="Earliest date for the new game.")


class VenueOut(_Dates, _Change):
    """A venue cannot host on some dates (arena booked, weather damage)."""

    kind: Literal["venue_unavailable"] = "venue_unavailable"
    venue: str


class TvPick(_Change):
    """A broadcaster picks a game for a date: the game is fixed there."""

    kind: Literal["tv_pick"] = "tv_pick"
    home: str
    away: str
    date: dt.date | None = None
    slot: int | None = None

    @model_validator(mode="after")
    def _one_anchor(self) -> TvPick:
        if (self.date is None) == (self.slot is None):
            raise ValueError("a TV pick needs exactly one of date or slot")
        return self


class TeamBlackout(_Dates, _Change):
    """A team newly cannot play (at home / away / at all) on some dates."""

    kind: Literal["team_blackout"] = "team_blackout"
    team: str
    mode: Literal["any", "home", "away"] = "any"


Change = Annotated[PostponeGame | VenueOut | TvPick | TeamBlackout, Field(discriminator="kind")]

CHANGES_ADAPTER: TypeAdapter[list[Change]] = TypeAdapter(list[Change])


def parse_changes(data: object) -> list[Change]:
    """Validate a list of changes from plain data (YAML / JSON)."""
    return CHANGES_ADAPTER.validate_python(data)
