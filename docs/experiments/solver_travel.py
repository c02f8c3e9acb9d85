"""Session 17: a Fargate plan's solve and the solver task's travel improvement, through
``run_solve`` on a local artifact store (docs/travel.md, "Where the improver runs in the
platform"): the Big 12 basketball TTP, or a built-in scenario; with a scenario (not TTP-shaped,
so the general local search runs) also OptimizeTravel's 10 s from the same solve, for comparison.

    python docs/experiments/solver_travel.py 200 2    # time limit (s), workers
    python docs/experiments/solver_travel.py 300 2 big12-mbb-2026-27
"""

import sys
import tempfile
import time
from pathlib import Path

from flextime.agents.algorithm_selection import choose_plan, profile_instance
from flextime.agents.settings import AgentSettings
from flextime.agents.solver import run_solve
from flextime.agents.travel import try_improve
from flextime.domain import Schedule
from flextime.scenarios import load_builtin
from flextime.store.s3 import LocalArtifactStore, get_json, put_json
from flextime.travel.ttp_instance import big12_ttp_instance
from flextime.validate import validate

limit, workers = float(sys.argv[1]), int(sys.argv[2])
inst = load_builtin(sys.argv[3]) if len(sys.argv) > 3 else big12_ttp_instance("arena")
plan = choose_plan(
    profile_instance(inst),
    {"time_limit_s": limit, "workers": workers},
    AgentSettings(compute="fargate"),
    travel=True,
)
store = LocalArtifactStore(Path(tempfile.mkdtemp()))
put_json(store, "i.json", inst.model_dump(mode="json"))
put_json(store, "p.json", plan.model_dump(mode="json"))
t0 = time.perf_counter()
run_solve(store, "i.json", "p.json", "s.json", "r.json", None, travel_key="t.json")
wall = time.perf_counter() - t0
a = validate(inst, Schedule.model_validate(get_json(store, "s.json")))
b = validate(inst, Schedule.model_validate(get_json(store, "t.json")))
drop = 100 * (a.travel_total - b.travel_total) / a.travel_total
print(f"limit {limit} solve {plan.solve_time_limit_s} travel {plan.travel_s} workers {workers}:")
print(f"  solve {a.travel_total} (feasible {a.feasible}), after the task's improver {b.travel_total}")
print(f"  (feasible {b.feasible}), {drop:.1f} % lower; wall {wall:.0f} s")
if len(sys.argv) > 3:
    solved = Schedule.model_validate(get_json(store, "s.json"))
    t1 = time.perf_counter()
    c = validate(inst, try_improve(inst, solved, 10.0) or solved)
    lower = 100 * (a.travel_total - c.travel_total) / a.travel_total
    print(f"  OptimizeTravel's 10 s from the same solve: {c.travel_total} (feasible {c.feasible}),")
    print(f"  {lower:.1f} % lower, {time.perf_counter() - t1:.0f} s")
