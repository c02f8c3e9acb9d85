"""Every constraint family of the catalog on tiny hand-made schedules: one schedule that satisfies the
constraint (deviation 0) and one that violates it with a hand-computed deviation. Plus the structural
checks and the report totals."""

from __future__ import annotations

import datetime as dt

import pytest

from flextime.domain.constraints import (
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
    MaxConsecutive,
    MinRestDays,
    RematchSeparation,
    RequiredMatchup,
    TeamUnavailable,
    VenueUnavailable,
)
from flextime.domain.model import (
    Game,
    Instance,
    Objective,
    PartialRoundRobin,
    RoundRobin,
    Schedule,
    Slot,
    Team,
    Venue,
)
from flextime.validate import validate

ALL = ["0", "1", "2", "3"]
SLOTS = list(range(6))

# A compact, mirrored double round robin of 4 teams in 6 slots, as (home, away, slot).
# Home/away patterns: team 0 HAHAHA, team 1 AHAHAH, team 2 HAAAHH, team 3 AHHHAA.
# Breaks (counted at the second slot): team 2 at 2 (A), 3 (A), 5 (H); team 3 at 2 (H), 3 (H), 5 (A).
BASE = [
    ("0", "1", 0), ("2", "3", 0),
    ("3", "0", 1), ("1", "2", 1),
    ("0", "2", 2), ("3", "1", 2),
    ("1", "0", 3), ("3", "2", 3),
    ("0", "3", 4), ("2", "1", 4),
    ("2", "0", 5), ("1", "3", 5),
]  # fmt: skip

# A dated single round robin (partial format: 3 games per team, 1..2 at home) over 5 dates.
DATES = [dt.date(2025, 1, d) for d in (4, 6, 8, 11, 14)]  # Sat, Mon, Wed, Sat, Tue
DATED = [
    ("0", "1", 0), ("2", "3", 0),
    ("1", "2", 1),
    ("3", "0", 2),
    ("0", "2", 3), ("3", "1", 3),
]  # fmt: skip


def drr(constraints=(), *, dated: bool = False, venues: bool = False) -> Instance:
    """The 4-team compact double round robin (mirrored), optionally dated / with venues."""
    return Instance(
        name="drr4",
        teams=[Team(id=t, name=f"Team {t}", venue=f"V{t}" if venues else None) for t in ALL],
        venues=[Venue(id=f"V{t}", name=f"Arena {t}", lat=40.0, lon=-100.0 + int(t)) for t in ALL]
        if venues
        else [],
        slots=[Slot(index=s, date=dt.date(2025, 1, 1 + s) if dated else None) for s in SLOTS],
        format=RoundRobin(rounds=2, compact=True, phased=True, mirrored=True),
        constraints=list(constraints),
    )


def partial(constraints=()) -> Instance:
    """The dated 4-team single round robin as a partial round robin."""
    return Instance(
        name="dated4",
        teams=[Team(id=t, name=f"Team {t}") for t in ALL],
        slots=[Slot(index=s, date=d) for s, d in enumerate(DATES)],
        format=PartialRoundRobin(games_per_team=3, home_min=1, home_max=2, min_meetings=1, max_meetings=1),
        constraints=list(constraints),
    )


def games(rows) -> Schedule:
    return Schedule(games=[Game(home=h, away=a, slot=s) for h, a, s in rows])


def deviation(instance: Instance, rows=BASE) -> int:
    """The deviation of the instance's only constraint for the schedule ``rows``."""
    report = validate(instance, games(rows))
    (c,) = instance.constraints
    return sum(v.deviation for v in report.violations if v.constraint_id == c.id)


def swap(rows, slot: int, home: str):
    """Reverse home/away of the game in ``slot`` hosted by ``home``."""
    return [(a, h, s) if (s, h) == (slot, home) else (h, a, s) for h, a, s in rows]


