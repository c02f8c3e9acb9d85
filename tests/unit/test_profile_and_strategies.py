"""Strategy selection from the instance profile, and every strategy's output checked by the
validator (no timing asserts)."""

from __future__ import annotations

import pytest

from flextime.domain import BR1, BR2, CA1, CA3, GA1, SE1, Game, Instance, Schedule
from flextime.engine import SolverParams, build_model, solve_instance
from flextime.engine.profile import InstanceProfile, profile_instance
from flextime.engine.strategies import (
    STRATEGIES,
    StrategyPlan,
    hard_first,
    select_strategy,
    solve_with_strategy,
)
from flextime.engine.strategies import lns as lns_module
from flextime.engine.strategies._base import Session
from flextime.engine.strategies.hard_first import relaxed, repair_violations
from flextime.validate import validate
from tests.conftest import tiny_round_robin


def _schedule(instance: Instance, games: set[tuple[int, int, int]]) -> Schedule:
    """A schedule of the engine's (home, away, slot) team-index games."""
    ids = instance.team_ids
    return Schedule(games=[Game(home=ids[h], away=ids[a], slot=s) for h, a, s in sorted(games)])


def profile(**overrides: object) -> InstanceProfile:
    base: dict[str, object] = {
        "name": "hand-made",
        "teams": 16,
        "slots": 30,
        "format": "round_robin",
        "rounds": 2,
        "compact": True,
        "phased": True,
        "mirrored": False,
        "dated": False,
        "games": 240,
        "hard_by_family": {"CA1": 20, "BR1": 10},
        "soft_by_family": {"CA4": 50},
        "total_hard": 30,
        "total_soft": 50,
        "soft_weight_total": 250,
        "estimated_game_vars": 7200,
        "pruned_fraction": 0.0,
    }
    base.update(overrides)
    return InstanceProfile(**base)  # type: ignore[arg-type]


def rich_instance(n: int = 6) -> Instance:
    """A compact phased DRR with hard and soft rules of several families."""
    teams = [f"T{i}" for i in range(n)]
    return tiny_round_robin(
        n,
        phased=True,
        constraints=[
            CA1(id="h1", teams=["T0"], slots=[0, 1], mode="H", max=0, hard=True),
            CA1(id="s1", teams=["T1"], slots=[2, 3, 4], mode="H", max=1, hard=False, weight=5),
            CA3(
                id="s2",
                teams1=teams,
                teams2=teams,
                intp=3,
                mode1="A",
                mode2="SLOTS",
                max=2,
                hard=False,
                weight=3,
            ),
            BR1(
                id="s3",
                teams=teams,
                slots=list(range(1, 2 * (n - 1))),
                intp=1,
                mode2="HA",
                hard=False,
                weight=2,
            ),
            GA1(id="s4", meetings=[("T2", "T3")], slots=[0, 1, 2], min=1, max=1, hard=False, weight=7),
        ],
    )


# ---- selection rules -------------------------------------------------------------------------


def test_without_objective_the_portfolio_is_chosen():
    # Given a profile without soft terms or travel
    p = profile(total_soft=0, soft_by_family={}, soft_weight_total=0)
    # When / Then: a pure feasibility search, with a reason
    plan = select_strategy(p)
    assert plan.name == "portfolio"
    assert plan.reasons


def test_a_small_model_uses_the_portfolio():
    # Given a 6-team instance (300 game variables)
    plan = select_strategy(profile(teams=6, slots=10, estimated_game_vars=300))
    # Then CP-SAT's own portfolio (it proves optimality on such sizes)
    assert plan.name == "portfolio"
    assert any("small model" in r for r in plan.reasons)


def test_a_large_compact_instance_goes_hard_first_then_lns():
    # Given an ITC2021-sized profile
    plan = select_strategy(profile(), time_limit_s=300)
    # Then feasibility first (exact search, then home/away patterns), improved by LNS, steps
    # scaled to the limit
    assert plan.name == "hard_first"
    assert plan.params["improve"] == "lns"
    assert plan.params["patterns"] is True
    assert 1.0 <= plan.params["step_seconds"] <= 5.0
    # a short exact search (4% of the limit, at least 5 s) before the pattern search
    assert hard_first.exact_budget(plan, 300) == pytest.approx(12.0)
    assert hard_first.exact_budget(plan, 60) == pytest.approx(5.0)


def test_soft_separation_rules_get_separated_opponents_and_no_fresh_basin():
    # Given a large compact profile with and without soft SE1 rules
    plain = select_strategy(profile(), time_limit_s=300)
    separated = select_strategy(profile(soft_by_family={"CA4": 50, "SE1": 1}), time_limit_s=300)
    short = select_strategy(profile(soft_by_family={"SE1": 1}), time_limit_s=20)
    # Then only the SE1 plan searches separated opponents (5% of the time, 3-20 s) and drops the
    # fresh annealing basin
    assert "separation_fraction" not in plain.params and plain.params["anneal_fresh_fraction"] > 0
    assert separated.params["separation_fraction"] == 1.0
    assert separated.params["separation_seconds"] == 15.0 and short.params["separation_seconds"] == 3.0
    assert separated.params["anneal_fresh_fraction"] == 0.0
    assert any("SE1" in r for r in separated.reasons)


