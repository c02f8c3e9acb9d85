"""Encode a compact double round robin's constraints as flat arrays for the annealing kernel.

Most ITC2021 families are *counts*: a number of cells of the timetable that satisfy a test, kept
between ``lo`` and ``hi`` (deviation = ``max(0, count - hi) + max(0, lo - count)``). A cell is
``(team t, slot s)`` and holds ``S[t, s]`` (``+(o + 1)``: t hosts o, ``-(o + 1)``: t plays at o).
A *term* is one cell with a test (each distinct one once, feeding every count that uses it):

- a game term: t is at home (mode H) / away (A) / either (HA) and its opponent is in ``mask``;
- a break term: t is at home (H) / away (A) / either (HA) in both s - 1 and s.

So CA1 is one count per team (its home or away cells in the slots), CA2 one count per team of
``teams1`` (cells whose opponent is in ``teams2``), CA3 one count per team and window, CA4 one count
(GLOBAL) or one per slot (EVERY) over the cells of ``teams1`` against ``teams2`` (HA counts a game
from both sides, as the ITC2021 rules do), GA1 one count of (home, away) cells, BR1 one count per
team, BR2 one over all teams, and for phased formats one hard count per pair (exactly one meeting in
the first half). SE1 (per pair: slots between the two meetings) and FA2 (per pair: the largest
difference of home games played) are not counts; they get pair entries of their own.

The deviations are those of :mod:`flextime.validate.rules`; the tests compare both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from flextime.domain.constraints import BR1, BR2, CA1, CA2, CA3, CA4, FA2, GA1, SE1
from flextime.domain.model import Instance, RoundRobin

FAMILIES = ("CA1", "CA2", "CA3", "CA4", "GA1", "BR1", "BR2", "FA2", "SE1")
MODE = {"HA": 0, "H": 1, "A": 2}
NO_MAX = 1 << 40


class NotEncodable(ValueError):
    """The instance is not a compact double round robin with ITC2021 families only."""


def encodable(instance: Instance) -> list[str]:
    """Why the annealer cannot take this instance (empty: it can)."""
    why = []
    f = instance.format
    if not isinstance(f, RoundRobin) or not f.compact or f.rounds != 2:
        why.append("not a compact double round robin")
    elif f.mirrored:
        why.append("mirrored (the moves do not keep the mirror)")
    if instance.n_teams % 2 or instance.n_slots != 2 * (instance.n_teams - 1):
        why.append("odd number of teams or not 2(n-1) slots")
    if instance.n_teams > 62:
        why.append("more than 62 teams (opponent sets are 64-bit masks)")
    other = sorted({c.type for c in instance.constraints if c.type not in FAMILIES})
    if other:
        why.append(f"families the annealer does not evaluate: {', '.join(other)}")
    return why


@dataclass
class Encoded:
    """Flat arrays of one instance (see the module docstring); built by :func:`encode`."""

    n: int
    R: int
    phased: bool
    # count constraints
    con_lo: np.ndarray
    con_hi: np.ndarray
    con_w: np.ndarray
    con_hard: np.ndarray
    con_family: list[str]
    con_ids: list[str]
    # terms
    term_t: np.ndarray
    term_s: np.ndarray
    term_mask: np.ndarray
    term_mode: np.ndarray
    term_brk: np.ndarray
    term_ptr: np.ndarray
    term_cons: np.ndarray
    cell_ptr: np.ndarray
    cell_terms: np.ndarray
    # SE1 pair entries (i < j)
    se_i: np.ndarray
    se_j: np.ndarray
    se_min: np.ndarray
    se_w: np.ndarray
    se_hard: np.ndarray
    pair_ptr: np.ndarray
    pair_se: np.ndarray
    # FA2 pair entries
    fa_i: np.ndarray
    fa_j: np.ndarray
    fa_intp: np.ndarray
    fa_w: np.ndarray
    fa_hard: np.ndarray
    fa_slots: np.ndarray
    team_ptr: np.ndarray
    team_fa: np.ndarray
    notes: list[str] = field(default_factory=list)

    @property
    def n_terms(self) -> int:
        return len(self.term_t)

    def kernel_args(self) -> tuple:
        """The arrays in the order :func:`flextime.engine.anneal.kernel.anneal` takes them."""
        return (
            self.con_lo,
            self.con_hi,
            self.con_w,
            self.con_hard,
            self.term_t,
            self.term_s,
            self.term_mask,
            self.term_mode,
            self.term_brk,
            self.term_ptr,
            self.term_cons,
            self.cell_ptr,
            self.cell_terms,
            self.se_i,
            self.se_j,
            self.se_min,
            self.se_w,
            self.se_hard,
            self.pair_ptr,
            self.pair_se,
            self.fa_i,
            self.fa_j,
            self.fa_intp,
            self.fa_w,
            self.fa_hard,
            self.fa_slots,
            self.team_ptr,
            self.team_fa,
        )


class _Builder:
    def __init__(self, n: int, R: int) -> None:
        self.n, self.R = n, R
        self.con: list[tuple[int, int, int, int, str, str]] = []
        # one term per distinct (t, s, mask, mode, brk), with the counts it feeds (tested once)
        self.terms: dict[tuple[int, int, int, int, int], int] = {}
        self.term_cons: list[list[int]] = []

    def _term(self, key: tuple[int, int, int, int, int], k: int) -> None:
        tid = self.terms.setdefault(key, len(self.terms))
        if tid == len(self.term_cons):
            self.term_cons.append([])
        self.term_cons[tid].append(k)

    def count(self, lo: int, hi: int | None, weight: int, hard: bool, family: str, cid: str) -> int:
        self.con.append((lo, NO_MAX if hi is None else hi, weight, int(hard), family, cid))
        return len(self.con) - 1

    def game(self, k: int, t: int, s: int, opponents: Iterable[int], mode: str) -> None:
        mask = 0
        for o in opponents:
            if o != t:
                mask |= 1 << o
        if mask:
            self._term((t, s, mask, MODE[mode], 0), k)

    def brk(self, k: int, t: int, s: int, mode: str) -> None:
        if s >= 1:
            self._term((t, s, 0, MODE[mode], 1), k)


def encode(instance: Instance) -> Encoded:  # noqa: C901 - one branch per family
    """The arrays of ``instance`` (raises :class:`NotEncodable` when :func:`encodable` objects)."""
    why = encodable(instance)
    if why:
        raise NotEncodable("; ".join(why))
    n, R = instance.n_teams, instance.n_slots
    ix = instance.team_index
    b = _Builder(n, R)
    se: list[tuple[int, int, int, int, int]] = []
    fa: list[tuple[int, int, int, int, int, list[int]]] = []
    for c in instance.constraints:
        w = c.weight
        if isinstance(c, CA1):
            for t in (ix[x] for x in c.teams):
                k = b.count(c.min, c.max, w, c.hard, c.type, c.id)
                for s in sorted(set(c.slots)):
                    b.game(k, t, s, range(n), c.mode)
        elif isinstance(c, CA2):
            t2 = [ix[x] for x in c.teams2]
            for i in (ix[x] for x in c.teams1):
                k = b.count(c.min, c.max, w, c.hard, c.type, c.id)
                for s in sorted(set(c.slots)):
                    b.game(k, i, s, t2, c.mode1)
        elif isinstance(c, CA3):
            t2 = [ix[x] for x in c.teams2]
            for i in (ix[x] for x in c.teams1):
                for s0 in range(R - c.intp + 1):
                    k = b.count(c.min, c.max, w, c.hard, c.type, c.id)
                    for s in range(s0, s0 + c.intp):
                        b.game(k, i, s, t2, c.mode1)
        elif isinstance(c, CA4):
            t1 = sorted({ix[x] for x in c.teams1})  # a set, as the validator's
            t2 = [ix[x] for x in c.teams2]
            slots = sorted(set(c.slots))
            groups = [slots] if c.mode2 == "GLOBAL" else [[s] for s in slots]
            for group in groups:
                k = b.count(c.min, c.max, w, c.hard, c.type, c.id)
                for s in group:
                    for i in t1:
                        b.game(k, i, s, t2, c.mode1)
        elif isinstance(c, GA1):
            k = b.count(c.min, c.max, w, c.hard, c.type, c.id)
            for h, a in c.meetings:
                for s in sorted(set(c.slots)):
                    b.game(k, ix[h], s, [ix[a]], "H")
        elif isinstance(c, BR1):
            for t in (ix[x] for x in c.teams):
                k = b.count(0, c.intp, w, c.hard, c.type, c.id)
                for s in sorted(set(c.slots)):
                    b.brk(k, t, s, c.mode2)
        elif isinstance(c, BR2):
            k = b.count(0, c.intp, w, c.hard, c.type, c.id)
            for t in sorted({ix[x] for x in c.teams}):  # each team once, as the validator's
                for s in sorted(set(c.slots)):
                    b.brk(k, t, s, "HA")
        elif isinstance(c, SE1):
            for i, j in combinations(sorted(ix[x] for x in c.teams), 2):
                if i != j:  # a team listed twice is no pair (repeated pairs count twice, as validated)
                    se.append((i, j, c.min, w, int(c.hard)))
        elif isinstance(c, FA2):
            slots = sorted(set(c.slots))
            for i, j in combinations([ix[x] for x in c.teams], 2):
                fa.append((i, j, c.intp, w, int(c.hard), slots))
    phased = bool(getattr(instance.format, "phased", False))
    if phased:
        half = R // 2
        for i, j in combinations(range(n), 2):
            k = b.count(1, 1, 1, True, "phased", "format.phased")
            for s in range(half):
                b.game(k, i, s, [j], "HA")
    return _arrays(b, n, R, phased, se, fa)


def _csr(groups: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """(ptr, flat): group g's items are ``flat[ptr[g]:ptr[g + 1]]``."""
    ptr = np.zeros(len(groups) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(g) for g in groups])
    return ptr, np.array([x for g in groups for x in g], dtype=np.int64)


