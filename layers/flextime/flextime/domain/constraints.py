"""The typed constraint catalog.

Every constraint is a pydantic model with a ``type`` discriminator, an ``id``, a human ``label``,
``hard`` (True: must hold; False: soft, costs ``weight`` per unit of deviation) and ``weight``.

Two groups live here:

* the ITC2021 / RobinX families (CA1-CA4, GA1, BR1, BR2, FA2, SE1) with the attribute names and
  meaning of the ITC2021 problem description, so that RobinX instances round-trip exactly;
* the conference families conference schedulers speak in (protected matchups, blackouts,
  rest days, TV windows, date pairing ...).

Teams are referred to by team id (``Team.id``), slots by slot index (``Slot.index``). Selectors that
also accept dates or weekdays are resolved to slot indices by ``Instance.resolve_slots``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WEEKDAYS: tuple[Weekday, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HomeAway = Literal["H", "A", "HA"]


def _mon_tue() -> list[Weekday]:
    return ["Mon", "Tue"]


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, description="Unique id of the constraint within the instance.")
    label: str = Field("", description="Human label shown in reports and explanations.")
    hard: bool = Field(True, description="Hard constraints must hold; soft ones cost weight x deviation.")
    weight: int = Field(1, ge=0, description="Penalty per unit of deviation.")

    @property
    def display(self) -> str:
        """The label, or a generated description when the label is empty."""
        return self.label or f"{self.type} {self.id}"  # type: ignore[attr-defined]

    @property
    def strength(self) -> str:
        return "hard" if self.hard else f"soft, weight {self.weight}"


class _SlotSelector(BaseModel):
    """Slots given by index, by date, or by weekday (dated play); the union of all three."""

    slots: list[int] = Field(default_factory=list)
    dates: list[dt.date] = Field(default_factory=list)
    weekdays: list[Weekday] = Field(default_factory=list)


# --------------------------------------------------------------------------------------------
# ITC2021 / RobinX families. Deviation semantics are those of the ITC2021 problem description
# (see the validator, which implements them independently of the engine).
# --------------------------------------------------------------------------------------------


class CA1(_Base):
    """Each team in ``teams`` plays at most ``max`` (at least ``min``) home (H) / away (A) games in ``slots``."""  # noqa: E501

    type: Literal["CA1"] = "CA1"
    teams: list[str]
    slots: list[int]
    mode: HomeAway = "H"
    min: int = 0
    max: int


class CA2(_Base):
    """Each team in ``teams1`` plays at most ``max`` H/A/HA games against ``teams2`` in ``slots``."""

    type: Literal["CA2"] = "CA2"
    teams1: list[str]
    teams2: list[str]
    slots: list[int]
    mode1: HomeAway = "HA"
    mode2: Literal["GLOBAL"] = "GLOBAL"
    min: int = 0
    max: int


class CA3(_Base):
    """Each team in ``teams1`` plays at most ``max`` H/A/HA games against ``teams2`` in every
    window of ``intp`` consecutive slots (mode2 SLOTS) or games (mode2 GAMES)."""

    type: Literal["CA3"] = "CA3"
    teams1: list[str]
    teams2: list[str]
    intp: int = Field(ge=1)
    mode1: HomeAway = "HA"
    mode2: Literal["SLOTS", "GAMES"] = "SLOTS"
    min: int = 0
    max: int


class CA4(_Base):
    """Teams in ``teams1`` together play at most ``max`` H/A/HA games against ``teams2`` in ``slots``
    (GLOBAL: all slots together; EVERY: in each slot separately)."""

    type: Literal["CA4"] = "CA4"
    teams1: list[str]
    teams2: list[str]
    slots: list[int]
    mode1: HomeAway = "HA"
    mode2: Literal["GLOBAL", "EVERY"] = "GLOBAL"
    min: int = 0
    max: int


class GA1(_Base):
    """Between ``min`` and ``max`` of the listed (home, away) ``meetings`` are played in ``slots``."""

    type: Literal["GA1"] = "GA1"
    meetings: list[tuple[str, str]]
    slots: list[int]
    min: int = 0
    max: int


class BR1(_Base):
    """Each team in ``teams`` has at most ``intp`` breaks of kind ``mode2`` in ``slots``."""

    type: Literal["BR1"] = "BR1"
    teams: list[str]
    slots: list[int]
    intp: int = Field(ge=0)
    mode1: Literal["LEQ"] = "LEQ"
    mode2: HomeAway = "HA"


class BR2(_Base):
    """All ``teams`` together have at most ``intp`` breaks in ``slots``."""

    type: Literal["BR2"] = "BR2"
    teams: list[str]
    slots: list[int]
    intp: int = Field(ge=0)
    homeMode: Literal["HA"] = "HA"
    mode2: Literal["LEQ"] = "LEQ"


class FA2(_Base):
    """For each pair of ``teams``, the difference in home games played up to each slot in ``slots``
    is at most ``intp``."""

    type: Literal["FA2"] = "FA2"
    teams: list[str]
    slots: list[int]
    intp: int = Field(ge=0)
    mode: Literal["H"] = "H"


class SE1(_Base):
    """Each pair of ``teams`` has at least ``min`` slots strictly between its two meetings."""

    type: Literal["SE1"] = "SE1"
    teams: list[str]
    min: int = Field(ge=0)
    mode1: Literal["SLOTS"] = "SLOTS"


# --------------------------------------------------------------------------------------------
# Conference families.
# --------------------------------------------------------------------------------------------


class RequiredMatchup(_Base):
    """A protected rivalry: ``team_a`` and ``team_b`` meet at least ``min_meetings`` times
    (and at most ``max_meetings`` when given). With two meetings each team hosts one."""

    type: Literal["required_matchup"] = "required_matchup"
    team_a: str
    team_b: str
    min_meetings: int = Field(1, ge=1)
    max_meetings: int | None = None


class ForbiddenMatchup(_Base):
    """``team_a`` and ``team_b`` do not meet (or meet at most ``max_meetings`` times)."""

    type: Literal["forbidden_matchup"] = "forbidden_matchup"
    team_a: str
    team_b: str
    max_meetings: int = Field(0, ge=0)


class FixedGame(_Base):
    """``home`` hosts ``away`` in the given slot (by index or by date). With neither, the game must
    simply take place with that home team."""

    type: Literal["fixed_game"] = "fixed_game"
    home: str
    away: str
    slot: int | None = None
    date: dt.date | None = None

    @model_validator(mode="after")
    def _one_anchor(self) -> FixedGame:
        if self.slot is not None and self.date is not None:
            raise ValueError("give either slot or date, not both")
        return self


class TeamUnavailable(_SlotSelector, _Base):
    """``team`` plays no game (mode any), no home game (home) or no away game (away) in the
    selected slots / dates / weekdays. Example: BYU never plays on Sunday."""

    type: Literal["team_unavailable"] = "team_unavailable"
    team: str
    mode: Literal["any", "home", "away"] = "any"


class VenueUnavailable(_SlotSelector, _Base):
    """No game is played at ``venue`` in the selected slots / dates / weekdays."""

    type: Literal["venue_unavailable"] = "venue_unavailable"
    venue: str


class MaxConsecutive(_Base):
    """No team in ``teams`` (empty = all) plays more than ``max`` consecutive home (H) or away (A)
    games. Consecutive counts the team's games in order; byes do not interrupt a streak."""

    type: Literal["max_consecutive"] = "max_consecutive"
    teams: list[str] = Field(default_factory=list)
    mode: Literal["H", "A"]
    max: int = Field(ge=1)


