"""Engine, one family at a time: a feasible hard version, a contradictory hard version
(INFEASIBLE) and a soft version whose optimum is computed by hand. Every schedule the engine
returns is re-checked with the independent validator (no hard violation, same objective)."""

from __future__ import annotations

import datetime as dt

import pytest

from flextime.domain import (
    BR1,
    BR2,
    CA1,
    CA2,
    CA3,
    CA4,
    FA2,
    GA1,
    SE1,
    Byes,
    DatePairing,
    FixedGame,
    ForbiddenMatchup,
    GamesPerSlot,
    HomeAwayBalance,
    Instance,
    MaxConsecutive,
    MinRestDays,
    PartialRoundRobin,
    RematchSeparation,
    RequiredMatchup,
    RoundRobin,
    Slot,
    Team,
    TeamUnavailable,
    Venue,
    VenueUnavailable,
)
from flextime.engine import SolveResult, SolverParams, solve_instance
from flextime.validate import validate

ALL6 = list(range(6))
T = ["T0", "T1", "T2", "T3"]


def drr(*constraints: object, phased: bool = False, mirrored: bool = False) -> Instance:
    """4 teams, compact double round robin, 6 slots; team Ti plays at venue Vi."""
    return Instance(
        name="drr4",
        teams=[Team(id=t, name=t, venue=f"V{i}") for i, t in enumerate(T)],
        venues=[Venue(id=f"V{i}", name=f"V{i}", lat=40.0 + i, lon=-90.0 - i) for i in range(4)],
        slots=[Slot(index=s) for s in range(6)],
        format=RoundRobin(rounds=2, compact=True, phased=phased, mirrored=mirrored),
        constraints=list(constraints),
    )


SAT = dt.date(2024, 1, 6)  # a Saturday


