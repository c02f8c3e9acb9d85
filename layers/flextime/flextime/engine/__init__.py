"""The CP-SAT engine: instance -> model -> solve -> schedule.

    from flextime.engine import SolverParams, solve_instance
    result = solve_instance(instance, SolverParams(time_limit_s=30))

Modules: ``params`` (SolverParams), ``variables`` (BuiltModel, sparse game variables, helper
literals), ``structure`` (the format), ``families`` (one module per constraint family),
``objective`` (soft penalties + travel), ``runner`` (solve, progress, SolveResult), ``extract``.
The engine does not import the validator, AWS or database code.
"""

from flextime.engine.build import build_model
from flextime.engine.families import UnknownConstraintError
from flextime.engine.params import SolverParams
from flextime.engine.runner import PenaltyReport, ProgressSample, SolveResult, solve, solve_instance
from flextime.engine.variables import BuiltModel, Penalty

__all__ = [
    "BuiltModel",
    "Penalty",
    "PenaltyReport",
    "ProgressSample",
    "SolveResult",
    "SolverParams",
    "UnknownConstraintError",
    "build_model",
    "solve",
    "solve_instance",
]
