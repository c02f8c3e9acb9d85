"""Validation report models."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Violation(BaseModel):
    """One constraint with a positive deviation. ``cost`` = weight x deviation."""

    constraint_id: str
    type: str
    label: str
    hard: bool
    deviation: int
    cost: int
    detail: str = ""


class ValidationReport(BaseModel):
    """The verdict on a schedule, computed without the engine.

    ``infeasibility`` = sum over hard constraints of weight x deviation, plus one per structural
    problem. ``objective`` = soft penalty (when the objective counts soft constraints) plus
    travel_weight x total travel. ``feasible`` iff there are no structural problems and
    infeasibility is 0.
    """

    instance: str = ""
    feasible: bool
    infeasibility: int
    objective: int
    soft_penalty: int
    travel_total: int | None = None
    travel_by_team: dict[str, int] = Field(default_factory=dict)
    breaks_by_team: dict[str, int] = Field(default_factory=dict)
    structural: list[str] = Field(default_factory=list)
    violations: list[Violation] = Field(default_factory=list)

    @property
    def hard_violations(self) -> list[Violation]:
        return [v for v in self.violations if v.hard]

    @property
    def soft_violations(self) -> list[Violation]:
        return [v for v in self.violations if not v.hard]

    def improvement_key(self) -> tuple[int, int, int]:
        """How the travel improvers rank schedules: hard infeasibility first, then the objective,
        then travel (which counts even when the objective does not weigh it, so they never trade
        soft penalty for miles)."""
        return (self.infeasibility, self.objective, self.travel_total or 0)
