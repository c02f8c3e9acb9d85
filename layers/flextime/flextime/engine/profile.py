"""The problem profile: the data that the strategy selection (``engine.strategies``) reads.

``profile_instance(instance) -> InstanceProfile`` is cheap (no CP-SAT model is built): sizes,
format, the constraint families split into hard and soft, the unpruned game-variable count
(``variables``: ordered pairs x slots) and an estimate of the number of game variables after hard
rules have pruned games (the same pruning the model build does).
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, ConfigDict, Field, computed_field

from flextime.domain.model import Instance, RoundRobin
from flextime.engine.families import forbidder
from flextime.engine.variables import Forbidden


class InstanceProfile(BaseModel):
    """What kind of problem an instance is (input of ``select_strategy``)."""

    model_config = ConfigDict(frozen=True)

    name: str
    teams: int
    slots: int
    format: str = Field(description="round_robin or partial_round_robin")
    rounds: int | None = None
    compact: bool
    phased: bool
    mirrored: bool
    dated: bool
    games: int = Field(description="games to schedule")
    hard_by_family: dict[str, int] = Field(default_factory=dict)
    soft_by_family: dict[str, int] = Field(default_factory=dict)
    total_hard: int
    total_soft: int = Field(description="soft constraints that enter the objective (weight > 0)")
    soft_weight_total: int = 0
    soft_enabled: bool = True
    travel_weight: int = 0
    has_distances: bool = False
    estimated_game_vars: int = Field(description="game variables x[h,a,s] left after hard pruning")
    pruned_fraction: float = Field(description="share of the h x a x s games pruned by hard rules")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def variables(self) -> int:
        """Estimated game variables before pruning: ordered pairs x slots (the compute rule's size)."""
        return self.teams * (self.teams - 1) * self.slots

    @property
    def has_objective(self) -> bool:
        return (self.soft_enabled and self.total_soft > 0) or self.travel_weight > 0

    @property
    def hard_per_team(self) -> float:
        return self.total_hard / max(1, self.teams)

    @property
    def soft_per_team(self) -> float:
        return self.total_soft / max(1, self.teams)


def profile_instance(instance: Instance) -> InstanceProfile:
    f = instance.format
    hard: Counter[str] = Counter()
    soft: Counter[str] = Counter()
    weight = 0
    forbidden = Forbidden()
    for c in instance.constraints:
        if c.hard:
            hard[c.type] += 1
            fn = forbidder(c.type)
            if fn is not None:
                fn(instance, c, forbidden)
        elif c.weight > 0:
            soft[c.type] += 1
            weight += c.weight
    n, s = instance.n_teams, instance.n_slots
    total = n * (n - 1) * s
    kept = sum(
        1 for k in range(s) for h in range(n) for a in range(n) if h != a and forbidden.allowed(h, a, k)
    )
    rr = f if isinstance(f, RoundRobin) else None
    return InstanceProfile(
        name=instance.name,
        teams=n,
        slots=s,
        format=f.kind,
        rounds=rr.rounds if rr is not None else None,
        compact=instance.compact,
        phased=bool(rr is not None and rr.phased),
        mirrored=bool(rr is not None and rr.mirrored),
        dated=instance.dated,
        games=instance.total_games(),
        hard_by_family=dict(sorted(hard.items())),
        soft_by_family=dict(sorted(soft.items())),
        total_hard=sum(hard.values()),
        total_soft=sum(soft.values()) if instance.objective.soft_constraints else 0,
        soft_weight_total=weight,
        soft_enabled=instance.objective.soft_constraints,
        travel_weight=instance.objective.travel_weight,
        has_distances=instance.distances is not None,
        estimated_game_vars=kept,
        pruned_fraction=round(1 - kept / total, 4) if total else 0.0,
    )
