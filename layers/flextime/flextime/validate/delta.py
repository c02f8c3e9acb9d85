"""What a move changes in the validator's verdict, without validating the whole schedule.

A move (a travel improver's swap) replaces a few games. Most constraint families add up a term per
team (or per pair of teams) that depends only on that team's (that pair's) own games, or a term per
slot that depends only on that slot's games. For those, the move's change in deviation is the
rule's deviation on the games of the teams the move touched (or of the slots it touched), after
the move, minus the same before it: every other team's, pair's or slot's term is unchanged, and it
is counted the same way on both sides, so it cancels. The rules themselves are the validator's
(:data:`flextime.validate.rules.RULES`), run on a smaller :class:`Season`; only families whose
terms span the whole schedule (a total with a range, pairs of whole team schedules) are evaluated
on the whole schedule, before and after.

:class:`MoveScorer` gives the change in (hard infeasibility, soft penalty) exactly as
:func:`flextime.validate.validate` would count it, structural problems included; the travel
improvers use it to drop the moves that make a schedule worse (most of them) without a full
validation, and validate the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flextime.domain.model import Game, Instance
from flextime.validate.rules import RULES
from flextime.validate.season import Season
from flextime.validate.structure import malformed_games, structural_problems

# Families whose deviation is a sum of terms per team or per pair of teams, each term a function of
# that team's games (that pair's meetings) only.
TEAM_LOCAL = frozenset(
    {
        "CA1",
        "CA2",
        "CA3",
        "BR1",
        "SE1",
        "required_matchup",
        "forbidden_matchup",
        "fixed_game",
        "team_unavailable",
        "max_consecutive",
        "min_rest_days",
        "home_away_balance",
        "byes",
        "rematch_separation",
        "date_pairing",
    }
)
# Families whose deviation is a sum of terms per slot, each a function of that slot's games only.
SLOT_LOCAL = frozenset({"games_per_slot", "venue_unavailable"})


def locality(constraint: object) -> str:
    """'team', 'slot' or 'global' (see the module docstring) for one constraint."""
    kind = getattr(constraint, "type", "")
    if kind in TEAM_LOCAL:
        return "team"
    if kind in SLOT_LOCAL or (kind == "CA4" and getattr(constraint, "mode2", "") == "EVERY"):
        return "slot"
    return "global"


@dataclass(frozen=True)
class ScoreChange:
    """A move's change in the validator's hard infeasibility (structural problems included) and
    in its soft penalty (weight x deviation of the soft constraints)."""

    infeasibility: int
    soft_penalty: int


class MoveScorer:
    """Scores moves on one instance's schedules (see the module docstring)."""

    def __init__(self, instance: Instance, max_share: float = 0.5):
        self.instance = instance
        self.max_teams = max_share * instance.n_teams
        groups: dict[str, list] = {"team": [], "slot": [], "global": []}
        for c in instance.constraints:
            if c.type not in RULES:  # pragma: no cover - the catalog and RULES are kept in step
                raise ValueError(f"no validation rule for constraint family '{c.type}'")
            groups[locality(c)].append(c)
        self.hard = [c for c in instance.constraints if c.hard]
        self.soft = [c for c in instance.constraints if not c.hard]
        self.team_rules = groups["team"]
        self.slot_rules = groups["slot"]
        self.global_rules = groups["global"]

    def change(
        self, old: Sequence[Game], new: Sequence[Game], changed: Sequence[tuple[Game, Game]]
    ) -> ScoreChange | None:
        """The change from ``old`` to ``new``, where ``new`` is ``old`` with the games ``changed``
        (pairs old game, new game) replaced and everything else the same. None when the caller
        should validate instead: a changed game is malformed (an unknown team, slot or venue: the
        validator drops such games, which breaks the counting above), or the move touches more
        than ``max_share`` of the teams (two partial evaluations would cost more than one
        validation)."""
        if malformed_games(self.instance, [g for pair in changed for g in pair])[1]:
            return None
        teams = {t for a, b in changed for t in (a.home, a.away, b.home, b.away)}
        if len(teams) > self.max_teams:
            return None  # most of the schedule: a validation costs less than two partial ones
        inf = soft = 0
        # structural problems and team-local rules: the games of the touched teams
        before = self._season([g for g in old if g.home in teams or g.away in teams], teams)
        after = self._season([g for g in new if g.home in teams or g.away in teams], teams)
        inf += len(structural_problems(after)) - len(structural_problems(before))
        d_inf, d_soft = self._rules(self.team_rules, before, after)
        inf, soft = inf + d_inf, soft + d_soft
        if self.slot_rules:
            slots = {g.slot for pair in changed for g in pair}
            before = self._season([g for g in old if g.slot in slots])
            after = self._season([g for g in new if g.slot in slots])
            d_inf, d_soft = self._rules(self.slot_rules, before, after)
            inf, soft = inf + d_inf, soft + d_soft
        if self.global_rules:
            d_inf, d_soft = self._rules(self.global_rules, self._season(old), self._season(new))
            inf, soft = inf + d_inf, soft + d_soft
        return ScoreChange(infeasibility=inf, soft_penalty=soft)

    def exceeds(self, games: Sequence[Game], infeasibility: int, soft_penalty: int | None) -> bool:
        """Whether the schedule ``games`` is worse than the bounds: its hard infeasibility (structural
        problems included) is above ``infeasibility``, or equal to it and its soft penalty above
        ``soft_penalty`` (None: the soft penalty does not count). The validator's sums, stopped as
        soon as a bound is passed (every term is >= 0): for a move too large for :meth:`change`."""
        ok, problems = malformed_games(self.instance, list(games))
        inf = len(problems)
        season = Season(self.instance, ok)
        inf += len(structural_problems(season))
        if inf > infeasibility:
            return True
        for c in self.hard:
            inf += c.weight * RULES[c.type](c, season)[0]
            if inf > infeasibility:
                return True
        if inf < infeasibility or soft_penalty is None:
            return False
        soft = 0
        for c in self.soft:
            soft += c.weight * RULES[c.type](c, season)[0]
            if soft > soft_penalty:
                return True
        return soft > soft_penalty

    def _season(self, games: Sequence[Game], focus: set[str] | None = None) -> Season:
        """The validator's view of ``games`` (its malformed ones dropped, as ``validate`` does)."""
        return Season(self.instance, malformed_games(self.instance, list(games))[0], focus)

    @staticmethod
    def _rules(constraints: list, before: Season, after: Season) -> tuple[int, int]:
        inf = soft = 0
        for c in constraints:
            rule = RULES[c.type]
            diff = c.weight * (rule(c, after)[0] - rule(c, before)[0])
            if c.hard:
                inf += diff
            else:
                soft += diff
        return inf, soft
