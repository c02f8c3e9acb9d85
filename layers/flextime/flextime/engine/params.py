"""Solver parameters and their mapping onto CP-SAT's ``SatParameters``."""

from __future__ import annotations

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field

from flextime.domain.model import Schedule


class SolverParams(BaseModel):
    """How long and how hard CP-SAT searches.

    ``hint`` is a (possibly partial or infeasible) schedule used as a solution hint: its games are
    hinted 1, every other game variable 0.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    time_limit_s: float = Field(60.0, gt=0)
    workers: int = Field(2, ge=1)
    seed: int = Field(0, ge=0)
    log: bool = False
    relative_gap: float = Field(0.0, ge=0.0)
    hint: Schedule | None = None

    def apply(self, solver: cp_model.CpSolver) -> None:
        """Write these settings into ``solver.parameters``."""
        p = solver.parameters
        p.max_time_in_seconds = float(self.time_limit_s)
        p.num_workers = int(self.workers)
        p.random_seed = int(self.seed)
        p.log_search_progress = bool(self.log)
        if self.relative_gap > 0:
            p.relative_gap_limit = float(self.relative_gap)
