"""Engine: formats, sparsity, API behaviour (progress, hints, penalties, errors, extraction)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import pytest

from flextime.domain import (
    CA1,
    FixedGame,
    Instance,
    MaxConsecutive,
    PartialRoundRobin,
    RoundRobin,
    Schedule,
    Slot,
    Team,
    TeamUnavailable,
    Venue,
)
from flextime.engine import (
    ProgressSample,
    SolverParams,
    UnknownConstraintError,
    build_model,
    solve,
    solve_instance,
)
from flextime.validate import validate

FAST = SolverParams(time_limit_s=5, workers=2)


def teams(n: int) -> list[Team]:
    return [Team(id=f"T{i}", name=f"T{i}", venue=f"V{i}") for i in range(n)]


def venues(n: int) -> list[Venue]:
    return [Venue(id=f"V{i}", name=f"V{i}", lat=35.0 + i, lon=-95.0 + 2 * i) for i in range(n)]


def round_robin(n: int, n_slots: int | None = None, **fmt: object) -> Instance:
    f = RoundRobin(**fmt)  # type: ignore[arg-type]
    slots = n_slots if n_slots is not None else f.rounds * (n - 1)
    return Instance(
        name="rr", teams=teams(n), venues=venues(n), slots=[Slot(index=s) for s in range(slots)], format=f
    )


def check(instance: Instance, params: SolverParams = FAST):  # type: ignore[no-untyped-def]
    result = solve_instance(instance, params)
    assert result.feasible, result.status
    report = validate(instance, result.schedule)  # type: ignore[arg-type]
    assert report.feasible, (report.structural, report.violations)
    assert report.objective == result.objective
    return result


@pytest.mark.parametrize(
    ("n", "fmt"),
    [
        (4, {"rounds": 2}),
        (6, {"rounds": 1}),
        (6, {"rounds": 2, "phased": True}),
        (6, {"rounds": 2, "mirrored": True}),
        (4, {"rounds": 3}),
        (4, {"rounds": 4}),
    ],
)
def test_compact_round_robins_are_valid(n: int, fmt: dict) -> None:  # type: ignore[type-arg]
    # Given a compact round robin format
    instance = round_robin(n, **fmt)
    # When solved
    result = check(instance)
    # Then every team plays once per slot and every pair meets `rounds` times
    games = result.schedule.games
    assert len(games) == instance.total_games()
    for s in range(instance.n_slots):
        playing = [t for g in games if g.slot == s for t in (g.home, g.away)]
        assert sorted(playing) == sorted(instance.team_ids)
    pairs = Counter(frozenset((g.home, g.away)) for g in games)
    assert set(pairs.values()) == {fmt["rounds"]}


def test_mirrored_second_half_swaps_home_and_away() -> None:
    # Given a mirrored double round robin of 6 teams
    result = check(round_robin(6, rounds=2, mirrored=True))
    # Then slot s + 5 repeats slot s with home and away swapped
    games = {(g.home, g.away, g.slot) for g in result.schedule.games}
    for h, a, s in games:
        if s < 5:
            assert (a, h, s + 5) in games


def test_non_compact_round_robin_has_byes_and_at_most_one_game_per_slot() -> None:
    # Given 5 teams (odd) in a non-compact double round robin over 10 slots
    instance = round_robin(5, n_slots=10, rounds=2, compact=False)
    # When solved
    result = check(instance)
    # Then each team has 8 games, never two in one slot
    per_slot = Counter((t, g.slot) for g in result.schedule.games for t in (g.home, g.away))
    assert max(per_slot.values()) == 1
    assert Counter(t for t, _ in per_slot.elements()) == dict.fromkeys(instance.team_ids, 8)


def test_partial_round_robin_respects_games_and_home_counts() -> None:
    # Given 6 teams, 3 games each (1..2 at home), in 5 slots
    instance = Instance(
        name="p",
        teams=teams(6),
        venues=venues(6),
        slots=[Slot(index=s) for s in range(5)],
        format=PartialRoundRobin(games_per_team=3, home_min=1, home_max=2, max_meetings=1),
    )
    # When solved / Then the validator accepts the structure
    check(instance)


def test_hard_unavailability_removes_variables() -> None:
    # Given a dated season where T0 never plays on Sundays (hard)
    start = dt.date(2024, 1, 6)  # Saturday
    instance = Instance(
        name="sun",
        teams=teams(4),
        slots=[Slot(index=i, date=start + dt.timedelta(days=i)) for i in range(6)],
        format=PartialRoundRobin(games_per_team=3, home_min=1, home_max=2),
        constraints=[TeamUnavailable(id="c", team="T0", weekdays=["Sun"])],
    )
    # When the model is built
    built = build_model(instance)
    # Then no variable of T0 exists on the Sunday slot
    sunday = 1
    assert not [k for k in built.x if k[2] == sunday and 0 in k[:2]]
    assert len(built.x) == 12 * 6 - 6
    # And a fixed game removes the other games of both teams in its slot
    fixed = instance.model_copy(update={"constraints": [FixedGame(id="f", home="T0", away="T1", slot=0)]})
    built = build_model(fixed)
    assert [k for k in built.x if k[2] == 0 and {0, 1} & set(k[:2])] == [(0, 1, 0)]


def test_unknown_constraint_type_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a registry without the CA1 family
    from flextime.engine import families

    monkeypatch.delitem(families.ADDERS, "CA1")
    instance = round_robin(4).model_copy(
        update={"constraints": [CA1(id="c", teams=["T0"], slots=[0], max=0)]}
    )
    # When / Then building names the type
    with pytest.raises(UnknownConstraintError, match="CA1"):
        build_model(instance)


def test_progress_samples_improve_and_penalties_add_up() -> None:
    # Given a soft-constrained instance
    instance = round_robin(4, rounds=2).model_copy(
        update={
            "constraints": [
                MaxConsecutive(id="h", mode="H", max=1, hard=False, weight=2),
                MaxConsecutive(id="a", mode="A", max=1, hard=False, weight=3),
            ]
        }
    )
    seen: list[ProgressSample] = []
    # When solved with a progress callback
    result = solve_instance(instance, SolverParams(time_limit_s=10, workers=2), on_progress=seen.append)
    # Then samples are strictly improving, end at the objective and the penalty costs add up
    assert result.status == "OPTIMAL"
    assert seen and seen == result.progress
    assert all(b.objective < a.objective for a, b in itertools.pairwise(seen))
    assert seen[-1].objective == result.objective
    assert result.objective == sum(p.cost for p in result.penalties) == result.soft_cost
    assert result.gap == 0.0 and result.bound == result.objective
    assert validate(instance, result.schedule).objective == result.objective  # type: ignore[arg-type]


def test_schedule_is_sorted_and_uses_home_venues() -> None:
    # Given a solved instance
    result = check(round_robin(4))
    games = result.schedule.games
    # Then games are sorted by slot, home, away and played at the home team's venue
    assert games == sorted(games, key=lambda g: (g.slot, int(g.home[1:]), int(g.away[1:])))
    assert all(g.venue == f"V{g.home[1:]}" for g in games)


def test_hint_is_accepted_and_single_strategy_works() -> None:
    # Given a first solution used as a hint
    instance = round_robin(4)
    first = check(instance)
    params = SolverParams(time_limit_s=5, hint=first.schedule, strategy="single")
    # When solved again / Then the result is feasible
    built = build_model(instance)
    assert solve(built, params).feasible
    # And an empty hint schedule does no harm either
    assert solve(build_model(instance), SolverParams(time_limit_s=5, hint=Schedule())).feasible


def test_infeasible_instance_reports_no_schedule() -> None:
    # Given contradictory hard constraints
    instance = round_robin(4).model_copy(
        update={
            "constraints": [
                FixedGame(id="a", home="T0", away="T1", slot=0),
                FixedGame(id="b", home="T1", away="T0", slot=1),
                CA1(id="c", teams=["T0"], slots=[0, 1, 2, 3, 4, 5], mode="H", max=0),
            ]
        }
    )
    # When solved
    result = solve_instance(instance, FAST)
    # Then
    assert result.status == "INFEASIBLE" and not result.feasible
    assert result.schedule is None and result.objective is None and result.gap is None
