"""In-season repair: a published schedule plus changes -> the closest feasible schedule.

``repair(instance, published, changes, now_slot)``:

* every published game before ``now_slot`` (and every game marked ``locked``) is locked, and no
  new game may be put before ``now_slot``;
* each change becomes a hard constraint (see :func:`apply_changes`): a postponed game must be
  played later than its date, a TV pick is a fixed game, blackouts are unavailability rules;
* the objective is the disruption: ``moved`` x games no longer on their date, ``flipped`` x games
  whose home team changed, ``removed`` x published matchups no longer played, ``team`` x teams
  with any such change (plus ``quality`` x the season's own objective, 0 by default);
* the published schedule is the solution hint.

The result lists the diff (moved / flipped / added / removed games) and the schedule checked by
the independent validator. When no repair exists, the result carries an explanation.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from flextime.domain.changes import Change, PostponeGame, TeamBlackout, TvPick, VenueOut
from flextime.domain.constraints import CA1, GA1, Constraint, FixedGame, TeamUnavailable, VenueUnavailable
from flextime.domain.model import Game, Instance, Schedule
from flextime.engine.build import build_model
from flextime.engine.explain import Explanation, explain_infeasibility
from flextime.engine.locks import with_constraints, with_locks
from flextime.engine.params import SolverParams
from flextime.engine.runner import solve
from flextime.engine.variables import BuiltModel, Expr


class ChangeError(ValueError):
    """A change that does not fit the published schedule (e.g. postponing a game that is not in it)."""


class RepairWeights(BaseModel):
    """Cost of each kind of disruption (the repair minimises the weighted sum)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    moved: int = Field(10, ge=0, description="Per game no longer on its published date.")
    flipped: int = Field(5, ge=0, description="Per game whose home team changed.")
    removed: int = Field(20, ge=0, description="Per published matchup no longer played.")
    team: int = Field(3, ge=0, description="Per team with at least one changed game.")
    quality: int = Field(0, ge=0, description="Multiplier on the season's own objective.")


