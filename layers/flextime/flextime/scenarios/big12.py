"""The Big 12 dataset (16 schools, stadiums, arenas) and the three built-in scenarios.

Pure Python: reads ``data/big12_schools.csv`` (the project's own table, written from the Big 12
fact sheets) and builds ``Instance`` objects. Every rule is a constraint whose label names its
evidence: OFFICIAL (league/school release), REPORTED (media), PROJECTED (date pattern from earlier
seasons), or "unverified" (historical rule text whose current use is not confirmed; always soft).

Scenarios (see ``docs/scenario-format.md`` for the modelling notes):

* ``big12-football-2026``: 16 teams, 9 conference games on the 12 Saturdays 12 Sep - 28 Nov 2026.
* ``big12-mbb-2026-27``: men's basketball, 18 games, Sat/Mon/Tue/Wed dates 2 Jan - 6 Mar 2027.
* ``big12-wbb-2026-27``: women's basketball, 18 games, Wed/Sat/Sun dates 19 Dec 2026 - 28 Feb 2027.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flextime.domain import (
    Byes,
    Constraint,
    DatePairing,
    FixedGame,
    GamesPerSlot,
    HomeAwayBalance,
    Instance,
    MaxConsecutive,
    MinRestDays,
    Objective,
    PartialRoundRobin,
    RematchSeparation,
    RequiredMatchup,
    Slot,
    Team,
    TeamUnavailable,
    Venue,
)
from flextime.domain.constraints import WEEKDAYS, Weekday

DATA_DIR = Path(__file__).resolve().parent / "data"
SCHOOLS_CSV = DATA_DIR / "big12_schools.csv"

TEAM_IDS = (
    "ARIZ",
    "ASU",
    "BAY",
    "BYU",
    "UCF",
    "CIN",
    "COLO",
    "HOU",
    "ISU",
    "KU",
    "KSU",
    "OKST",
    "TCU",
    "TTU",
    "UTAH",
    "WVU",
)

FOOTBALL = "big12-football-2026"
MBB = "big12-mbb-2026-27"
WBB = "big12-wbb-2026-27"


@dataclass(frozen=True)
class School:
    """One row of ``big12_schools.csv``."""

    id: str
    name: str
    short_name: str
    nickname: str
    city: str
    state: str
    timezone: str
    stadium: Venue
    arena: Venue


@cache
def schools() -> tuple[School, ...]:
    """The 16 Big 12 schools in the order of the conference's team list."""
    with SCHOOLS_CSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    result = []
    for r in rows:
        city = f"{r['city']}, {r['state']}"
        stadium = Venue(
            id=f"{r['id']}-stadium",
            name=r["stadium"],
            city=city,
            lat=float(r["stadium_lat"]),
            lon=float(r["stadium_lon"]),
            timezone=r["timezone"],
            capacity=int(r["stadium_capacity"]),
        )
        arena = Venue(
            id=f"{r['id']}-arena",
            name=r["arena"],
            city=city,
            lat=float(r["arena_lat"]),
            lon=float(r["arena_lon"]),
            timezone=r["timezone"],
            capacity=int(r["arena_capacity"]),
        )
        result.append(
            School(
                r["id"],
                r["name"],
                r["short_name"],
                r["nickname"],
                r["city"],
                r["state"],
                r["timezone"],
                stadium,
                arena,
            )
        )
    return tuple(result)


def _teams_and_venues(kind: str) -> tuple[list[Team], list[Venue]]:
    teams, venues = [], []
    for s in schools():
        venue = s.stadium if kind == "stadium" else s.arena
        venues.append(venue)
        teams.append(Team(id=s.id, name=s.name, short_name=s.short_name, venue=venue.id, timezone=s.timezone))
    return teams, venues


def _dates(
    start: dt.date, end: dt.date, weekdays: tuple[Weekday, ...], exclude: frozenset[dt.date] = frozenset()
) -> list[dt.date]:
    out, day = [], start
    while day <= end:
        if WEEKDAYS[day.weekday()] in weekdays and day not in exclude:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# ----------------------------------------------------------------------------------------------
# Football 2026
# ----------------------------------------------------------------------------------------------

FOOTBALL_FIRST = _d("2026-09-12")  # Week 2: first conference game (OFFICIAL)
FOOTBALL_LAST = _d("2026-11-28")  # Week 13: last regular-season Saturday (OFFICIAL)

