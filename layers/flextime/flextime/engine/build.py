"""``build_model(instance) -> BuiltModel``: prune, create variables, format, families, objective."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flextime.domain.model import Game, Instance, Schedule
from flextime.engine.families import adder, forbidder
from flextime.engine.families._common import soft_active
from flextime.engine.objective import set_objective
from flextime.engine.structure import add_structure
from flextime.engine.variables import BuiltModel, Forbidden

if TYPE_CHECKING:
    from flextime.engine.locks import Lock


def build_model(instance: Instance, locks: Iterable[Lock | Game] | None = None) -> BuiltModel:
    """The complete CP-SAT model of ``instance`` (hard rules as constraints, soft ones as penalties).

    ``locks``: pinned games, fixed in the model (see :mod:`flextime.engine.locks`)."""
    if locks:
        from flextime.engine.locks import with_locks

        instance = with_locks(instance, locks)
    # Resolve every family first, so an unknown type fails before any work is done.
    adders = [(c, adder(c.type)) for c in instance.constraints]
    forbidden = Forbidden()
    for c in instance.constraints:
        fn = forbidder(c.type)
        if fn is not None and c.hard:
            fn(instance, c, forbidden)
    built = BuiltModel.create(instance, forbidden)
    add_structure(built)
    for c, add in adders:
        if not soft_active(built, c):
            continue
        built.penalties += add(built, c)
    set_objective(built)
    return built


def add_hint(built: BuiltModel, hint: Schedule) -> None:
    """Hint every game variable: 1 for the hint's games, 0 otherwise (unknown teams ignored)."""
    idx = built.instance.team_index
    chosen = {(idx[g.home], idx[g.away], g.slot) for g in hint.games if g.home in idx and g.away in idx}
    built.model.clear_hints()
    for key, v in built.x.items():
        built.model.add_hint(v, key in chosen)
