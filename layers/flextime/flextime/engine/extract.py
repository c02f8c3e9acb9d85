"""Solver values -> ``Schedule``."""

from __future__ import annotations

from ortools.sat.python import cp_model

from flextime.domain.model import Game, Schedule
from flextime.engine.variables import BuiltModel


def extract_schedule(
    built: BuiltModel, solver: cp_model.CpSolver | cp_model.CpSolverSolutionCallback
) -> Schedule:
    """The games whose variable is 1, sorted by (slot, home index, away index); venue = home venue."""
    inst = built.instance
    ids = inst.team_ids
    chosen = sorted((s, h, a) for (h, a, s), v in built.x.items() if solver.BooleanValue(v))
    games = [Game(home=ids[h], away=ids[a], slot=s, venue=inst.teams[h].venue) for s, h, a in chosen]
    return Schedule(instance=inst.name, games=games)