RIVALRIES = (("ARIZ", "ASU"), ("BYU", "UTAH"), ("BAY", "TCU"), ("KU", "KSU"))

# (date, home, away, label) of conference games the 2026 release names (OFFICIAL) -> hard.
FOOTBALL_OFFICIAL_GAMES: tuple[tuple[str, str, str, str], ...] = (
    ("2026-09-12", "BYU", "ARIZ", "Arizona at BYU, the only conference game of Week 2"),
    (
        "2026-09-19",
        "KU",
        "ASU",
        "Kansas vs Arizona State at Wembley Stadium, London: neutral site (our engine plays it at the "
        "home team's venue, so Kansas is recorded as home; travel for this game is not London's)",
    ),
    ("2026-09-19", "TTU", "HOU", "Houston at Texas Tech"),
    ("2026-09-26", "BAY", "COLO", "Colorado at Baylor"),
    ("2026-09-26", "CIN", "KSU", "Kansas State at Cincinnati"),
    ("2026-09-26", "WVU", "OKST", "Oklahoma State at West Virginia"),
    ("2026-09-26", "UCF", "TCU", "TCU at UCF"),
    ("2026-09-26", "ISU", "UTAH", "Utah at Iowa State"),
    ("2026-10-03", "ASU", "BAY", "Baylor at Arizona State"),
    ("2026-10-03", "TCU", "BYU", "BYU at TCU"),
    ("2026-10-03", "HOU", "UCF", "UCF at Houston"),
    ("2026-10-03", "ARIZ", "CIN", "Cincinnati at Arizona"),
    ("2026-10-03", "COLO", "TTU", "Texas Tech at Colorado"),
    ("2026-10-03", "ISU", "WVU", "West Virginia at Iowa State"),
    ("2026-11-28", "ARIZ", "ASU", "Arizona State at Arizona (Territorial Cup, Thanksgiving weekend)"),
)

# Games reported by media / team schedules but not in the official release excerpt -> soft.
FOOTBALL_REPORTED_GAMES: tuple[tuple[str, str, str, str], ...] = (
    ("2026-10-17", "KSU", "KU", "Kansas at Kansas State (Sunflower Showdown)"),
    ("2026-10-17", "BAY", "TCU", "TCU at Baylor (Revivalry)"),
    ("2026-10-17", "TTU", "ASU", "Arizona State at Texas Tech"),
    (
        "2026-11-07",
        "UTAH",
        "BYU",
        "BYU at Utah (Holy War; one release excerpt says Week 7, which clashes with Notre Dame at BYU)",
    ),
)


def football_2026() -> Instance:
    """Big 12 football 2026: 9 conference games (4 or 5 at home) on 12 Saturdays."""
    teams, venues = _teams_and_venues("stadium")
    saturdays = _dates(FOOTBALL_FIRST, FOOTBALL_LAST, ("Sat",))
    slots = [Slot(index=i, date=d, label=f"Week {i + 2}") for i, d in enumerate(saturdays)]
    c: list[Constraint] = []
    for a, b in RIVALRIES:
        c.append(
            RequiredMatchup(
                id=f"rivalry-{a}-{b}",
                label=f"Protected rivalry {a}-{b} is played every year (OFFICIAL: 2024-27 matrix)",
                team_a=a,
                team_b=b,
            )
        )
    for date, home, away, text in FOOTBALL_OFFICIAL_GAMES:
        c.append(
            FixedGame(
                id=f"fixed-{date}-{away}-at-{home}",
                label=f"{text}, {date} (OFFICIAL: 2026 schedule release)",
                home=home,
                away=away,
                date=_d(date),
            )
        )
    for date, home, away, text in FOOTBALL_REPORTED_GAMES:
        c.append(
            FixedGame(
                id=f"reported-{date}-{away}-at-{home}",
                label=f"{text}, {date} (REPORTED, not in the official excerpt: soft)",
                hard=False,
                weight=10,
                home=home,
                away=away,
                date=_d(date),
            )
        )
    c += [
        GamesPerSlot(
            id="week2-one-game",
            label="Exactly one conference game on Sat 12 Sep 2026 (OFFICIAL schedule grid)",
            dates=[_d("2026-09-12")],
            min=1,
            max=1,
        ),
        GamesPerSlot(
            id="week3-two-games",
            label="Exactly two conference games on Sat 19 Sep 2026 (OFFICIAL schedule grid)",
            dates=[_d("2026-09-19")],
            min=2,
            max=2,
        ),
        Byes(
            id="play-final-saturday",
            label="Every team plays a conference game on the final Saturday, 28 Nov (rivalry weekend; "
            "unverified practice)",
            hard=False,
            weight=5,
            not_last=True,
        ),
        MaxConsecutive(
            id="max-two-road",
            label="No more than two consecutive road games (unverified: 2011 Big 12 guideline "
            "'avoid 4 of 5 on the road')",
            hard=False,
            weight=5,
            mode="A",
            max=2,
        ),
        HomeAwayBalance(
            id="start-not-road-road",
            label="Do not start with two road games: at least one home game among the first two "
            "(unverified: 2011 Big 12 guideline)",
            hard=False,
            weight=3,
            window="first",
            k=2,
            min_home=1,
        ),
        HomeAwayBalance(
            id="finish-not-road-road",
            label="Do not finish with two road games: at least one home game among the last two "
            "(unverified: 2011 Big 12 guideline)",
            hard=False,
            weight=3,
            window="last",
            k=2,
            min_home=1,
        ),
    ]
    return Instance(
        name=FOOTBALL,
        sport="football",
        season="2026",
        description=(
            "Big 12 football 2026: 16 teams, 9 conference games each (4 or 5 at home, each pair at most "
            "once), on the 12 Saturdays 12 Sep - 28 Nov 2026 (3 idle Saturdays per team). Protected "
            "rivalries and the officially announced games are hard; rules of thumb are soft."
        ),
        teams=teams,
        venues=venues,
        slots=slots,
        format=PartialRoundRobin(games_per_team=9, home_min=4, home_max=5, max_meetings=1),
        constraints=c,
        objective=Objective(soft_constraints=True, travel_weight=0),
    )


