"""Why a season cannot be scheduled: a small conflicting set of constraints, in plain words.

``explain_infeasibility(instance)`` answers with an :class:`Explanation`:

1. the counting checks of :mod:`flextime.engine.presolve` run first (no model needed);
2. otherwise an *explanation model* is built: the format stays hard, every hard user constraint
   (and every lock) is added in its soft form, and one assumption literal per constraint forces
   its deviation to 0. Hard pruning is not used here, so every constraint is represented by its
   literal. CP-SAT's ``SufficientAssumptionsForInfeasibility`` gives a core;
3. the core is shrunk by deletion (drop a member; still infeasible -> it was not needed). When every
   remaining member was shown necessary (the rest is feasible without it) the core is a proven
   minimal conflicting set (``minimal=True``); a time-out leaves it unproven;
4. for each member: does dropping (or softening) it alone restore feasibility of the whole season?

Everything runs within ``time_budget_s``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Literal

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field

from flextime.domain.constraints import (
    CA1,
    Constraint,
    FixedGame,
    ForbiddenMatchup,
    RequiredMatchup,
    TeamUnavailable,
    VenueUnavailable,
    constraint_team_refs,
)
from flextime.domain.model import Game, Instance
from flextime.engine.families import adder
from flextime.engine.locks import Lock, is_lock, with_constraints, with_locks
from flextime.engine.presolve import Conflict, presolve_conflicts
from flextime.engine.structure import add_structure
from flextime.engine.variables import BuiltModel, Expr, Forbidden

__all__ = [
    "Conflict",
    "CoreConstraint",
    "Explanation",
    "ExplanationModel",
    "Relaxation",
    "constraint_slots",
    "constraint_teams",
    "describe",
    "explain_infeasibility",
    "presolve_conflicts",
    "render_explanation",
]

CheckStatus = Literal["FEASIBLE", "INFEASIBLE", "UNKNOWN"]


class CoreConstraint(BaseModel):
    """One member of the conflicting set."""

    model_config = ConfigDict(frozen=True)

    constraint_id: str
    label: str
    hard: bool = True
    family: str = Field(description="The constraint type, or 'lock' for a locked game.")
    teams: list[str] = Field(default_factory=list, description="Teams named (empty: all teams).")
    slots: list[str] = Field(default_factory=list, description="Slots named, as 'Sun 2027-02-07'.")


class Relaxation(BaseModel):
    """Whether dropping / softening one core member alone makes the season feasible.

    ``restores_feasibility`` is True only when a feasible schedule was found; ``proven`` says whether
    the answer was decided (False: the time budget ran out first). For ``soften``,
    ``min_violation`` is the least deviation of that constraint any feasible schedule needs.
    """

    model_config = ConfigDict(frozen=True)

    constraint_id: str
    label: str = ""
    action: Literal["drop", "soften"]
    restores_feasibility: bool
    proven: bool = True
    min_violation: int | None = None
    detail: str = ""


class Explanation(BaseModel):
    """The answer of :func:`explain_infeasibility`."""

    instance: str = ""
    feasible: bool
    status: Literal["feasible", "infeasible", "unknown"]
    source: Literal["presolve", "solver"]
    core: list[CoreConstraint] = Field(default_factory=list)
    minimal: bool = Field(False, description="True when every core member was proven necessary.")
    text: str = Field("", description="The conflict in one line: 'label (hard) + label (hard)'.")
    reason: str = Field("", description="Why these cannot hold together (counting checks), if known.")
    relaxations: list[Relaxation] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list, description="All counting conflicts found.")
    seconds: float = 0.0
    timings: dict[str, float] = Field(default_factory=dict)

    @property
    def core_ids(self) -> set[str]:
        return {c.constraint_id for c in self.core}


# ---- words ----------------------------------------------------------------------------------

_PLURAL = {
    "Mon": "Mondays",
    "Tue": "Tuesdays",
    "Wed": "Wednesdays",
    "Thu": "Thursdays",
    "Fri": "Fridays",
    "Sat": "Saturdays",
    "Sun": "Sundays",
}


def constraint_teams(c: Constraint) -> list[str]:
    """Teams a constraint names, in order, without repeats (empty: it applies to every team)."""
    return list(dict.fromkeys(team for _, team in constraint_team_refs(c)))


def constraint_slots(instance: Instance, c: Constraint) -> list[int]:
    """Slot indices a constraint names (dates and weekdays resolved)."""
    if isinstance(c, FixedGame):
        s = instance.fixed_slot(c)
        return [] if s is None else [s]
    if any(getattr(c, f, None) for f in ("dates", "weekdays")):
        return instance.resolve_slots(c)
    return sorted({s for s in getattr(c, "slots", None) or [] if 0 <= s < instance.n_slots})


def _when(instance: Instance, c: Constraint) -> str:
    parts = [_PLURAL[w] for w in getattr(c, "weekdays", None) or []]
    days = [
        instance.slots[s].display
        for s in sorted(set(getattr(c, "slots", None) or []))
        if 0 <= s < instance.n_slots
    ]
    days += [d.isoformat() for d in getattr(c, "dates", None) or []]
    if len(days) > 4:
        days = [*days[:3], f"{len(days) - 3} more dates"]
    return ", ".join(parts + days) or "no date"


def describe(instance: Instance, c: Constraint) -> str:
    """The constraint's label, or a plain sentence generated from its fields."""
    if c.label:
        return c.label
    if isinstance(c, FixedGame):
        s = instance.fixed_slot(c)
        if s is None:
            return f"{c.home} hosts {c.away}"
        return f"{c.home} vs {c.away} fixed on {instance.slots[s].display}"
    if isinstance(c, TeamUnavailable):
        kind = {"any": "play", "home": "play at home", "away": "play away"}[c.mode]
        return f"{c.team} may not {kind} on {_when(instance, c)}"
    if isinstance(c, VenueUnavailable):
        return f"{c.venue} is unavailable on {_when(instance, c)}"
    if isinstance(c, RequiredMatchup):
        return f"{c.team_a} and {c.team_b} meet at least {c.min_meetings} time(s)"
    if isinstance(c, ForbiddenMatchup):
        if c.max_meetings == 0:
            return f"{c.team_a} and {c.team_b} may not meet"
        return f"{c.team_a} and {c.team_b} meet at most {c.max_meetings} time(s)"
    if isinstance(c, CA1):
        what = {"H": "home games", "A": "away games", "HA": "games"}[c.mode]
        bound = f"at most {c.max}" if c.min == 0 else f"{c.min} to {c.max}"
        return f"{', '.join(c.teams)} play {bound} {what} on {_when(instance, c)}"
    return c.display