def _arrays(
    b: _Builder,
    n: int,
    R: int,
    phased: bool,
    se: list[tuple[int, int, int, int, int]],
    fa: list[tuple[int, int, int, int, int, list[int]]],
) -> Encoded:
    i64 = np.int64
    terms = list(b.terms)  # keys in id order
    term_t = np.array([x[0] for x in terms], dtype=i64)
    term_s = np.array([x[1] for x in terms], dtype=i64)
    term_brk = np.array([x[4] for x in terms], dtype=i64)
    # a game term lives in its cell; a break term in (t, s) and (t, s - 1)
    cells: list[list[int]] = [[] for _ in range(n * R)]
    for k, (t, s, _mask, _mode, brk) in enumerate(terms):
        cells[t * R + s].append(k)
        if brk:
            cells[t * R + s - 1].append(k)
    cell_ptr, cell_terms = _csr(cells)
    pairs: list[list[int]] = [[] for _ in range(n * n)]
    for e, (i, j, *_rest) in enumerate(se):
        pairs[i * n + j].append(e)
        pairs[j * n + i].append(e)
    pair_ptr, pair_se = _csr(pairs)
    by_team: list[list[int]] = [[] for _ in range(n)]
    for e, entry in enumerate(fa):
        by_team[entry[0]].append(e)
        by_team[entry[1]].append(e)
    team_ptr, team_fa = _csr(by_team)
    term_ptr, term_cons = _csr(b.term_cons)
    # the five integer columns (i, j, bound, weight, hard) of the SE1 and FA2 pair entries
    se_cols = [np.array([x[c] for x in se], dtype=i64) for c in range(5)]
    fa_cols = [np.array([x[c] for x in fa], dtype=i64) for c in range(5)]
    fa_slots = np.zeros((max(1, len(fa)), R), dtype=i64)
    for e, entry in enumerate(fa):
        fa_slots[e, entry[5]] = 1
    return Encoded(
        n=n,
        R=R,
        phased=phased,
        con_lo=np.array([c[0] for c in b.con], dtype=i64),
        con_hi=np.array([c[1] for c in b.con], dtype=i64),
        con_w=np.array([c[2] for c in b.con], dtype=i64),
        con_hard=np.array([c[3] for c in b.con], dtype=i64),
        con_family=[c[4] for c in b.con],
        con_ids=[c[5] for c in b.con],
        term_t=term_t,
        term_s=term_s,
        term_mask=np.array([x[2] for x in terms], dtype=i64),
        term_mode=np.array([x[3] for x in terms], dtype=i64),
        term_brk=term_brk,
        term_ptr=term_ptr,
        term_cons=term_cons,
        cell_ptr=cell_ptr,
        cell_terms=cell_terms,
        se_i=se_cols[0],
        se_j=se_cols[1],
        se_min=se_cols[2],
        se_w=se_cols[3],
        se_hard=se_cols[4],
        pair_ptr=pair_ptr,
        pair_se=pair_se,
        fa_i=fa_cols[0],
        fa_j=fa_cols[1],
        fa_intp=fa_cols[2],
        fa_w=fa_cols[3],
        fa_hard=fa_cols[4],
        fa_slots=fa_slots,
        team_ptr=team_ptr,
        team_fa=team_fa,
    )
