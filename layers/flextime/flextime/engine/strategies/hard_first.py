"""hard_first: feasibility first, then optimisation from that solution.

1. Solve the hard part only (soft terms and travel switched off: a pure feasibility model, much
   smaller and easier) for at most ``feasible_fraction`` of the time; CP-SAT stops at its first
   solution.
2. Fix the game variables of that schedule in the full model and let propagation fill in every
   helper literal and deviation: a *complete* feasible assignment of the full model, found in well
   under a second (a hint with the game variables only left CP-SAT to repair it, which took many
   seconds on Big 12 basketball).
3. Improve for the rest of the time: ``improve="lns"`` (large-neighbourhood search, see
   :mod:`.lns`) or ``improve="portfolio"`` (CP-SAT's portfolio on the full model with the complete
   hint; it also raises the lower bound).

If step 1 finds nothing in its budget, the full model is searched directly for the rest of the time.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model

from flextime.domain.model import Instance, Objective
from flextime.engine.build import add_hint, build_model
from flextime.engine.params import SolverParams
from flextime.engine.runner import ProgressFn, SolveResult, Status
from flextime.engine.strategies import lns
from flextime.engine.strategies._base import (
    Session,
    StrategyPlan,
    complete_from_games,
    finish,
    games_of,
    set_hint,
)
from flextime.engine.variables import BuiltModel

NAME = "hard_first"
# CP-SAT's default 2-worker portfolio found no feasible schedule of ITC2021 Test5's hard part in
# 15 s; these two no-LP searches find one in ~2.5 s (and Early_3's in ~3 s).
FEASIBLE_SUBSOLVERS = ("no_lp", "quick_restart_no_lp")


def hard_only(instance: Instance) -> Instance:
    """The same instance without an objective (soft constraints and travel off)."""
    return instance.model_copy(update={"objective": Objective(soft_constraints=False, travel_weight=0)})


class _Background:
    """Run ``fn`` in a daemon thread; ``result()`` waits for it (and re-raises its error)."""

    def __init__(self, fn: Callable[[], BuiltModel]) -> None:
        self._fn = fn
        self._value: BuiltModel | None = None
        self._error: BaseException | None = None
        self.seconds = 0.0
        self._thread = threading.Thread(target=self._run, daemon=True, name="flextime-build")
        self._thread.start()

    def _run(self) -> None:
        t0 = time.perf_counter()
        try:
            self._value = self._fn()
        except BaseException as exc:  # re-raised in the caller's thread
            self._error = exc
        self.seconds = time.perf_counter() - t0

    def result(self) -> BuiltModel:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


def without_objective(built: BuiltModel) -> cp_model.CpModel:
    """A copy of the built model without its objective: its hard part (hints kept)."""
    model = built.model.clone()
    model.clear_objective()
    return model


def relaxed(instance: Instance) -> Instance:
    """The hard constraints as soft ones of weight 1 (soft ones and travel dropped): its objective
    is the validator's infeasibility, and any double round robin is a solution of it."""
    constraints = [c.model_copy(update={"hard": False, "weight": 1}) for c in instance.constraints if c.hard]
    return instance.model_copy(
        update={"constraints": constraints, "objective": Objective(soft_constraints=True, travel_weight=0)}
    )


def repair_violations(
    session: Session, instance: Instance, plan: StrategyPlan, until: float, stats: dict[str, Any]
) -> set[tuple[int, int, int]] | None:
    """Minimise the hard violations by LNS on the relaxed model until they reach 0 (the games of
    that schedule) or the session time ``until`` (None)."""
    t0 = time.perf_counter()
    rel = build_model(relaxed(instance))
    session.build_seconds += time.perf_counter() - t0
    sub = Session(session.params.model_copy(update={"time_limit_s": until}), None)
    sub.start = session.start
    status, solver = sub.solve(
        rel,
        rel.model,
        sub.remaining(),
        subsolvers=list(FEASIBLE_SUBSOLVERS),
        extra={"stop_after_first_solution": True},
    )
    if status not in ("OPTIMAL", "FEASIBLE"):
        return None
    sub.offer(solver, True)
    stats["violations_start"] = sub.best.objective if sub.best else None
    lns.improve(
        sub,
        rel,
        step_seconds=float(plan.get("step_seconds", 3.0)),
        seed=session.params.seed + 1,
        workers=plan.get("step_workers", None),
        stats=stats,
    )
    assert sub.best is not None
    stats["violations_end"] = sub.best.objective
    stats["violation_trace"] = [(round(s.t_seconds, 1), s.objective) for s in sub.samples][-8:]
    if sub.best.objective > 0:
        return None
    return games_of(rel, sub.best.values)