class MinRestDays(_Base):
    """Between two games of a team in ``teams`` (empty = all) there are at least ``days`` days
    without a game (dated play: date difference - 1; abstract slots: slot difference - 1)."""

    type: Literal["min_rest_days"] = "min_rest_days"
    teams: list[str] = Field(default_factory=list)
    days: int = Field(ge=1)


class GamesPerSlot(_SlotSelector, _Base):
    """Each selected slot (empty selection = every slot) holds between ``min`` and ``max`` games,
    e.g. TV windows."""

    type: Literal["games_per_slot"] = "games_per_slot"
    min: int = Field(0, ge=0)
    max: int | None = Field(None, ge=0)


class HomeAwayBalance(_Base):
    """Among the first (or last) ``k`` games of each team in ``teams`` (empty = all), the number of
    home games is between ``min_home`` and ``max_home``."""

    type: Literal["home_away_balance"] = "home_away_balance"
    teams: list[str] = Field(default_factory=list)
    window: Literal["first", "last"]
    k: int = Field(ge=1)
    min_home: int = Field(0, ge=0)
    max_home: int | None = Field(None, ge=0)


class Byes(_Base):
    """Each team in ``teams`` (empty = all) has between ``min`` and ``max`` slots without a game;
    optionally none in the first and/or last slot."""

    type: Literal["byes"] = "byes"
    teams: list[str] = Field(default_factory=list)
    min: int = Field(0, ge=0)
    max: int | None = Field(None, ge=0)
    not_first: bool = False
    not_last: bool = False