ITC_CASES = [
    # (case id, constraint, expected deviation on BASE)
    ("CA1 ok", CA1(id="c", teams=["0"], slots=[0, 2, 4], mode="H", max=3), 0),
    ("CA1 max", CA1(id="c", teams=["0"], slots=[0, 2, 4], mode="H", max=2), 1),  # 3 home games
    ("CA1 min", CA1(id="c", teams=["1"], slots=[0], mode="H", min=1, max=1), 1),  # away in slot 0
    ("CA1 HA two teams", CA1(id="c", teams=["0", "1"], slots=[0, 1], mode="HA", max=1), 2),
    ("CA2 ok", CA2(id="c", teams1=["2"], teams2=["0", "1"], slots=SLOTS, mode1="A", max=2), 0),
    ("CA2 away", CA2(id="c", teams1=["2"], teams2=["0", "1"], slots=SLOTS, mode1="A", max=0), 2),
    ("CA2 per team", CA2(id="c", teams1=["2", "3"], teams2=["0"], slots=[0, 1, 2], mode1="HA", max=0), 2),
    ("CA3 ok", CA3(id="c", teams1=["2"], teams2=ALL, intp=3, mode1="A", max=3), 0),
    # team 2 away in slots 1,2,3: windows 0-2:2, 1-3:3, 2-4:2, 3-5:1
    ("CA3 slots max2", CA3(id="c", teams1=["2"], teams2=ALL, intp=3, mode1="A", max=2), 1),
    ("CA3 slots max1", CA3(id="c", teams1=["2"], teams2=ALL, intp=3, mode1="A", max=1), 4),
    ("CA3 games", CA3(id="c", teams1=["2"], teams2=ALL, intp=3, mode1="A", mode2="GAMES", max=1), 4),
    # team 2 away at 1 (slot 1) and at 3 (slot 3): windows 0-1, 1-2, 2-3, 3-4 hold one each
    ("CA3 teams2", CA3(id="c", teams1=["2"], teams2=["1", "3"], intp=2, mode1="A", max=0), 4),
    ("CA3 min", CA3(id="c", teams1=["0"], teams2=ALL, intp=2, mode1="H", min=1, max=2), 0),
    ("CA3 min violated", CA3(id="c", teams1=["2"], teams2=ALL, intp=2, mode1="H", min=1, max=2), 2),
    # home in {2,3} vs away in {0,1}: 3-0 s1, 3-1 s2, 2-1 s4, 2-0 s5
    ("CA4 ok", CA4(id="c", teams1=["2", "3"], teams2=["0", "1"], slots=SLOTS, mode1="H", max=4), 0),
    ("CA4 global", CA4(id="c", teams1=["2", "3"], teams2=["0", "1"], slots=SLOTS, mode1="H", max=1), 3),
    (
        "CA4 every ok",
        CA4(id="c", teams1=["2", "3"], teams2=["0", "1"], slots=SLOTS, mode1="H", mode2="EVERY", max=1),
        0,
    ),
    (
        "CA4 every",
        CA4(id="c", teams1=["2", "3"], teams2=["0", "1"], slots=SLOTS, mode1="H", mode2="EVERY", max=0),
        4,
    ),
    ("CA4 away", CA4(id="c", teams1=["0", "1"], teams2=["2", "3"], slots=[1, 2], mode1="A", max=0), 2),
    ("GA1 ok", GA1(id="c", meetings=[("0", "1"), ("2", "3")], slots=[0], min=2, max=2), 0),
    ("GA1 min", GA1(id="c", meetings=[("1", "0")], slots=[0], min=1, max=1), 1),
    ("GA1 max", GA1(id="c", meetings=[("0", "1"), ("2", "3")], slots=[0], max=0), 2),
    ("BR1 ok", BR1(id="c", teams=["0", "1"], slots=SLOTS, intp=0), 0),
    ("BR1 HA", BR1(id="c", teams=["2"], slots=SLOTS, intp=1), 2),  # 3 breaks
    ("BR1 home", BR1(id="c", teams=["2"], slots=SLOTS, intp=0, mode2="H"), 1),  # slot 5
    ("BR1 away", BR1(id="c", teams=["2"], slots=SLOTS, intp=0, mode2="A"), 2),  # slots 2, 3
    ("BR1 second slot", BR1(id="c", teams=["2"], slots=[2], intp=0), 1),
    ("BR1 first slot not counted", BR1(id="c", teams=["2"], slots=[1], intp=0), 0),
    ("BR2 ok", BR2(id="c", teams=ALL, slots=SLOTS, intp=6), 0),
    ("BR2", BR2(id="c", teams=ALL, slots=SLOTS, intp=4), 2),
    ("BR2 slots", BR2(id="c", teams=ALL, slots=[5], intp=0), 2),  # teams 2 and 3 at slot 5
    ("FA2 ok", FA2(id="c", teams=["0", "2"], slots=SLOTS, intp=1), 0),
    ("FA2 pair", FA2(id="c", teams=["0", "2"], slots=SLOTS, intp=0), 1),
    # pairs (0,2): 1, (0,3): 1, (2,3): 2 (after slot 3: 1 vs 3 home games)
    ("FA2 three", FA2(id="c", teams=["0", "2", "3"], slots=SLOTS, intp=0), 4),
    ("FA2 listed slots", FA2(id="c", teams=["2", "3"], slots=[0, 1, 5], intp=0), 1),
    ("SE1 ok", SE1(id="c", teams=ALL, min=2), 0),
    ("SE1", SE1(id="c", teams=ALL, min=3), 6),  # 6 pairs, 2 slots between each
    ("SE1 subset", SE1(id="c", teams=["0", "1"], min=4), 2),
]


