"""Probe (session 20): the whole TTP as one compact CP-SAT model whose travel is a sum of *savings*.

A team's travel depends only on which away games it plays back to back, not on the rounds: with
``x[i, j, r]`` (team i plays at j in round r), travel of i = sum_j 2 d(i, j) - sum_{j, k} s_ijk y_ijk
where ``y_ijk`` = i plays at j and then at k in the next round and s_ijk = d(j, i) + d(i, k) - d(j, k)
(the Clarke-Wright saving of not going home in between). No location variables, no per-round
transition tables: 1,620 x-variables on ten teams and 720 y (with ``--z``, 12,240 z_ijkr = y_ijk in
round r, a tighter linear relaxation).

    python docs/experiments/ttp_savings.py NL10 [--solution out/.../NL10_solution.xml] [--seconds 300]
        [--workers 2] [--z] [--bound 59526] [--log]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _ttp import load, set_params
from ortools.sat.python import cp_model

from flextime.travel import ttsa


def build(  # noqa: C901 - one block per rule
    D: np.ndarray,
    *,
    max_streak: int = 3,
    z: bool = False,
    hint: np.ndarray | None = None,
    exact: bool = False,
):
    """The model; with ``exact`` every y_ijk is reified both ways (i plays at j then at k exactly when
    y_ijk), so the y of fixed teams can be pinned."""
    n = D.shape[0]
    R = 2 * (n - 1)
    m = cp_model.CpModel()
    x = {
        (i, j, r): m.new_bool_var(f"x{i}_{j}_{r}")
        for i in range(n)
        for j in range(n)
        if i != j
        for r in range(R)
    }
    for i in range(n):
        for j in range(n):
            if i != j:
                m.add_exactly_one(x[i, j, r] for r in range(R))
        for r in range(R):
            m.add_exactly_one(
                [x[i, j, r] for j in range(n) if j != i] + [x[j, i, r] for j in range(n) if j != i]
            )
    away = {(i, r): sum(x[i, j, r] for j in range(n) if j != i) for i in range(n) for r in range(R)}
    for i in range(n):
        for r in range(R - max_streak):
            w = sum(away[i, r + k] for k in range(max_streak + 1))
            m.add(w >= 1)
            m.add(w <= max_streak)
    for i in range(n):
        for j in range(i + 1, n):
            for r in range(R - 1):
                m.add_bool_or([x[i, j, r].Not(), x[j, i, r + 1].Not()])
                m.add_bool_or([x[j, i, r].Not(), x[i, j, r + 1].Not()])
    const = int(sum(2 * D[i, j] for i in range(n) for j in range(n) if i != j))
    terms = []
    zmap: dict[tuple[int, int, int, int], cp_model.IntVar] = {}
    ys: dict[tuple[int, int, int], cp_model.IntVar] = {}
    for i in range(n):
        for j in range(n):
            for k in range(n):
                if len({i, j, k}) < 3:
                    continue
                s = int(D[j, i] + D[i, k] - D[j, k])
                if s == 0 and not exact:
                    continue
                if z:
                    zs = [m.new_bool_var(f"z{i}_{j}_{k}_{r}") for r in range(R - 1)]
                    for r, zr in enumerate(zs):
                        zmap[i, j, k, r] = zr
                        m.add_implication(zr, x[i, j, r])
                        m.add_implication(zr, x[i, k, r + 1])
                        if s < 0:
                            m.add_bool_or([x[i, j, r].Not(), x[i, k, r + 1].Not(), zr])
                    terms.extend((s, zr) for zr in zs)
                else:
                    y = m.new_bool_var(f"y{i}_{j}_{k}")
                    ys[i, j, k] = y
                    for r in range(R):
                        nxt = [x[i, k, r + 1]] if r + 1 < R else []
                        m.add_bool_or([y.Not(), x[i, j, r].Not(), *nxt])
                        if nxt and (s < 0 or exact):
                            m.add_bool_or([x[i, j, r].Not(), x[i, k, r + 1].Not(), y])
                    terms.append((s, y))
    if z:  # one successor / predecessor per away game and round (the aggregated relaxation)
        for i in range(n):
            for j in range(n):
                if j == i:
                    continue
                for r in range(R - 1):
                    out_ = [zmap[i, j, k, r] for k in range(n) if (i, j, k, r) in zmap]
                    in_ = [zmap[i, k, j, r] for k in range(n) if (i, k, j, r) in zmap]
                    if out_:
                        m.add(sum(out_) <= x[i, j, r])
                    if in_:
                        m.add(sum(in_) <= x[i, j, r + 1])
    travel = const - sum(s * v for s, v in terms)
    if hint is not None:
        for i in range(n):
            for r in range(R):
                v = int(hint[i, r])
                for j in range(n):
                    if j != i:
                        m.add_hint(x[i, j, r], int(v < 0 and -v - 1 == j))
    return m, x, ys, travel


def _schedule(solver: cp_model.CpSolver, x: dict, n: int) -> np.ndarray:
    """The solved x as the kernel's schedule (S[t, r] = +-(opponent + 1), + = home)."""
    out = np.zeros((n, 2 * (n - 1)), dtype=np.int64)
    for (i, j, r), v in x.items():
        if solver.value(v):
            out[i, r] = -(j + 1)
            out[j, r] = i + 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("--solution")
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--z", action="store_true")
    ap.add_argument("--bound", type=int, help="require travel <= this")
    ap.add_argument("--log", action="store_true")
    ap.add_argument("--param", action="append", default=[])
    a = ap.parse_args()
    _, D, S = load(a.name, a.solution)
    n = D.shape[0]
    t0 = time.perf_counter()
    m, x, _, travel = build(D, z=a.z, hint=S)
    if a.bound is not None:
        m.add(travel <= a.bound)
    m.minimize(travel)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = a.seconds
    solver.parameters.num_workers = a.workers
    solver.parameters.log_search_progress = a.log
    set_params(solver.parameters, a.param)

    class Cb(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            print(
                f"{time.perf_counter() - t0:8.1f} s  {int(self.objective_value)}"
                f"  bound {int(self.best_objective_bound)}",
                flush=True,
            )

    print(
        f"model built in {time.perf_counter() - t0:.1f} s;"
        f" hint {ttsa.schedule_cost(S, D, 3, 1) if S is not None else None}"
    )
    status = solver.solve(m, Cb())
    print(solver.status_name(status), solver.objective_value, solver.best_objective_bound)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        out = _schedule(solver, x, n)
        print("kernel recount (distance, violations):", ttsa.schedule_cost(out, D, 3, 1))


def adjacency(S: np.ndarray, i: int) -> set[frozenset[int]]:
    """The pairs of venues team i plays at back to back (its trips, without their direction)."""
    R = S.shape[1]
    return {
        frozenset((-int(S[i, r]) - 1, -int(S[i, r + 1]) - 1))
        for r in range(R - 1)
        if S[i, r] < 0 and S[i, r + 1] < 0
    }


def trip_lns(
    D: np.ndarray, S: np.ndarray, *, seconds: float, step_s: float, k: int, workers: int, seed: int
) -> None:
    """Free the trips of ``k`` teams; every other team keeps its trips (the same venues back to back,
    either way round, so the same travel) but the whole timetable may change."""
    import random

    rng = random.Random(seed)
    n = D.shape[0]
    best = int(ttsa.schedule_cost(S, D, 3, 1)[0])
    t0 = time.perf_counter()
    step = 0
    while time.perf_counter() - t0 < seconds:
        step += 1
        free = set(rng.sample(range(n), k))
        m, x, ys, travel = build(D, hint=S, exact=True)
        for i in range(n):
            if i in free:
                continue
            adj = adjacency(S, i)
            for j in range(n):
                for kk in range(j + 1, n):
                    if i in (j, kk):
                        continue
                    m.add(ys[i, j, kk] + ys[i, kk, j] == int(frozenset((j, kk)) in adj))
        m.add(travel <= best - 1)
        m.minimize(travel)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = min(step_s, seconds - (time.perf_counter() - t0))
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed + step
        st = solver.solve(m)
        msg = solver.status_name(st)
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            out = _schedule(solver, x, n)
            d, v = ttsa.schedule_cost(out, D, 3, 1)
            assert v == 0, v
            if d < best:
                best, S = int(d), out
        print(
            f"{time.perf_counter() - t0:7.1f} s step {step} free {sorted(free)} {msg}"
            f" {solver.wall_time:.1f} s best {best}",
            flush=True,
        )


def lns_main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd")
    ap.add_argument("name")
    ap.add_argument("solution")
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--step-s", type=float, default=20)
    ap.add_argument("--teams", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    _, D, S = load(a.name, a.solution)
    assert S is not None
    trip_lns(D, S, seconds=a.seconds, step_s=a.step_s, k=a.teams, workers=a.workers, seed=a.seed)


if __name__ == "__main__":
    import sys

    lns_main() if sys.argv[1:2] == ["trips"] else main()