def improve(
    session: Session,
    built: BuiltModel,
    plan: StrategyPlan,
    restarts: bool = False,
    hard: BuiltModel | None = None,
) -> Status:
    """Improve the session's incumbent until the time limit: ``plan.params["improve"]`` "lns"
    (large-neighbourhood search) or "portfolio" (CP-SAT's portfolio with the complete hint).

    ``restarts``: LNS alternates with pattern restarts (:func:`patterns.pattern_restart`, a better
    pattern set, then opponents): each restart gets ``pattern_restart_fraction`` of the remaining
    time, LNS runs until ``stall_steps`` steps in a row did not improve."""
    last: Status = "FEASIBLE"
    annealing = False
    if plan.get("anneal", False) and built.model.has_objective():
        from flextime.engine.strategies import anneal

        annealing = not anneal.applies(built.instance)
    if annealing and restarts:
        # the home/away patterns decide most of the cost: a short annealing run, then pattern
        # restarts and LNS (which do better there)
        _anneal(session, built, plan, float(plan.get("anneal_fraction_patterns", 0.2)) * session.remaining())
    if plan.get("improve", "lns") == "lns":
        stats: dict[str, Any] = {}

        def run_lns(seed: int, stall_steps: int = 0, until: float | None = None) -> None:
            lns.improve(
                session,
                built,
                step_seconds=float(plan.get("step_seconds", 3.0)),
                seed=seed,
                workers=plan.get("step_workers", None),
                stats=stats,
                kinds=tuple(plan.get("lns_kinds", lns.KINDS)),
                subsolvers=plan.get("step_subsolvers", None),
                stall_steps=stall_steps,
                until=until,
                # neighbourhood sizes carry over from the last call (they adapt step by step)
                sizes=stats.get("lns_final_sizes"),
            )

        if restarts:
            fraction = float(plan.get("pattern_restart_fraction", 0.4))
            trace: list[Any] = []
            step = float(plan.get("pattern_step", 0.5))
            while session.remaining() > 0.3:
                # no break cap here: on Early_12 (phased) the capped pattern sets kept violating
                # triples (1510 with caps, 750 without; the caps serve the annealed incumbents)
                restart = _pattern_restart(
                    session, built, plan, fraction * session.remaining(), hard, step, ()
                )
                step = float(restart.get("step", step))
                outcome = restart.get("pattern_restart")
                trace.append(outcome)
                assert session.best is not None
                if session.proven_optimal or session.best.objective <= (session.bound or 0):
                    break
                # no better pattern set exists (or the pattern cost is 0): LNS to the end
                again = isinstance(outcome, dict) and "no pattern set" not in outcome["trace"][-1:]
                run_lns(session.params.seed + len(trace), int(plan.get("stall_steps", 8)) if again else 0)
            stats["pattern_restarts"] = trace
        elif annealing:
            _alternate(session, built, plan, run_lns, hard)
        else:
            run_lns(session.params.seed)
        session.notes += [f"{k}={v}" for k, v in stats.items()]
        return last
    assert session.best is not None
    clone = built.model.clone()
    set_hint(clone, session.best.values)
    last, solver = session.solve(built, clone, session.remaining())
    if last in ("OPTIMAL", "FEASIBLE"):
        session.offer(solver, True)
        session.proven_optimal = last == "OPTIMAL"
    if last != "INFEASIBLE":
        session.raise_bound(solver)
    return last


def _anneal(
    session: Session,
    built: BuiltModel,
    plan: StrategyPlan,
    seconds: float,
    seed: int = 0,
    fresh: bool = False,
    start: set[tuple[int, int, int]] | None = None,
) -> None:
    """One annealing run of ``seconds`` from the incumbent (:func:`anneal.improve`) or from the
    feasible schedule ``start`` (games), or with ``fresh`` from a new feasible schedule of the
    annealer's own (:func:`anneal.fresh_start`); noted."""
    from flextime.engine.strategies import anneal

    sa: dict[str, Any] = {}
    kw: dict[str, Any] = {
        "seed": session.params.seed + seed,
        "stats": sa,
        "cycle_seconds": float(plan.get("anneal_cycle_seconds", 30.0)),
        "oscillate": float(plan.get("anneal_oscillate", 0.1)),
        "chains": int(plan.get("anneal_chains", min(session.params.workers, os.cpu_count() or 1))),
    }
    if fresh:
        settings = plan.get("anneal_feasibility", anneal.FEASIBILITY_CHAINS)
        anneal.fresh_start(session, built, seconds, settings=settings, **kw)
    else:
        anneal.improve(session, built, seconds, start=start, **kw)
    keep = ["anneal_from", "anneal_to", "anneal_moves", "anneal_kept", "anneal_skipped", "anneal_start"]
    if fresh:
        keep += ["anneal_feasibility_best_hard", "anneal_feasibility_seconds"]
    session.notes.append(
        ("anneal fresh " if fresh else "anneal from a pattern schedule " if start else "anneal ")
        + json.dumps({k: v for k, v in sa.items() if k in keep})
    )


