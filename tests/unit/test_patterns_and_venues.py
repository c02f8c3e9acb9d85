"""Pattern model details (lazy triples, the soft pattern objective), pattern restarts and the LNS
``venues`` neighbourhood, on small instances (no timing asserts)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from flextime.domain import Game, Schedule
from flextime.engine import SolverParams, build_model
from flextime.engine.strategies import lns as lns_module
from flextime.engine.strategies import patterns
from flextime.engine.strategies._base import Session
from flextime.engine.strategies.hard_first import hard_only
from flextime.engine.variables import BuiltModel
from flextime.validate import validate
from tests.unit.test_profile_and_strategies import rich_instance


def first_solution(n: int = 6, seed: int = 3) -> tuple[Session, BuiltModel]:
    instance = rich_instance(n)
    built = build_model(instance)
    session = Session(SolverParams(time_limit_s=20, seed=seed), None)
    status, solver = session.solve(built, built.model, 5, extra={"stop_after_first_solution": True})
    assert status in ("FEASIBLE", "OPTIMAL")
    session.offer(solver, True)
    return session, built


def home_pattern(built: BuiltModel, values: list[int]) -> list[list[bool]]:
    pattern = [[False] * built.n_slots for _ in range(built.n)]
    for (h, _a, s), v in built.x.items():
        if values[v.Index()]:
            pattern[h][s] = True
    return pattern


def schedule_of(built: BuiltModel, values: list[int]) -> Schedule:
    ids = built.instance.team_ids
    games = sorted(k for k, v in built.x.items() if values[v.Index()])
    return Schedule(games=[Game(home=ids[h], away=ids[a], slot=s) for h, a, s in games])


def test_venues_neighbourhood_keeps_every_meeting_slot_and_frees_only_home_away():
    # Given a complete solution
    session, built = first_solution()
    values = session.best.values  # type: ignore[union-attr]
    entries = [(h, a, s, v.Index()) for (h, a, s), v in built.x.items()]
    # When the venues neighbourhood (no extra teams) is built
    fixed = dict(lns_module._fixed("venues", entries, values, set(), set()))
    # Then every game variable of a pair that does not meet in that slot is fixed to 0, and both
    # home/away orientations of each meeting are free
    meets = {(min(h, a), max(h, a), s) for h, a, s, i in entries if values[i]}
    for h, a, s, i in entries:
        if (min(h, a), max(h, a), s) in meets:
            assert i not in fixed
        else:
            assert fixed[i] == 0


def test_lns_with_venue_moves_only_returns_an_exact_validator_clean_schedule():
    # Given a first solution of an 8-team instance with soft break and home/away rules
    session, built = first_solution(8, seed=4)
    start = session.best.objective  # type: ignore[union-attr]
    # When LNS runs with the venues neighbourhood alone
    lns_module.improve(session, built, step_seconds=0.3, seed=2, kinds=("venues",))
    # Then it is never worse and the validator agrees on feasibility and objective
    assert session.best is not None and session.best.objective <= start
    report = validate(built.instance, schedule_of(built, session.best.values))
    assert report.feasible, report.violations
    assert report.objective == session.best.objective


def _solver() -> cp_model.CpSolver:
    """A 10 s, 1-worker CP-SAT solver for the small pattern models here."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10
    solver.parameters.num_workers = 1
    return solver


def _status_with(pm: patterns.PatternModel, cells: dict[tuple[int, int], bool]) -> int:
    clone = pm.model.clone()
    for (t, s), value in cells.items():
        clone.add(clone.get_bool_var_from_proto_index(pm.h[t][s].Index()) == int(value))
    return _solver().Solve(clone)


def test_triples_are_added_lazily_and_exclude_what_pairs_allow():
    # Given the pattern model of a phased 6-team league (triples lazy) and a first half in which
    # teams 0, 1 and 2 are mixed (not all home, not all away) in only 2 of its 5 slots: every
    # pair of them can meet, but the three games among them do not fit
    instance = hard_only(rich_instance(6))
    pm = patterns.PatternModel(instance, build_model(instance))
    assert not pm.triples
    rows = ["AAHHA", "AAHAH", "AAHAA"]
    cells = {(t, s): rows[t][s] == "H" for t in range(3) for s in range(5)}
    assert _status_with(pm, cells) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    pattern = [[False] * pm.n_slots for _ in range(pm.n)]
    for (t, s), value in cells.items():
        pattern[t][s] = value
    # When the triples violated by it are listed and added
    violated = pm.violated_triples(pattern)
    assert ((0, 1, 2), 0) in violated
    assert pm.add_violated(pattern) == {"triples": len(violated)}
    # Then no pattern set with that first half is left
    assert _status_with(pm, cells) == cp_model.INFEASIBLE


