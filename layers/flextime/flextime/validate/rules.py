"""One function per constraint family: ``rule(constraint, season) -> (deviation, details)``.

``deviation`` is an integer >= 0 (cost = weight x deviation); ``details`` are short human sentences
naming the teams and slots at fault. The ITC2021 families follow the ITC2021 evaluation rules
(benchmarks README, section 2) exactly; bounds use ``max(0, count - max) + max(0, min - count)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import combinations, pairwise
from typing import Any

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
from flextime.domain.model import Game
from flextime.validate.season import Season

Result = tuple[int, list[str]]

_MODE_WORD = {"H": "home ", "A": "away ", "HA": ""}


def range_dev(count: int, lo: int, hi: int | None) -> int:
    """max(0, count - hi) + max(0, lo - count); no upper bound when ``hi`` is None."""
    return (max(0, count - hi) if hi is not None else 0) + max(0, lo - count)


def _bounds(lo: int, hi: int | None) -> str:
    if hi is None:
        return f"min {lo}"
    return f"max {hi}" if lo == 0 else f"allowed {lo}..{hi}"


def _mode_ok(mode: str, home: bool) -> bool:
    return mode == "HA" or (mode == "H") == home


def _teams(c: Any, season: Season) -> list[str]:
    """A constraint's ``teams`` list, empty meaning all teams (within the season's focus)."""
    return season.only_focus(c.teams or season.team_ids)


# ---- ITC2021 families -------------------------------------------------------------------------


def ca1(c: CA1, s: Season) -> Result:
    """Per team in ``teams``: #home (H) / away (A) / all (HA) games in ``slots``; deviation per
    team = range excess over min..max, summed."""
    dev, details = 0, []
    slots = sorted(set(c.slots))
    for t in s.only_focus(c.teams):
        hit = [g.slot for slot in slots for g in s.at[t].get(slot, ()) if _mode_ok(c.mode, g.home == t)]
        d = range_dev(len(hit), c.min, c.max)
        if d:
            dev += d
            where = f" ({s.slots_text(hit)})" if hit else ""
            details.append(
                f"team {t} plays {len(hit)} {_MODE_WORD[c.mode]}games in the listed slots{where}, "
                f"{_bounds(c.min, c.max)}"
            )
    return dev, details


def ca2(c: CA2, s: Season) -> Result:
    """Per team i in ``teams1``: #games (i home: H, i away: A, either: HA) against ``teams2`` in
    ``slots``; deviation per team = range excess, summed."""
    dev, details = 0, []
    slots = sorted(set(c.slots))
    t2 = set(c.teams2)
    for i in s.only_focus(c.teams1):
        hit = [
            g
            for slot in slots
            for g in s.at[i].get(slot, ())
            if (g.away if g.home == i else g.home) in t2 and _mode_ok(c.mode1, g.home == i)
        ]
        d = range_dev(len(hit), c.min, c.max)
        if d:
            dev += d
            games = ", ".join(f"{g.home}-{g.away}@{g.slot}" for g in hit[:6])
            details.append(
                f"team {i} plays {len(hit)} {_MODE_WORD[c.mode1]}games against the listed teams "
                f"({games}), {_bounds(c.min, c.max)}"
            )
    return dev, details


def ca3(c: CA3, s: Season) -> Result:
    """Per team i in ``teams1``, per window: #qualifying games against ``teams2``; deviation = range
    excess summed over windows and teams. SLOTS: windows s..s+intp-1 for s = 0..S-intp. GAMES:
    windows of ``intp`` consecutive games of the team (byes skipped)."""
    dev, details = 0, []
    t2 = set(c.teams2)
    for i in s.only_focus(c.teams1):

        def ok(g: Game, i: str = i) -> bool:
            return (g.away if g.home == i else g.home) in t2 and _mode_ok(c.mode1, g.home == i)

        if c.mode2 == "SLOTS":
            marks = [sum(1 for g in s.at[i].get(slot, ()) if ok(g)) for slot in range(s.n_slots)]
            starts = [(k, k + c.intp - 1) for k in range(s.n_slots - c.intp + 1)]
        else:
            own = s.by_team[i]
            marks = [1 if ok(g) else 0 for g in own]
            starts = [(own[k].slot, own[k + c.intp - 1].slot) for k in range(len(own) - c.intp + 1)]
        bad = []
        for k, (first, last) in enumerate(starts):
            count = sum(marks[k : k + c.intp])
            d = range_dev(count, c.min, c.max)
            if d:
                dev += d
                bad.append(f"{first}-{last} ({count})")
        if bad:
            unit = "slots" if c.mode2 == "SLOTS" else "games"
            details.append(
                f"team {i}: {_MODE_WORD[c.mode1]}games per {c.intp} {unit} {_bounds(c.min, c.max)}, "
                f"exceeded in slots {', '.join(bad[:5])}" + (" ..." if len(bad) > 5 else "")
            )
    return dev, details


def _ca4_count(c: CA4, games: Iterable[Game], t1: set[str], t2: set[str]) -> int:
    n = 0
    for g in games:
        if c.mode1 in ("H", "HA") and g.home in t1 and g.away in t2:
            n += 1
        if c.mode1 in ("A", "HA") and g.away in t1 and g.home in t2:
            n += 1
    return n


def ca4(c: CA4, s: Season) -> Result:
    """``teams1`` as one block: #games with i in teams1 home against j in teams2 (H), away (A) or
    both counted (HA), over all ``slots`` together (GLOBAL) or per slot (EVERY, deviations summed);
    deviation = range excess."""
    t1, t2 = set(c.teams1), set(c.teams2)
    slots = sorted(set(c.slots))
    if c.mode2 == "GLOBAL":
        n = _ca4_count(c, (g for slot in slots for g in s.by_slot.get(slot, ())), t1, t2)
        d = range_dev(n, c.min, c.max)
        return d, (
            [
                f"{n} {_MODE_WORD[c.mode1]}games between the groups in the listed slots, "
                f"{_bounds(c.min, c.max)}"
            ]
            if d
            else []
        )
    dev, details = 0, []
    for slot in slots:
        n = _ca4_count(c, s.by_slot.get(slot, ()), t1, t2)
        d = range_dev(n, c.min, c.max)
        if d:
            dev += d
            details.append(
                f"{n} {_MODE_WORD[c.mode1]}games between the groups in slot {s.slot_text(slot)}, "
                f"{_bounds(c.min, c.max)}"
            )
    return dev, details


def ga1(c: GA1, s: Season) -> Result:
    """k = #listed (home, away) meetings played in ``slots``; deviation = range excess of k."""
    slots = set(c.slots)
    played = [
        f"{h}-{a}@{slot}" for h, a in c.meetings for slot in s.directed.get((h, a), ()) if slot in slots
    ]
    d = range_dev(len(played), c.min, c.max)
    if not d:
        return 0, []
    shown = ", ".join(played) if played else "none"
    return d, [f"{len(played)} of the listed games in the listed slots ({shown}), {_bounds(c.min, c.max)}"]


