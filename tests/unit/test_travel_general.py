"""The general travel path's CP-SAT LNS (travel/dated_lns.py) and its alternation with the local
search (travel/general.py), on small real-place instances: real CP-SAT, real validator."""

from __future__ import annotations

import itertools

from flextime.domain import CA1
from flextime.domain.model import Schedule
from flextime.engine.build import add_hint
from flextime.engine.extract import extract_schedule
from flextime.engine.locks import build_locked_model
from flextime.travel.dated_lns import SOFT_SCALE, _complete_hint, _kept, dated_lns, lexicographic, lns_step
from flextime.travel.general import (
    EXPLORE_AFTER,
    LNS_MIN_BUDGET_S,
    LNS_PHASE_S,
    LS_PHASE_S,
    _next_search,
    _score,
    improve_general,
)
from flextime.travel.improve import improve_travel, naive_schedule
from flextime.validate import validate
from tests.unit.test_travel_improve import bye_instance


def test_lexicographic_scales_soft_weights_and_adds_travel_once():
    base = bye_instance()
    soft = CA1(id="s", teams=["A"], slots=[0, 1], mode="H", max=0, hard=False, weight=3)
    hard = CA1(id="h", teams=["B"], slots=[0, 1], mode="H", max=0, hard=True)
    instance = base.model_copy(update={"constraints": [soft, hard]})
    lex = lexicographic(instance)
    by_id = {c.id: c for c in lex.constraints}
    assert by_id["s"].weight == 3 * SOFT_SCALE and by_id["h"] == hard
    assert lex.objective.travel_weight == instance.objective.travel_weight * SOFT_SCALE + 1


def test_a_step_rearranges_only_the_freed_teams_and_keeps_locks_and_neutral_sites():
    instance = bye_instance()
    games = list(naive_schedule(instance, 4).games)
    # a staff-locked game of a freed team, and a freed team's game at a neutral site
    free = {"A", "B"}
    locked_at = next(k for k, g in enumerate(games) if "A" in (g.home, g.away))
    games[locked_at] = games[locked_at].model_copy(update={"locked": True})
    neutral_at = next(
        k for k, g in enumerate(games) if "B" in (g.home, g.away) and "A" not in (g.home, g.away)
    )
    games[neutral_at] = games[neutral_at].model_copy(
        update={"venue": "F-v" if games[neutral_at].home != "F" else "E-v"}
    )
    start = Schedule(games=games)
    step = lns_step(instance, lexicographic(instance), start, free, time_limit_s=5.0)
    assert step is not None and step.seconds > 0
    cand = step.schedule
    assert games[locked_at] in cand.games and games[neutral_at] in cand.games
    untouched = [g for g in games if not {g.home, g.away} & free]
    assert all(g in cand.games for g in untouched)
    assert validate(instance, cand).structural == []


def test_the_completed_hint_is_the_schedule_with_every_variable_set():
    # Given a step's locked model with two teams free, hinted with the current schedule
    from ortools.sat.python import cp_model

    instance = bye_instance()
    start = naive_schedule(instance, 7)
    lex = lexicographic(instance)
    built = build_locked_model(lex, [g for g in start.games if _kept(instance, g, {"A", "B"})])
    add_hint(built, start)
    # When the hint is completed
    assert _complete_hint(built, start, workers=1)
    # Then every variable has one hinted value, and fixing them all is a solution: the schedule
    hint = built.model.proto.solution_hint
    assert sorted(hint.vars) == list(range(len(built.model.proto.variables)))
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    assert solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    key = lambda g: (g.home, g.away, g.slot)  # noqa: E731
    assert sorted(map(key, extract_schedule(built, solver).games)) == sorted(map(key, start.games))
    assert round(solver.objective_value) == validate(lex, start).objective  # soft x SOFT_SCALE + miles


def test_dated_lns_never_returns_worse_and_its_report_is_the_validators():
    instance = bye_instance()
    start = naive_schedule(instance, 5)
    before = validate(instance, start)
    result = dated_lns(instance, start, before, time_limit_s=8.0, seed=5, step_s=1.0)
    assert result.steps >= 2 and len(result.free_teams) == result.steps
    assert result.free_teams[0] == 2 and 1 <= result.next_free_teams <= instance.n_teams
    assert (result.report.infeasibility, result.report.objective) <= (before.infeasibility, before.objective)
    assert result.report.travel_total <= before.travel_total
    assert validate(instance, result.schedule).model_dump() == result.report.model_dump()
    miles = [before.travel_total] + [d for _, d in result.history]
    assert len(miles) == result.kept + 1 and all(b < a for a, b in itertools.pairwise(miles))


