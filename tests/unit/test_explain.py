"""Explanations: the exact conflicting set for hand-made conflicts, from presolve and from the solver."""

from __future__ import annotations

import pytest

from flextime.bench.explain import planted_sunday_conflict
from flextime.domain import (
    BR1,
    CA1,
    FixedGame,
    ForbiddenMatchup,
    HomeAwayBalance,
    MaxConsecutive,
    RequiredMatchup,
    TeamUnavailable,
)
from flextime.engine.explain import explain_infeasibility, render_explanation
from flextime.engine.presolve import presolve_conflicts
from tests.conftest import tiny_partial, tiny_round_robin

BUDGET = 4.0


def fixed(cid: str, home: str, away: str, slot: int) -> FixedGame:
    return FixedGame(id=cid, home=home, away=away, slot=slot)


# ---- hand-made conflicts (presolve finds them; the solver alone must find the same core) -------


def collision():
    return tiny_round_robin(
        4,
        constraints=[
            fixed("f1", "T0", "T1", 0),
            fixed("f2", "T2", "T0", 0),
            fixed("f3-harmless", "T2", "T3", 1),
        ],
    )


def too_few_dates():
    return tiny_partial(
        6,
        games=3,
        n_slots=5,
        constraints=[
            TeamUnavailable(id="b1", team="T0", slots=[0, 1]),
            TeamUnavailable(id="b2", team="T0", slots=[2]),
            TeamUnavailable(id="b3-harmless", team="T1", slots=[0]),
        ],
    )


def too_few_home_dates():
    return tiny_round_robin(
        4,
        constraints=[
            TeamUnavailable(id="h1", team="T0", mode="home", slots=[0, 1]),
            CA1(id="h2", teams=["T0"], slots=[2, 3], mode="H", max=0),
            TeamUnavailable(id="h3-harmless", team="T1", mode="home", slots=[5]),
        ],
    )


def required_vs_forbidden():
    return tiny_partial(
        6,
        games=3,
        n_slots=5,
        constraints=[
            RequiredMatchup(id="req", team_a="T0", team_b="T1"),
            ForbiddenMatchup(id="forb", team_a="T1", team_b="T0"),
            ForbiddenMatchup(id="forb-harmless", team_a="T2", team_b="T3"),
        ],
    )


PRESOLVE_CASES = {
    "fixed games collide": (collision, {"f1", "f2"}, "fixed_collision"),
    "blackouts leave too few dates": (too_few_dates, {"b1", "b2"}, "games_vs_dates"),
    "too few home dates": (too_few_home_dates, {"h1", "h2"}, "home_games_vs_dates"),
    "required vs forbidden matchup": (required_vs_forbidden, {"req", "forb"}, "required_vs_forbidden"),
}


@pytest.mark.parametrize("case", PRESOLVE_CASES, ids=list(PRESOLVE_CASES))
def test_presolve_finds_the_exact_conflict(case):
    # Given a hand-made conflict next to a harmless constraint
    make, expected, kind = PRESOLVE_CASES[case]
    # When
    conflicts = presolve_conflicts(make())
    # Then the smallest conflict names exactly the conflicting constraints
    assert conflicts, "presolve found nothing"
    assert set(conflicts[0].constraint_ids) == expected
    assert conflicts[0].kind == kind


@pytest.mark.parametrize("presolve", [True, False], ids=["presolve", "solver-only"])
@pytest.mark.parametrize("case", PRESOLVE_CASES, ids=list(PRESOLVE_CASES))
def test_explanation_core_is_exact_and_minimal(case, presolve):
    # Given
    make, expected, _ = PRESOLVE_CASES[case]
    # When
    e = explain_infeasibility(make(), time_budget_s=BUDGET, presolve=presolve)
    # Then
    assert not e.feasible and e.status == "infeasible"
    assert e.source == ("presolve" if presolve else "solver")
    assert e.core_ids == expected
    assert e.minimal


# ---- conflicts only the solver sees -----------------------------------------------------------