class GameChange(BaseModel):
    """One line of the diff between the published and the repaired schedule."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["moved", "flipped", "added", "removed"]
    home: str
    away: str
    from_slot: int | None = None
    to_slot: int | None = None
    from_date: str | None = Field(None, description="Slot display of the published date.")
    to_date: str | None = None


class RepairResult(BaseModel):
    """What :func:`repair` found."""

    status: str
    feasible: bool
    schedule: Schedule | None = None
    changes: list[GameChange] = Field(default_factory=list)
    games_moved: int = Field(0, description="Published games now on another date (any reason).")
    games_flipped: int = 0
    games_added: int = 0
    games_removed: int = 0
    teams_affected: list[str] = Field(default_factory=list)
    disruption: int | None = Field(None, description="The weighted disruption objective.")
    validator_feasible: bool | None = None
    hard_violations: list[str] = Field(default_factory=list)
    locked_games: int = 0
    seconds: float = 0.0
    explanation: Explanation | None = None


# ---- changes -> constraints ------------------------------------------------------------------


def _slot_of(instance: Instance, date: dt.date | None, slot: int | None) -> int | None:
    if slot is not None:
        return slot
    if date is not None:
        return instance.slot_by_date.get(date)
    return None


def _find_game(published: Schedule, instance: Instance, c: PostponeGame) -> Game:
    anchor = _slot_of(instance, c.date, c.slot)
    if c.date is not None and anchor is None:
        raise ChangeError(f"postpone: {c.date} is not a playing date of this season")
    found = [
        g
        for g in published.games
        if g.home == c.home and g.away == c.away and (anchor is None or g.slot == anchor)
    ]
    if not found:
        raise ChangeError(f"postpone: {c.home} vs {c.away} is not in the published schedule")
    if len(found) > 1:
        raise ChangeError(f"postpone: {c.home} hosts {c.away} more than once; give the date")
    return found[0]


def _postpone(
    instance: Instance, published: Schedule, c: PostponeGame, k: int, now_slot: int
) -> tuple[list[Constraint], Game]:
    game = _find_game(published, instance, c)
    earliest = max(game.slot + 1, now_slot)
    if c.not_before is not None:
        nb = next((s.index for s in instance.slots if s.date and s.date >= c.not_before), instance.n_slots)
        earliest = max(earliest, nb)
    day = instance.slots[game.slot].display
    meetings = [(c.home, c.away)]
    if not any(g.home == c.away and g.away == c.home for g in published.games):
        meetings.append((c.away, c.home))  # a flip must not keep it on the same date either
    out: list[Constraint] = [
        FixedGame(
            id=f"change-{k}-replay",
            label=f"postponed {c.home} vs {c.away} is replayed",
            home=c.home,
            away=c.away,
        )
    ]
    if earliest > 0:
        out.append(
            GA1(
                id=f"change-{k}-postpone",
                label=f"{c.home} vs {c.away} postponed from {day}" + (f" ({c.reason})" if c.reason else ""),
                meetings=meetings,
                slots=list(range(min(earliest, instance.n_slots))),
                max=0,
            )
        )
    return out, game


def _change_constraints(instance: Instance, c: Change, k: int) -> list[Constraint]:
    why = f" ({c.reason})" if c.reason else ""
    if isinstance(c, VenueOut):
        return [
            VenueUnavailable(
                id=f"change-{k}-venue",
                label=f"{c.venue} unavailable{why}",
                venue=c.venue,
                dates=c.dates,
                slots=c.slots,
            )
        ]
    if isinstance(c, TeamBlackout):
        return [
            TeamUnavailable(
                id=f"change-{k}-blackout",
                label=f"{c.team} blackout{why}",
                team=c.team,
                mode=c.mode,
                dates=c.dates,
                slots=c.slots,
            )
        ]
    if isinstance(c, TvPick):
        s = _slot_of(instance, c.date, c.slot)
        when = instance.slots[s].display if s is not None and 0 <= s < instance.n_slots else str(c.date)
        return [
            FixedGame(
                id=f"change-{k}-tv",
                label=f"TV pick: {c.home} vs {c.away} on {when}{why}",
                home=c.home,
                away=c.away,
                slot=c.slot,
                date=c.date,
            )
        ]
    raise ChangeError(f"unsupported change {c!r}")  # pragma: no cover - the union is exhaustive


def apply_changes(
    instance: Instance, published: Schedule, changes: Sequence[Change], now_slot: int | None = None
) -> tuple[Instance, list[Game], list[Game]]:
    """(the instance with the changes as hard constraints, the locked games, the postponed games).

    Locked: published games before ``now_slot`` and games marked ``locked``, except postponed ones.
    Raises :class:`ChangeError` / :class:`~flextime.domain.model.InstanceError` for bad changes.
    """
    now = now_slot or 0
    extra: list[Constraint] = []
    postponed: list[Game] = []
    for k, c in enumerate(changes):
        if isinstance(c, PostponeGame):
            cons, game = _postpone(instance, published, c, k, now)
            extra += cons
            postponed.append(game)
        else:
            extra += _change_constraints(instance, c, k)
    moving = {(g.home, g.away, g.slot) for g in postponed}
    locked = [
        g for g in published.games if (g.slot < now or g.locked) and (g.home, g.away, g.slot) not in moving
    ]
    if now > 0:
        past: defaultdict[str, int] = defaultdict(int)
        for g in locked:
            if g.slot < now:
                past[g.home] += 1
                past[g.away] += 1
        until = instance.slots[min(now, instance.n_slots) - 1].display
        for t in instance.team_ids:
            extra.append(
                CA1(
                    id=f"now-{t}",
                    label=f"no new game for {t} up to {until} (already played)",
                    teams=[t],
                    slots=list(range(min(now, instance.n_slots))),
                    mode="HA",
                    max=past[t],
                )
            )
    return with_constraints(instance, [*instance.constraints, *extra]), locked, postponed


# ---- the disruption objective ----------------------------------------------------------------


def _disruption(built: BuiltModel, published: Schedule, locked: list[Game], w: RepairWeights) -> Expr:
    m, idx = built.model, built.instance.team_index
    fixed = {(g.home, g.away, g.slot) for g in locked}
    ordered = {(g.home, g.away) for g in published.games}
    terms: list[Expr] = []
    touched: dict[int, list[Expr]] = defaultdict(list)

    def var(h: int, a: int, s: int) -> Expr:
        return built.x.get((h, a, s), 0)

    for g in published.games:
        if (g.home, g.away, g.slot) in fixed or g.home not in idx or g.away not in idx:
            continue
        h, a, s = idx[g.home], idx[g.away], g.slot
        moved = 1 - var(h, a, s) - var(a, h, s)
        same_home = sum(var(h, a, o) for o in range(built.n_slots))
        flipped: Expr = 0
        if (g.away, g.home) not in ordered:
            flipped = sum(var(a, h, o) for o in range(built.n_slots))
        played = m.new_bool_var(f"played_{h}_{a}_{s}")
        m.add(played <= same_home + flipped)
        removed = 1 - played
        terms += [w.moved * moved, w.flipped * flipped, w.removed * removed]
        for t in (h, a):
            touched[t] += [moved, flipped]
    for t, exprs in touched.items():
        hit = m.new_bool_var(f"affected_{t}")
        for e in exprs:
            m.add(hit >= e)
        terms.append(w.team * hit)
    if w.quality:
        terms.append(w.quality * built.objective)
    return sum(terms)


# ---- the diff --------------------------------------------------------------------------------


def diff_schedules(instance: Instance, old: Schedule, new: Schedule) -> list[GameChange]:
    """Moved / flipped / added / removed games from ``old`` to ``new`` (same date and home: no line)."""

    def day(s: int | None) -> str | None:
        return instance.slots[s].display if s is not None and 0 <= s < instance.n_slots else None

    remaining = defaultdict(list)
    for g in new.games:
        remaining[(g.home, g.away)].append(g.slot)
    exact = {(g.home, g.away, g.slot) for g in new.games}
    old_pairs = {(g.home, g.away) for g in old.games}
    out: list[GameChange] = []
    pending = []
    for g in sorted(old.games, key=lambda g: g.slot):
        if (g.home, g.away, g.slot) in exact:
            remaining[(g.home, g.away)].remove(g.slot)
        else:
            pending.append(g)

    def take_nearest(slots: list[int], slot: int) -> int:
        nearest = min(slots, key=lambda x: abs(x - slot))
        slots.remove(nearest)
        return nearest

    for g in pending:
        same, rev = remaining.get((g.home, g.away)), remaining.get((g.away, g.home))
        if same or (rev and (g.away, g.home) not in old_pairs):
            kind: Literal["moved", "flipped"] = "moved" if same else "flipped"
            home, away = (g.home, g.away) if same else (g.away, g.home)
            s = take_nearest(same if same else rev or [], g.slot)
            out.append(
                GameChange(
                    kind=kind,
                    home=home,
                    away=away,
                    from_slot=g.slot,
                    to_slot=s,
                    from_date=day(g.slot),
                    to_date=day(s),
                )
            )
        else:
            out.append(
                GameChange(kind="removed", home=g.home, away=g.away, from_slot=g.slot, from_date=day(g.slot))
            )
    for (h, a), slots in remaining.items():
        out += [GameChange(kind="added", home=h, away=a, to_slot=s, to_date=day(s)) for s in slots]
    return out


# ---- the repair ------------------------------------------------------------------------------


def repair(
    instance: Instance,
    published: Schedule,
    changes: Sequence[Change],
    now_slot: int | None = None,
    params: SolverParams | None = None,
    weights: RepairWeights | None = None,
) -> RepairResult:
    """Repair ``published`` after ``changes`` with as little disruption as possible (see module doc)."""
    from flextime.validate import validate

    start = time.perf_counter()
    params = params or SolverParams(time_limit_s=10)
    weights = weights or RepairWeights()
    changed, locked, _ = apply_changes(instance, published, changes, now_slot)
    built = build_model(changed, locks=locked)
    objective = _disruption(built, published, locked, weights)
    built.objective = objective
    built.model.minimize(objective)
    result = solve(built, params.model_copy(update={"hint": published}))
    if not result.feasible or result.schedule is None:
        budget = max(1.0, min(10.0, params.time_limit_s))
        explanation = explain_infeasibility(changed, time_budget_s=budget, locks=locked)
        return RepairResult(
            status=result.status,
            feasible=False,
            locked_games=len(locked),
            seconds=time.perf_counter() - start,
            explanation=explanation,
        )
    schedule = result.schedule
    diff = diff_schedules(changed, published, schedule)
    report = validate(with_locks(changed, locked), schedule)
    affected = sorted({t for d in diff for t in (d.home, d.away)})
    return RepairResult(
        status=result.status,
        feasible=True,
        schedule=schedule,
        changes=diff,
        games_moved=sum(
            d.kind == "moved" or (d.kind == "flipped" and d.from_slot != d.to_slot) for d in diff
        ),
        games_flipped=sum(d.kind == "flipped" for d in diff),
        games_added=sum(d.kind == "added" for d in diff),
        games_removed=sum(d.kind == "removed" for d in diff),
        teams_affected=affected,
        disruption=result.objective,
        validator_feasible=report.feasible,
        hard_violations=[v.constraint_id for v in report.hard_violations] + report.structural,
        locked_games=len(locked),
        seconds=time.perf_counter() - start,
    )


__all__ = [
    "ChangeError",
    "GameChange",
    "RepairResult",
    "RepairWeights",
    "apply_changes",
    "diff_schedules",
    "repair",
]
