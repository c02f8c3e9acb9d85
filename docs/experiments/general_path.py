"""Session 18: the general travel path (validator-checked local search) on the Big 12 scenarios.

Runs ``local_search`` (what ``improve_travel`` runs on instances that are not TTP-shaped) from a
solved schedule for each budget and seed and prints one row per run: travel before and after, the
moves drawn, validated and skipped (dropped for adding miles), and moves per second. Run it with
another checkout's package first on ``PYTHONPATH`` to compare versions (older versions have no
``validated`` / ``skipped`` counters; they show as "-").

    flextime solve big12-mbb-2026-27 --out out/s18/mbb --time-limit 60
    python docs/experiments/general_path.py big12-mbb-2026-27 out/s18/mbb/schedule.csv 10,30 1,2 auto,0

The fifth argument lists start temperatures (``auto``: ``start_temperature``; 0: hill climbing,
the default since session 18, with reheats since session 19; ``climb``: hill climbing without
reheats; ``general``: ``travel.general.improve_general``, CP-SAT LNS at the stalls, 2 workers,
time budgets only; session 20: ``general:W`` the same with the LNS at any budget and W CP-SAT
workers, ``lns:W`` CP-SAT LNS alone, where "moves" counts its steps); without it the version's
default runs. A budget written
``i6000`` is 6,000 moves with no time limit (the machine's speed varies by up to 1.5x between
runs, so quality per move is compared this way and throughput separately).

Environment (session 19 ablations): ``MOVES=swap_homes,swap_slots,...`` draws only those kinds,
``MIX_FLOOR=1`` makes the draw uniform (``MoveMix.FLOOR``), ``STALL_DRAWS=N`` sets the moves
without a new best before a reheat.
"""

import os
import sys
import time

from flextime.formats.inputs import load_instance, load_schedule
from flextime.travel import local_search as search_module
from flextime.travel.dated_lns import dated_lns
from flextime.travel.general import improve_general
from flextime.travel.local_search import LocalSearchResult, local_search
from flextime.validate import validate

if "MIX_FLOOR" in os.environ:
    search_module.MoveMix.FLOOR = float(os.environ["MIX_FLOOR"])
if "STALL_DRAWS" in os.environ:
    search_module.STALL_DRAWS = int(os.environ["STALL_DRAWS"])
name, schedule_path = sys.argv[1], sys.argv[2]
budgets = sys.argv[3].split(",")
seeds = [int(x) for x in sys.argv[4].split(",")]
temps: list[float | str | None] = ["default"]  # "default": no temperature argument (older versions)
if len(sys.argv) > 5:
    words = ("climb", "general")
    temps = [
        None if x == "auto" else x if x in words or x.startswith(("general:", "lns:")) else float(x)
        for x in sys.argv[5].split(",")
    ]
instance = load_instance(name)
start = load_schedule(schedule_path)
before = validate(instance, start)
print(f"{name}: {len(start.games)} games, travel {before.travel_total}, feasible {before.feasible}")
print(f"objective (soft penalty + weighted travel) {before.objective}")
print("| T0 | budget s | seed | before | after | gain % | moves | validated | skipped | moves/s", end="")
print(" | feasible | objective |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for temp, budget, seed in ((t, b, s) for t in temps for b in budgets for s in seeds):
    kw: dict = {} if temp == "default" else {"temperature": temp}
    if temp == "climb":  # hill climbing without reheats (session 19)
        kw = {"temperature": 0.0, "reheat": False}
    if "MOVES" in os.environ:
        kw["kinds"] = tuple(os.environ["MOVES"].split(","))
    if budget.startswith("i"):
        kw["max_iterations"], limit = int(budget[1:]), 1e9
    else:
        limit = float(budget)
    t0 = time.perf_counter()
    if temp == "general":  # the local search with CP-SAT LNS bursts at its stalls (session 19)
        if "max_iterations" in kw:
            sys.exit("general runs on time budgets only")
        ls = improve_general(instance, start, before, time_limit_s=limit, seed=seed, workers=2)
    elif isinstance(temp, str) and temp.startswith("general:"):  # LNS at any budget, W workers
        w = int(temp.split(":")[1])
        ls = improve_general(instance, start, before, time_limit_s=limit, seed=seed, workers=w, lns=True)
    elif isinstance(temp, str) and temp.startswith("lns:"):  # CP-SAT LNS alone, W workers
        w = int(temp.split(":")[1])
        lns = dated_lns(instance, start, before, time_limit_s=limit, seed=seed, workers=w)
        ls = LocalSearchResult(schedule=lns.schedule, report=lns.report, lns_steps=lns.steps)
        ls.iterations, ls.lns_kept, ls.time_to_best_s = lns.steps, lns.kept, lns.time_to_best_s
    else:
        ls = local_search(instance, start, before, time_limit_s=limit, seed=seed, **kw)
    wall = time.perf_counter() - t0
    check = validate(instance, ls.schedule)
    assert check.model_dump() == ls.report.model_dump()
    after = ls.report.travel_total or 0
    gain = 100.0 * (before.travel_total - after) / before.travel_total
    label = "auto" if temp is None else str(temp)
    print(
        f"| {label} | {budget} | {seed} | {before.travel_total:,} | {after:,} | {gain:.2f} "
        f"| {ls.iterations:,} | {getattr(ls, 'validated', '-')} | {getattr(ls, 'skipped', '-')} "
        f"| {ls.iterations / wall:,.0f} | {check.feasible} | {check.objective:,} |",
        flush=True,
    )
    if getattr(ls, "moves", None):
        phases = "".join("L" if p == "lns" else "s" for p in getattr(ls, "phases", [])) or "-"
        print(
            f"  reheats {getattr(ls, 'reheats', '-')}, LNS steps {getattr(ls, 'lns_steps', '-')}"
            f" ({getattr(ls, 'lns_kept', '-')} kept), phases {phases},"
            f" time to best {ls.time_to_best_s} s;",
            "moves (drawn, improved):",
            ", ".join(f"{k} {d}/{i}" for k, (d, i) in ls.moves.items()),
        )