def _alternate(
    session: Session,
    built: BuiltModel,
    plan: StrategyPlan,
    run_lns: Callable[..., None],
    hard: BuiltModel | None = None,
) -> None:
    """Annealing and LNS in segments of ``anneal_segment_fraction`` of the improvement time: first
    one of each, then the one whose last segment gained more (both nothing: the other one). On
    Early_1, 8 and 13 the annealer gains most; on Early_2 LNS did better than annealing. When the
    home/away patterns come to decide most of the incumbent's cost (annealing lowers the rest
    first), a pattern restart (:func:`_pattern_segment`) takes the next segment."""
    assert session.best is not None
    pattern_tries = 0
    seg = max(5.0, float(plan.get("anneal_segment_fraction", 0.15)) * session.remaining())
    gains: dict[str, int] = {}
    history: list[str] = []
    last = ""
    while session.remaining() > 0.5:
        if "anneal" not in gains:
            kind = "anneal"
        elif "lns" not in gains:
            kind = "lns"
        elif gains["anneal"] == gains["lns"] == 0:
            kind = "lns" if last == "anneal" else "anneal"
        else:
            kind = "anneal" if gains["anneal"] >= gains["lns"] else "lns"
        before = session.best.objective
        seconds = min(seg, session.remaining())
        if kind == "anneal":
            _anneal(session, built, plan, seconds, seed=len(history))
        else:
            run_lns(session.params.seed + len(history), until=session.elapsed() + seconds)
        gains[kind] = before - session.best.objective
        history.append(f"{kind}:{before}->{session.best.objective}")
        last = kind
        fresh_seconds = float(plan.get("anneal_fresh_fraction", 0.0)) * session.remaining()
        # the annealer hardly moves the first schedule (most moves break a hard rule), or (with
        # ``anneal_fresh_on_stall``) neither annealing nor LNS moves the incumbent any more
        stuck = len(history) == 1 and gains["anneal"] < float(plan.get("anneal_fresh_below", 0.05)) * before
        stalled = bool(plan.get("anneal_fresh_on_stall", False)) and gains.get("lns") == gains["anneal"] == 0
        if (
            (stuck or stalled)
            and fresh_seconds >= float(plan.get("anneal_fresh_min_s", 60))
            and sum(h.startswith("fresh:") for h in history) < int(plan.get("anneal_fresh_max", 1))
        ):
            # try another basin: a feasible schedule of the annealer's own, annealed
            before = session.best.objective
            _anneal(session, built, plan, fresh_seconds, seed=len(history), fresh=True)
            history.append(f"fresh:{before}->{session.best.objective}")
            gains["anneal"] = before - session.best.objective
        if gains.get("lns") == gains["anneal"] == 0 and _separation_restart(
            session, built, plan, hard, history
        ):
            gains = {}  # the next segments start from a new schedule: each kind gets its turn again
        before = session.best.objective
        if pattern_tries < int(plan.get("pattern_segments_max", 2)) and _pattern_segment(
            session, built, plan, hard, history
        ):
            # again only after a gain (a pattern segment that found nothing will not find more)
            pattern_tries = pattern_tries + 1 if session.best.objective < before else 1 << 30
        if session.best.objective <= (session.bound or 0):
            break
    session.notes.append(f"hard_first: anneal/LNS segments {history}")