def test_the_exact_budget_stays_within_the_feasibility_phase():
    # Given a plan whose minimum exceeds its feasibility phase at a short limit
    plan = StrategyPlan(
        name="hard_first", params={"exact_fraction": 0.1, "exact_seconds_min": 5.0, "feasible_fraction": 0.5}
    )
    # Then the minimum applies, but never beyond the feasibility phase
    assert hard_first.exact_budget(plan, 100) == pytest.approx(10.0)
    assert hard_first.exact_budget(plan, 20) == pytest.approx(5.0)
    assert hard_first.exact_budget(plan, 6) == pytest.approx(3.0)


def test_a_large_non_compact_season_goes_hard_first():
    # Given a Big 12 basketball sized profile (dated, byes)
    p = profile(
        compact=False,
        phased=False,
        dated=True,
        format="partial_round_robin",
        slots=37,
        estimated_game_vars=8880,
    )
    # Then hard first, improved by the hinted portfolio (it gives a bound)
    plan = select_strategy(p)
    assert plan.name == "hard_first"
    assert plan.params["improve"] == "portfolio"
    assert not plan.params.get("patterns")


def test_profile_counts_families_split_hard_and_soft():
    # Given the rich tiny instance
    p = profile_instance(rich_instance())
    # Then the counts and the pruning of T0's two home slots (5 opponents x 2 slots)
    assert p.hard_by_family == {"CA1": 1}
    assert p.soft_by_family == {"BR1": 1, "CA1": 1, "CA3": 1, "GA1": 1}
    assert (p.total_hard, p.total_soft, p.teams, p.slots, p.games) == (1, 4, 6, 10, 30)
    assert p.estimated_game_vars == 6 * 5 * 10 - 10
    assert p.has_objective


# ---- every strategy: validator-clean and exact ------------------------------------------------


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_each_strategy_returns_a_validator_clean_schedule(name: str):
    # Given a small instance with hard and soft rules
    instance = rich_instance()
    # When solved with the strategy forced
    plan = StrategyPlan(
        name=name, params={"step_seconds": 0.5, "repair": True, "patterns": True, "exact_fraction": 0.3}
    )
    result = solve_with_strategy(instance, SolverParams(time_limit_s=4, seed=3), plan)
    # Then the validator agrees: feasible, same objective; the plan is recorded
    assert result.feasible and result.schedule is not None
    report = validate(instance, result.schedule)
    assert report.feasible, report.violations
    assert report.objective == result.objective
    assert result.strategy == name
    assert result.plan is not None and result.plan["name"] == name and "profile" in result.plan


def test_solve_instance_records_the_selected_strategy():
    # Given / When: the default path (strategy "auto")
    result = solve_instance(rich_instance(), SolverParams(time_limit_s=3))
    # Then the chosen strategy and its reasons are in the result
    assert result.strategy == "portfolio"
    assert result.plan is not None and result.plan["reasons"]


def test_lns_never_worsens_the_incumbent():
    # Given a first (not necessarily good) solution of an 8-team model
    instance = rich_instance(8)
    built = build_model(instance)
    session = Session(SolverParams(time_limit_s=4, seed=5), None)
    status, solver = session.solve(built, built.model, 2, extra={"stop_after_first_solution": True})
    assert status in ("FEASIBLE", "OPTIMAL")
    session.offer(solver, True)
    start = session.best.objective  # type: ignore[union-attr]
    # When LNS runs
    lns_module.improve(session, built, step_seconds=0.3, seed=1)
    # Then the incumbent is never worse, the trace only goes down, and it is exact
    assert session.best is not None and session.best.objective <= start
    trace = [s.objective for s in session.samples]
    assert trace == sorted(trace, reverse=True)
    schedule_games = {k for k, v in built.x.items() if session.best.values[v.Index()]}
    assert len(schedule_games) == instance.total_games()


def test_violation_repair_reaches_a_hard_feasible_schedule():
    # Given the relaxed version of an instance (hard rules as weight-1 soft rules)
    instance = rich_instance()
    assert all(not c.hard for c in relaxed(instance).constraints)
    session = Session(SolverParams(time_limit_s=5, seed=2), None)
    # When the violations are minimised by LNS
    stats: dict = {}
    games = repair_violations(session, instance, StrategyPlan(name="hard_first"), 5.0, stats)
    # Then it ends at zero violations with a full set of games
    assert games is not None and stats["violations_end"] == 0
    assert len(games) == instance.total_games()


