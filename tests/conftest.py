"""Shared fixtures: tiny instances, and the benchmark folder (tests needing it skip without it)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from flextime.domain import Instance, PartialRoundRobin, RoundRobin, Slot, Team
from flextime.paths import benchmarks_dir


def tiny_round_robin(n_teams: int = 4, *, phased: bool = False, constraints: list | None = None) -> Instance:
    """A compact double round robin of ``n_teams`` abstract teams ("T0", "T1", ...)."""
    return Instance(
        name=f"tiny-drr-{n_teams}",
        teams=[Team(id=f"T{i}", name=f"Team {i}") for i in range(n_teams)],
        slots=[Slot(index=s) for s in range(2 * (n_teams - 1))],
        format=RoundRobin(rounds=2, compact=True, phased=phased),
        constraints=constraints or [],
    )


def random_ttp(n: int, seed: int = 0) -> Instance:
    """A TTP (double round robin, at most 3 in a row home or away, no repeaters) of ``n`` teams at
    random points of a 1,000 x 1,000 square (rounded Euclidean distances)."""
    from flextime.travel.ttp_instance import ttp_instance

    rng = random.Random(seed)
    pts = [(rng.uniform(0, 1000), rng.uniform(0, 1000)) for _ in range(n)]
    dist = [[round(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5) for b in pts] for a in pts]
    teams = [Team(id=f"T{i}", name=f"Team {i}") for i in range(n)]
    return ttp_instance(f"rand{n}", teams, dist)


def tiny_partial(
    n_teams: int = 6, games: int = 3, n_slots: int = 5, *, constraints: list | None = None
) -> Instance:
    """A partial round robin: ``games`` games per team in ``n_slots`` abstract slots."""
    return Instance(
        name=f"tiny-partial-{n_teams}",
        teams=[Team(id=f"T{i}", name=f"Team {i}") for i in range(n_teams)],
        slots=[Slot(index=s) for s in range(n_slots)],
        format=PartialRoundRobin(games_per_team=games, home_min=1, home_max=2, max_meetings=1),
        constraints=constraints or [],
    )


@pytest.fixture(scope="session")
def benchmarks() -> Path:
    path = benchmarks_dir()
    if not path.exists():
        pytest.skip(f"benchmark data not found at {path} (set FLEXTIME_BENCHMARKS)")
    return path