def _separation_restart(
    session: Session, built: BuiltModel, plan: StrategyPlan, hard: BuiltModel | None, history: list[str]
) -> bool:
    """Where the first schedule came from separated opponents (soft SE1 rules, plan parameter
    ``separation_fraction``) and neither annealing nor LNS moves the incumbent any more: another
    pattern set (another seed) with separated opponents, annealed for a segment
    (``anneal_segment_fraction`` of the remaining time); the session keeps whichever is better.
    Separated first schedules differ by pattern set (Early_11: 8175-9200, Early_7: 8042-9828 in
    four runs) more than annealing then lowers them (2-3%). False when it does not apply."""
    from flextime.engine.strategies import patterns

    if float(plan.get("separation_fraction", 0.0)) <= 0 or not plan.get("separation_restarts", False):
        return False
    separation = float(plan.get("separation_seconds", 5.0))
    if hard is None or session.best is None or session.remaining() < 4 * separation:
        return False
    before = session.best.objective
    tries = sum(h.startswith("separation:") for h in history)
    stats: dict[str, Any] = {}
    until = session.elapsed() + float(plan.get("pattern_restart_fraction", 0.4)) * session.remaining()
    games = patterns.find_schedule(
        session, built.instance, until, plan, stats, hard, seed_offset=7919 * (tries + 1)
    )
    session.notes.append(f"hard_first: separation restart {stats}")
    if games is not None and session.remaining() > 1:
        seconds = max(5.0, float(plan.get("anneal_segment_fraction", 0.15)) * session.remaining())
        _anneal(session, built, plan, min(seconds, session.remaining()), seed=len(history), start=games)
    history.append(f"separation:{before}->{session.best.objective}")
    return True


def _pattern_restart(
    session: Session,
    built: BuiltModel,
    plan: StrategyPlan,
    seconds: float,
    hard: BuiltModel | None,
    step: float,
    break_caps: tuple[int, ...] | None = None,
) -> dict[str, Any]:
    """:func:`patterns.pattern_restart` with the plan's pattern and opponent seconds (``break_caps``
    None: the default caps); returns its stats."""
    from flextime.engine.strategies import patterns

    restart: dict[str, Any] = {}
    caps = patterns.BREAK_CAPS if break_caps is None else break_caps
    patterns.pattern_restart(
        session,
        built,
        seconds,
        restart,
        hard=hard,
        pattern_seconds=float(plan.get("pattern_seconds", 20.0)),
        opponent_seconds=float(plan.get("opponent_seconds", 10.0)),
        step=step,
        break_caps=caps,
    )
    return restart


def _pattern_segment(
    session: Session, built: BuiltModel, plan: StrategyPlan, hard: BuiltModel | None, history: list[str]
) -> bool:
    """A pattern restart (:func:`patterns.pattern_restart`) for ``pattern_segment_fraction`` of the
    remaining time when the soft pattern rules carry at least ``pattern_share_min`` of the
    incumbent's cost (Early_9 and 14: 47% and 42% of the first schedule's, 76% and 96% after
    annealing: total breaks). False when it does not apply (nothing ran)."""
    from flextime.engine.strategies import patterns

    fraction = float(plan.get("pattern_segment_fraction", 0.25))
    if session.best is None or fraction <= 0 or not patterns.applies(built.instance):
        return False
    share, total = patterns.pattern_share(built, session.best.solver)
    if total <= 0 or share < float(plan.get("pattern_share_min", 0.5)) * total:
        return False
    before = session.best.objective
    step = float(plan.get("pattern_step", 0.5))
    restart = _pattern_restart(session, built, plan, fraction * session.remaining(), hard, step)
    candidate = restart.pop("candidate", None)
    session.notes.append(f"hard_first: pattern segment {share} of {total}: {restart}")
    history.append(f"patterns:{before}->{session.best.objective}")
    if candidate is not None and session.best.objective == before and session.remaining() > 5:
        # its patterns cost less than the incumbent's and the rest more: annealing lowers the rest
        # (Early_9: a pattern set of 180 gave 833 in all, where the incumbent had 220 of 433)
        seconds = max(5.0, float(plan.get("anneal_segment_fraction", 0.15)) * session.remaining())
        seconds = min(seconds, session.remaining())
        _anneal(session, built, plan, seconds, seed=len(history), start=candidate[1])
        history.append(f"anneal-patterns:{before}->{session.best.objective}")
    return True


def exact_budget(plan: StrategyPlan, time_limit_s: float) -> float:
    """Seconds for the exact search on the hard part: ``exact_fraction`` of the limit, at least
    ``exact_seconds_min``, at most the feasibility phase (``feasible_fraction``)."""
    share = time_limit_s * float(plan.get("exact_fraction", 0.6))
    until = time_limit_s * float(plan.get("feasible_fraction", 0.6))
    return min(until, max(float(plan.get("exact_seconds_min", 0.0)), share))


