"""Solver parameters and their mapping onto CP-SAT's ``SatParameters``."""

from __future__ import annotations

from typing import Any, Literal

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
    strategy: Literal["auto", "single", "portfolio", "hard_first", "lns", "patterns"] = Field(
        "auto",
        description=(
            "auto: the strategy selected from the instance profile (flextime.engine.strategies); "
            "portfolio: with <= 2 workers, first search without LP (fast first solutions + LNS) for "
            "warm_start_fraction of the time, then CP-SAT's default portfolio hinted with the best "
            "solution; hard_first / lns: see flextime.engine.strategies; single: one CP-SAT run "
            "with the default portfolio."
        ),
    )
    warm_start_fraction: float = Field(0.3, gt=0, lt=1)
    plan_overrides: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            'Strategy plan parameters that replace the selected plan\'s (e.g. {"anneal": false}); '
            "for A/B runs and tuning, recorded in the plan's reasons."
        ),
    )

    def phases(self) -> list[tuple[float, list[str] | None]]:
        """(seconds, subsolvers or None for the default portfolio) per search phase."""
        if self.strategy == "single" or self.workers > 2:
            return [(self.time_limit_s, None)]
        first = self.time_limit_s * self.warm_start_fraction
        return [(first, ["no_lp", "default_lp"]), (self.time_limit_s - first, None)]

    def apply(self, solver: cp_model.CpSolver) -> None:
        """Write these settings into ``solver.parameters``."""
        p = solver.parameters
        p.max_time_in_seconds = float(self.time_limit_s)
        p.num_workers = int(self.workers)
        p.random_seed = int(self.seed)
        p.log_search_progress = bool(self.log)
        if self.relative_gap > 0:
            p.relative_gap_limit = float(self.relative_gap)