def test_soft_pattern_objective_equals_the_pattern_part_of_the_full_objective():
    # Given a solution and the soft pattern model fixed to its home/away patterns
    session, built = first_solution()
    pattern = home_pattern(built, session.best.values)  # type: ignore[union-attr]
    pm = patterns.PatternModel(built.instance, built, soft=True)
    assert pm.penalties
    for row, values in zip(pm.h, pattern, strict=True):
        for v, value in zip(row, values, strict=True):
            pm.model.add(v == int(value))
    solver = _solver()
    # When the pattern model is solved (its objective: the soft pattern rules only)
    assert solver.Solve(pm.model) == cp_model.OPTIMAL
    # Then it is exactly the cost of those rules in the full model's solution
    share, total = patterns.pattern_share(built, session.best.solver)  # type: ignore[union-attr]
    assert round(solver.ObjectiveValue()) == share
    assert 0 < share <= total


def test_pattern_restart_never_worsens_and_stays_exact():
    # Given a first solution of a pattern-driven instance
    session, built = first_solution(6, seed=7)
    start = session.best.objective  # type: ignore[union-attr]
    stats: dict = {}
    # When pattern restarts run for a few seconds
    patterns.pattern_restart(session, built, 4.0, stats, pattern_seconds=1.0, opponent_seconds=1.0)
    # Then the incumbent is at least as good and the validator agrees with it
    assert session.best is not None and session.best.objective <= start
    assert stats["pattern_restart"]["trace"]
    report = validate(built.instance, schedule_of(built, session.best.values))
    assert report.feasible, report.violations
    assert report.objective == session.best.objective


def test_lns_stops_after_the_given_number_of_steps_without_improvement():
    # Given a first solution
    session, built = first_solution(8, seed=6)
    stats: dict = {}
    # When LNS may stall for one step only
    lns_module.improve(session, built, step_seconds=0.3, seed=3, stats=stats, stall_steps=1)
    # Then it stopped at the first step that did not improve (or earlier, at the bound)
    assert stats["lns_steps"] <= stats["lns_improving_steps"] + 1


def test_hard_first_alternating_lns_and_pattern_restarts_is_exact():
    # Given a first solution and a plan with pattern restarts
    from flextime.engine.strategies._base import StrategyPlan
    from flextime.engine.strategies.hard_first import improve

    session, built = first_solution(6, seed=8)
    session.params = session.params.model_copy(update={"time_limit_s": session.elapsed() + 6})
    start = session.best.objective  # type: ignore[union-attr]
    plan = StrategyPlan(
        name="hard_first",
        params={"step_seconds": 0.3, "pattern_seconds": 1.0, "opponent_seconds": 1.0, "stall_steps": 2},
    )
    # When LNS alternates with pattern restarts until the time limit
    improve(session, built, plan, restarts=True)
    # Then the result is never worse, exact, and the restarts are recorded
    assert session.best is not None and session.best.objective <= start
    assert any(note.startswith("pattern_restarts=") for note in session.notes)
    report = validate(built.instance, schedule_of(built, session.best.values))
    assert report.feasible, report.violations
    assert report.objective == session.best.objective


def _pattern_status(instance) -> int:
    return _solver().Solve(patterns.PatternModel(instance, build_model(instance)).model)


def test_group_games_capped_in_some_slots_must_fit_in_the_others():
    # Given a phased 6-team league where teams 0-3 play at most 1 game among themselves in
    # slots 0-3: the other 5 of their first-half games would need slot 4, which holds 2 at most
    from flextime.domain import CA4
    from tests.conftest import tiny_round_robin

    group = ["T0", "T1", "T2", "T3"]

    def league(cap: int):
        rule = CA4(id="g", teams1=group, teams2=group, slots=[0, 1, 2, 3], mode1="H", max=cap, hard=True)
        assert patterns.intra_group(rule) and not patterns.pattern_only(tiny_round_robin(6), rule)
        return tiny_round_robin(6, phased=True, constraints=[rule])

    # When / Then: the pattern model knows there is no pattern set (pairs alone allow one) ...
    assert _pattern_status(league(1)) == cp_model.INFEASIBLE
    # ... while with room for 4 of them in slots 0-3 the two left fit in slot 4
    assert _pattern_status(league(4)) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_violated_subsets_finds_a_group_whose_games_do_not_fit_its_mixed_slots():
    # Given a first half in which some teams are too often all home or all away together
    instance = hard_only(rich_instance(6))
    pm = patterns.PatternModel(instance, build_model(instance))
    rows = ["HAHHA", "AHHAH", "HAHAA", "AHHHA", "HAAHH", "AHAAH"]
    pattern = [[rows[t][s] == "H" for s in range(5)] + [False] * 5 for t in range(6)]
    # When the subset condition is checked
    groups = pm.violated_subsets(pattern)
    # Then some group of 4+ teams cannot play its games in the first half
    # (the second half, all away, fits nothing)
    assert any(k == 0 for _g, k in groups) and any(k == 1 for _g, k in groups)
    for group, k in groups:
        assert len(group) >= 4
        room = 0
        for s in range(5 * k, 5 * k + 5):
            home = sum(pattern[t][s] for t in group)
            room += min(home, len(group) - home)
        assert room < len(group) * (len(group) - 1) // 2


