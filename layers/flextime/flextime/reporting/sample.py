"""A dated 16-team season with a complete schedule and no solver: the Big 12 basketball teams and
arenas, a double round robin by the circle method on Saturdays and Tuesdays, and a handful of
hard and soft rules. Used by the report benchmark, the tests and the docs' examples."""

from __future__ import annotations

import datetime as dt

from flextime.domain import (
    Game,
    Instance,
    MaxConsecutive,
    MinRestDays,
    RoundRobin,
    Schedule,
    Slot,
    TeamUnavailable,
)
from flextime.domain.constraints import BR2, HomeAwayBalance


def _dates(n: int, start: dt.date = dt.date(2027, 1, 2)) -> list[dt.date]:
    """Saturdays and the following Tuesdays (never a Sunday)."""
    out: list[dt.date] = []
    day = start
    while len(out) < n:
        out.append(day)
        day += dt.timedelta(days=3 if day.weekday() == 5 else 4)
    return out


def circle_games(team_ids: list[str], rounds: int = 2) -> list[Game]:
    """De Werra's canonical round robin (n - 2 breaks per half), the second half mirrored."""
    n, games = len(team_ids), []
    last = n - 1
    for r in range(rounds * (n - 1)):
        k = r % (n - 1)
        pairs = [(last, k) if k % 2 == 0 else (k, last)]
        for i in range(1, n // 2):
            a, b = (k + i) % (n - 1), (k - i) % (n - 1)
            pairs.append((a, b) if i % 2 == 1 else (b, a))
        for home, away in pairs:
            if (r // (n - 1)) % 2 == 1:
                home, away = away, home
            games.append(Game(home=team_ids[home], away=team_ids[away], slot=r))
    return games


def sample_season(n_teams: int = 16) -> tuple[Instance, Schedule]:
    from flextime import scenarios

    base = scenarios.load_builtin("big12-mbb-2026-27")
    teams = base.teams[:n_teams]
    venues = [v for v in base.venues if v.id in {t.venue for t in teams}]
    n_slots = 2 * (n_teams - 1)
    constraints = [
        TeamUnavailable(id="byu-sunday", label="BYU never plays on Sunday", team="BYU", weekdays=["Sun"]),
        MaxConsecutive(id="no-3-away", label="No three road games in a row", mode="A", max=2, hard=False,
                       weight=5),
        MaxConsecutive(id="no-3-home", label="No three home games in a row", mode="H", max=2, hard=False,
                       weight=3),
        MinRestDays(id="rest", label="At least one day between games", days=1, hard=False, weight=2),
        HomeAwayBalance(
            id="open-home", label="At least one home game in the first two", window="first", k=2, min_home=1,
            hard=False, weight=4,
        ),
        BR2(id="breaks", label="At most 20 breaks in the league", teams=[t.id for t in teams],
            slots=list(range(n_slots)), intp=20, hard=False, weight=1),
    ]  # fmt: skip
    instance = Instance(
        name=f"sample-{n_teams}-team-season",
        sport="mens-basketball",
        season="2026-27",
        teams=[t for t in teams if t.id in {t.id for t in teams}],
        venues=venues,
        slots=[Slot(index=i, date=d) for i, d in enumerate(_dates(n_slots))],
        format=RoundRobin(rounds=2, compact=True),
        constraints=[c for c in constraints if c.id != "byu-sunday" or "BYU" in {t.id for t in teams}],
    )
    return instance, Schedule(instance=instance.name, games=circle_games([t.id for t in teams]))


def previous_version(schedule: Schedule, swap: tuple[int, int] = (3, 10)) -> Schedule:
    """The same season with two rounds swapped: what a comparison with the previous version shows."""
    a, b = swap
    moved = [
        g.model_copy(update={"slot": b if g.slot == a else a if g.slot == b else g.slot})
        for g in schedule.games
    ]
    return Schedule(instance=schedule.instance, games=moved)
