"""The CP-SAT model skeleton: sparse game variables and cached helper expressions.

``x[(h, a, s)]`` is a BoolVar that is 1 when team ``h`` hosts team ``a`` in slot ``s`` (team and
slot indices). Variables are only created for games that no hard rule forbids (see
:class:`Forbidden`): a hard ``TeamUnavailable`` on Sundays simply leaves that team without
variables on Sunday slots.

Helper literals (``home_lit``, ``plays_lit``, breaks, cumulative counters) are created lazily and
cached, so families share them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model, cp_model_helper

from flextime.domain.model import Instance, RoundRobin

Lit = cp_model.IntVar | cp_model_helper.Literal | int  # a 0/1 variable (or its negation) or a constant 0/1
Expr = cp_model.LinearExpr | int  # a linear expression over the model (IntVar is one) or a constant


@dataclass
class Penalty:
    """A named soft term: the objective adds ``weight * deviation``."""

    constraint_id: str
    label: str
    weight: int
    deviation: Expr
    family: str = ""


class Forbidden:
    """Games that hard rules exclude, collected before any variable is created."""

    def __init__(self) -> None:
        self.home: set[tuple[int, int]] = set()  # (team, slot): no home game
        self.away: set[tuple[int, int]] = set()  # (team, slot): no away game
        self.games: set[tuple[int, int, int]] = set()  # (home, away, slot)
        self.pairs: set[tuple[int, int]] = set()  # (home, away) in no slot

    def forbid_home(self, team: int, slots: Iterable[int]) -> None:
        self.home.update((team, s) for s in slots)

    def forbid_away(self, team: int, slots: Iterable[int]) -> None:
        self.away.update((team, s) for s in slots)

    def forbid_game(self, h: int, a: int, slots: Iterable[int]) -> None:
        self.games.update((h, a, s) for s in slots)

    def allowed(self, h: int, a: int, s: int) -> bool:
        return not (
            (h, s) in self.home or (a, s) in self.away or (h, a) in self.pairs or (h, a, s) in self.games
        )


@dataclass
class BuiltModel:
    """A CP-SAT model for one instance plus everything needed to read a solution back."""

    instance: Instance
    model: cp_model.CpModel
    x: dict[tuple[int, int, int], cp_model.IntVar]
    penalties: list[Penalty] = field(default_factory=list)
    travel: Expr | None = None
    objective: Expr = 0
    notes: list[str] = field(default_factory=list)
    # game variables a hard rule fixed to 1 (hard FixedGame with a slot, e.g. locks): the travel
    # model knows where both teams are in that slot
    fixed: set[tuple[int, int, int]] = field(default_factory=set)
    _home: list[list[list[cp_model.IntVar]]] = field(default_factory=list, repr=False)
    _away: list[list[list[cp_model.IntVar]]] = field(default_factory=list, repr=False)
    _cache: dict[tuple, object] = field(default_factory=dict, repr=False)

    # ---- construction -------------------------------------------------------------------
    @classmethod
    def create(cls, instance: Instance, forbidden: Forbidden | None = None) -> BuiltModel:
        forbidden = forbidden or Forbidden()
        model = cp_model.CpModel()
        model.name = instance.name
        n, n_slots = instance.n_teams, instance.n_slots
        x: dict[tuple[int, int, int], cp_model.IntVar] = {}
        home: list[list[list[cp_model.IntVar]]] = [[[] for _ in range(n_slots)] for _ in range(n)]
        away: list[list[list[cp_model.IntVar]]] = [[[] for _ in range(n_slots)] for _ in range(n)]
        for s in range(n_slots):
            for h in range(n):
                for a in range(n):
                    if h != a and forbidden.allowed(h, a, s):
                        v = model.new_bool_var(f"x_{h}_{a}_{s}")
                        x[(h, a, s)] = v
                        home[h][s].append(v)
                        away[a][s].append(v)
        return cls(instance=instance, model=model, x=x, _home=home, _away=away)

    # ---- sizes ---------------------------------------------------------------------------
    @property
    def n(self) -> int:
        return self.instance.n_teams

    @property
    def n_slots(self) -> int:
        return self.instance.n_slots

    @property
    def compact(self) -> bool:
        return self.instance.compact

    def team(self, team_id: str) -> int:
        return self.instance.team_index[team_id]

    def teams(self, team_ids: Sequence[str]) -> list[int]:
        """Indices of the given teams; an empty list means every team."""
        if not team_ids:
            return list(range(self.n))
        return [self.instance.team_index[t] for t in team_ids]

    # ---- raw game variables ----------------------------------------------------------------
    def var(self, h: int, a: int, s: int) -> cp_model.IntVar | None:
        return self.x.get((h, a, s))

    def home_vars(self, t: int, s: int) -> list[cp_model.IntVar]:
        return self._home[t][s]

    def away_vars(self, t: int, s: int) -> list[cp_model.IntVar]:
        return self._away[t][s]

    def game_vars(self, t: int, s: int, mode: str = "HA") -> list[cp_model.IntVar]:
        """Games of ``t`` in ``s``: hosted (H), away (A) or either (HA)."""
        if mode == "H":
            return self._home[t][s]
        if mode == "A":
            return self._away[t][s]
        return self._home[t][s] + self._away[t][s]

    def vs_vars(self, t: int, others: set[int], s: int, mode: str = "HA") -> list[cp_model.IntVar]:
        """Games of ``t`` against a team in ``others`` in slot ``s`` (t as H, A or either)."""
        out: list[cp_model.IntVar] = []
        if mode in ("H", "HA"):
            out += [v for o in others if o != t and (v := self.x.get((t, o, s))) is not None]
        if mode in ("A", "HA"):
            out += [v for o in others if o != t and (v := self.x.get((o, t, s))) is not None]
        return out

    def meet_vars(self, a: int, b: int, s: int) -> list[cp_model.IntVar]:
        return [v for v in (self.x.get((a, b, s)), self.x.get((b, a, s))) if v is not None]

    def slot_vars(self, s: int) -> list[cp_model.IntVar]:
        return [v for t in range(self.n) for v in self._home[t][s]]

    # ---- cached literals -------------------------------------------------------------------
    def _lit_of(self, key: tuple, terms: list[cp_model.IntVar]) -> Lit:
        if not terms:
            return 0
        if len(terms) == 1:
            return terms[0]
        if key in self._cache:
            return self._cache[key]  # type: ignore[return-value]
        b = self.model.new_bool_var("_".join(map(str, key)))
        self.model.add(b == sum(terms))
        self._cache[key] = b
        return b

    def home_lit(self, t: int, s: int) -> Lit:
        return self._lit_of(("home", t, s), self._home[t][s])

    def away_lit(self, t: int, s: int) -> Lit:
        if self.compact:
            h = self.home_lit(t, s)
            return 1 - h if isinstance(h, int) else h.Not()
        return self._lit_of(("away", t, s), self._away[t][s])

    def plays_lit(self, t: int, s: int) -> Lit:
        if self.compact:
            return 1
        return self._lit_of(("plays", t, s), self._home[t][s] + self._away[t][s])

    def status_lit(self, t: int, s: int, mode: str) -> Lit:
        return {"H": self.home_lit, "A": self.away_lit, "HA": self.plays_lit}[mode](t, s)

    # ---- boolean algebra on literals ------------------------------------------------------
    def new_and(self, lits: Sequence[Lit], name: str = "and") -> Lit:
        """A literal equal to the conjunction of ``lits`` (constants folded)."""
        rest = []
        for lit in lits:
            if isinstance(lit, int):
                if lit == 0:
                    return 0
                continue
            rest.append(lit)
        if not rest:
            return 1
        if len(rest) == 1:
            return rest[0]
        key = ("and", *sorted(lit.Index() for lit in rest))
        if key in self._cache:
            return self._cache[key]  # type: ignore[return-value]
        b = self.model.new_bool_var(name)
        for lit in rest:
            self.model.add_implication(b, lit)
        self.model.add_bool_or([b] + [lit.Not() for lit in rest])
        self._cache[key] = b
        return b

    def new_or(self, lits: Sequence[Lit], name: str = "or") -> Lit:
        rest = []
        for lit in lits:
            if isinstance(lit, int):
                if lit == 1:
                    return 1
                continue
            rest.append(lit)
        if not rest:
            return 0
        if len(rest) == 1:
            return rest[0]
        b = self.model.new_bool_var(name)
        for lit in rest:
            self.model.add_implication(lit, b)
        self.model.add_bool_or([b.Not(), *rest])
        return b

    # ---- derived quantities -----------------------------------------------------------------
    def home_break(self, t: int, s: int) -> Lit:
        """A home break counted at ``s``: home in ``s`` and home in the previous game (compact:
        slot ``s-1``; otherwise the team's previous game, byes skipped)."""
        return self._break(t, s, "H")

    def away_break(self, t: int, s: int) -> Lit:
        return self._break(t, s, "A")

    def _break(self, t: int, s: int, mode: str) -> Lit:
        now = self.status_lit(t, s, mode)
        before = self.status_lit(t, s - 1, mode) if self.compact else self.last_status(t, s - 1, mode)
        return self.new_and([before, now], f"br{mode}_{t}_{s}")

    def last_status(self, t: int, s: int, mode: str) -> Lit:
        """Non-compact: the team's latest game in slots 0..s was of kind ``mode`` (H or A)."""
        if s < 0:
            return 0
        key = ("last", mode, t, s)
        if key in self._cache:
            return self._cache[key]  # type: ignore[return-value]
        now = self.status_lit(t, s, mode)
        play = self.plays_lit(t, s)
        bye = 1 - play if isinstance(play, int) else play.Not()
        carried = self.new_and([bye, self.last_status(t, s - 1, mode)])
        lit = self.new_or([now, carried], f"last{mode}_{t}_{s}")
        self._cache[key] = lit
        return lit

    def cum_home(self, t: int, s: int) -> Expr:
        """Home games of ``t`` in slots 0..s (an IntVar chained slot by slot)."""
        return self._cumulative("cumh", t, s, self.home_lit)

    def cum_plays(self, t: int, s: int) -> Expr:
        """Games of ``t`` in slots 0..s (-1 gives 0)."""
        if s < 0:
            return 0
        if self.compact:
            return s + 1
        return self._cumulative("cump", t, s, self.plays_lit)

    def _cumulative(self, tag: str, t: int, s: int, lit_fn) -> Expr:
        if s < 0:
            return 0
        key = (tag, t, s)
        if key in self._cache:
            return self._cache[key]  # type: ignore[return-value]
        prev = self._cumulative(tag, t, s - 1, lit_fn)
        c = self.model.new_int_var(0, s + 1, f"{tag}_{t}_{s}")
        self.model.add(c == prev + lit_fn(t, s))
        self._cache[key] = c
        return c

    def games_before_at_least(self, t: int, s: int, j: int) -> Lit:
        """Literal: team ``t`` played at least ``j`` games in slots 0..s-1 (non-compact play)."""
        if j <= 0:
            return 1
        if j > s:
            return 0
        key = ("ge", t, s, j)
        if key in self._cache:
            return self._cache[key]  # type: ignore[return-value]
        before = self.cum_plays(t, s - 1)
        b = self.model.new_bool_var(f"ge_{t}_{s}_{j}")
        self.model.add(before >= j).OnlyEnforceIf(b)
        self.model.add(before <= j - 1).OnlyEnforceIf(b.Not())
        self._cache[key] = b
        return b

    def ordered_multiplicity(self) -> int | None:
        """How often each ordered pair meets, when the format fixes it (1 for a DRR)."""
        f = self.instance.format
        if isinstance(f, RoundRobin) and f.rounds % 2 == 0:
            return f.rounds // 2
        return None

    def infeasible(self, reason: str) -> None:
        """Make the model infeasible on purpose (e.g. a fixed game that hard rules forbid)."""
        self.notes.append(f"infeasible: {reason}")
        self.model.add_bool_or([])

    def slot_dates_ok(self) -> bool:
        return self.instance.dated