@pytest.mark.parametrize(
    ("constraint", "expected"), [c[1:] for c in ITC_CASES], ids=[c[0] for c in ITC_CASES]
)
def test_itc_family_deviation(constraint, expected):
    # Given the 4-team mirrored double round robin and one constraint
    instance = drr([constraint])
    # When the schedule is validated
    got = deviation(instance)
    # Then the constraint's deviation is the hand-computed one
    assert got == expected


CONFERENCE_CASES = [
    ("required ok", drr, RequiredMatchup(id="c", team_a="0", team_b="1", min_meetings=2), BASE, 0),
    ("required min", drr, RequiredMatchup(id="c", team_a="0", team_b="1", min_meetings=3), BASE, 1),
    ("required max", drr, RequiredMatchup(id="c", team_a="0", team_b="1", max_meetings=1), BASE, 1),
    # 0 hosts 1 twice: deviation 1 for the home rule
    (
        "required same host",
        drr,
        RequiredMatchup(id="c", team_a="0", team_b="1", min_meetings=2),
        swap(BASE, 3, "1"),
        1,
    ),
    ("forbidden ok", drr, ForbiddenMatchup(id="c", team_a="0", team_b="1", max_meetings=2), BASE, 0),
    ("forbidden", drr, ForbiddenMatchup(id="c", team_a="0", team_b="1"), BASE, 2),
    ("fixed ok", drr, FixedGame(id="c", home="0", away="1", slot=0), BASE, 0),
    ("fixed wrong slot", drr, FixedGame(id="c", home="0", away="1", slot=3), BASE, 1),
    ("fixed no anchor", drr, FixedGame(id="c", home="0", away="1"), BASE, 0),
    ("fixed no anchor missing", partial, FixedGame(id="c", home="1", away="0"), DATED, 1),
    ("fixed date ok", partial, FixedGame(id="c", home="0", away="1", date=DATES[0]), DATED, 0),
    ("fixed date reversed", partial, FixedGame(id="c", home="1", away="0", date=DATES[0]), DATED, 1),
    ("unavailable ok", drr, TeamUnavailable(id="c", team="2", slots=[1, 2], mode="home"), BASE, 0),
    ("unavailable any", drr, TeamUnavailable(id="c", team="2", slots=[1, 2]), BASE, 2),
    ("unavailable away", drr, TeamUnavailable(id="c", team="2", slots=[1, 2], mode="away"), BASE, 2),
    ("unavailable weekday ok", partial, TeamUnavailable(id="c", team="1", weekdays=["Tue"]), DATED, 0),
    ("unavailable weekday", partial, TeamUnavailable(id="c", team="1", weekdays=["Mon"]), DATED, 1),
    ("unavailable date", partial, TeamUnavailable(id="c", team="0", dates=[DATES[3]]), DATED, 1),
    ("max consecutive ok", drr, MaxConsecutive(id="c", mode="A", max=3), BASE, 0),
    ("max consecutive away", drr, MaxConsecutive(id="c", mode="A", max=2), BASE, 1),  # team 2 AAA
    ("max consecutive home", drr, MaxConsecutive(id="c", mode="H", max=1), BASE, 3),  # 2: HH, 3: HHH
    ("max consecutive teams", drr, MaxConsecutive(id="c", teams=["0", "1"], mode="H", max=1), BASE, 0),
    ("rest abstract", drr, MinRestDays(id="c", teams=["0"], days=1), BASE, 5),  # 5 back-to-back pairs
    ("rest dated ok", partial, MinRestDays(id="c", days=1), DATED, 0),
    ("rest dated", partial, MinRestDays(id="c", days=2), DATED, 2),  # teams 1, 2: Sat -> Mon
    ("rest dated 3", partial, MinRestDays(id="c", days=3), DATED, 6),
    ("per slot ok", drr, GamesPerSlot(id="c", max=2), BASE, 0),
    ("per slot max", drr, GamesPerSlot(id="c", max=1), BASE, 6),
    ("per slot listed", drr, GamesPerSlot(id="c", slots=[0], min=3), BASE, 1),
    ("per slot weekday ok", partial, GamesPerSlot(id="c", weekdays=["Sat"], min=2, max=2), DATED, 0),
    ("per slot every", partial, GamesPerSlot(id="c", min=1), DATED, 1),  # Tue 14th is empty
    ("balance ok", drr, HomeAwayBalance(id="c", window="first", k=2, min_home=1, max_home=1), BASE, 0),
    ("balance first", drr, HomeAwayBalance(id="c", teams=["2"], window="first", k=3, min_home=2), BASE, 1),
    ("balance last", drr, HomeAwayBalance(id="c", teams=["2"], window="last", k=3, max_home=1), BASE, 1),
    ("byes ok", partial, Byes(id="c", max=2, not_first=True), DATED, 0),
    ("byes max", partial, Byes(id="c", max=1), DATED, 4),  # every team has 2 byes
    ("byes not last", partial, Byes(id="c", teams=["0", "1"], max=2, not_last=True), DATED, 2),
    ("byes compact min", drr, Byes(id="c", min=1), BASE, 4),
    ("rematch ok", drr, RematchSeparation(id="c", min_slots=2), BASE, 0),
    ("rematch slots", drr, RematchSeparation(id="c", min_slots=3), BASE, 6),
    ("rematch teams", drr, RematchSeparation(id="c", teams=["0", "1", "2"], min_slots=3), BASE, 3),
    ("rematch days", lambda cs: drr(cs, dated=True), RematchSeparation(id="c", min_days=3), BASE, 6),
    ("pairing ok", partial, DatePairing(id="c", then=["Mon", "Wed"], within_days=4), DATED, 0),
    ("pairing", partial, DatePairing(id="c"), DATED, 2),  # teams 0 and 3: Sat -> Wed
    ("pairing team", partial, DatePairing(id="c", teams=["1", "3"]), DATED, 1),
    # non-compact BR1: consecutive slots; a bye never forms a break (team 2: A in slot 1, bye, A in slot 3)
    ("BR1 bye interrupts", partial, BR1(id="c", teams=["2"], slots=list(range(5)), intp=0), DATED, 0),
    ("BR1 non-compact", partial, BR1(id="c", teams=["3"], slots=list(range(5)), intp=0), DATED, 1),
]