def _core_item(instance: Instance, c: Constraint) -> CoreConstraint:
    return CoreConstraint(
        constraint_id=c.id,
        label=describe(instance, c),
        hard=c.hard,
        family="lock" if is_lock(c.id) else c.type,
        teams=constraint_teams(c),
        slots=[instance.slots[s].display for s in constraint_slots(instance, c)],
    )


def _sentence(core: Sequence[CoreConstraint]) -> str:
    return " + ".join(f"{c.label} ({'lock' if c.family == 'lock' else 'hard'})" for c in core)


# ---- the explanation model -----------------------------------------------------------------


class ExplanationModel:
    """The format (hard) plus every hard constraint in soft form behind its own literal.

    ``check(active, seconds)`` decides whether the constraints with ids in ``active`` can hold
    together (the others are switched off) and, when they cannot, returns a sufficient subset.
    """

    def __init__(self, instance: Instance, workers: int = 2):
        self.instance = instance
        self.workers = workers
        self.built = BuiltModel.create(instance, Forbidden())  # no pruning: every rule stays visible
        add_structure(self.built)
        m = self.built.model
        self.constraints: dict[str, Constraint] = {}
        self.lits: dict[str, cp_model.IntVar] = {}
        self.devs: dict[str, list[Expr]] = {}
        for c in instance.constraints:
            if not c.hard:
                continue  # soft constraints never make a season infeasible
            soft = c.model_copy(update={"hard": False, "weight": 1})
            penalties = adder(c.type)(self.built, soft)
            lit = m.new_bool_var(f"use_{c.id}")
            devs: list[Expr] = []
            for p in penalties:
                if isinstance(p.deviation, int):
                    if p.deviation:
                        m.add_bool_or([lit.Not()])
                    continue
                m.add(p.deviation <= 0).OnlyEnforceIf(lit)
                devs.append(p.deviation)
            self.constraints[c.id] = c
            self.lits[c.id] = lit
            self.devs[c.id] = devs
        self._by_index = {lit.Index(): cid for cid, lit in self.lits.items()}

    @property
    def ids(self) -> list[str]:
        return list(self.lits)

    def _solver(self, seconds: float, presolve: bool = True) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        solver.parameters.cp_model_presolve = presolve
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        solver.parameters.num_workers = self.workers
        solver.parameters.random_seed = 0
        if self.workers == 2:
            # On small machines the no-LP worker finds schedules far sooner; the LP one proves cores.
            solver.parameters.subsolvers.extend(["no_lp", "default_lp"])
        return solver

    def check(
        self, active: Sequence[str], seconds: float, presolve: bool = True
    ) -> tuple[CheckStatus, list[str]]:
        """(status, core ids when INFEASIBLE) with exactly the ``active`` constraints enforced.

        ``presolve=False`` skips CP-SAT's presolve: on a large season model a conflict visible by
        propagation is then found several times sooner."""
        m = self.built.model
        m.clear_assumptions()
        m.add_assumptions([self.lits[cid] for cid in active])
        solver = self._solver(seconds, presolve)
        code = solver.Solve(m)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return "FEASIBLE", []
        if code == cp_model.INFEASIBLE:
            core = [
                self._by_index[i]
                for i in solver.SufficientAssumptionsForInfeasibility()
                if i in self._by_index
            ]
            order = {cid: k for k, cid in enumerate(active)}
            return "INFEASIBLE", sorted(set(core) & set(active), key=order.__getitem__)
        return "UNKNOWN", []

    def min_violation(self, cid: str, active: Sequence[str], seconds: float) -> int | None:
        """The least total deviation of ``cid`` over schedules meeting every ``active`` constraint."""
        devs = self.devs.get(cid) or []
        if not devs:
            return None
        m = self.built.model
        m.clear_assumptions()
        m.add_assumptions([self.lits[x] for x in active if x != cid])
        m.minimize(sum(devs))
        try:
            solver = self._solver(seconds)
            code = solver.Solve(m)
            if code == cp_model.OPTIMAL:
                return round(solver.ObjectiveValue())
            return None
        finally:
            m.clear_objective()