def br1(c: BR1, s: Season) -> Result:
    """Per team: #breaks of kind ``mode2`` (H: both home, A: both away, HA: any) counted at the
    second slot, within ``slots``; deviation per team = max(0, #breaks - intp)."""
    dev, details = 0, []
    slots = set(c.slots)
    for t in s.only_focus(c.teams):
        hit = [slot for slot, kind in s.breaks(t) if slot in slots and c.mode2 in ("HA", kind)]
        d = max(0, len(hit) - c.intp)
        if d:
            dev += d
            details.append(f"team {t} has {len(hit)} breaks at {s.slots_text(hit)}, max {c.intp}")
    return dev, details


def br2(c: BR2, s: Season) -> Result:
    """All ``teams`` together: #breaks in ``slots``; deviation = max(0, total - intp)."""
    slots = set(c.slots)
    per_team = {t: sum(1 for slot, _ in s.breaks(t) if slot in slots) for t in c.teams}
    total = sum(per_team.values())
    d = max(0, total - c.intp)
    if not d:
        return 0, []
    worst = sorted(per_team.items(), key=lambda kv: -kv[1])[:4]
    shown = ", ".join(f"{t}: {n}" for t, n in worst if n)
    return d, [f"{total} breaks in total, max {c.intp} (most: {shown})"]