def test_patterns_find_a_hard_feasible_schedule_of_a_break_constrained_league():
    # Given a phased 6-team league where breaks are limited hard (at most 4 per team, 14 in all)
    from flextime.engine.strategies import patterns

    n = 6
    teams = [f"T{i}" for i in range(n)]
    instance = tiny_round_robin(
        n,
        phased=True,
        constraints=[
            BR1(id="b", teams=teams, slots=list(range(1, 2 * (n - 1))), intp=4, mode2="HA", hard=True),
            BR2(id="b2", teams=teams, slots=list(range(1, 2 * (n - 1))), intp=14, hard=True),
            CA1(id="c", teams=["T0"], slots=[0], mode="H", max=0, hard=True),
        ],
    )
    session = Session(SolverParams(time_limit_s=30, seed=1), None)
    stats: dict = {}
    # When home/away patterns are searched first and the opponents then
    games = patterns.find_schedule(session, instance, 30.0, StrategyPlan(name="patterns"), stats)
    # Then the schedule satisfies every hard rule
    assert games is not None
    schedule = _schedule(instance, games)
    report = validate(instance, schedule)
    assert report.feasible, report.violations


@pytest.mark.parametrize("fraction", [1.0, 0.0])
def test_pattern_opponents_minimise_the_soft_separation_cost(fraction: float):
    # Given an 8-team league whose only rule is a soft separation: 4 slots between meetings
    from flextime.engine.strategies import patterns

    n = 8
    teams = [f"T{i}" for i in range(n)]
    instance = tiny_round_robin(
        n,
        constraints=[
            SE1(id="se", teams=teams, min=4, hard=False, weight=10),
            CA1(id="c", teams=["T0"], slots=[0], mode="H", max=0, hard=True),
        ],
    )
    session = Session(SolverParams(time_limit_s=30, seed=1), None)
    stats: dict = {}
    plan = StrategyPlan(name="patterns", params={"separation_fraction": fraction})
    # When the opponents of a pattern set are searched (with or without the separation)
    games = patterns.find_schedule(session, instance, 30.0, plan, stats)
    assert games is not None
    schedule = _schedule(instance, games)
    report = validate(instance, schedule)
    assert report.feasible, report.violations
    if fraction:
        # Then the search minimised the separation cost, and its figure is the validator's
        status, cost = stats["separation"][-1].split("@")[0].split()
        assert status in ("FEASIBLE", "OPTIMAL")
        assert int(cost) == report.objective
    else:
        # Then, switched off, the opponent search is the plain one
        assert "separation" not in stats


def test_a_separation_restart_anneals_another_separated_schedule_and_never_worsens():
    # Given an 8-team league with a soft separation rule, whose incumbent has plain opponents
    from flextime.engine.strategies import hard_first as hf
    from flextime.engine.strategies import patterns
    from flextime.engine.strategies._base import complete_from_games, games_of

    n = 8
    teams = [f"T{i}" for i in range(n)]
    instance = tiny_round_robin(
        n,
        constraints=[
            SE1(id="se", teams=teams, min=5, hard=False, weight=10),
            CA1(id="s", teams=["T1"], slots=[0, 1, 2], mode="H", max=1, hard=False, weight=1),
        ],
    )
    built = build_model(instance)
    hard = build_model(hf.hard_only(instance))
    session = Session(SolverParams(time_limit_s=60, seed=2, workers=2), None)
    plain = patterns.find_schedule(session, instance, 20.0, StrategyPlan(name="patterns"), {}, hard)
    assert plain is not None and complete_from_games(session, built, plain, 10)
    before = session.best.objective
    plan = StrategyPlan(
        name="hard_first",
        params={"separation_fraction": 1.0, "separation_seconds": 2.0, "separation_restarts": True},
    )
    history: list[str] = []
    # When neither annealing nor LNS moves it and a separation restart runs
    assert hf._separation_restart(session, built, plan, hard, history)
    # Then another pattern set got separated opponents, and the incumbent is never worse
    note = next(x for x in session.notes if x.startswith("hard_first: separation restart"))
    assert "separation" in note.removeprefix("hard_first: separation restart")
    assert history and history[0] == f"separation:{before}->{session.best.objective}"
    assert session.best.objective <= before
    schedule = _schedule(instance, games_of(built, session.best.values))
    assert validate(instance, schedule).objective == session.best.objective
    # and without the plan's consent nothing runs
    off = StrategyPlan(name="hard_first", params={"separation_fraction": 1.0})
    assert not hf._separation_restart(session, built, off, hard, history)


def test_the_pattern_search_stops_after_opponent_searches_that_end_unknown(benchmarks):
    # Given Early_6, whose pattern sets' opponent searches end UNKNOWN (here: 0.05 s each)
    from flextime.engine.strategies import patterns
    from flextime.formats.robinx import read_instance

    instance = read_instance(benchmarks / "itc2021" / "instances" / "ITC2021_Early_6.xml")
    session = Session(SolverParams(time_limit_s=120, seed=0, workers=2), None)
    plan = StrategyPlan(name="patterns", params={"opponent_seconds": 0.05, "opponent_unknown_max": 2})
    stats: dict = {}
    # When patterns and opponents are searched with at most 2 UNKNOWN opponent searches in a row
    games = patterns.find_schedule(session, instance, 100.0, plan, stats)
    # Then the search stops after the second, long before its deadline, and says why
    assert games is None
    assert stats["opponent_status"] == [s for s in stats["opponent_status"] if s.startswith("UNKNOWN")]
    assert len(stats["opponent_status"]) == 2
    assert stats["pattern_model"].startswith("stopped: 2 opponent searches")
    assert session.elapsed() < 100.0