def run(  # noqa: C901 - the phases in order
    instance: Instance,
    params: SolverParams,
    plan: StrategyPlan,
    on_progress: ProgressFn | None = None,
    profile: dict[str, Any] | None = None,
) -> SolveResult:
    session = Session(params, on_progress)
    # The full model is built in a background thread while CP-SAT (which releases the GIL)
    # searches the hard part: on Big 12 basketball its build (soft rematch separation) takes
    # as long as the hard search.
    full = _Background(lambda: build_model(instance))
    t0 = time.perf_counter()
    # The hard part as its own model: on Big 12 basketball it builds in 0.9 s and CP-SAT solves
    # it in 8 s, while the full model without its objective took 6 s to build and 40 s to solve.
    hard = build_model(hard_only(instance))
    session.build_seconds += time.perf_counter() - t0
    if params.hint is not None:
        add_hint(hard, params.hint)
    feasible_until = params.time_limit_s * float(plan.get("feasible_fraction", 0.6))
    budget = exact_budget(plan, params.time_limit_s)
    subsolvers = list(plan.get("feasible_subsolvers", FEASIBLE_SUBSOLVERS))
    status, solver = session.solve(hard, hard.model, budget, subsolvers=subsolvers or None, record=False)
    games = None
    stats: dict[str, Any] = {}
    if status in ("OPTIMAL", "FEASIBLE"):
        games = {key for key, v in hard.x.items() if solver.BooleanValue(v)}
        session.notes.append(f"hard_first: hard part feasible at {session.elapsed():.2f}s")
    if status == "UNKNOWN" and plan.get("patterns", False):
        # the exact search found nothing: home/away patterns first, then opponents
        from flextime.engine.strategies import patterns

        if patterns.applies(instance):
            share = float(plan.get("feasible_fraction", 0.6))
            if plan.get("anneal", False):
                from flextime.engine.strategies import anneal

                if not anneal.applies(instance):  # the annealer takes over after pattern_fraction
                    share = float(plan.get("pattern_fraction", share))
            until = max(min(feasible_until, params.time_limit_s * share), session.elapsed() + 1)
            games = patterns.find_schedule(session, instance, until, plan, stats, hard)
        session.notes.append(f"hard_first: patterns {stats}")
        if games is not None:
            status = "FEASIBLE"
    if status == "UNKNOWN" and plan.get("repair", False):
        # the exact search found nothing: minimise the hard violations by LNS instead
        stats = {}
        games = repair_violations(session, instance, plan, max(feasible_until, session.elapsed() + 1), stats)
        session.notes.append(f"hard_first: violation repair {stats}")
        if games is not None:
            status = "FEASIBLE"
    built = full.result()
    session.build_seconds += full.seconds
    if games is None and status == "UNKNOWN" and plan.get("anneal", False):
        from flextime.engine.strategies import anneal

        left = feasible_until - session.elapsed()
        if left > 1 and not anneal.applies(instance):
            sa: dict[str, Any] = {}
            settings = plan.get("anneal_feasibility", anneal.FEASIBILITY_CHAINS)
            chains = int(plan.get("anneal_chains", min(params.workers, os.cpu_count() or 1)))
            if anneal.find_feasible(
                session, built, left, seed=params.seed, stats=sa, settings=settings, chains=chains
            ):
                status = "FEASIBLE"
            session.notes.append(f"hard_first: annealing feasibility {sa}")
    if status == "INFEASIBLE":
        session.proven_infeasible = True
        return finish(session, built, params, plan, profile, status)
    has_objective = built.model.has_objective()
    last: Status = status
    if games is not None and not complete_from_games(session, built, games, max(1.0, session.remaining())):
        session.notes.append("hard_first: the hard-only schedule did not complete in the full model")
    if session.best is None:
        # no feasible schedule yet: CP-SAT's portfolio on the full model for the rest of the time
        if params.hint is not None:
            add_hint(built, params.hint)
        last, solver = session.solve(built, built.model, session.remaining())
        if last in ("OPTIMAL", "FEASIBLE"):
            session.offer(solver, has_objective)
            session.proven_optimal = last == "OPTIMAL"
        if has_objective and last != "INFEASIBLE":
            session.raise_bound(solver)
        session.proven_infeasible = last == "INFEASIBLE"
    elif has_objective and session.remaining() > 0.3:
        restarts = False
        if float(plan.get("pattern_restart_fraction", 0.0)) > 0:
            from flextime.engine.strategies import patterns

            assert session.best is not None
            share, total = patterns.pattern_share(built, session.best.solver)
            # only when the home/away patterns decide most of the objective (breaks, home counts)
            restarts = total > 0 and share >= float(plan.get("pattern_share_min", 0.5)) * total
            session.notes.append(f"hard_first: pattern cost {share} of {total}, restarts {restarts}")
        last = improve(session, built, plan, restarts, hard)
    return finish(session, built, params, plan, profile, last)
