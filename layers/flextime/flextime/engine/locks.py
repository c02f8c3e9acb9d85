"""Locked games: pinned (home, away, date) games the solver never moves.

A lock becomes a hard :class:`~flextime.domain.constraints.FixedGame` with id ``lock:HOME-AWAY@SLOT``
and label ``locked: HOME vs AWAY on <date>``. The fixed-game family then removes every other game
of both teams on that date before variables are created and fixes the game variable to 1, so a
locked game is fixed in the model (not merely hinted). In explanation mode each lock gets its own
assumption literal like any other hard constraint, so a lock that contradicts the rules is named.

    built = build_locked_model(instance, locks_from_schedule(partial))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, model_validator

from flextime.domain.constraints import Constraint, FixedGame
from flextime.domain.model import Game, Instance, InstanceError, Schedule
from flextime.engine.variables import BuiltModel

LOCK_PREFIX = "lock:"


class Lock(BaseModel):
    """A pinned game: ``home`` hosts ``away`` on ``slot`` (index) or ``date``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    home: str
    away: str
    slot: int | None = Field(None, ge=0)
    date: dt.date | None = None
    label: str = ""

    @model_validator(mode="after")
    def _one_anchor(self) -> Lock:
        if (self.slot is None) == (self.date is None):
            raise ValueError("a lock needs exactly one of slot or date")
        return self


def is_lock(constraint_id: str) -> bool:
    return constraint_id.startswith(LOCK_PREFIX)


def _as_lock(item: Lock | Game) -> Lock:
    if isinstance(item, Lock):
        return item
    return Lock(home=item.home, away=item.away, slot=item.slot)


def lock_constraints(instance: Instance, locks: Iterable[Lock | Game]) -> list[FixedGame]:
    """One hard FixedGame per distinct lock, labelled for explanations."""
    out: dict[str, FixedGame] = {}
    for item in locks:
        lock = _as_lock(item)
        slot = lock.slot if lock.slot is not None else instance.slot_by_date.get(lock.date)  # type: ignore[arg-type]
        when = (
            instance.slots[slot].display
            if slot is not None and 0 <= slot < instance.n_slots
            else str(lock.date or f"slot {lock.slot}")
        )
        anchor = slot if slot is not None else lock.date
        cid = f"{LOCK_PREFIX}{lock.home}-{lock.away}@{anchor}"
        out[cid] = FixedGame(
            id=cid,
            label=lock.label or f"locked: {lock.home} vs {lock.away} on {when}",
            home=lock.home,
            away=lock.away,
            slot=slot,
            date=None if slot is not None else lock.date,
        )
    return list(out.values())


def with_constraints(instance: Instance, constraints: Iterable[Constraint]) -> Instance:
    """A copy of ``instance`` with its constraint list replaced; unknown references raise
    :class:`~flextime.domain.model.InstanceError`."""
    data = {name: getattr(instance, name) for name in Instance.model_fields}
    data["constraints"] = list(constraints)
    candidate = Instance.model_construct(**data)  # fields are already validated models
    problems = candidate.reference_problems()
    if problems:
        raise InstanceError(problems)
    return candidate


def with_locks(instance: Instance, locks: Iterable[Lock | Game] | None) -> Instance:
    """``instance`` plus one hard fixed game per lock (unchanged when there are no locks).

    Raises :class:`~flextime.domain.model.InstanceError` for a lock naming an unknown team, slot or
    a date that is not a playing date.
    """
    extra = lock_constraints(instance, locks or [])
    if not extra:
        return instance
    return with_constraints(instance, [*instance.constraints, *extra])


def locks_from_schedule(
    schedule: Schedule, *, before_slot: int | None = None, locked_only: bool = False
) -> list[Lock]:
    """Locks for a partial schedule: every game (``locked_only``: games marked ``locked``), plus,
    with ``before_slot``, every game played before that slot."""
    out = []
    for g in schedule.games:
        past = before_slot is not None and g.slot < before_slot
        if past or g.locked or not locked_only:
            out.append(Lock(home=g.home, away=g.away, slot=g.slot))
    return out


def build_locked_model(instance: Instance, locks: Iterable[Lock | Game] | None = None) -> BuiltModel:
    """``build_model`` of ``instance`` with the locks fixed."""
    from flextime.engine.build import build_model

    return build_model(with_locks(instance, locks))