@pytest.mark.parametrize(
    ("factory", "constraint", "rows", "expected"),
    [c[1:] for c in CONFERENCE_CASES],
    ids=[c[0] for c in CONFERENCE_CASES],
)
def test_conference_family_deviation(factory, constraint, rows, expected):
    # Given a tiny instance with one conference constraint
    instance = factory([constraint])
    # When the schedule is validated
    got = deviation(instance, rows)
    # Then the deviation is the hand-computed one
    assert got == expected


def test_venue_unavailable_uses_game_venue_then_home_venue():
    # Given teams with home venues and venue V2 closed in slots 0 and 4 (team 2 hosts there)
    closed = VenueUnavailable(id="c", venue="V2", slots=[0, 4])
    instance = drr([closed], venues=True)
    # When / Then: both home games of team 2 count
    assert deviation(instance) == 2
    # Given the slot-0 game moved to neutral venue V0
    moved = [Game(home=h, away=a, slot=s, venue="V0" if (h, s) == ("2", 0) else None) for h, a, s in BASE]
    # When validated
    report = validate(instance, Schedule(games=moved))
    # Then only the slot-4 game counts
    assert [v.deviation for v in report.violations] == [1]
    # and a slot without a game at V2 is fine
    assert deviation(drr([VenueUnavailable(id="c", venue="V2", slots=[1])], venues=True)) == 0