class RematchSeparation(_Base):
    """When a pair of ``teams`` (empty = all) meets twice, at least ``min_slots`` slots lie strictly
    between the two meetings (``min_days`` days for dated play, when given)."""

    type: Literal["rematch_separation"] = "rematch_separation"
    teams: list[str] = Field(default_factory=list)
    min_slots: int = Field(0, ge=0)
    min_days: int | None = Field(None, ge=0)


class DatePairing(_Base):
    """Dated play: a team in ``teams`` (empty = all) that plays on a ``first`` weekday plays its
    next game on one of the ``then`` weekdays within ``within_days`` days (e.g. Saturday followed
    by Monday or Tuesday)."""

    type: Literal["date_pairing"] = "date_pairing"
    teams: list[str] = Field(default_factory=list)
    first: Weekday = "Sat"
    then: list[Weekday] = Field(default_factory=_mon_tue)
    within_days: int = Field(3, ge=1)

    @field_validator("then")
    @classmethod
    def _non_empty(cls, value: list[Weekday]) -> list[Weekday]:
        if not value:
            raise ValueError("at least one follow-up weekday is required")
        return value


ITC_FAMILIES = ("CA1", "CA2", "CA3", "CA4", "GA1", "BR1", "BR2", "FA2", "SE1")

Constraint = Annotated[
    CA1
    | CA2
    | CA3
    | CA4
    | GA1
    | BR1
    | BR2
    | FA2
    | SE1
    | RequiredMatchup
    | ForbiddenMatchup
    | FixedGame
    | TeamUnavailable
    | VenueUnavailable
    | MaxConsecutive
    | MinRestDays
    | GamesPerSlot
    | HomeAwayBalance
    | Byes
    | RematchSeparation
    | DatePairing,
    Field(discriminator="type"),
]

CONSTRAINT_ADAPTER: TypeAdapter[Constraint] = TypeAdapter(Constraint)


def parse_constraint(data: object) -> Constraint:
    """Validate one constraint from plain data (JSON/YAML/JSONB) against the catalog."""
    return CONSTRAINT_ADAPTER.validate_python(data)


def constraint_team_refs(c: Constraint) -> list[tuple[str, str]]:
    """(field, team id) for every team the constraint names; used for reference checks."""
    refs: list[tuple[str, str]] = []
    for field in ("teams", "teams1", "teams2"):
        for t in getattr(c, field, None) or []:
            refs.append((field, t))
    for field in ("team", "team_a", "team_b", "home", "away"):
        value = getattr(c, field, None)
        if isinstance(value, str):
            refs.append((field, value))
    if isinstance(c, GA1):
        for h, a in c.meetings:
            refs.extend([("meetings", h), ("meetings", a)])
    return refs


def constraint_slot_refs(c: Constraint) -> list[tuple[str, int]]:
    """(field, slot index) for every slot index the constraint names."""
    refs: list[tuple[str, int]] = [("slots", s) for s in getattr(c, "slots", None) or []]
    slot = getattr(c, "slot", None)
    if isinstance(slot, int):
        refs.append(("slot", slot))
    return refs