def fa2(c: FA2, s: Season) -> Result:
    """Per pair of ``teams``: max over s in ``slots`` of |home games of i in 0..s - same for j|;
    deviation per pair = max(0, that - intp), summed."""
    dev, details = 0, []
    slots = sorted(set(c.slots))
    for i, j in combinations(c.teams, 2):
        hi, hj = s.home_cum(i), s.home_cum(j)
        worst, at = -1, -1
        for slot in slots:
            diff = abs(hi[slot] - hj[slot])
            if diff > worst:
                worst, at = diff, slot
        d = max(0, worst - c.intp)
        if d:
            dev += d
            details.append(
                f"teams {i} and {j} differ by {worst} home games after slot {s.slot_text(at)}, max {c.intp}"
            )
    return dev, details


def se1(c: SE1, s: Season) -> Result:
    """Per pair of ``teams`` and consecutive meetings in slots s1 < s2: max(0, min - (s2 - s1 - 1))
    (slots strictly between), summed."""
    dev, details = 0, []
    for i, j in s.pairs(c.teams):
        for g1, g2 in pairwise(s.meetings_of(i, j)):
            between = g2.slot - g1.slot - 1
            d = max(0, c.min - between)
            if d:
                dev += d
                details.append(
                    f"teams {i} and {j} meet in slots {g1.slot} and {g2.slot} "
                    f"({max(between, 0)} between, min {c.min})"
                )
    return dev, details


# ---- conference families ----------------------------------------------------------------------


def required_matchup(c: RequiredMatchup, s: Season) -> Result:
    """k = #meetings of the pair; deviation = max(0, min_meetings - k) + max(0, k - max_meetings)
    + 1 if the pair meets exactly twice with the same home team (each must host one)."""
    games = s.meetings_of(c.team_a, c.team_b)
    k = len(games)
    d = range_dev(k, c.min_meetings, c.max_meetings)
    details = (
        [f"{c.team_a} and {c.team_b} meet {k} times, {_bounds(c.min_meetings, c.max_meetings)}"] if d else []
    )
    if k == 2 and games[0].home == games[1].home:
        d += 1
        details.append(f"{c.team_a} and {c.team_b} meet twice, both at {games[0].home}")
    return d, details


def forbidden_matchup(c: ForbiddenMatchup, s: Season) -> Result:
    """Deviation = max(0, #meetings - max_meetings)."""
    games = s.meetings_of(c.team_a, c.team_b)
    d = max(0, len(games) - c.max_meetings)
    if not d:
        return 0, []
    where = ", ".join(f"{g.home}-{g.away} in slot {s.slot_text(g.slot)}" for g in games)
    return d, [f"{c.team_a} and {c.team_b} meet {len(games)} times ({where}), max {c.max_meetings}"]


def fixed_game(c: FixedGame, s: Season) -> Result:
    """Deviation 1 if ``home`` does not host ``away`` in the fixed slot (slot index or date); with
    no anchor, 1 if the game does not take place at all."""
    slots = s.directed.get((c.home, c.away), [])
    if c.slot is None and c.date is None:
        return (0, []) if slots else (1, [f"{c.away} at {c.home} is not played"])
    target = s.instance.fixed_slot(c)
    if target is not None and target in slots:
        return 0, []
    anchor = s.slot_text(target) if target is not None else str(c.date)
    actual = f" (played in {s.slots_text(slots)})" if slots else " (not played)"
    return 1, [f"{c.away} at {c.home} must be in slot {anchor}{actual}"]


