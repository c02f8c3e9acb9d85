"""Alternatives: within the tolerance of the best, pairwise at least min_difference games apart."""

from __future__ import annotations

from itertools import combinations

from flextime.domain import CA1, MaxConsecutive
from flextime.engine import SolverParams
from flextime.engine.alternatives import alternatives, comparison_table, games_apart
from flextime.validate import validate
from tests.conftest import tiny_partial, tiny_round_robin

PARAMS = SolverParams(time_limit_s=6, workers=2)


def test_three_alternatives_differ_pairwise_and_stay_within_tolerance():
    # Given a 6-team double round robin with soft rules
    instance = tiny_round_robin(
        6,
        constraints=[
            MaxConsecutive(id="road", mode="A", max=1, hard=False, weight=2),
            CA1(id="t0-home-early", teams=["T0"], slots=[0, 1, 2], mode="H", max=1, hard=False, weight=3),
        ],
    )
    # When
    alts = alternatives(instance, k=3, tolerance=0.5, min_difference=6, params=PARAMS)
    # Then
    assert len(alts) == 3
    for a, b in combinations(alts, 2):
        assert games_apart(a.schedule, b.schedule) >= 6
        assert a.differs_from[b.rank] == games_apart(a.schedule, b.schedule)
    best = alts[0].objective
    for a in alts:
        assert validate(instance, a.schedule).feasible
        assert a.objective <= best + 0.5 * abs(best)


def test_zero_tolerance_keeps_the_optimum():
    # Given an instance whose optimum is 0
    instance = tiny_partial(6, games=3, n_slots=5)
    # When
    alts = alternatives(instance, k=2, tolerance=0.0, min_difference=4, params=PARAMS)
    # Then
    assert [a.objective for a in alts] == [0, 0]
    assert games_apart(alts[1].schedule, alts[0].schedule) >= 4


def test_comparison_table_has_the_figures():
    # Given
    instance = tiny_partial(6, games=3, n_slots=5)
    alts = alternatives(instance, k=2, tolerance=0.0, min_difference=2, params=PARAMS)
    # When
    rows = comparison_table(alts)
    # Then
    assert [r["rank"] for r in rows] == [1, 2]
    assert {"objective", "travel", "breaks", "violated_soft", "min_games_apart"} <= set(rows[0])
    assert rows[0]["min_games_apart"] >= 2


def test_impossible_difference_returns_fewer():
    # Given a 4-team compact double round robin has few distinct schedules
    instance = tiny_round_robin(4)
    # When asking for schedules differing in every game
    alts = alternatives(instance, k=3, tolerance=0.0, min_difference=12, params=SolverParams(time_limit_s=3))
    # Then those found still differ in all 12 games
    assert 1 <= len(alts) <= 3
    for a, b in combinations(alts, 2):
        assert games_apart(a.schedule, b.schedule) == 12