def _breaks(row: list[bool]) -> int:
    return sum(1 for s in range(1, len(row)) if row[s] == row[s - 1])


def _solve_patterns(pm: patterns.PatternModel) -> tuple[int, cp_model.CpSolver]:
    solver = _solver()
    return solver.Solve(pm.model), solver


def test_a_team_break_cap_bounds_every_pattern_and_too_small_a_cap_is_infeasible():
    # Given a phased 6-team league (its hard rules as the game model)
    instance = rich_instance(6)
    hard = build_model(hard_only(instance))
    # When pattern sets are searched with at most two breaks per team
    pm = patterns.PatternModel(instance, hard, soft=True, team_breaks=2)
    status, solver = _solve_patterns(pm)
    # Then there is one and every team's pattern has at most two breaks
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    rows = [[bool(solver.Value(v)) for v in row] for row in pm.h]
    assert max(_breaks(row) for row in rows) <= 2
    assert sum(_breaks(row) for row in rows) >= instance.n_teams - 2  # at most two break-free teams
    # And with no break at all there is none (only two patterns are break-free)
    status0, _ = _solve_patterns(patterns.PatternModel(instance, hard, soft=True, team_breaks=0))
    assert status0 == cp_model.INFEASIBLE


def test_break_cap_is_the_smallest_cap_with_a_cheaper_pattern_set():
    # Given a first solution of a phased league with soft break rules (no pattern set with at most
    # one break per team meets its hard rules, see the test above for two)
    session, built = first_solution(6, seed=7)
    hard = build_model(hard_only(built.instance))
    share, _ = patterns.pattern_share(built, session.best.solver)  # type: ignore[union-attr]
    one, _ = _solve_patterns(patterns.PatternModel(built.instance, hard, soft=True, team_breaks=1))
    assert one == cp_model.INFEASIBLE
    # When caps 0-3 are tried for any pattern set cheaper than a generous bound
    cap = patterns.break_cap(built.instance, hard, share + 10_000, session, 5.0, caps=(0, 1, 2, 3))
    # Then 0 and 1 are skipped and 2 is taken
    assert cap == 2
    # And an instance without soft break rules gets no cap
    plain = built.instance.model_copy(
        update={"constraints": [c for c in built.instance.constraints if c.type not in ("BR1", "BR2")]}
    )
    assert patterns.break_cap(plain, hard, share + 10_000, session, 5.0) is None


def test_annealing_segments_hand_a_pattern_driven_incumbent_to_a_pattern_segment():
    # Given a first solution and an annealing plan whose pattern segments always apply
    from flextime.engine.strategies import anneal
    from flextime.engine.strategies._base import StrategyPlan
    from flextime.engine.strategies.hard_first import improve

    session, built = first_solution(6, seed=9)
    assert not anneal.applies(built.instance)
    hard = build_model(hard_only(built.instance))
    session.params = session.params.model_copy(update={"time_limit_s": session.elapsed() + 8})
    start = session.best.objective  # type: ignore[union-attr]
    plan = StrategyPlan(
        name="hard_first",
        params={
            "anneal": True,
            "anneal_segment_fraction": 0.2,
            "step_seconds": 0.3,
            "pattern_restart_fraction": 0.4,
            "pattern_share_min": 0.0,
            "pattern_seconds": 1.0,
            "opponent_seconds": 1.0,
        },
    )
    # When annealing and LNS alternate until the time limit
    improve(session, built, plan, restarts=False, hard=hard)
    # Then a pattern segment ran (with the break cap noted) and the result is exact and no worse
    segments = [n for n in session.notes if n.startswith("hard_first: pattern segment")]
    # (the cap is probed unless the incumbent's pattern cost is already 0)
    assert segments and ("break_cap" in segments[0] or "pattern cost 0" in segments[0])
    assert any("'patterns:" in n for n in session.notes if n.startswith("hard_first: anneal/LNS segments"))
    assert session.best is not None and session.best.objective <= start
    report = validate(built.instance, schedule_of(built, session.best.values))
    assert report.feasible, report.violations
    assert report.objective == session.best.objective