def team_unavailable(c: TeamUnavailable, s: Season) -> Result:
    """Deviation = #games of ``team`` (any / home / away, per ``mode``) in the selected slots."""
    mode = {"any": "HA", "home": "H", "away": "A"}[c.mode]
    hit = [
        g
        for slot in s.instance.resolve_slots(c)
        for g in s.at[c.team].get(slot, ())
        if _mode_ok(mode, g.home == c.team)
    ]
    if not hit:
        return 0, []
    games = ", ".join(f"{g.home}-{g.away} in slot {s.slot_text(g.slot)}" for g in hit[:6])
    return len(hit), [f"team {c.team} is unavailable ({c.mode}) but plays {games}"]


def venue_unavailable(c: VenueUnavailable, s: Season) -> Result:
    """Deviation = #games at ``venue`` (game.venue, else the home team's venue) in the selected slots."""
    hit = [
        g
        for slot in s.instance.resolve_slots(c)
        for g in s.by_slot.get(slot, ())
        if (g.venue or s.instance.home_venue(g.home)) == c.venue
    ]
    if not hit:
        return 0, []
    games = ", ".join(f"{g.home}-{g.away} in slot {s.slot_text(g.slot)}" for g in hit[:6])
    return len(hit), [f"venue {c.venue} is unavailable but hosts {games}"]


def max_consecutive(c: MaxConsecutive, s: Season) -> Result:
    """Per team, per maximal run of consecutive ``mode`` games (team's own order, byes do not
    interrupt): deviation += max(0, run length - max)."""
    dev, details = 0, []
    for t in _teams(c, s):
        run: list[int] = []
        for g in [*s.by_team[t], None]:
            if g is not None and _mode_ok(c.mode, g.home == t):
                run.append(g.slot)
                continue
            d = max(0, len(run) - c.max)
            if d:
                dev += d
                kind = "home" if c.mode == "H" else "away"
                details.append(
                    f"team {t} plays {len(run)} {kind} games in a row ({s.slots_text(run)}), max {c.max}"
                )
            run = []
    return dev, details


def min_rest_days(c: MinRestDays, s: Season) -> Result:
    """Per team, per two consecutive games: rest = date difference - 1 (dated slots) or slot
    difference - 1; deviation += max(0, days - rest) (the missing days)."""
    dev, details = 0, []
    slots = s.instance.slots
    for t in _teams(c, s):
        for g1, g2 in pairwise(s.by_team[t]):
            d1, d2 = slots[g1.slot].date, slots[g2.slot].date
            rest = (d2 - d1).days - 1 if d1 is not None and d2 is not None else g2.slot - g1.slot - 1
            d = max(0, c.days - rest)
            if d:
                dev += d
                details.append(
                    f"team {t} rests {max(rest, 0)} days between slots {s.slot_text(g1.slot)} "
                    f"and {s.slot_text(g2.slot)}, min {c.days}"
                )
    return dev, details


def games_per_slot(c: GamesPerSlot, s: Season) -> Result:
    """Per selected slot (empty selection = every slot): range excess of the number of games, summed."""
    selected = c.slots or c.dates or c.weekdays
    slots = s.instance.resolve_slots(c) if selected else list(range(s.n_slots))
    dev, details = 0, []
    for slot in slots:
        n = len(s.by_slot.get(slot, ()))
        d = range_dev(n, c.min, c.max)
        if d:
            dev += d
            details.append(f"slot {s.slot_text(slot)} has {n} games, {_bounds(c.min, c.max)}")
    return dev, details


