"""The competition format: round robin (compact or not, phased, mirrored) or partial round robin.

Always: at most one game per team per slot (exactly one in compact play).
"""

from __future__ import annotations

from flextime.domain.model import PartialRoundRobin, RoundRobin
from flextime.engine.variables import BuiltModel


def add_structure(built: BuiltModel) -> None:
    f = built.instance.format
    if isinstance(f, RoundRobin):
        _round_robin(built, f)
    else:
        _partial(built, f)


def _one_game_per_slot(built: BuiltModel, exactly: bool) -> None:
    m = built.model
    for t in range(built.n):
        for s in range(built.n_slots):
            games = built.game_vars(t, s)
            if exactly:
                if not games:
                    built.infeasible(f"team {built.instance.team_ids[t]} cannot play in slot {s}")
                else:
                    m.add_exactly_one(games)
            elif len(games) > 1:
                m.add_at_most_one(games)


def _pair_count(built: BuiltModel, h: int, a: int, slots: range | list[int]) -> list:
    return [v for s in slots if (v := built.var(h, a, s)) is not None]


def _round_robin(built: BuiltModel, f: RoundRobin) -> None:
    m, n, n_slots = built.model, built.n, built.n_slots
    _one_game_per_slot(built, exactly=f.compact)
    all_slots = range(n_slots)
    for a in range(n):
        for b in range(a + 1, n):
            ab, ba = _pair_count(built, a, b, all_slots), _pair_count(built, b, a, all_slots)
            if f.rounds % 2 == 0:
                m.add(sum(ab) == f.rounds // 2)
                m.add(sum(ba) == f.rounds // 2)
            else:
                m.add(sum(ab) + sum(ba) == f.rounds)
                lo = f.rounds // 2
                m.add(sum(ab) >= lo)
                m.add(sum(ba) >= lo)
    # Redundant: every slot of a compact schedule holds n/2 games; every team hosts (n-1) r/2.
    if f.compact:
        for s in all_slots:
            m.add(sum(built.slot_vars(s)) == n // 2)
    if f.rounds % 2 == 0:
        for t in range(n):
            m.add(sum(v for s in all_slots for v in built.home_vars(t, s)) == (n - 1) * f.rounds // 2)
    if f.phased or f.mirrored:
        half = (n - 1) if f.compact else n_slots // 2
        first = range(half)
        for a in range(n):
            for b in range(a + 1, n):
                m.add(sum(_pair_count(built, a, b, first) + _pair_count(built, b, a, first)) == 1)
        if f.compact:
            for s in first:
                m.add(sum(built.slot_vars(s)) == n // 2)
    if f.mirrored:
        _mirror(built, f)


def _mirror(built: BuiltModel, f: RoundRobin) -> None:
    m, n, n_slots = built.model, built.n, built.n_slots
    half = (n - 1) if f.compact else n_slots // 2
    if not f.compact:
        built.notes.append(f"mirrored non-compact play: slot s + {half} mirrors slot s")
    for s in range(half):
        if s + half >= n_slots:
            break
        for h in range(n):
            for a in range(n):
                if h == a:
                    continue
                v1, v2 = built.var(h, a, s), built.var(a, h, s + half)
                if v1 is None and v2 is None:
                    continue
                if v1 is None:
                    m.add(v2 == 0)
                elif v2 is None:
                    m.add(v1 == 0)
                else:
                    m.add(v1 == v2)


def _partial(built: BuiltModel, f: PartialRoundRobin) -> None:
    m, n, n_slots = built.model, built.n, built.n_slots
    _one_game_per_slot(built, exactly=False)
    all_slots = range(n_slots)
    for t in range(n):
        home = [v for s in all_slots for v in built.home_vars(t, s)]
        away = [v for s in all_slots for v in built.away_vars(t, s)]
        m.add(sum(home) + sum(away) == f.games_per_team)
        m.add(sum(home) >= f.home_min)
        m.add(sum(home) <= f.home_max)
    for a in range(n):
        for b in range(a + 1, n):
            ab, ba = _pair_count(built, a, b, all_slots), _pair_count(built, b, a, all_slots)
            # each ordered pair at most once: two meetings means each team hosts one
            if len(ab) > 1:
                m.add_at_most_one(ab)
            if len(ba) > 1:
                m.add_at_most_one(ba)
            total = sum(ab) + sum(ba)
            if f.min_meetings > 0:
                m.add(total >= f.min_meetings)
            if f.max_meetings < 2:
                m.add(total <= f.max_meetings)
    # Redundant: the number of games is fixed.
    m.add(sum(built.x.values()) == f.games_per_team * n // 2)
