"""Locks: pinned games stay where they are; contradictory locks are explained."""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model

from flextime.domain import Game, InstanceError, Schedule, TeamUnavailable
from flextime.engine import SolverParams, build_model, solve
from flextime.engine.explain import explain_infeasibility
from flextime.engine.extract import extract_schedule
from flextime.engine.locks import Lock, lock_constraints, locks_from_schedule, with_locks
from flextime.travel.improve import naive_schedule
from flextime.validate import validate
from tests.conftest import tiny_partial, tiny_round_robin
from tests.unit.test_travel_improve import bye_instance, venue_instance

PARAMS = SolverParams(time_limit_s=5, workers=2)


def test_solver_never_moves_locked_games():
    # Given three pinned games of a compact double round robin
    instance = tiny_round_robin(6)
    locks = [
        Lock(home="T0", away="T1", slot=0),
        Lock(home="T5", away="T2", slot=4),
        Game(home="T3", away="T4", slot=9),
    ]
    # When
    result = solve(build_model(instance, locks=locks), PARAMS)
    # Then
    assert result.feasible
    played = {(g.home, g.away, g.slot) for g in result.schedule.games}
    assert {("T0", "T1", 0), ("T5", "T2", 4), ("T3", "T4", 9)} <= played
    assert validate(with_locks(instance, locks), result.schedule).feasible


def test_partial_schedule_as_locks_is_kept_entirely():
    # Given a first solution; its first three slots become a partial schedule
    instance = tiny_partial(6, games=3, n_slots=5)
    first = solve(build_model(instance), PARAMS).schedule
    partial = Schedule(games=[g for g in first.games if g.slot < 3])
    # When
    result = solve(build_model(instance, locks=locks_from_schedule(partial)), PARAMS)
    # Then
    kept = {(g.home, g.away, g.slot) for g in partial.games}
    assert kept <= {(g.home, g.away, g.slot) for g in result.schedule.games}


def test_locks_by_date_and_labels():
    # Given
    from flextime.bench.explain import planted_sunday_conflict

    instance = planted_sunday_conflict()
    day = instance.slots[3].date
    # When
    (fixed,) = lock_constraints(instance, [Lock(home="KU", away="BYU", date=day)])
    # Then
    assert fixed.id == "lock:KU-BYU@3"
    assert fixed.label == f"locked: KU vs BYU on {instance.slots[3].display}"


def test_lock_with_unknown_team_is_rejected():
    with pytest.raises(InstanceError):
        with_locks(tiny_round_robin(4), [Lock(home="T0", away="NOPE", slot=0)])


def test_lock_contradicting_a_blackout_is_explained():
    # Given T1 cannot play in slot 2, yet a lock pins T0 vs T1 there
    instance = tiny_partial(
        6, games=3, n_slots=5, constraints=[TeamUnavailable(id="t1-out", team="T1", slots=[2])]
    )
    # When
    e = explain_infeasibility(instance, time_budget_s=3, locks=[Lock(home="T0", away="T1", slot=2)])
    # Then
    assert e.core_ids == {"t1-out", "lock:T0-T1@2"}
    lock = next(c for c in e.core if c.family == "lock")
    assert lock.label == "locked: T0 vs T1 on slot 2"
    assert "locked: T0 vs T1 on slot 2 (lock)" in e.text


@pytest.mark.parametrize("presolve", [True, False])
def test_two_contradictory_locks_are_explained(presolve):
    # Given two locks that put T0 in two games of slot 1
    instance = tiny_round_robin(4)
    locks = [
        Lock(home="T0", away="T1", slot=1),
        Lock(home="T2", away="T0", slot=1),
        Lock(home="T2", away="T3", slot=0),
    ]
    # When
    e = explain_infeasibility(instance, time_budget_s=3, locks=locks, presolve=presolve)
    # Then
    assert e.core_ids == {"lock:T0-T1@1", "lock:T2-T0@1"}
    assert e.minimal


@pytest.mark.parametrize("season", ["compact", "byes at the end", "byes between games"])
@pytest.mark.parametrize("free", [{"A", "B"}, set()])
def test_travel_term_of_a_locked_model_is_exact_and_smaller(season, free):
    # Given a real-place double round robin (compact, or over 14 slots with byes after its ten
    # rounds or between them) and the games of every team but the free ones locked where a
    # first schedule has them
    instance = venue_instance(constraints=[]) if season == "compact" else bye_instance()
    start = naive_schedule(instance, 3)
    if season == "byes between games":  # rounds 0-9 in slots 0, 1, 3, 4, 6, 7, 9, 10, 12, 13
        start = Schedule(games=[g.model_copy(update={"slot": g.slot + g.slot // 2}) for g in start.games])
        assert validate(instance, start).feasible
    kept = [g for g in start.games if not {g.home, g.away} & free]
    # When the locked model is built and solved
    built = build_model(instance, locks=kept)
    whole = build_model(instance)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10
    solver.parameters.num_workers = 2
    status = solver.solve(built.model)
    # Then its travel term is the validator's miles, and the fixed games have no location variables
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    schedule = extract_schedule(built, solver)
    report = validate(instance, schedule)
    assert report.feasible and solver.value(built.travel) == report.travel_total
    assert {(g.home, g.away, g.slot) for g in kept} <= {(g.home, g.away, g.slot) for g in schedule.games}
    assert len(built.fixed) == len(kept)
    assert len(built.model.proto.variables) < len(whole.model.proto.variables) / 2