# ---- the procedure ---------------------------------------------------------------------------


class _Clock:
    def __init__(self, budget: float):
        self.start = time.perf_counter()
        self.deadline = self.start + budget

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.start


def _shrink(em: ExplanationModel, core: list[str], clock: _Clock, until: float) -> tuple[list[str], bool]:
    """Deletion filter with core refinement; (core, every member proven necessary)."""
    current = list(core)
    proven = True
    for cid in list(current):
        if cid not in current:
            continue
        remaining = until - time.perf_counter()
        todo = max(1, len(current))
        if remaining <= 0.02:
            return current, False
        trial = [x for x in current if x != cid]
        status, sub = em.check(trial, remaining / todo)
        if status == "INFEASIBLE":
            current = sub or trial
        elif status == "UNKNOWN":
            proven = False
    return current, proven


def _relaxations(
    em: ExplanationModel, core: list[str], conflicts: list[Conflict], clock: _Clock
) -> list[Relaxation]:
    out: list[Relaxation] = []
    all_ids = em.ids
    for k, cid in enumerate(core):
        label = describe(em.instance, em.constraints[cid])
        left = [cf for cf in conflicts if cid not in cf.constraint_ids]
        status: CheckStatus
        if left:
            status, detail = "INFEASIBLE", f"another conflict remains: {left[0].message}"
        elif clock.left() <= 0.05:
            status, detail = "UNKNOWN", "not decided: the time budget ran out"
        else:
            status, _ = em.check([x for x in all_ids if x != cid], clock.left() / (len(core) - k))
            detail = {
                "FEASIBLE": "a feasible schedule exists without it",
                "INFEASIBLE": "the season stays infeasible without it (another conflict remains)",
                "UNKNOWN": "not decided within the time budget",
            }[status]
        restores, proven = status == "FEASIBLE", status != "UNKNOWN"
        out.append(
            Relaxation(
                constraint_id=cid,
                label=label,
                action="drop",
                restores_feasibility=restores,
                proven=proven,
                detail=detail,
            )
        )
        least = None
        if restores and clock.left() > 0.1:
            least = em.min_violation(cid, all_ids, min(clock.left() / (len(core) - k), clock.left()))
        soft_detail = detail if least is None else f"needs at least {least} violation(s) of it"
        out.append(
            Relaxation(
                constraint_id=cid,
                label=label,
                action="soften",
                restores_feasibility=restores,
                proven=proven,
                min_violation=least,
                detail=soft_detail,
            )
        )
    return out