def test_violation_detail_names_teams_and_slots():
    # Given a CA1 violated by team 0
    instance = drr([CA1(id="CA1-1", teams=["0"], slots=[0, 2, 4], mode="H", max=2, weight=5, hard=False)])
    # When validated
    report = validate(instance, games(BASE))
    # Then the violation carries cost, deviation and a sentence naming team and slots
    (v,) = report.violations
    assert (v.constraint_id, v.type, v.hard, v.deviation, v.cost) == ("CA1-1", "CA1", False, 1, 5)
    assert "team 0" in v.detail and "0,2,4" in v.detail


# ---- report totals ----------------------------------------------------------------------------


def test_base_schedule_is_feasible_and_counts_breaks():
    # Given the valid base schedule and no constraints
    report = validate(drr(), games(BASE))
    # Then it is feasible, with the breaks counted per team
    assert report.feasible and report.infeasibility == 0 and report.structural == []
    assert report.breaks_by_team == {"0": 0, "1": 0, "2": 3, "3": 3}
    assert report.travel_total is None and report.travel_by_team == {}


def test_infeasibility_and_objective_split_hard_and_soft():
    # Given one hard (deviation 3) and one soft constraint (deviation 1, weight 7)
    hard = SE1(id="h", teams=["0", "1", "2"], min=3)  # pairs 0-1, 0-2, 1-2
    soft = CA1(id="s", teams=["0"], slots=[0, 2, 4], mode="H", max=2, hard=False, weight=7)
    report = validate(drr([hard, soft]), games(BASE))
    # Then hard costs go to infeasibility, soft costs to the objective
    assert report.infeasibility == 3
    assert report.soft_penalty == 7 and report.objective == 7
    assert not report.feasible


def test_objective_ignores_soft_when_travel_only():
    # Given a travel-only objective with venues (travel is measured by haversine)
    soft = CA1(id="s", teams=["0"], slots=[0, 2, 4], mode="H", max=2, hard=False, weight=7)
    instance = drr([soft], venues=True).model_copy(
        update={"objective": Objective(soft_constraints=False, travel_weight=2)}
    )
    report = validate(instance, games(BASE))
    # Then the objective is twice the travel and the soft penalty is reported separately
    assert report.travel_total is not None and report.travel_total > 0
    assert report.objective == 2 * report.travel_total
    assert report.soft_penalty == 7


# ---- structural checks -------------------------------------------------------------------------


def _structural(instance: Instance, rows) -> list[str]:
    return validate(instance, games(rows)).structural


