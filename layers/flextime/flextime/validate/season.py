"""An indexed view of a schedule: who plays whom, where and when. Plain Python, no engine."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from functools import cached_property
from itertools import combinations, pairwise
from operator import attrgetter

from flextime.domain.model import Game, Instance

_ORDER = attrgetter("slot", "home", "away")


class _BySlot(dict):
    """team -> slot -> the team's games in that slot, built per team on first use."""

    def __init__(self, by_team: dict[str, list[Game]]):
        super().__init__()
        self._by_team = by_team

    def __missing__(self, team: str) -> dict[int, list[Game]]:
        out: dict[int, list[Game]] = defaultdict(list)
        for g in self._by_team[team]:
            out[g.slot].append(g)
        self[team] = out
        return out


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


class Season:
    """Lookups over the (well-formed) games of a schedule.

    ``games`` must only name teams and slots of the instance (the validator filters them first).
    Per team, games are ordered by slot (ties: home, away).

    ``focus`` (a set of teams; None = every team) narrows what the per-team and per-pair checks
    look at to those teams and to the pairs with at least one of them (:meth:`only_focus`,
    :meth:`pairs`): :mod:`flextime.validate.delta` scores a move on the teams it touched.
    """

    def __init__(self, instance: Instance, games: Iterable[Game], focus: Collection[str] | None = None):
        self.instance = instance
        self.focus = None if focus is None else frozenset(focus)
        self.team_ids = instance.team_ids
        self.n_slots = instance.n_slots
        self.games = sorted(games, key=_ORDER)
        self.by_team: dict[str, list[Game]] = {t: [] for t in self.team_ids}
        by_team = self.by_team
        for g in self.games:  # runs for every move a travel improver scores: the other indexes are lazy
            by_team[g.home].append(g)
            by_team[g.away].append(g)
        self.at: dict[str, dict[int, list[Game]]] = _BySlot(by_team)
        self._home_cum: dict[str, list[int]] = {}
        self._breaks: dict[str, list[tuple[int, str]]] = {}

    # ---- indexes built on first use ----------------------------------------------------------
    @cached_property
    def by_slot(self) -> dict[int, list[Game]]:
        out: dict[int, list[Game]] = defaultdict(list)
        for g in self.games:
            out[g.slot].append(g)
        return out

    @cached_property
    def meetings(self) -> dict[tuple[str, str], list[Game]]:
        out: dict[tuple[str, str], list[Game]] = defaultdict(list)
        for g in self.games:
            h, a = g.home, g.away
            out[(h, a) if h <= a else (a, h)].append(g)
        return out

    @cached_property
    def directed(self) -> dict[tuple[str, str], list[int]]:
        out: dict[tuple[str, str], list[int]] = defaultdict(list)
        for g in self.games:
            out[(g.home, g.away)].append(g.slot)
        return out

    # ---- which teams and pairs the checks look at --------------------------------------------
    def only_focus(self, teams: Iterable[str]) -> list[str]:
        """``teams`` in order, without the teams outside the focus."""
        if self.focus is None:
            return list(teams)
        return [t for t in teams if t in self.focus]

    def pairs(self, teams: Iterable[str]) -> Iterator[tuple[str, str]]:
        """The pairs of ``teams`` (each once, in ``teams``' order within a pair, as
        ``itertools.combinations`` gives them) with at least one team in the focus."""
        if self.focus is None:
            yield from combinations(teams, 2)
            return
        focus, teams = self.focus, list(teams)
        for k, f in enumerate(teams):  # only the rows and columns of the focus teams
            if f in focus:
                yield from ((a, f) for a in teams[:k] if a not in focus)
                yield from ((f, b) for b in teams[k + 1 :])

    # ---- per team ---------------------------------------------------------------------------
    def status(self, team: str, slot: int) -> str | None:
        """'H' or 'A' for the team's (first) game in ``slot``, None on a bye."""
        games = self.at[team].get(slot)
        if not games:
            return None
        return "H" if games[0].home == team else "A"

    def home_cum(self, team: str) -> list[int]:
        """Home games of ``team`` in slots 0..s, for every slot s."""
        if team not in self._home_cum:
            counts = [0] * self.n_slots
            for g in self.by_team[team]:
                if g.home == team:
                    counts[g.slot] += 1
            total, out = 0, []
            for c in counts:
                total += c
                out.append(total)
            self._home_cum[team] = out
        return self._home_cum[team]

    def breaks(self, team: str) -> list[tuple[int, str]]:
        """(slot, 'H'|'A') for every BR1/BR2 break of ``team``, counted at the second slot.

        ITC2021 rule: the team's status in consecutive slots s-1 and s is the same. A bye is a status
        of its own and never forms a break (this only matters for non-compact play; the engine uses
        the same rule). ``game_breaks`` counts breaks in the team's own game order instead.
        """
        if team not in self._breaks:
            out: list[tuple[int, str]] = []
            for s in range(1, self.n_slots):
                now = self.status(team, s)
                if now is not None and now == self.status(team, s - 1):
                    out.append((s, now))
            self._breaks[team] = out
        return self._breaks[team]

    def game_breaks(self, team: str) -> int:
        """Breaks in the team's own game order (two consecutive games both home or both away)."""
        games = self.by_team[team]
        return sum(1 for g1, g2 in pairwise(games) if (g1.home == team) == (g2.home == team))

    def meetings_of(self, a: str, b: str) -> list[Game]:
        return self.meetings.get(pair_key(a, b), [])

    # ---- display ----------------------------------------------------------------------------
    def slot_text(self, slot: int) -> str:
        s = self.instance.slots[slot]
        return f"{s.index} ({s.date.isoformat()})" if s.date else str(s.index)

    def slots_text(self, slots: Iterable[int]) -> str:
        items = sorted(set(slots))
        if len(items) == 1:
            return f"slot {self.slot_text(items[0])}"
        shown = ",".join(self.slot_text(s) for s in items[:12])
        return f"slots {shown}" + (f",... ({len(items)} slots)" if len(items) > 12 else "")
