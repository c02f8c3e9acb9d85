"""The general travel path (any schedule that is not a TTP): local search, kicked by CP-SAT.

:func:`improve_general` climbs with :func:`~flextime.travel.local_search.local_search` until it
stalls (:data:`~flextime.travel.local_search.STALL_DRAWS` moves without a new best), then spends a
burst of CP-SAT LNS steps (:func:`~flextime.travel.dated_lns.dated_lns`, a few teams freed each)
on the best schedule, and climbs again from the burst's result. So a season where the moves run
out early (Big 12 football: its fixed games leave the local search stuck after about 6 s) gets
most of its time from CP-SAT, and one where they keep paying (basketball) stays with the cheap
moves. Budgets under :data:`LNS_MIN_BUDGET_S` (the travel Lambda's 10 s) and instances without an
engine model run the local search alone, with its reheats.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from flextime.domain.model import Instance, Schedule
from flextime.travel.dated_lns import FREE_TEAMS, DatedLnsResult, dated_lns
from flextime.travel.local_search import LocalSearchResult, local_search
from flextime.validate import ValidationReport, validate

__all__ = ["LNS_BURST_S", "LNS_MIN_BUDGET_S", "improve_general"]

log = logging.getLogger(__name__)

LNS_MIN_BUDGET_S = 20.0  # below this the local search runs alone
LNS_BURST_S = 12.0  # CP-SAT time after each stall (about two steps of two teams on Big 12 data)


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
    """Local search with CP-SAT LNS bursts at its stalls (``lns``: None = when the budget is at
    least :data:`LNS_MIN_BUDGET_S` and the schedule breaks no hard rule). The result's counters
    add up over the climbs; ``lns_steps`` / ``lns_kept`` count the CP-SAT steps. Never returns
    anything worse than ``schedule`` (validator order: hard infeasibility, objective, travel)."""
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
    round_, free_teams = 0, FREE_TEAMS
    while (left := time_limit_s - (time.perf_counter() - start)) > 0.5:
        t = time.perf_counter()
        climb = local_search(
            instance,
            total.schedule,
            total.report,
            time_limit_s=left,
            seed=seed + round_,
            reheat=False,
            stop_on_stall=True,
            on_progress=offset(t),
        )
        _merge(total, climb, t - start)
        left = time_limit_s - (time.perf_counter() - start)
        if not climb.stalled or left < 2.0:
            break
        t = time.perf_counter()
        try:
            burst = dated_lns(
                instance,
                total.schedule,
                total.report,
                time_limit_s=min(left, LNS_BURST_S),
                seed=seed + round_,
                workers=max(1, workers),
                free_teams=free_teams,
                on_progress=offset(t),
            )
            free_teams = burst.next_free_teams
        except Exception as exc:  # the LNS is an accelerator: the climbs' best is kept
            log.warning(
                "travel LNS failed on %s (%s: %s); local search only", instance.name, type(exc).__name__, exc
            )
            total.lns_failed = True
            left = time_limit_s - (time.perf_counter() - start)  # the failed burst took some
            rest = local_search(
                instance, total.schedule, total.report, time_limit_s=max(0.1, left), seed=seed + round_ + 1
            )
            _merge(total, rest, t - start)
            break
        total.lns_steps += burst.steps
        total.lns_kept += burst.kept
        _take_if_better(total, burst, t - start)
        round_ += 1
    return total


def _merge(total: LocalSearchResult, climb: LocalSearchResult, at: float) -> None:
    """Add one climb's counters to ``total`` and take its best schedule if better."""
    total.iterations += climb.iterations
    total.validated += climb.validated
    total.skipped += climb.skipped
    total.accepted += climb.accepted
    total.uphill += climb.uphill
    for kind, (drawn, improved) in climb.moves.items():
        d0, i0 = total.moves.get(kind, (0, 0))
        total.moves[kind] = (d0 + drawn, i0 + improved)
    _take_if_better(total, climb, at)


def _take_if_better(total: LocalSearchResult, part: LocalSearchResult | DatedLnsResult, at: float) -> None:
    """Take ``part``'s best schedule (a climb's or a burst's, started ``at`` seconds into the
    search) if the validator ranks it better, with its history shifted to the search's clock."""
    if part.report.improvement_key() < total.report.improvement_key():
        total.schedule, total.report = part.schedule, part.report
        total.time_to_best_s = round(at + (part.time_to_best_s or 0.0), 3)
        total.history += [(round(at + s, 3), miles) for s, miles in part.history]
