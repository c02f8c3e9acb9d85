"""Session 17: a Fargate plan's solve and the solver task's travel improvement on the Big 12
basketball TTP, through ``run_solve`` on a local artifact store (docs/travel.md, "Where the
improver runs in the platform").

    python docs/experiments/solver_travel.py 200 2    # time limit (s), workers
"""

import sys
import tempfile
import time
from pathlib import Path

from flextime.agents.algorithm_selection import choose_plan, profile_instance
from flextime.agents.settings import AgentSettings
from flextime.agents.solver import run_solve
from flextime.domain import Schedule
from flextime.store.s3 import LocalArtifactStore, get_json, put_json
from flextime.travel.ttp_instance import big12_ttp_instance
from flextime.validate import validate

limit, workers = float(sys.argv[1]), int(sys.argv[2])
inst = big12_ttp_instance("arena")
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
