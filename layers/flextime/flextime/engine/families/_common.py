"""Shared helpers: bound a count (hard) or turn its deviation into a penalty term (soft).

Soft deviations are always *exact* (``d == max(0, count - max, min - count)``, via lin_max), so
every intermediate solution's objective equals what an independent validator computes.
"""

from __future__ import annotations

from collections.abc import Sequence

from flextime.engine.variables import BuiltModel, Expr, Penalty


def limit(
    built: BuiltModel,
    c: object,
    count: Expr,
    n_max: int,
    lo: int = 0,
    hi: int | None = None,
    label: str = "",
) -> list[Penalty]:
    """``lo <= count <= hi`` for a count that can range over 0..n_max.

    Hard: linear constraints. Soft: one penalty with deviation
    ``max(0, count - hi) + max(0, lo - count)``.
    """
    lo_active = lo > 0
    hi_active = hi is not None and hi < n_max
    if not lo_active and not hi_active:
        return []
    m = built.model
    if c.hard:  # type: ignore[attr-defined]
        if lo_active:
            m.add(count >= lo)
        if hi_active:
            m.add(count <= hi)  # type: ignore[operator]
        return []
    return [soft_deviation(built, c, count, n_max, lo, hi, label)]


def soft_deviation(
    built: BuiltModel, c: object, count: Expr, n_max: int, lo: int, hi: int | None, label: str
) -> Penalty:
    m = built.model
    if lo <= 0 and hi == 0:
        dev: Expr = count  # the count itself is the deviation: no auxiliary variable
    elif lo <= 0 and hi is not None and n_max - hi == 1:
        dev = count - hi
        d = m.NewBoolVar(f"dev_{c.id}")  # type: ignore[attr-defined]
        m.add_max_equality(d, [0, dev])
        dev = d
    else:
        terms: list[Expr] = [0]
        ub = 0
        if hi is not None and hi < n_max:
            terms.append(count - hi)
            ub = max(ub, n_max - hi)
        if lo > 0:
            terms.append(lo - count)
            ub = max(ub, lo)
        d = m.NewIntVar(0, ub, f"dev_{c.id}")  # type: ignore[attr-defined]
        m.add_max_equality(d, terms)
        dev = d
    return Penalty(
        constraint_id=c.id,  # type: ignore[attr-defined]
        label=label or c.display,  # type: ignore[attr-defined]
        weight=c.weight,  # type: ignore[attr-defined]
        deviation=dev,
        family=c.type,  # type: ignore[attr-defined]
    )


def penalty(built: BuiltModel, c: object, deviation: Expr, label: str = "") -> Penalty:
    return Penalty(
        constraint_id=c.id,  # type: ignore[attr-defined]
        label=label or c.display,  # type: ignore[attr-defined]
        weight=c.weight,  # type: ignore[attr-defined]
        deviation=deviation,
        family=c.type,  # type: ignore[attr-defined]
    )


def team_name(built: BuiltModel, t: int) -> str:
    return built.instance.team_ids[t]


def valid_slots(built: BuiltModel, slots: Sequence[int]) -> list[int]:
    return sorted({s for s in slots if 0 <= s < built.n_slots})


def mode_vars(built: BuiltModel, t: int, s: int, mode: str) -> list:
    return built.game_vars(t, s, mode)


def soft_active(built: BuiltModel, c: object) -> bool:
    """Soft constraints are skipped (cost nothing) when the objective ignores them or weight is 0."""
    if c.hard:  # type: ignore[attr-defined]
        return True
    return built.instance.objective.soft_constraints and c.weight > 0  # type: ignore[attr-defined]
