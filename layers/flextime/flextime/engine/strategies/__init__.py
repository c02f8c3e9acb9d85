"""Solving strategies, one per module, selected from the instance profile (never by name).

    from flextime.engine.strategies import select_strategy, solve_with_strategy
    plan = select_strategy(profile_instance(instance))   # name + parameters + reasons
    result = solve_with_strategy(instance, params, plan)  # result.strategy, result.plan

- :mod:`.portfolio`: CP-SAT's own search on the full model (no-LP warm start, then the default
  portfolio hinted). Small models, models without an objective, and where a bound is wanted.
- :mod:`.hard_first`: the hard part alone to feasibility, completed in the full model, then
  improved by LNS or by the hinted portfolio.
- :mod:`.lns`: a first solution of the full model, then large-neighbourhood search.

``params.strategy`` other than "auto"/"single" forces a strategy (the selected parameters are kept).
"""

from __future__ import annotations

from typing import Any

from flextime.domain.model import Instance
from flextime.engine.params import SolverParams
from flextime.engine.profile import InstanceProfile, profile_instance
from flextime.engine.runner import ProgressFn, SolveResult
from flextime.engine.strategies import hard_first, lns, patterns, portfolio
from flextime.engine.strategies._base import StrategyPlan

STRATEGIES = {
    portfolio.NAME: portfolio.run,
    hard_first.NAME: hard_first.run,
    lns.NAME: lns.run,
    patterns.NAME: patterns.run,
}

# Thresholds of the selection rules (tune from the recorded plans of benchmark results).
SMALL_MODEL_GAME_VARS = 3000  # below: CP-SAT's portfolio proves optimality / closes the gap


