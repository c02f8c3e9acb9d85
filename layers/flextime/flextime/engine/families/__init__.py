"""One module per constraint family; this registry maps a constraint's ``type`` to its functions.

``add_<family>(built, constraint) -> list[Penalty]`` adds hard constraints to the model and
returns the soft penalty terms. The optional ``forbid_<family>(instance, constraint, forbidden)``
runs before variables are created and removes games that a hard constraint excludes outright.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flextime.engine.families.br1 import add_br1
from flextime.engine.families.br2 import add_br2
from flextime.engine.families.byes import add_byes
from flextime.engine.families.ca1 import add_ca1, forbid_ca1
from flextime.engine.families.ca2 import add_ca2, forbid_ca2
from flextime.engine.families.ca3 import add_ca3, forbid_ca3
from flextime.engine.families.ca4 import add_ca4, forbid_ca4
from flextime.engine.families.date_pairing import add_date_pairing
from flextime.engine.families.fa2 import add_fa2
from flextime.engine.families.fixed_game import add_fixed_game, forbid_fixed_game
from flextime.engine.families.forbidden_matchup import add_forbidden_matchup, forbid_forbidden_matchup
from flextime.engine.families.ga1 import add_ga1, forbid_ga1
from flextime.engine.families.games_per_slot import add_games_per_slot
from flextime.engine.families.home_away_balance import add_home_away_balance
from flextime.engine.families.max_consecutive import add_max_consecutive
from flextime.engine.families.min_rest_days import add_min_rest_days
from flextime.engine.families.rematch_separation import add_rematch_separation
from flextime.engine.families.required_matchup import add_required_matchup
from flextime.engine.families.se1 import add_se1
from flextime.engine.families.team_unavailable import add_team_unavailable, forbid_team_unavailable
from flextime.engine.families.venue_unavailable import add_venue_unavailable, forbid_venue_unavailable

AddFn = Callable[[Any, Any], list]  # (BuiltModel, constraint) -> list[Penalty]
ForbidFn = Callable[[Any, Any, Any], None]  # (Instance, constraint, Forbidden) -> None

ADDERS: dict[str, AddFn] = {
    "CA1": add_ca1,
    "CA2": add_ca2,
    "CA3": add_ca3,
    "CA4": add_ca4,
    "GA1": add_ga1,
    "BR1": add_br1,
    "BR2": add_br2,
    "FA2": add_fa2,
    "SE1": add_se1,
    "required_matchup": add_required_matchup,
    "forbidden_matchup": add_forbidden_matchup,
    "fixed_game": add_fixed_game,
    "team_unavailable": add_team_unavailable,
    "venue_unavailable": add_venue_unavailable,
    "max_consecutive": add_max_consecutive,
    "min_rest_days": add_min_rest_days,
    "games_per_slot": add_games_per_slot,
    "home_away_balance": add_home_away_balance,
    "byes": add_byes,
    "rematch_separation": add_rematch_separation,
    "date_pairing": add_date_pairing,
}

FORBIDDERS: dict[str, ForbidFn] = {
    "CA1": forbid_ca1,
    "CA2": forbid_ca2,
    "CA3": forbid_ca3,
    "CA4": forbid_ca4,
    "GA1": forbid_ga1,
    "fixed_game": forbid_fixed_game,
    "forbidden_matchup": forbid_forbidden_matchup,
    "team_unavailable": forbid_team_unavailable,
    "venue_unavailable": forbid_venue_unavailable,
}


class UnknownConstraintError(ValueError):
    """A constraint type the engine has no model for."""


def adder(constraint_type: str) -> AddFn:
    try:
        return ADDERS[constraint_type]
    except KeyError:
        known = ", ".join(sorted(ADDERS))
        raise UnknownConstraintError(
            f"the engine has no model for constraint type '{constraint_type}' (known: {known})"
        ) from None


def forbidder(constraint_type: str) -> ForbidFn | None:
    return FORBIDDERS.get(constraint_type)


__all__ = ["ADDERS", "FORBIDDERS", "UnknownConstraintError", "adder", "forbidder"]