# ----------------------------------------------------------------------------------------------
# Basketball 2026-27
# ----------------------------------------------------------------------------------------------

MBB_FIRST = _d("2027-01-02")  # Sat 2 Jan 2027 (PROJECTED from 2025-26; 1 Jan is New Year's Day)
MBB_LAST = _d("2027-03-06")  # Sat 6 Mar 2027 (PROJECTED: Saturday before the Big 12 tournament)
MBB_WEEKDAYS: tuple[Weekday, ...] = ("Sat", "Mon", "Tue", "Wed")
BIG_MONDAYS = tuple(_d("2027-01-25") + dt.timedelta(weeks=w) for w in range(6))  # 25 Jan - 1 Mar 2027

WBB_FIRST = _d("2026-12-19")  # Sat 19 Dec 2026 (PROJECTED)
WBB_LAST = _d("2027-02-28")  # Sun 28 Feb 2027 (PROJECTED)
WBB_WEEKDAYS: tuple[Weekday, ...] = ("Wed", "Sat", "Sun")
WBB_HOLIDAYS = frozenset(
    {_d("2026-12-24"), _d("2026-12-25"), _d("2026-12-26"), _d("2026-12-31"), _d("2027-01-01")}
)

BASKETBALL_FORMAT = PartialRoundRobin(
    games_per_team=18, home_min=9, home_max=9, min_meetings=1, max_meetings=2
)


def _byu_no_sunday() -> TeamUnavailable:
    return TeamUnavailable(
        id="byu-no-sunday",
        label="BYU never plays on Sunday (REPORTED policy, all sports)",
        team="BYU",
        weekdays=["Sun"],
    )


def _no_back_to_back() -> MinRestDays:
    return MinRestDays(
        id="no-back-to-back",
        label="No team plays on consecutive days (one rest day between games; standard practice)",
        days=1,
    )