def select_strategy(profile: InstanceProfile, time_limit_s: float = 60.0) -> StrategyPlan:
    """The strategy for an instance of this profile, with its parameters and the reasons."""
    reasons: list[str] = []
    step = round(min(5.0, max(1.0, time_limit_s / 40)), 2)
    if not profile.has_objective:
        reasons.append("no objective (no soft terms, no travel): a pure feasibility search")
        return StrategyPlan(name=portfolio.NAME, params={}, reasons=reasons)
    if profile.estimated_game_vars < SMALL_MODEL_GAME_VARS:
        reasons.append(
            f"small model ({profile.estimated_game_vars} game variables < {SMALL_MODEL_GAME_VARS}): "
            "CP-SAT's portfolio finds and proves good solutions, and its LP bound gives the gap"
        )
        return StrategyPlan(name=portfolio.NAME, params={}, reasons=reasons)
    reasons.append(
        f"large model ({profile.estimated_game_vars} game variables >= {SMALL_MODEL_GAME_VARS}) "
        f"with {profile.total_hard} hard and {profile.total_soft} soft constraints: find a feasible "
        "schedule on the hard part alone first"
    )
    params: dict[str, Any] = {"step_seconds": step, "improve": "lns"}
    pattern_rules = sum(profile.hard_by_family.get(f, 0) for f in ("BR1", "BR2", "CA1", "CA3", "FA2"))
    if profile.compact and profile.format == "round_robin" and profile.rounds == 2:
        reasons.append(
            f"compact double round robin with {pattern_rules} hard pattern rules (breaks, home/away "
            "counts): if the exact search on the hard part finds nothing in 4% of the time (at least "
            "5 s; where it succeeds it takes 1-4 s, where it fails it failed in 30 s too), search "
            "home/away patterns first and then opponents (no-goods from infeasibility cores)"
        )
        reasons.append(
            "every slot is a full round: improve by LNS over slot windows, slot sets, teams and "
            "home/away swaps of the meetings (venues)"
        )
        reasons.append(
            "if soft pattern rules (breaks, home/away counts against all teams) make up at least half "
            "of the first schedule's cost: pattern restarts (a better pattern set, then opponents) "
            "for 40% of the remaining time before LNS"
        )
        reasons.append(
            "when every rule is an ITC2021 family and travel is not in the objective: simulated "
            "annealing outside CP-SAT (TTSA moves, incremental rule costs, one chain per worker) and "
            "LNS in segments of 15% of the improvement time, each next segment to the one that "
            "gained more in its last (20% annealing first, then pattern restarts, where those apply); "
            "if the pattern search finds no schedule by 25% of the time (where it finds one it took "
            "1-39 s of 300 in every benchmark run), annealing on the hard rules until 80% (breakout "
            "weights; one chain per worker, keeping the phases or not); if the first annealing "
            "segment lowers the first schedule by less than 5%, 60% of the remaining time goes to "
            "another basin (a feasible schedule of the annealer's own, annealed; kept if better)"
        )
        reasons.append(
            "after 3 opponent searches in a row that end UNKNOWN (nothing learnt) the pattern search "
            "stops and the annealer's feasibility chains get its time (Early_6: five UNKNOWN in 75 s)"
        )
        params.update(
            {
                "anneal": True,
                "anneal_segment_fraction": 0.15,
                "anneal_fraction_patterns": 0.2,
                "pattern_fraction": 0.25,
                "anneal_fresh_fraction": 0.6,
                "anneal_fresh_below": 0.05,
                "anneal_fresh_min_s": 60.0,
                "anneal_feasibility": _anneal_feasibility_chains(),
                "exact_fraction": 0.04,
                "exact_seconds_min": 5.0,
                "patterns": True,
                "repair": False,
                "feasible_fraction": 0.8,
                "pattern_restart_fraction": 0.4,
                "pattern_share_min": 0.5,
                "opponent_unknown_max": 3,
            }
        )
        if profile.soft_by_family.get("SE1", 0):
            separation = round(min(20.0, max(3.0, 0.05 * time_limit_s)), 1)
            reasons.append(
                f"soft separation rules (SE1): the opponents of a pattern set are searched for "
                f"{separation} s (5% of the time, 3-20 s) with the separation cost as the objective "
                "(the plain search meets most pairs twice within a few slots: Early_11's first "
                "schedule 11480, 9200 in 5 s, 8175 in 15 s)"
            )
            reasons.append(
                "with separated opponents no fresh annealing basin (its schedules are not separated: "
                "on Early_7 and 11 it gained nothing in 60% of the time)"
            )
            reasons.append(
                "when neither annealing nor LNS moves the incumbent: another pattern set with "
                "separated opponents, annealed for a segment (kept if better)"
            )
            params.update(
                {
                    "separation_fraction": 1.0,
                    "separation_seconds": separation,
                    "separation_restarts": True,
                    "anneal_fresh_fraction": 0.0,
                }
            )
    else:
        reasons.append(
            "not a compact double round robin (byes, dated slots): exact search on the hard part "
            "(no violation repair: on Big 12 basketball the exact search wins), then CP-SAT's "
            "portfolio from the complete hint (it also raises the bound, so the gap is known)"
        )
        params.update(
            {"exact_fraction": 0.9, "repair": False, "feasible_fraction": 0.9, "improve": "portfolio"}
        )
    return StrategyPlan(name=hard_first.NAME, params=params, reasons=reasons)


def solve_with_strategy(
    instance: Instance,
    params: SolverParams | None = None,
    plan: StrategyPlan | None = None,
    on_progress: ProgressFn | None = None,
) -> SolveResult:
    """Solve with ``plan`` (None: selected from the profile; ``params.strategy`` may force a name)."""
    params = params or SolverParams()
    profile = profile_instance(instance)
    if plan is None:
        plan = select_strategy(profile, params.time_limit_s)
        if params.strategy in STRATEGIES and params.strategy != plan.name:
            plan = StrategyPlan(
                name=params.strategy,
                params=plan.params,
                reasons=[*plan.reasons, f"forced by params.strategy={params.strategy}"],
            )
    if params.plan_overrides:
        plan = StrategyPlan(
            name=plan.name,
            params={**plan.params, **params.plan_overrides},
            reasons=[*plan.reasons, f"plan overrides: {sorted(params.plan_overrides)}"],
        )
    run = STRATEGIES[plan.name]
    return run(instance, params, plan, on_progress, profile.model_dump())


__all__ = [
    "STRATEGIES",
    "InstanceProfile",
    "StrategyPlan",
    "profile_instance",
    "select_strategy",
    "solve_with_strategy",
]


def _anneal_feasibility_chains() -> list[dict[str, Any]]:
    """The annealer's feasibility chains as plan data (JSON: lists, not tuples)."""
    from flextime.engine.strategies.anneal import FEASIBILITY_CHAINS

    return [{k: list(v) if isinstance(v, tuple) else v for k, v in c.items()} for c in FEASIBILITY_CHAINS]