def explain_infeasibility(
    instance: Instance,
    time_budget_s: float = 10.0,
    locks: Sequence[Lock | Game] | None = None,
    *,
    presolve: bool = True,
    workers: int = 2,
) -> Explanation:
    """Explain why ``instance`` (with ``locks`` pinned) cannot be scheduled; see the module docstring.

    ``presolve=False`` skips the counting checks (the solver then finds the core on its own).
    A feasible instance gives ``feasible=True`` and an empty core.
    """
    clock = _Clock(time_budget_s)
    inst = with_locks(instance, locks)
    timings: dict[str, float] = {}
    conflicts = presolve_conflicts(inst) if presolve else []
    timings["presolve"] = clock.elapsed()
    em = ExplanationModel(inst, workers)
    timings["build"] = clock.elapsed() - timings["presolve"]
    reason = ""
    if conflicts:
        source: Literal["presolve", "solver"] = "presolve"
        core = list(conflicts[0].constraint_ids)
        reason = conflicts[0].message
    else:
        source = "solver"
        t0 = clock.elapsed()
        status, core = em.check(em.ids, clock.left() * 0.25, presolve=False)
        if status == "UNKNOWN":
            status, core = em.check(em.ids, clock.left() * 0.4)
        timings["core"] = clock.elapsed() - t0
        if status != "INFEASIBLE":
            feasible = status == "FEASIBLE"
            return Explanation(
                instance=inst.name,
                feasible=feasible,
                status="feasible" if feasible else "unknown",
                source="solver",
                minimal=feasible,
                text=""
                if feasible
                else f"undecided: no schedule and no proof of infeasibility within {time_budget_s:g} s",
                seconds=clock.elapsed(),
                timings=timings,
            )
    t0 = clock.elapsed()
    # Shrink on a model of the core alone: far smaller than the season's, so each check is quicker.
    small = ExplanationModel(with_constraints(inst, [em.constraints[cid] for cid in core]), workers)
    shrunk, minimal = _shrink(small, core, clock, time.perf_counter() + clock.left() * 0.75)
    timings["shrink"] = clock.elapsed() - t0
    if reason and set(shrunk) != set(conflicts[0].constraint_ids):
        reason = ""
    items = [_core_item(inst, em.constraints[cid]) for cid in shrunk]
    t0 = clock.elapsed()
    relaxations = _relaxations(em, shrunk, conflicts, clock)
    timings["relaxations"] = clock.elapsed() - t0
    text = _sentence(items) if items else "the competition format alone cannot be scheduled"
    return Explanation(
        instance=inst.name,
        feasible=False,
        status="infeasible",
        source=source,
        core=items,
        minimal=minimal,
        text=text,
        reason=reason,
        relaxations=relaxations,
        conflicts=conflicts,
        seconds=clock.elapsed(),
        timings=timings,
    )


def render_explanation(e: Explanation) -> str:
    """Readable multi-line text for terminals and messages."""
    if e.feasible:
        return f"{e.instance}: feasible, no conflict among the hard constraints."
    if e.status == "unknown":
        return f"{e.instance}: {e.text}"
    lines = [
        f"{e.instance}: infeasible ({e.source}; core of {len(e.core)}, "
        f"{'proven minimal' if e.minimal else 'minimality not proven'})",
        f"  {e.text}",
    ]
    if e.reason:
        lines.append(f"  why: {e.reason}")
    for c in e.core:
        where = f" [{', '.join(c.teams)}]" if c.teams else ""
        when = f" on {', '.join(c.slots[:4])}{' ...' if len(c.slots) > 4 else ''}" if c.slots else ""
        lines.append(f"  - {c.constraint_id} ({c.family}){where}{when}")
    for r in e.relaxations:
        verdict = (
            "restores feasibility"
            if r.restores_feasibility
            else "does not restore feasibility"
            if r.proven
            else "undecided"
        )
        lines.append(f"  {r.action} {r.constraint_id}: {verdict} ({r.detail})")
    return "\n".join(lines)
