"""Schedule edits (move, swap, lock, unlock) applied to a version's games, and what they would
cause: the validator's verdict on the edited schedule compared with the version as stored."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from flextime.domain import Instance, Schedule
from flextime.store.records import ScheduledGame
from flextime.validate import validate
from flextime.validate.report import ValidationReport, Violation


class GameRef(BaseModel):
    home: str = Field(min_length=1, max_length=64)
    away: str = Field(min_length=1, max_length=64)
    slot: int = Field(ge=0, le=100_000)


class MoveOp(GameRef):
    op: Literal["move"] = "move"
    to_slot: int = Field(ge=0, le=100_000)


class SwapOp(BaseModel):
    """Exchange the slots of two games."""

    op: Literal["swap"] = "swap"
    first: GameRef
    second: GameRef


class LockOp(GameRef):
    op: Literal["lock", "unlock"]


EditOp = Annotated[MoveOp | SwapOp | LockOp, Field(discriminator="op")]


class EditError(ValueError):
    """An edit names a game that is not in the version, or a slot outside the season."""


class EditOutcome(BaseModel):
    """The verdict on the edited schedule: what the edits cause and what they resolve."""

    feasible: bool
    infeasibility: int
    objective: int
    caused: list[Violation] = Field(description="Violations new or worse after the edits")
    resolved: list[Violation] = Field(description="Violations gone or lighter after the edits")
    structural: list[str] = Field(default_factory=list)


def _find(games: list[ScheduledGame], ref: GameRef) -> int:
    for i, g in enumerate(games):
        if g.home == ref.home and g.away == ref.away and g.slot == ref.slot:
            return i
    raise EditError(f"no game {ref.home}-{ref.away} in slot {ref.slot}")


def apply_edits(instance: Instance, games: list[ScheduledGame], ops: list[EditOp]) -> list[ScheduledGame]:
    """The games after ``ops`` (in order); each moved game takes its new slot's date."""
    out = list(games)
    days = {s.index: s.date for s in instance.slots}

    def to(i: int, slot: int) -> None:
        if slot not in days:
            raise EditError(f"slot {slot} is not in the season (0..{instance.n_slots - 1})")
        if out[i].locked:
            raise EditError(f"game {out[i].home}-{out[i].away} in slot {out[i].slot} is locked")
        out[i] = out[i].model_copy(update={"slot": slot, "day": days[slot]})

    for op in ops:
        if isinstance(op, MoveOp):
            to(_find(out, op), op.to_slot)
        elif isinstance(op, SwapOp):
            a, b = _find(out, op.first), _find(out, op.second)
            slot_a, slot_b = out[a].slot, out[b].slot
            to(a, slot_b)
            to(b, slot_a)
        else:
            i = _find(out, op)
            out[i] = out[i].model_copy(update={"locked": op.op == "lock"})
    return out


def _by_constraint(report: ValidationReport) -> dict[str, Violation]:
    return {v.constraint_id: v for v in report.violations}


def outcome(instance: Instance, before: list[ScheduledGame], after: list[ScheduledGame]) -> EditOutcome:
    old = validate(instance, Schedule(instance=instance.name, games=list(before)))
    new = validate(instance, Schedule(instance=instance.name, games=list(after)))
    was, now = _by_constraint(old), _by_constraint(new)
    caused = [v for cid, v in now.items() if cid not in was or v.deviation > was[cid].deviation]
    resolved = [v for cid, v in was.items() if cid not in now or now[cid].deviation < v.deviation]
    return EditOutcome(
        feasible=new.feasible, infeasibility=new.infeasibility, objective=new.objective,
        caused=caused, resolved=resolved, structural=[p for p in new.structural if p not in old.structural],
    )  # fmt: skip
