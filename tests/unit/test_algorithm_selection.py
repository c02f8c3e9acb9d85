"""The selection agent's rules: profile -> compute, time limit, workers (pure, no AWS)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flextime.agents.algorithm_selection import (
    LARGE_MODEL_VARIABLES,
    InstanceProfile,
    choose_plan,
    default_time_limit,
    profile_instance,
)
from flextime.agents.settings import AgentSettings
from tests.conftest import tiny_round_robin

AUTO = AgentSettings(compute="auto")


def profile(teams: int = 16, slots: int = 30) -> InstanceProfile:
    return InstanceProfile(
        name="hand-made",
        teams=teams,
        slots=slots,
        format="round_robin",
        rounds=2,
        compact=False,
        phased=False,
        mirrored=False,
        dated=True,
        games=teams * (teams - 1),
        hard_by_family={"CA1": 3},
        soft_by_family={"CA4": 2},
        total_hard=3,
        total_soft=2,
        travel_weight=0,
        estimated_game_vars=teams * (teams - 1) * slots,
        pruned_fraction=0.0,
    )


def test_profile_counts_teams_slots_games_and_variables():
    # Given a 6-team compact double round robin
    instance = tiny_round_robin(6)

    # When it is profiled
    p = profile_instance(instance)

    # Then the counts follow from the format
    assert (p.teams, p.slots, p.games, p.variables) == (6, 10, 30, 6 * 5 * 10)


@pytest.mark.parametrize(("teams", "expected"), [(4, 10.0), (8, 10.0), (12, 60.0), (16, 60.0), (20, 300.0)])
def test_default_time_limit_grows_with_the_league(teams, expected):
    # Given / When / Then
    assert default_time_limit(profile(teams)) == expected


def test_a_small_season_solves_in_lambda_with_two_workers():
    # Given a Big 12 sized season and no requested options
    plan = choose_plan(profile(16, 12), {}, AUTO)

    # Then it stays in Lambda
    assert (plan.compute, plan.time_limit_s, plan.workers) == ("lambda", 60.0, 2)


def test_a_long_time_limit_goes_to_fargate():
    # Given a requested limit beyond the Lambda ceiling
    plan = choose_plan(profile(16, 12), {"time_limit_s": 1800}, AUTO)

    # Then Fargate with 4 workers, the limit kept
    assert (plan.compute, plan.time_limit_s, plan.workers) == ("fargate", 1800.0, 4)


def test_a_large_model_goes_to_fargate_with_eight_workers():
    # Given more estimated variables than Lambda handles well
    big = profile(40, 80)
    assert big.variables > LARGE_MODEL_VARIABLES

    # When / Then
    plan = choose_plan(big, {}, AUTO)
    assert (plan.compute, plan.workers) == ("fargate", 8)


def test_forced_lambda_caps_the_time_limit_at_the_ceiling():
    # Given the local cloud (compute forced to lambda) and a long requested limit
    settings = AgentSettings(compute="lambda", lambda_solve_ceiling_s=780)

    # When
    plan = choose_plan(profile(40, 80), {"time_limit_s": 1800}, settings)

    # Then
    assert (plan.compute, plan.time_limit_s, plan.workers) == ("lambda", 780.0, 2)
    assert any("forced" in r for r in plan.reasons)


def test_requested_workers_hint_and_engine_strategy_are_carried():
    # Given / When
    plan = choose_plan(
        profile(), {"workers": 3, "hint_key": "t/s/j/inputs/hint.json"}, AUTO, {"strategy": "single"}
    )

    # Then
    assert (plan.workers, plan.hint_key, plan.strategy) == (3, "t/s/j/inputs/hint.json", "single")


@given(teams=st.integers(2, 60), slots=st.integers(1, 120), limit=st.one_of(st.none(), st.floats(1, 7200)))
def test_lambda_plans_always_fit_the_lambda_ceiling(teams, slots, limit):
    # Given any profile and request, When a plan is chosen
    plan = choose_plan(profile(teams, slots), {"time_limit_s": limit} if limit else {}, AUTO)

    # Then a Lambda plan never exceeds the ceiling, and a Fargate plan has a reason
    if plan.compute == "lambda":
        assert plan.time_limit_s <= AUTO.lambda_solve_ceiling_s
    else:
        assert (
            plan.time_limit_s > AUTO.lambda_solve_ceiling_s or plan.profile.variables > LARGE_MODEL_VARIABLES
        )


@pytest.mark.parametrize(("limit", "travel_s"), [(30, 3.0), (5, 0.5), (600, 10.0)])
def test_the_travel_improvers_share_comes_out_of_the_time_limit(limit, travel_s):
    # Given a generate job (OptimizeTravel follows the solve), When a plan is chosen
    plan = choose_plan(profile(), {"time_limit_s": limit}, AUTO, travel=True)

    # Then the solve and the improver together stay within the requested limit
    assert (plan.time_limit_s, plan.travel_s) == (limit, travel_s)
    assert plan.solve_time_limit_s + plan.travel_s == pytest.approx(limit)


@pytest.mark.parametrize(("limit", "travel_s"), [(1200, 120.0), (6000, 300.0)])
def test_a_fargate_plan_improves_travel_in_the_solver_task_with_a_larger_budget(limit, travel_s):
    # Given a generate job whose limit sends it to Fargate, When a plan is chosen
    plan = choose_plan(profile(), {"time_limit_s": limit}, AUTO, travel=True)

    # Then the task improves travel after the solve, with the share of the limit up to 300 s
    assert plan.compute == "fargate" and plan.travel_in_solver
    assert plan.travel_s == travel_s
    assert any("in the solver task" in r for r in plan.reasons)


def test_a_lambda_plan_leaves_travel_to_optimize_travel():
    plan = choose_plan(profile(), {"time_limit_s": 30}, AUTO, travel=True)
    assert plan.compute == "lambda" and not plan.travel_in_solver and plan.travel_s == 3.0


def test_no_travel_in_the_solver_task_without_a_travel_step():
    plan = choose_plan(profile(), {"time_limit_s": 1200}, AUTO)
    assert plan.compute == "fargate" and not plan.travel_in_solver and plan.travel_s == 0.0


def test_no_travel_share_without_a_travel_step():
    plan = choose_plan(profile(), {"time_limit_s": 30}, AUTO)
    assert (plan.travel_s, plan.solve_time_limit_s) == (0.0, 30)
