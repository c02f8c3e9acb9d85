"""Session 19 probe: a CP-SAT large-neighbourhood search on a dated season through the engine
(what became ``flextime.travel.dated_lns``; this script keeps the knobs for experiments).

Each step frees ``k`` random teams: every game between two other teams is locked
(``build_locked_model``), the objective is the soft penalty x 10^6 plus travel (so the soft penalty
is never traded for miles), and the current schedule is the hint. With ``--complete-hint`` the hint
covers every variable: a clone of the step's model with the game variables fixed to the current
schedule is solved first (about 0.5 s) and its whole solution is the hint. A step's result is
kept when the validator ranks it better in (hard infeasibility, objective, travel) order.

    python docs/experiments/dated_lns.py big12-mbb-2026-27 out/s19/mbb/schedule.csv \
        --teams 2 --steps 3 --step-s 15
    python docs/experiments/dated_lns.py big12-mbb-2026-27 out/s19/mbb/schedule.csv \
        --teams 2 --steps 8 --step-s 3 --complete-hint --no-presolve

Measured (see docs/travel.md, "General path"): with presolve, CP-SAT spends 5-6 s in presolve on
men's basketball and ignores the game-only hint; 15 s steps gain a lot, 5 s steps nothing.
Without presolve and with the complete hint every step starts from the current schedule but
gains little. The package's setting: the complete hint and light presolve
(``--complete-hint --param max_presolve_iterations=1 --param cp_model_probing_level=0``).
"""

from __future__ import annotations

import argparse
import random
import time

from _ttp import set_params
from ortools.sat.python import cp_model

from flextime.domain.model import Schedule
from flextime.engine.build import add_hint
from flextime.engine.extract import extract_schedule
from flextime.engine.locks import Lock, build_locked_model
from flextime.formats.inputs import load_instance, load_schedule
from flextime.travel.dated_lns import _complete_hint
from flextime.validate import validate

SOFT_SCALE = 10**6

parser = argparse.ArgumentParser()
parser.add_argument("scenario")
parser.add_argument("schedule")
parser.add_argument("--teams", type=int, default=2)
parser.add_argument("--steps", type=int, default=3)
parser.add_argument("--step-s", type=float, default=15.0)
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--complete-hint", action="store_true")
parser.add_argument("--no-presolve", action="store_true")
parser.add_argument("--param", action="append", default=[], help="a CP-SAT parameter NAME=VALUE (repeatable)")
args = parser.parse_args()

instance = load_instance(args.scenario)
current = load_schedule(args.schedule)
lex = instance.model_copy(
    update={
        "objective": instance.objective.model_copy(update={"travel_weight": 1, "soft_constraints": True}),
        "constraints": [
            c if c.hard else c.model_copy(update={"weight": c.weight * SOFT_SCALE})
            for c in instance.constraints
        ],
    }
)
report = validate(instance, current)
print(f"before: travel {report.travel_total:,}, soft {report.soft_penalty}, feasible {report.feasible}")
rng = random.Random(args.seed)
start = time.perf_counter()
for step in range(args.steps):
    free = set(rng.sample(instance.team_ids, args.teams))
    locks = [
        Lock(home=g.home, away=g.away, slot=g.slot)
        for g in current.games
        if g.home not in free and g.away not in free
    ]
    t0 = time.perf_counter()
    built = build_locked_model(lex, locks)
    add_hint(built, current)
    if args.complete_hint:
        _complete_hint(built, current, workers=2)  # the travel agent's own completion
    t1 = time.perf_counter()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = args.step_s
    solver.parameters.num_workers = 2
    solver.parameters.cp_model_presolve = not args.no_presolve
    set_params(solver.parameters, args.param)
    status = solver.solve(built.model)
    t2 = time.perf_counter()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        print(f"{step}: {sorted(free)} no solution ({solver.status_name(status)}), prep {t1 - t0:.1f} s")
        continue
    cand = Schedule(instance=current.instance, games=extract_schedule(built, solver).games)
    check = validate(instance, cand)
    better = (check.infeasibility, check.objective, check.travel_total or 0) < (
        report.infeasibility,
        report.objective,
        report.travel_total or 0,
    )
    print(
        f"{step}: {sorted(free)} {len(built.model.proto.variables):,} variables, prep {t1 - t0:.1f} s,"
        f" solve {t2 - t1:.1f} s: travel {check.travel_total:,}, "
        f"soft {check.soft_penalty}, feasible {check.feasible}{', kept' if better else ''}",
        flush=True,
    )
    if better:
        current, report = cand, check
elapsed = time.perf_counter() - start
print(f"after: travel {report.travel_total:,}, soft penalty {report.soft_penalty}, {elapsed:.0f} s")