def mbb_2026_27() -> Instance:
    """Big 12 men's basketball 2026-27: 18 games (3 home-and-home, 6 home-only, 6 away-only)."""
    teams, venues = _teams_and_venues("arena")
    dates = _dates(MBB_FIRST, MBB_LAST, MBB_WEEKDAYS)
    slots = [
        Slot(index=i, date=d, label="Big Monday (projected)" if d in BIG_MONDAYS else None)
        for i, d in enumerate(dates)
    ]
    c: list[Constraint] = [
        RequiredMatchup(
            id="double-ARIZ-ASU",
            label="Arizona and Arizona State play home-and-home every year (REPORTED: Big 12 VP Thornton)",
            team_a="ARIZ",
            team_b="ASU",
            min_meetings=2,
        ),
        RequiredMatchup(
            id="double-BYU-UTAH",
            label="BYU and Utah play home-and-home every year (REPORTED: Big 12 VP Thornton)",
            team_a="BYU",
            team_b="UTAH",
            min_meetings=2,
        ),
        _byu_no_sunday(),
        _no_back_to_back(),
        DatePairing(
            id="sat-then-mon-tue",
            label="A Saturday game is followed by a Monday or Tuesday game (2025-26 slates: Saturday "
            "plus one midweek date; FlexTime requirement)",
            first="Sat",
            then=["Mon", "Tue"],
            within_days=3,
        ),
        MaxConsecutive(
            id="max-two-road",
            label="No team plays three consecutive road games (FlexTime requirement; 2009 Big 12 rule text, "
            "current use unverified)",
            mode="A",
            max=2,
        ),
        HomeAwayBalance(
            id="first-four-balanced",
            label="Two home games among the first four (unverified: 2009 Big 12 rule text)",
            hard=False,
            weight=3,
            window="first",
            k=4,
            min_home=2,
            max_home=2,
        ),
        HomeAwayBalance(
            id="last-four-balanced",
            label="Two home games among the last four (unverified: 2009 Big 12 rule text)",
            hard=False,
            weight=3,
            window="last",
            k=4,
            min_home=2,
            max_home=2,
        ),
        RematchSeparation(
            id="rematch-10-days",
            label="Home-and-home meetings at least 10 days apart (unverified: scheduling practice)",
            hard=False,
            weight=2,
            min_days=10,
        ),
        GamesPerSlot(
            id="big-monday",
            label="At least one game on each Big Monday, 25 Jan - 1 Mar 2027 (PROJECTED from ESPN 2026)",
            hard=False,
            weight=2,
            dates=list(BIG_MONDAYS),
            min=1,
        ),
    ]
    return Instance(
        name=MBB,
        sport="mens-basketball",
        season="2026-27",
        description=(
            "Big 12 men's basketball 2026-27: 18 games per team (9 home; 3 home-and-home opponents, "
            "6 home-only, 6 away-only) on Saturdays, Mondays, Tuesdays and Wednesdays from Sat 2 Jan to "
            "Sat 6 Mar 2027 (projected window). Hard: ARIZ-ASU and BYU-UTAH doubles, BYU no Sunday, "
            "no back-to-back days, Saturday then Monday/Tuesday, no three road games in a row."
        ),
        teams=teams,
        venues=venues,
        slots=slots,
        format=BASKETBALL_FORMAT,
        constraints=c,
        objective=Objective(soft_constraints=True, travel_weight=0),
    )


def wbb_2026_27() -> Instance:
    """Big 12 women's basketball 2026-27: 18 games (3 home-and-home, 6 home-only, 6 away-only)."""
    teams, venues = _teams_and_venues("arena")
    dates = _dates(WBB_FIRST, WBB_LAST, WBB_WEEKDAYS, WBB_HOLIDAYS)
    slots = [Slot(index=i, date=d) for i, d in enumerate(dates)]
    c: list[Constraint] = [
        _byu_no_sunday(),
        _no_back_to_back(),
        RequiredMatchup(
            id="double-BYU-UTAH",
            label="BYU and Utah play home-and-home (REPORTED for 2024-25; not confirmed for 2026-27: soft)",
            hard=False,
            weight=10,
            team_a="BYU",
            team_b="UTAH",
            min_meetings=2,
        ),
        MaxConsecutive(
            id="max-two-road",
            label="No more than two consecutive road games (unverified: 2009 Big 12 men's rule text)",
            hard=False,
            weight=5,
            mode="A",
            max=2,
        ),
        RematchSeparation(
            id="rematch-10-days",
            label="Home-and-home meetings at least 10 days apart (unverified: scheduling practice)",
            hard=False,
            weight=2,
            min_days=10,
        ),
    ]
    return Instance(
        name=WBB,
        sport="womens-basketball",
        season="2026-27",
        description=(
            "Big 12 women's basketball 2026-27: 18 games per team (9 home; 3 home-and-home opponents) on "
            "Wednesdays, Saturdays and Sundays from Sat 19 Dec 2026 to Sun 28 Feb 2027 (projected window), "
            "no games 24-26 Dec and 31 Dec-1 Jan. Hard: BYU never on Sunday, no back-to-back days."
        ),
        teams=teams,
        venues=venues,
        slots=slots,
        format=BASKETBALL_FORMAT,
        constraints=c,
        objective=Objective(soft_constraints=True, travel_weight=0),
    )