def test_solver_core_home_cap_against_two_fixed_home_games():
    # Given T0 hosts at most one game in slots 0..2, but two home games there are fixed
    instance = tiny_round_robin(
        4,
        constraints=[
            CA1(id="cap", teams=["T0"], slots=[0, 1, 2], mode="H", max=1),
            fixed("home0", "T0", "T1", 0),
            fixed("home1", "T0", "T2", 1),
            fixed("harmless", "T2", "T3", 0),
            MaxConsecutive(id="soft-harmless", mode="A", max=1, hard=False),
        ],
    )
    assert presolve_conflicts(instance) == []
    # When
    e = explain_infeasibility(instance, time_budget_s=BUDGET)
    # Then
    assert e.source == "solver"
    assert e.core_ids == {"cap", "home0", "home1"}
    assert e.minimal
    drops = {r.constraint_id: r for r in e.relaxations if r.action == "drop"}
    assert all(r.restores_feasibility and r.proven for r in drops.values())


def test_solver_core_single_constraint_impossible_with_the_format():
    # Given no team may have a break in a compact double round robin of 4 (at least n-2 breaks exist)
    instance = tiny_round_robin(
        4,
        constraints=[
            BR1(id="no-breaks", teams=["T0", "T1", "T2", "T3"], slots=list(range(6)), intp=0),
            CA1(id="harmless", teams=["T1"], slots=[0, 1, 2, 3, 4, 5], mode="H", max=3),
            HomeAwayBalance(id="soft", window="first", k=2, min_home=1, hard=False),
        ],
    )
    # When
    e = explain_infeasibility(instance, time_budget_s=BUDGET)
    # Then
    assert e.core_ids == {"no-breaks"}
    assert e.minimal
    soften = next(r for r in e.relaxations if r.action == "soften")
    assert soften.restores_feasibility and soften.min_violation is not None and soften.min_violation >= 1


def test_big12_mbb_byu_sunday_against_a_fixed_sunday_game():
    # Given Big 12 MBB with a Sunday date and KU vs BYU fixed on it
    instance = planted_sunday_conflict()
    # When
    e = explain_infeasibility(instance, time_budget_s=BUDGET)
    # Then the core is exactly {BYU never on Sunday, the fixed game}, in words with the date
    assert e.core_ids == {"byu-no-sunday", "fixed-KU-BYU-sunday"}
    assert e.source == "presolve"
    assert "KU vs BYU fixed on Sun 2027-02-07 (hard)" in e.text
    assert "BYU never plays on Sunday" in e.text
    assert " + " in e.text
    byu = next(c for c in e.core if c.constraint_id == "byu-no-sunday")
    assert byu.teams == ["BYU"] and byu.slots == ["Sun 2027-02-07"] and byu.family == "team_unavailable"
    assert "Sun 2027-02-07" in render_explanation(e)


def test_big12_mbb_solver_alone_finds_the_same_core():
    # Given the same planted conflict, counting checks off
    instance = planted_sunday_conflict()
    # When
    e = explain_infeasibility(instance, time_budget_s=3 * BUDGET, presolve=False)  # noisy machine
    # Then
    assert e.source == "solver"
    assert e.core_ids == {"byu-no-sunday", "fixed-KU-BYU-sunday"}


def test_feasible_instance_has_no_core():
    # Given
    instance = tiny_round_robin(4, constraints=[fixed("f", "T0", "T1", 0)])
    # When
    e = explain_infeasibility(instance, time_budget_s=BUDGET)
    # Then
    assert e.feasible and e.status == "feasible" and e.core == []


def test_relaxation_reports_when_another_conflict_remains():
    # Given two independent collisions
    instance = tiny_round_robin(
        4,
        constraints=[
            fixed("a1", "T0", "T1", 0),
            fixed("a2", "T2", "T0", 0),
            fixed("b1", "T0", "T3", 3),
            fixed("b2", "T3", "T2", 3),
        ],
    )
    # When
    e = explain_infeasibility(instance, time_budget_s=BUDGET)
    # Then dropping one member of the first core leaves the second conflict
    assert e.core_ids in ({"a1", "a2"}, {"b1", "b2"})
    assert len(e.conflicts) == 2
    assert all(not r.restores_feasibility and r.proven for r in e.relaxations)
