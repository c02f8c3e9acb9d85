"""The general travel path (any schedule that is not a TTP): local search and CP-SAT LNS, each
given the time while it pays more.

:func:`improve_general` alternates short phases of two searches on the best schedule so far:

* the local search (:func:`~flextime.travel.local_search.local_search`, :data:`LS_PHASE_S`, ended
  early after :data:`PHASE_STALL_DRAWS` moves without a new best), cheap moves validated one by
  one;
* a CP-SAT LNS step (:func:`~flextime.travel.dated_lns.dated_lns`, :data:`LNS_PHASE_S`: a few
  teams freed, the rest locked), slower but able to rearrange two or three teams' whole seasons.

Each phase's gain per second is measured on the validator's ranking (hard violations, then soft
penalty, then miles: :func:`_score`) and the next phase goes to the search whose recent rate is
higher. The local search goes first; CP-SAT is first tried once a local search phase gains under a
quarter of the best phase's rate (:data:`SLOWED`), or after :data:`EXPLORE_AFTER` CP-SAT phase
lengths, and only while a whole step fits in the time left. From then on a search not run for
:data:`EXPLORE_AFTER` times its own phase length is tried again, since rates change as a schedule
improves (so each keeps about a fifth of the time at least). Big 12 football, whose fixed dates
leave the moves little room, then spends most of its time in CP-SAT; basketball, where the moves
keep paying, mostly in the local search. Budgets under :data:`LNS_MIN_BUDGET_S` and instances
without an engine model run the local search alone, with its reheats.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from flextime.domain.model import Instance, Schedule
from flextime.travel.dated_lns import FIRST_SETUP_S, FREE_TEAMS, STEP_S, DatedLnsResult, dated_lns
from flextime.travel.local_search import LocalSearchResult, MoveMix, local_search
from flextime.validate import ValidationReport, validate

__all__ = ["EXPLORE_AFTER", "LNS_MIN_BUDGET_S", "LNS_PHASE_S", "LS_PHASE_S", "improve_general"]

log = logging.getLogger(__name__)

LNS_MIN_BUDGET_S = 8.0  # below this the local search runs alone (a phase of each would not fit)
LS_PHASE_S = 2.0  # a local search phase
LNS_PHASE_S = FIRST_SETUP_S + STEP_S  # a CP-SAT phase: one step (set-up, then CP-SAT's time)
PHASE_STALL_DRAWS = 1_500  # a local search phase ends early after this many moves without a new best
EXPLORE_AFTER = 4  # a search not run for this many of its own phase lengths is tried again
SLOWED = 0.25  # CP-SAT is first tried when a local search phase gains under this x its best rate
LNS_WORKERS = 2  # CP-SAT's LNS runs on its second worker: one worker rarely improves a step
_LEVEL = 10**12  # a unit of one level of _score outweighs any amount of the next (miles, penalties)


def _score(report: ValidationReport) -> int:
    """One number that orders like :meth:`ValidationReport.improvement_key` for the gains a phase
    makes (hard violations, then soft penalty, then miles), so gains per second compare."""
    infeasibility, objective, miles = report.improvement_key()
    return (infeasibility * _LEVEL + objective) * _LEVEL + miles


def _next_search(
    rates: dict[str, float | None], idle: dict[str, float], left: float, *, ls_slowed: bool = False
) -> str:
    """``ls`` or ``lns``: the local search first; CP-SAT once the local search has slowed
    (``ls_slowed``: its last phase gained under :data:`SLOWED` of its best phase's rate) or has run
    long enough; then a search left out too long (``idle``: seconds since it last ran); then the
    higher rate."""
    if left < LNS_PHASE_S:  # no room for a whole CP-SAT step
        return "ls"
    if rates["ls"] is None:
        return "ls"
    if rates["lns"] is None:
        return "lns" if ls_slowed or idle["lns"] >= EXPLORE_AFTER * LNS_PHASE_S else "ls"
    for name, length in (("lns", LNS_PHASE_S), ("ls", LS_PHASE_S)):
        if idle[name] >= EXPLORE_AFTER * length:
            return name
    return "lns" if (rates["lns"] or 0.0) > (rates["ls"] or 0.0) else "ls"


def improve_general(
    instance: Instance,
    schedule: Schedule,
    report: ValidationReport | None = None,
    *,
    time_limit_s: float = 30.0,
    seed: int = 1,
    workers: int = 1,
    lns: bool | None = None,
    on_progress: Callable[[float, int], None] | None = None,
) -> LocalSearchResult:
    """Local search and CP-SAT LNS phases, each chosen by its recent gain per second (``lns``:
    None = when the budget is at least :data:`LNS_MIN_BUDGET_S` and the schedule breaks no hard
    rule; CP-SAT gets ``max(workers, LNS_WORKERS)`` workers). The result's counters add up over
    the phases; ``lns_steps`` / ``lns_kept`` count the CP-SAT steps. Never returns anything worse
    than ``schedule`` (validator order: hard infeasibility, objective, travel)."""
    start = time.perf_counter()
    report = report or validate(instance, schedule)
    use_lns = lns if lns is not None else time_limit_s >= LNS_MIN_BUDGET_S and report.infeasibility == 0
    if not use_lns:
        return local_search(
            instance, schedule, report, time_limit_s=time_limit_s, seed=seed, on_progress=on_progress
        )

    def offset(cb_start: float) -> Callable[[float, int], None] | None:
        if on_progress is None:
            return None
        return lambda t, miles: on_progress(cb_start - start + t, miles)

    total = LocalSearchResult(schedule=schedule, report=report)
    rates: dict[str, float | None] = {"ls": None, "lns": None}
    idle = {"ls": 0.0, "lns": 0.0}
    phase, free_teams = 0, FREE_TEAMS
    ls_last = ls_peak = 0.0  # the local search's last and best phase rates
    mix = MoveMix()  # what the move kinds earned carries over from phase to phase
    while (left := time_limit_s - (time.perf_counter() - start)) > 0.5:
        name = _next_search(rates, idle, left, ls_slowed=ls_last < SLOWED * ls_peak)
        t = time.perf_counter()
        before = _score(total.report)
        if name == "ls":
            climb = local_search(
                instance,
                total.schedule,
                total.report,
                time_limit_s=min(left, LS_PHASE_S),
                seed=seed + phase,
                reheat=False,
                stop_on_stall=True,
                stall_draws=PHASE_STALL_DRAWS,
                mix=mix,
                on_progress=offset(t),
            )
            _merge(total, climb, t - start)
        else:
            try:
                burst = dated_lns(
                    instance,
                    total.schedule,
                    total.report,
                    time_limit_s=min(left, LNS_PHASE_S),
                    seed=seed + phase,
                    workers=max(workers, LNS_WORKERS),
                    free_teams=free_teams,
                    on_progress=offset(t),
                )
            except Exception as exc:  # the LNS is an accelerator: the local search's best is kept
                kind = type(exc).__name__
                log.warning("travel LNS failed on %s (%s: %s); local search only", instance.name, kind, exc)
                total.lns_failed = True
                left = time_limit_s - (time.perf_counter() - start)  # the failed step took some
                rest = local_search(
                    instance,
                    total.schedule,
                    total.report,
                    time_limit_s=max(0.1, left),
                    seed=seed + phase + 1,
                    mix=mix,
                )
                _merge(total, rest, t - start)
                break
            free_teams = burst.next_free_teams
            total.lns_steps += burst.steps
            total.lns_kept += burst.kept
            _take_if_better(total, burst, t - start)
        took = max(1e-3, time.perf_counter() - t)
        gained = max(0, before - _score(total.report)) / took
        old = rates[name]
        rates[name] = gained if old is None else (old + gained) / 2
        if name == "ls":
            ls_last, ls_peak = gained, max(ls_peak, gained)
        idle[name] = 0.0
        idle["lns" if name == "ls" else "ls"] += took
        total.phases.append(name)
        phase += 1
    total.moves = {k: (mix.tried[k], mix.improved[k]) for k in mix.kinds if mix.tried[k]}
    return total


def _merge(total: LocalSearchResult, climb: LocalSearchResult, at: float) -> None:
    """Add one climb's counters to ``total`` and take its best schedule if better (the move
    kinds' counts are the shared mix's, set at the end)."""
    total.iterations += climb.iterations
    total.validated += climb.validated
    total.skipped += climb.skipped
    total.accepted += climb.accepted
    total.uphill += climb.uphill
    _take_if_better(total, climb, at)


def _take_if_better(total: LocalSearchResult, part: LocalSearchResult | DatedLnsResult, at: float) -> None:
    """Take ``part``'s best schedule (a climb's or a burst's, started ``at`` seconds into the
    search) if the validator ranks it better, with its history shifted to the search's clock."""
    if part.report.improvement_key() < total.report.improvement_key():
        total.schedule, total.report = part.schedule, part.report
        total.time_to_best_s = round(at + (part.time_to_best_s or 0.0), 3)
        total.history += [(round(at + s, 3), miles) for s, miles in part.history]