def home_away_balance(c: HomeAwayBalance, s: Season) -> Result:
    """Per team: h = #home games among its first/last ``k`` games; deviation = range excess of h
    over min_home..max_home."""
    dev, details = 0, []
    for t in _teams(c, s):
        own = s.by_team[t]
        window = own[: c.k] if c.window == "first" else own[-c.k :]
        h = sum(1 for g in window if g.home == t)
        d = range_dev(h, c.min_home, c.max_home)
        if d:
            dev += d
            details.append(
                f"team {t} has {h} home games in its {c.window} {c.k}, {_bounds(c.min_home, c.max_home)}"
            )
    return dev, details


def byes(c: Byes, s: Season) -> Result:
    """Per team: b = #slots without a game; deviation = range excess of b, + 1 if ``not_first`` and
    the team is idle in the first slot, + 1 if ``not_last`` and idle in the last slot."""
    dev, details = 0, []
    last = s.n_slots - 1
    for t in _teams(c, s):
        played = {g.slot for g in s.by_team[t]}
        b = s.n_slots - len(played)
        d = range_dev(b, c.min, c.max)
        if d:
            details.append(f"team {t} has {b} byes, {_bounds(c.min, c.max)}")
        if c.not_first and 0 not in played:
            d += 1
            details.append(f"team {t} has a bye in the first slot")
        if c.not_last and last not in played:
            d += 1
            details.append(f"team {t} has a bye in the last slot")
        dev += d
    return dev, details


def rematch_separation(c: RematchSeparation, s: Season) -> Result:
    """Per pair of ``teams`` (both listed; empty = all) and consecutive meetings: deviation +=
    max(0, min_slots - slots strictly between) and, for dated play with ``min_days``,
    + max(0, min_days - days strictly between)."""
    dev, details = 0, []
    slots = s.instance.slots
    for i, j in s.pairs(c.teams or s.team_ids):
        for g1, g2 in pairwise(s.meetings_of(i, j)):
            between = g2.slot - g1.slot - 1
            d = max(0, c.min_slots - between)
            d1, d2 = slots[g1.slot].date, slots[g2.slot].date
            if c.min_days is not None and d1 is not None and d2 is not None:
                d += max(0, c.min_days - ((d2 - d1).days - 1))
            if d:
                dev += d
                details.append(
                    f"teams {i} and {j} meet again too soon (slots {s.slot_text(g1.slot)} and "
                    f"{s.slot_text(g2.slot)})"
                )
    return dev, details


def date_pairing(c: DatePairing, s: Season) -> Result:
    """Per team, per game on a ``first`` weekday that is not the team's last game: deviation 1 unless
    the next game is on a ``then`` weekday within ``within_days`` days."""
    dev, details = 0, []
    slots = s.instance.slots
    for t in _teams(c, s):
        for g1, g2 in pairwise(s.by_team[t]):
            a, b = slots[g1.slot], slots[g2.slot]
            if a.date is None or a.weekday != c.first:
                continue
            if b.date is not None and b.weekday in c.then and (b.date - a.date).days <= c.within_days:
                continue
            dev += 1
            details.append(f"team {t} plays on {a.display} but its next game is on {b.display}")
    return dev, details


RULES: dict[str, Callable[[Any, Season], Result]] = {
    "CA1": ca1,
    "CA2": ca2,
    "CA3": ca3,
    "CA4": ca4,
    "GA1": ga1,
    "BR1": br1,
    "BR2": br2,
    "FA2": fa2,
    "SE1": se1,
    "required_matchup": required_matchup,
    "forbidden_matchup": forbidden_matchup,
    "fixed_game": fixed_game,
    "team_unavailable": team_unavailable,
    "venue_unavailable": venue_unavailable,
    "max_consecutive": max_consecutive,
    "min_rest_days": min_rest_days,
    "games_per_slot": games_per_slot,
    "home_away_balance": home_away_balance,
    "byes": byes,
    "rematch_separation": rematch_separation,
    "date_pairing": date_pairing,
}
