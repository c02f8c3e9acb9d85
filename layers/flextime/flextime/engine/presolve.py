"""Counting checks that find obvious conflicts before any model is built.

``presolve_conflicts(instance)`` looks only at hard constraints and the format and reports every
conflict it can prove by counting, each as a :class:`Conflict` naming the (small) set of user
constraints responsible:

* a hard fixed game on a date its home team cannot host or its away team cannot travel
  (team or venue unavailability, a CA1 with max 0), or between teams that may not meet;
* two hard fixed games of one team on the same date, or the same game fixed twice when the pair
  meets once;
* a team with more games than dates it can play after its blackouts (compact play: any date);
* a team with more home (away) games than dates it can host (travel);
* a meeting the format or a required matchup demands that has no legal date left.

Each conflict's constraint set is shrunk by deletion against the same counting argument, so it
names no constraint the argument does not need. Locked games enter as hard fixed games
(:func:`flextime.engine.locks.with_locks`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from flextime.domain.constraints import (
    CA1,
    Constraint,
    FixedGame,
    ForbiddenMatchup,
    RequiredMatchup,
    TeamUnavailable,
    VenueUnavailable,
)
from flextime.domain.model import Instance, PartialRoundRobin, RoundRobin

ConflictKind = Literal[
    "fixed_vs_unavailable",
    "fixed_vs_forbidden",
    "fixed_collision",
    "fixed_twice",
    "games_vs_dates",
    "home_games_vs_dates",
    "away_games_vs_dates",
    "meeting_without_date",
    "required_vs_forbidden",
]


class Conflict(BaseModel):
    """A conflict proven by counting: ``constraint_ids`` together cannot hold (with the format)."""

    model_config = ConfigDict(frozen=True)

    kind: ConflictKind
    message: str = Field(description="Plain words: what cannot happen and why.")
    constraint_ids: list[str]
    teams: list[str] = Field(default_factory=list)
    slots: list[str] = Field(default_factory=list, description="Slot displays, e.g. 'Sun 2027-02-07'.")


# ---- availability ---------------------------------------------------------------------------


@dataclass
class _Availability:
    """Which hard constraints stop team t from hosting / travelling in slot s."""

    no_home: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    no_away: dict[tuple[int, int], list[str]] = field(default_factory=dict)

    def block(self, where: dict[tuple[int, int], list[str]], t: int, slots: Iterable[int], cid: str) -> None:
        for s in slots:
            where.setdefault((t, s), []).append(cid)

    def can_host(self, t: int, s: int) -> bool:
        return (t, s) not in self.no_home

    def can_travel(self, t: int, s: int) -> bool:
        return (t, s) not in self.no_away

    def can_play(self, t: int, s: int) -> bool:
        return self.can_host(t, s) or self.can_travel(t, s)


def _blocker(c: Constraint) -> bool:
    if not c.hard:
        return False
    if isinstance(c, TeamUnavailable | VenueUnavailable):
        return True
    return isinstance(c, CA1) and c.max == 0


def _availability(instance: Instance, constraints: Iterable[Constraint]) -> _Availability:
    av = _Availability()
    n_slots = instance.n_slots
    for c in constraints:
        if isinstance(c, TeamUnavailable) and c.hard:
            t = instance.team_index[c.team]
            slots = instance.resolve_slots(c)
            if c.mode in ("any", "home"):
                av.block(av.no_home, t, slots, c.id)
            if c.mode in ("any", "away"):
                av.block(av.no_away, t, slots, c.id)
        elif isinstance(c, VenueUnavailable) and c.hard:
            slots = instance.resolve_slots(c)
            for t, team in enumerate(instance.teams):
                if team.venue == c.venue:
                    av.block(av.no_home, t, slots, c.id)
        elif isinstance(c, CA1) and c.hard and c.max == 0:
            slots = [s for s in c.slots if 0 <= s < n_slots]
            for tid in c.teams:
                t = instance.team_index[tid]
                if c.mode in ("H", "HA"):
                    av.block(av.no_home, t, slots, c.id)
                if c.mode in ("A", "HA"):
                    av.block(av.no_away, t, slots, c.id)
    return av


def _shrink(ids: Sequence[str], conflicts: Callable[[set[str]], bool]) -> list[str]:
    """Deletion filter: drop every id the counting argument still holds without."""
    kept = list(dict.fromkeys(ids))
    for cid in list(kept):
        trial = [k for k in kept if k != cid]
        if conflicts(set(trial)):
            kept = trial
    return kept


# ---- the checks -----------------------------------------------------------------------------


class _Checker:
    def __init__(self, instance: Instance):
        self.inst = instance
        self.hard = [c for c in instance.constraints if c.hard]
        self.by_id = {c.id: c for c in self.hard}
        self.blockers = [c for c in self.hard if _blocker(c)]
        self.av = _availability(instance, self.blockers)
        self.fixed = [c for c in self.hard if isinstance(c, FixedGame)]
        self.out: list[Conflict] = []

    # helpers
    def day(self, s: int) -> str:
        return self.inst.slots[s].display

    def name(self, cid: str) -> str:
        return self.by_id[cid].display

    def av_of(self, ids: set[str]) -> _Availability:
        return _availability(self.inst, [c for c in self.blockers if c.id in ids])

    def add(
        self,
        kind: ConflictKind,
        message: str,
        ids: Sequence[str],
        teams: Sequence[str],
        slots: Sequence[int] = (),
    ) -> None:
        self.out.append(
            Conflict(
                kind=kind,
                message=message,
                constraint_ids=list(dict.fromkeys(ids)),
                teams=list(dict.fromkeys(teams)),
                slots=[self.day(s) for s in sorted(set(slots))],
            )
        )

    def meets_once(self) -> bool:
        f = self.inst.format
        return isinstance(f, PartialRoundRobin) or (isinstance(f, RoundRobin) and f.rounds <= 2)

    # checks
    def fixed_games(self) -> None:
        idx = self.inst.team_index
        forbidden = [c for c in self.hard if isinstance(c, ForbiddenMatchup) and c.max_meetings == 0]
        for f in self.fixed:
            h, a = idx[f.home], idx[f.away]
            s = self.inst.fixed_slot(f)
            for fm in forbidden:
                if {fm.team_a, fm.team_b} == {f.home, f.away}:
                    self.add(
                        "fixed_vs_forbidden",
                        f"{f.home} vs {f.away} is fixed, but {f.home} and {f.away} may not meet",
                        [fm.id, f.id],
                        [f.home, f.away],
                        [] if s is None else [s],
                    )
            if s is None:
                self._fixed_anywhere(f, h, a)
                continue
            if not 0 <= s < self.inst.n_slots:
                continue
            for team, t, where, verb in (
                (f.home, h, self.av.no_home, "host"),
                (f.away, a, self.av.no_away, "travel"),
            ):
                reasons = where.get((t, s))
                if reasons:
                    self.add(
                        "fixed_vs_unavailable",
                        f"{f.home} vs {f.away} is fixed on {self.day(s)}, but {team} cannot {verb} "
                        f"that day ({self.name(reasons[0])})",
                        [reasons[0], f.id],
                        [team, f.home if team == f.away else f.away],
                        [s],
                    )

    def _fixed_anywhere(self, f: FixedGame, h: int, a: int) -> None:
        def legal(av: _Availability) -> int:
            return sum(av.can_host(h, s) and av.can_travel(a, s) for s in range(self.inst.n_slots))

        if legal(self.av):
            return
        blockers = [
            cid
            for s in range(self.inst.n_slots)
            for cid in self.av.no_home.get((h, s), []) + self.av.no_away.get((a, s), [])
        ]
        ids = _shrink(blockers, lambda keep: legal(self.av_of(keep)) == 0)
        self.add(
            "meeting_without_date",
            f"{f.home} must host {f.away}, but no date is left where {f.home} can host and {f.away} "
            "can travel",
            [*ids, f.id],
            [f.home, f.away],
        )

    def fixed_collisions(self) -> None:
        by_team_slot: dict[tuple[str, int], FixedGame] = {}
        by_pair: dict[tuple[str, str], FixedGame] = {}
        for f in self.fixed:
            s = self.inst.fixed_slot(f)
            if s is None:
                continue
            for team in (f.home, f.away):
                other = by_team_slot.get((team, s))
                if other is not None and (other.home, other.away) != (f.home, f.away):
                    self.add(
                        "fixed_collision",
                        f"{team} would play twice on {self.day(s)}: {other.home} vs {other.away} and "
                        f"{f.home} vs {f.away} are both fixed that day",
                        [other.id, f.id],
                        [team],
                        [s],
                    )
                by_team_slot.setdefault((team, s), f)
            other = by_pair.get((f.home, f.away))
            if other is not None and self.meets_once():
                s0 = self.inst.fixed_slot(other)
                if s0 is not None and s0 != s:
                    self.add(
                        "fixed_twice",
                        f"{f.home} hosts {f.away} only once, but the game is fixed on both "
                        f"{self.day(s0)} and {self.day(s)}",
                        [other.id, f.id],
                        [f.home, f.away],
                        [s0, s],
                    )
            by_pair.setdefault((f.home, f.away), f)

    def _needs(self) -> tuple[int, int, int, bool]:
        """(games, min home games, min away games, every slot) per team."""
        f = self.inst.format
        n = self.inst.n_teams
        if isinstance(f, RoundRobin):
            each_way = (n - 1) * (f.rounds // 2)
            return f.rounds * (n - 1), each_way, each_way, f.compact
        return f.games_per_team, f.home_min, f.games_per_team - f.home_max, False

    def team_counts(self) -> None:
        games, home_need, away_need, compact = self._needs()
        n_slots = self.inst.n_slots
        for t, tid in enumerate(self.inst.team_ids):
            if compact:
                for s in range(n_slots):
                    if not self.av.can_play(t, s):
                        ids = self.av.no_home[(t, s)][:1] + self.av.no_away[(t, s)][:1]
                        self.add(
                            "games_vs_dates",
                            f"{tid} must play on every date of a compact round robin, but cannot play on "
                            f"{self.day(s)}",
                            ids,
                            [tid],
                            [s],
                        )
                        break
            else:
                self._count(t, tid, "games_vs_dates", games, lambda av, t, s: av.can_play(t, s), "games")
            self._count(
                t, tid, "home_games_vs_dates", home_need, lambda av, t, s: av.can_host(t, s), "home games"
            )
            self._count(
                t, tid, "away_games_vs_dates", away_need, lambda av, t, s: av.can_travel(t, s), "road games"
            )

    def _count(
        self,
        t: int,
        tid: str,
        kind: ConflictKind,
        need: int,
        ok: Callable[[_Availability, int, int], bool],
        what: str,
    ) -> None:
        n_slots = self.inst.n_slots

        def free(av: _Availability) -> int:
            return sum(ok(av, t, s) for s in range(n_slots))

        have = free(self.av)
        if need <= 0 or have >= need:
            return
        blocked = [s for s in range(n_slots) if not ok(self.av, t, s)]
        reasons = [
            cid for s in blocked for cid in self.av.no_home.get((t, s), []) + self.av.no_away.get((t, s), [])
        ]
        ids = _shrink(reasons, lambda keep: free(self.av_of(keep)) < need)
        verb = {"games": "play", "home games": "host", "road games": "travel"}[what]
        self.add(
            kind,
            f"{tid} needs {need} {what} but can {verb} on only {have} of the {n_slots} dates",
            ids,
            [tid],
            blocked,
        )

    def meetings(self) -> None:
        f = self.inst.format
        ids = self.inst.team_ids
        need: dict[tuple[int, int], tuple[int, str | None]] = {}
        if isinstance(f, RoundRobin) and f.rounds % 2 == 0:
            for h in range(len(ids)):
                for a in range(len(ids)):
                    if h != a:
                        need[(h, a)] = (f.rounds // 2, None)
        for c in self.hard:
            if isinstance(c, RequiredMatchup):
                a, b = self.inst.team_index[c.team_a], self.inst.team_index[c.team_b]
                self._required_vs_forbidden(c)
                if c.min_meetings >= 2:
                    need.setdefault((a, b), (1, c.id))
                    need.setdefault((b, a), (1, c.id))
        for (h, a), (count, cid) in need.items():
            self._meeting(h, a, count, cid)

    def _meeting(self, h: int, a: int, count: int, cid: str | None) -> None:
        n_slots = self.inst.n_slots

        def legal(av: _Availability) -> int:
            return sum(av.can_host(h, s) and av.can_travel(a, s) for s in range(n_slots))

        if legal(self.av) >= count:
            return
        reasons = [
            r
            for s in range(n_slots)
            for r in self.av.no_home.get((h, s), []) + self.av.no_away.get((a, s), [])
        ]
        kept = _shrink(reasons, lambda keep: legal(self.av_of(keep)) < count)
        hid, aid = self.inst.team_ids[h], self.inst.team_ids[a]
        self.add(
            "meeting_without_date",
            f"{hid} must host {aid}, but no date is left where {hid} can host and {aid} can travel",
            [*kept, *([cid] if cid else [])],
            [hid, aid],
        )

    def _required_vs_forbidden(self, c: RequiredMatchup) -> None:
        for fm in self.hard:
            if not isinstance(fm, ForbiddenMatchup):
                continue
            same_pair = {fm.team_a, fm.team_b} == {c.team_a, c.team_b}
            if same_pair and fm.max_meetings < c.min_meetings:
                self.add(
                    "required_vs_forbidden",
                    f"{c.team_a} and {c.team_b} must meet {c.min_meetings} time(s) but may meet at "
                    f"most {fm.max_meetings}",
                    [c.id, fm.id],
                    [c.team_a, c.team_b],
                )


def presolve_conflicts(instance: Instance) -> list[Conflict]:
    """Every conflict the counting checks prove, smallest first (see the module docstring).

    An empty list does not mean the instance is feasible, only that no counting argument fails.
    """
    checker = _Checker(instance)
    checker.fixed_games()
    checker.fixed_collisions()
    checker.team_counts()
    checker.meetings()
    seen: set[tuple[str, ...]] = set()
    unique = []
    for c in checker.out:
        key = tuple(sorted(c.constraint_ids))
        if key not in seen:
            seen.add(key)
            unique.append(c)
    return sorted(unique, key=lambda c: len(c.constraint_ids))