def test_improve_general_alternates_local_search_and_cp_sat():
    instance = bye_instance()
    start = naive_schedule(instance, 6)
    before = validate(instance, start)
    result = improve_general(instance, start, before, time_limit_s=10.0, seed=6, lns=True)
    # the local search first, CP-SAT when it slows down, then the time goes by their gains
    assert result.phases[0] == "ls" and "lns" in result.phases and len(result.phases) >= 3
    assert result.lns_steps > 0 and result.iterations > 200
    assert result.report.feasible and result.report.travel_total <= before.travel_total
    assert validate(instance, result.schedule).model_dump() == result.report.model_dump()
    alone = improve_general(instance, start, before, time_limit_s=1.0, seed=6)  # under LNS_MIN_BUDGET_S
    assert alone.lns_steps == 0 and alone.phases == []


def test_the_next_phase_goes_to_the_search_that_gains_more():
    fresh = {"ls": 0.0, "lns": 0.0}
    assert _next_search({"ls": None, "lns": None}, fresh, 30.0) == "ls"
    # CP-SAT is tried once the local search slows down, or has had its time
    assert _next_search({"ls": 5.0, "lns": None}, fresh, 30.0) == "ls"
    assert _next_search({"ls": 5.0, "lns": None}, fresh, 30.0, ls_slowed=True) == "lns"
    lns_idle = {"ls": 0.0, "lns": EXPLORE_AFTER * LNS_PHASE_S}
    assert _next_search({"ls": 5.0, "lns": None}, lns_idle, 30.0) == "lns"
    assert _next_search({"ls": 5.0, "lns": 9.0}, fresh, 30.0) == "lns"
    assert _next_search({"ls": 9.0, "lns": 5.0}, fresh, 30.0) == "ls"
    # no CP-SAT step fits in the time left
    assert _next_search({"ls": 0.0, "lns": 9.0}, fresh, LNS_PHASE_S - 0.1) == "ls"
    # a search left out long enough is tried again, whatever its last rate
    ls_idle = {"ls": EXPLORE_AFTER * LS_PHASE_S, "lns": 0.0}
    assert _next_search({"ls": 9.0, "lns": 0.0}, lns_idle, 30.0) == "lns"
    assert _next_search({"ls": 0.0, "lns": 9.0}, ls_idle, 30.0) == "ls"


def test_score_orders_like_the_improvers_key():
    instance = bye_instance()
    a, b = validate(instance, naive_schedule(instance, 1)), validate(instance, naive_schedule(instance, 2))
    assert (_score(a) < _score(b)) == (a.improvement_key() < b.improvement_key())
    softer = a.model_copy(update={"objective": a.objective + 1, "travel_total": 0})
    assert _score(softer) > _score(a)  # one unit of soft penalty outweighs every mile


def test_improve_travel_names_the_lns_when_it_ran(monkeypatch):
    # CP-SAT is tried right after the first local search phase (at most LS_PHASE_S), so a step runs
    # at any machine speed; by the rates alone, the local search phases had to end by stalling
    # within 3 s of the 8 s budget, which a machine 4-5 times slower missed ("local_search")
    monkeypatch.setattr("flextime.travel.general.EXPLORE_AFTER", 0)
    instance = bye_instance()
    start = naive_schedule(instance, 7)
    result = improve_travel(instance, start, time_limit_s=LNS_MIN_BUDGET_S, seed=7)
    assert result.method == "local_search+lns"
    assert result.after_objective <= result.before_objective and result.feasible


def test_a_failing_lns_leaves_the_time_to_the_local_search(monkeypatch, caplog):
    # fault injection: the engine may refuse an instance the validator accepts
    def refuse(*args, **kwargs):
        raise ValueError("the engine cannot model this")

    monkeypatch.setattr("flextime.travel.general.LS_PHASE_S", 0.5)
    monkeypatch.setattr("flextime.travel.general.dated_lns", refuse)
    instance = bye_instance()
    start = naive_schedule(instance, 8)
    before = validate(instance, start)
    result = improve_general(instance, start, before, time_limit_s=8.0, seed=8, lns=True)
    assert result.lns_failed and result.lns_steps == 0
    assert "travel LNS failed" in caplog.text
    assert result.report.feasible and result.report.travel_total < before.travel_total
    assert validate(instance, result.schedule).model_dump() == result.report.model_dump()