def test_unknown_team_slot_and_self_play_are_reported():
    # Given three malformed games added to the base schedule
    rows = [*BASE, ("9", "1", 0), ("0", "1", 17), ("2", "2", 1)]
    # When validated
    report = validate(drr(), games(rows))
    # Then each is reported, plus the resulting double bookings, and counted in infeasibility
    text = " | ".join(report.structural)
    assert "unknown team '9'" in text and "unknown slot 17" in text and "cannot play itself" in text
    assert not report.feasible and report.infeasibility == len(report.structural)


def test_double_booking_missing_game_and_idle_team():
    # Given the base schedule with the slot-5 game 2-0 moved to slot 4
    rows = [(h, a, 4 if (h, s) == ("2", 5) else s) for h, a, s in BASE]
    # When validated
    problems = _structural(drr(), rows)
    # Then teams 0 and 2 play twice in slot 4 and are idle in slot 5; the mirror rule breaks
    text = " | ".join(problems)
    assert "team 0 plays more than one game in slot 4" in text
    assert "team 2 has no game in slot 5 (compact schedule)" in text
    assert "mirrored" in text


def test_pair_meeting_count_and_same_home():
    # Given the slot-3 game reversed: 0 hosts 1 twice
    problems = _structural(drr(), swap(BASE, 3, "1"))
    # Then the same-home rule is reported
    assert any("meet twice with the same home team 0" in p for p in problems)
    # Given a game removed
    problems = _structural(drr(), BASE[:-1])
    # Then counts are reported
    assert any("11 valid games, expected 12" in p for p in problems)
    assert any("teams 1 and 3 meet 1 times, expected 2" in p for p in problems)


def test_phase_rule():
    # Given a phased (not mirrored) instance and a schedule where 0-1 meet twice in the first half
    instance = drr().model_copy(update={"format": RoundRobin(rounds=2, compact=True, phased=True)})
    rows = [
        ("0", "1", 0), ("2", "3", 0), ("1", "0", 1), ("3", "2", 1), ("0", "2", 2), ("1", "3", 2),
        ("3", "0", 3), ("2", "1", 3), ("2", "0", 4), ("3", "1", 4), ("0", "3", 5), ("1", "2", 5),
    ]  # fmt: skip
    # When validated
    problems = _structural(instance, rows)
    # Then the phase rule is reported for the pairs in the same half
    assert any("teams 0 and 1 meet twice in the first half" in p for p in problems)
    assert any("teams 0 and 3 meet twice in the second half" in p for p in problems)


def test_partial_round_robin_rules():
    # Given the dated single round robin where team 0 hosts all three games
    rows = [("0", "1", 0), ("2", "3", 0), ("1", "2", 1), ("0", "3", 2), ("0", "2", 3), ("1", "3", 3)]
    # When validated
    problems = _structural(partial(), rows)
    # Then home counts outside 1..2 are reported
    assert "team 0 plays 3 home games, allowed 1..2" in problems
    assert "team 3 plays 0 home games, allowed 1..2" in problems
    # Given a pair that meets twice at the same host and one that never meets
    rows2 = [("0", "1", 0), ("2", "3", 0), ("1", "2", 1), ("0", "1", 2), ("0", "2", 3), ("3", "1", 3)]
    problems2 = _structural(partial(), rows2)
    assert "teams 0 and 1 meet 2 times, allowed 1..1" in problems2
    assert "teams 0 and 1 meet 2 times at 0; each must host once" in problems2
    assert "teams 0 and 3 meet 0 times, allowed 1..1" in problems2
    # And the valid schedule has no structural problem
    assert _structural(partial(), DATED) == []


def test_breaks_by_team_follow_game_order():
    # Given the dated schedule: team 2 plays H (slot 0), A (slot 1), bye, A (slot 3)
    report = validate(partial(), games(DATED))
    # Then the report counts its A-A break in game order (BR1 does not: the bye lies between)
    assert report.breaks_by_team == {"0": 0, "1": 0, "2": 1, "3": 1}