def partial(
    *constraints: object, n_slots: int = 4, games: int = 2, dates: list[dt.date] | None = None
) -> Instance:
    """4 teams, ``games`` games each (1 home when games = 2), each pair at most once."""
    slots = (
        [Slot(index=i, date=d) for i, d in enumerate(dates)]
        if dates
        else [Slot(index=s) for s in range(n_slots)]
    )
    return Instance(
        name="partial4",
        teams=[Team(id=t, name=t) for t in T],
        slots=slots,
        format=PartialRoundRobin(games_per_team=games, home_min=games // 2, home_max=(games + 1) // 2),
        constraints=list(constraints),
    )


def run(instance: Instance, seconds: float = 5.0) -> SolveResult:
    result = solve_instance(instance, SolverParams(time_limit_s=seconds, workers=2))
    if result.feasible:
        assert result.schedule is not None
        report = validate(instance, result.schedule)
        assert report.feasible, report.violations
        assert report.objective == result.objective
    return result


def assert_optimum(instance: Instance, value: int) -> None:
    result = run(instance)
    assert result.status == "OPTIMAL"
    assert result.objective == value
    assert sum(p.cost for p in result.penalties) == value


def assert_infeasible(instance: Instance) -> None:
    assert run(instance).status == "INFEASIBLE"


def assert_feasible(instance: Instance) -> None:
    assert run(instance).feasible


def soft(c: object, weight: int) -> object:
    return c.model_copy(update={"hard": False, "weight": weight})  # type: ignore[attr-defined]


CASES = {
    # family: (feasible hard instance, contradictory hard instance, soft instance, optimum)
    "CA1": (
        drr(CA1(id="c", teams=["T0"], slots=[0, 1, 2], mode="H", max=1)),
        drr(CA1(id="c", teams=["T0"], slots=[0, 1, 2, 3], mode="H", max=0)),  # 3 home games in 2 slots
        drr(soft(CA1(id="c", teams=["T0"], slots=ALL6, mode="H", max=0), 3)),  # hosts 3 -> 3 x 3
        9,
    ),
    "CA2": (
        drr(CA2(id="c", teams1=["T0"], teams2=["T1"], slots=[0, 1, 2], max=1)),
        drr(CA2(id="c", teams1=["T0"], teams2=["T1"], slots=ALL6, max=1)),  # they meet twice
        drr(soft(CA2(id="c", teams1=["T0"], teams2=["T1", "T2"], slots=ALL6, mode1="H", max=0), 2)),  # 2 x 2
        4,
    ),
    "CA3": (
        drr(CA3(id="c", teams1=T, teams2=T, intp=3, mode1="H", max=2)),
        drr(CA3(id="c", teams1=["T0"], teams2=T, intp=4, mode1="H", max=1)),  # 3 home games in 6 slots
        drr(soft(CA3(id="c", teams1=["T0"], teams2=["T1"], intp=6, max=0), 5)),  # one window, 2 meetings
        10,
    ),
    "CA4": (
        drr(
            CA4(
                id="c",
                teams1=["T0", "T1"],
                teams2=["T2", "T3"],
                slots=[0, 1, 2],
                mode1="H",
                mode2="EVERY",
                max=1,
            )
        ),
        drr(CA4(id="c", teams1=["T0", "T1"], teams2=["T2", "T3"], slots=ALL6, mode1="H", max=3)),  # 4 games
        drr(soft(CA4(id="c", teams1=["T0", "T1"], teams2=["T2", "T3"], slots=ALL6, mode1="HA", max=6), 1)),
        2,  # 8 games between the groups
    ),
    "GA1": (
        drr(GA1(id="c", meetings=[("T0", "T1"), ("T1", "T0")], slots=[0, 5], min=2, max=2)),
        drr(
            GA1(id="c", meetings=[("T0", "T1"), ("T0", "T2")], slots=[0], min=2, max=2)
        ),  # T0 twice in slot 0
        drr(
            FixedGame(id="f", home="T2", away="T0", slot=0),
            soft(GA1(id="c", meetings=[("T0", "T1")], slots=[0], min=1, max=1), 5),
        ),
        5,
    ),
    "BR1": (
        drr(BR1(id="c", teams=["T0"], slots=ALL6, intp=0)),
        drr(BR1(id="c", teams=T, slots=ALL6, intp=0)),  # only two break-free patterns exist
        # home in slots 0, 1 (a break) leaves 1 home in 4 slots: another (away) break
        drr(
            CA1(id="h", teams=["T0"], slots=[0, 1], mode="A", max=0),
            soft(BR1(id="c", teams=["T0"], slots=ALL6, intp=0), 1),
        ),
        2,
    ),
    "BR2": (
        drr(BR2(id="c", teams=T, slots=ALL6, intp=4)),
        drr(BR2(id="c", teams=T, slots=ALL6, intp=0)),
        drr(
            CA1(id="h", teams=["T0"], slots=[0, 1], mode="A", max=0),
            soft(BR2(id="c", teams=["T0"], slots=ALL6, intp=1), 4),
        ),
        4,
    ),
    "FA2": (
        drr(FA2(id="c", teams=T, slots=ALL6, intp=2)),
        drr(FA2(id="c", teams=["T0", "T1"], slots=ALL6, intp=0)),  # they differ when they meet
        drr(soft(FA2(id="c", teams=["T0", "T1"], slots=ALL6, intp=0), 3)),
        3,
    ),
    "SE1": (
        drr(SE1(id="c", teams=["T0", "T1"], min=4)),
        drr(SE1(id="c", teams=["T0", "T1"], min=5)),
        drr(soft(SE1(id="c", teams=["T0", "T1"], min=5), 3)),  # best gap is 4 slots
        3,
    ),
    "required_matchup": (
        partial(RequiredMatchup(id="c", team_a="T0", team_b="T1")),
        partial(RequiredMatchup(id="c", team_a="T0", team_b="T1", min_meetings=2)),  # meet at most once
        partial(
            ForbiddenMatchup(id="f", team_a="T0", team_b="T1"),
            soft(RequiredMatchup(id="c", team_a="T0", team_b="T1"), 7),
        ),
        7,
    ),
    "forbidden_matchup": (
        partial(ForbiddenMatchup(id="c", team_a="T0", team_b="T1")),
        drr(ForbiddenMatchup(id="c", team_a="T0", team_b="T1")),
        drr(soft(ForbiddenMatchup(id="c", team_a="T0", team_b="T1"), 2)),
        4,
    ),
    "fixed_game": (
        drr(FixedGame(id="c", home="T0", away="T1", slot=0), FixedGame(id="d", home="T2", away="T3", slot=0)),
        drr(FixedGame(id="c", home="T0", away="T1", slot=0), FixedGame(id="d", home="T2", away="T0", slot=0)),
        drr(
            soft(FixedGame(id="c", home="T0", away="T1", slot=0), 3),
            soft(FixedGame(id="d", home="T2", away="T0", slot=0), 5),
        ),
        3,
    ),
    "team_unavailable": (
        drr(TeamUnavailable(id="c", team="T0", slots=[0, 1], mode="home")),
        drr(TeamUnavailable(id="c", team="T0", slots=[2])),  # compact: everyone plays every slot
        drr(soft(TeamUnavailable(id="c", team="T0", slots=[0, 1]), 4)),
        8,
    ),
    "venue_unavailable": (
        drr(VenueUnavailable(id="c", venue="V0", slots=[0, 1, 2])),
        drr(VenueUnavailable(id="c", venue="V0", slots=[0, 1, 2, 3])),  # T0 hosts 3 games in 2 slots
        drr(soft(VenueUnavailable(id="c", venue="V0", slots=[0, 1, 2, 3]), 2)),
        2,
    ),
    "max_consecutive": (
        drr(MaxConsecutive(id="c", mode="H", max=2), MaxConsecutive(id="d", mode="A", max=2)),
        drr(MaxConsecutive(id="c", mode="H", max=1), MaxConsecutive(id="d", mode="A", max=1)),  # no breaks
        # T0 home in slots 0..2, then away 3..5: two runs of 3
        drr(
            CA1(id="h", teams=["T0"], slots=[0, 1, 2], mode="A", max=0),
            soft(MaxConsecutive(id="c", teams=["T0"], mode="H", max=1), 1),
            soft(MaxConsecutive(id="d", teams=["T0"], mode="A", max=2), 10),
        ),
        12,
    ),
    "min_rest_days": (
        partial(MinRestDays(id="c", days=1), dates=[SAT + dt.timedelta(days=i) for i in range(6)]),
        partial(MinRestDays(id="c", days=5), dates=[SAT + dt.timedelta(days=i) for i in range(6)]),
        # best: games on the first and last day, 4 rest days, 1 missing for each team
        partial(soft(MinRestDays(id="c", days=5), 1), dates=[SAT + dt.timedelta(days=i) for i in range(6)]),
        4,
    ),
    "games_per_slot": (
        partial(GamesPerSlot(id="c", max=1)),
        drr(GamesPerSlot(id="c", max=1)),
        drr(soft(GamesPerSlot(id="c", max=1), 1)),  # 2 games in each of 6 slots
        6,
    ),
    "home_away_balance": (
        drr(HomeAwayBalance(id="c", window="first", k=2, min_home=1, max_home=1)),
        drr(HomeAwayBalance(id="c", window="first", k=1, min_home=1)),  # everyone home in slot 0
        drr(
            soft(HomeAwayBalance(id="c", window="last", k=1, min_home=1), 1)
        ),  # 2 teams away in the last slot
        2,
    ),
    "byes": (
        partial(Byes(id="c", max=2, not_first=True)),
        partial(Byes(id="c", max=1)),  # 4 slots, 2 games each: 2 byes
        partial(soft(Byes(id="c", max=1), 3)),
        12,
    ),
    "rematch_separation": (
        drr(RematchSeparation(id="c", min_slots=2)),
        drr(RematchSeparation(id="c", min_slots=4)),  # every pair would meet in slots 0 and 5
        drr(soft(RematchSeparation(id="c", teams=["T0", "T1"], min_slots=5), 2)),
        2,
    ),
    "date_pairing": (
        partial(
            DatePairing(id="c"),
            dates=[SAT, SAT + dt.timedelta(days=2), SAT + dt.timedelta(days=7), SAT + dt.timedelta(days=9)],
        ),
        partial(
            DatePairing(id="c"),
            FixedGame(id="f", home="T0", away="T1", slot=0),
            FixedGame(id="g", home="T2", away="T0", slot=2),  # next game after Saturday is a Saturday
            dates=[SAT, SAT + dt.timedelta(days=2), SAT + dt.timedelta(days=7), SAT + dt.timedelta(days=9)],
        ),
        partial(
            soft(DatePairing(id="c"), 1),
            FixedGame(id="f", home="T0", away="T1", slot=0),
            FixedGame(id="g", home="T2", away="T0", slot=2),
            dates=[SAT, SAT + dt.timedelta(days=2), SAT + dt.timedelta(days=7), SAT + dt.timedelta(days=9)],
        ),
        1,
    ),
}


@pytest.mark.parametrize("family", sorted(CASES))
def test_hard_version_is_feasible(family: str) -> None:
    # Given a satisfiable hard constraint of the family
    feasible, _, _, _ = CASES[family]
    # When / Then the engine finds a schedule the validator accepts
    assert_feasible(feasible)


@pytest.mark.parametrize("family", sorted(CASES))
def test_contradictory_hard_version_is_infeasible(family: str) -> None:
    # Given a hard constraint that contradicts the format
    _, contradictory, _, _ = CASES[family]
    # When / Then the engine proves infeasibility
    assert_infeasible(contradictory)


@pytest.mark.parametrize("family", sorted(CASES))
def test_soft_version_reaches_the_hand_computed_optimum(family: str) -> None:
    # Given the soft version of a contradicting constraint
    _, _, soft_instance, optimum = CASES[family]
    # When / Then the engine proves the hand-computed optimum, and its penalty list adds up
    assert_optimum(soft_instance, optimum)


def test_every_catalog_family_is_covered() -> None:
    # Given the constraint catalog
    from flextime.domain.constraints import Constraint
    from flextime.engine.families import ADDERS

    types = {m.model_fields["type"].default for m in Constraint.__origin__.__args__}  # type: ignore[attr-defined]
    # Then the engine has an adder for each type and this file a case for each
    assert types == set(ADDERS)
    assert types == set(CASES)


def test_ca3_games_mode_counts_consecutive_games_in_non_compact_play() -> None:
    # Given 4 teams, 3 games each in 6 slots (byes in between), T0 hosting 1 or 2 games
    def ca3(intp: int, max_: int, hard: bool = True) -> CA3:
        return CA3(id="c", teams1=["T0"], teams2=T, intp=intp, mode1="H", mode2="GAMES", max=max_, hard=hard)

    def inst(c: CA3) -> Instance:
        return Instance(
            name="games",
            teams=[Team(id=t, name=t) for t in T],
            slots=[Slot(index=s) for s in range(6)],
            format=PartialRoundRobin(games_per_team=3, home_min=1, home_max=2),
            constraints=[c],
        )

    # Then: no two consecutive home games is feasible; no home game in 3 games is not
    assert_feasible(inst(ca3(2, 1)))
    assert_infeasible(inst(ca3(3, 0)))
    # And soft "no home game in any 2 consecutive games": one home game, as the first or last game
    assert_optimum(inst(ca3(2, 0, hard=False)), 1)
