"""Structural checks: is the schedule the competition the format asks for? One message per problem."""

from __future__ import annotations

from collections import Counter

from flextime.domain.model import Game, Instance, PartialRoundRobin, RoundRobin
from flextime.validate.season import Season


def malformed_games(instance: Instance, games: list[Game]) -> tuple[list[Game], list[str]]:
    """Split games into usable ones and messages for unknown teams/slots/venues and home == away."""
    teams = set(instance.team_ids)
    venues = set(instance.venue_by_id)
    ok: list[Game] = []
    problems: list[str] = []
    n_slots = instance.n_slots
    for g in games:
        if (
            g.home in teams
            and g.away in teams
            and g.slot < n_slots
            and g.home != g.away
            and (g.venue is None or g.venue in venues)
        ):
            ok.append(g)
            continue
        what = f"game {g.home}-{g.away} in slot {g.slot}"
        problems += [f"{what}: unknown team '{t}'" for t in dict.fromkeys((g.home, g.away)) if t not in teams]
        if g.slot >= n_slots:
            problems.append(f"{what}: unknown slot {g.slot} (slots are 0..{n_slots - 1})")
        if g.home == g.away:
            problems.append(f"{what}: a team cannot play itself")
        if g.venue is not None and g.venue not in venues:
            problems.append(f"{what}: unknown venue '{g.venue}'")
    return ok, problems


def structural_problems(s: Season) -> list[str]:
    """Wrong game counts, double-booked teams, the format's meeting/phase/mirror/home rules."""
    inst = s.instance
    problems: list[str] = []
    expected_total = inst.total_games()
    if len(s.games) != expected_total:
        problems.append(f"the schedule has {len(s.games)} valid games, expected {expected_total}")
    per_team = inst.games_per_team()
    for t in s.only_focus(s.team_ids):
        n = len(s.by_team[t])
        if n != per_team:
            problems.append(f"team {t} plays {n} games, expected {per_team}")
        double = sorted(slot for slot, games in s.at[t].items() if len(games) > 1)
        if double:
            problems.append(f"team {t} plays more than one game in {s.slots_text(double)}")
    fmt = inst.format
    if isinstance(fmt, RoundRobin):
        problems += _round_robin(s, fmt)
    else:
        problems += _partial(s, fmt)
    return problems


def _round_robin(s: Season, fmt: RoundRobin) -> list[str]:
    problems: list[str] = []
    lo_home, hi_home = fmt.rounds // 2, (fmt.rounds + 1) // 2
    for a, b in s.pairs(s.team_ids):
        games = s.meetings_of(a, b)
        if len(games) != fmt.rounds:
            problems.append(f"teams {a} and {b} meet {len(games)} times, expected {fmt.rounds}")
            continue
        hosts = Counter(g.home for g in games)
        if not (lo_home <= hosts[a] <= hi_home and lo_home <= hosts[b] <= hi_home):
            if fmt.rounds == 2:
                problems.append(f"teams {a} and {b} meet twice with the same home team {games[0].home}")
            else:
                problems.append(f"teams {a} and {b}: home games split {hosts[a]}-{hosts[b]}, must alternate")
    if fmt.compact:
        for t in s.only_focus(s.team_ids):
            idle = [slot for slot in range(s.n_slots) if not s.at[t].get(slot)]
            if idle:
                problems.append(f"team {t} has no game in {s.slots_text(idle)} (compact schedule)")
    if fmt.phased or fmt.mirrored:
        problems += _phases(s, fmt)
    return problems


def _phases(s: Season, fmt: RoundRobin) -> list[str]:
    problems: list[str] = []
    half = s.n_slots // 2
    for a, b in s.pairs(s.team_ids):
        games = s.meetings_of(a, b)
        if len(games) != 2:
            continue  # already reported
        first = sum(1 for g in games if g.slot < half)
        if first != 1:
            where = "first" if first == 2 else "second"
            problems.append(
                f"teams {a} and {b} meet twice in the {where} half (slots {games[0].slot}, {games[1].slot}); "
                f"phased play needs one meeting in slots 0..{half - 1} and one in {half}..{s.n_slots - 1}"
            )
            continue
        if fmt.mirrored:
            g1, g2 = games
            if g2.slot != g1.slot + half:
                problems.append(
                    f"teams {a} and {b} meet in slots {g1.slot} and {g2.slot}; the mirrored schedule "
                    f"needs slot {g1.slot + half} for the return game"
                )
    return problems


def _partial(s: Season, fmt: PartialRoundRobin) -> list[str]:
    problems: list[str] = []
    for t in s.only_focus(s.team_ids):
        home = sum(1 for g in s.by_team[t] if g.home == t)
        if not fmt.home_min <= home <= fmt.home_max:
            problems.append(f"team {t} plays {home} home games, allowed {fmt.home_min}..{fmt.home_max}")
    for a, b in s.pairs(s.team_ids):
        games = s.meetings_of(a, b)
        if not fmt.min_meetings <= len(games) <= fmt.max_meetings:
            problems.append(
                f"teams {a} and {b} meet {len(games)} times, allowed {fmt.min_meetings}..{fmt.max_meetings}"
            )
        if len(games) < 2:
            continue
        hosts = Counter(g.home for g in games)
        for host, n in hosts.items():
            if n > 1:
                problems.append(f"teams {a} and {b} meet {n} times at {host}; each must host once")
    return problems
