"""Session 15 probes of the beam on the 10-team TTP instances (docs/travel.md, session 15).

    python docs/experiments/ttp_probes.py orders NL10 --width 1000000 --seconds 240
    python docs/experiments/ttp_probes.py perturb NL10 --width 1000000 --seconds 200 --eps 0.02
    python docs/experiments/ttp_probes.py funnel CIRC10 --width 100000 --switch 12 --wide 3000000
    python docs/experiments/ttp_probes.py lns NL10 --eps 0.02 --seconds 240 --step 2
    python docs/experiments/ttp_probes.py rebuild NL10 --seconds 240 --step 4 --set TEAM_PINS=1
    python docs/experiments/ttp_probes.py share NL10 --share 0.6 --seconds 510
    python docs/experiments/ttp_probes.py beam NL10 --width 100000 --seed 1 --set LOOKAHEAD=9
    python docs/experiments/ttp_probes.py states CIRC10 --width 100000

``orders``: beams (two threads) with the teams in random orders until ``--seconds``; the count of
each travel. ``perturb``: the same on distances multiplied pairwise by 1 + eps x N(0, 1)
(symmetric, rounded), each beam's 20 best schedules priced on the true distances. ``funnel``: one
beam at ``--width`` up to round ``--switch``, then at ``--wide``. ``lns``: rebuilds (a random
30-80 % of the games pinned, or a prefix kept; half of them on the schedule played backwards)
of the width-1,000,000 beam's schedule, guided by one of 8 perturbed copies of the distances
(``--eps 0``: the true ones), priced on the true distances, annealing acceptance as in
``beam_lns``. ``rebuild``: ``beam_lns`` itself (one thread) from that schedule, ``--step`` s a
rebuild (``beam-team-pins.patch`` gives ``TEAM_PINS``). ``share``: ``beam_ttp`` alone with that
rebuild share and two workers. ``beam``: one beam (two threads) with module constants set
(``--set NAME=VALUE``, for the patches' switches: ``git apply
docs/experiments/beam-lookahead.patch`` gives ``LOOKAHEAD``, ``beam-symmetry-merge.patch`` gives
``MERGE``). ``states``: per round of one beam, its nodes, the
distinct states among them (up to the distances' symmetries with the symmetry patch applied) and
the least, median and largest value.
"""

from __future__ import annotations

import argparse
import collections
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from _ttp import load

from flextime.travel import beam, ttsa


def perturbed(D: np.ndarray, eps: float, rng: np.random.Generator) -> np.ndarray:
    n = D.shape[0]
    F = np.triu(1 + eps * rng.standard_normal((n, n)), 1)
    Dp = np.rint(D * (F + F.T)).astype(np.int64)
    np.fill_diagonal(Dp, 0)
    return Dp


def priced(found: list[tuple[np.ndarray, int]], D: np.ndarray) -> list[tuple[int, np.ndarray]]:
    out = []
    for S, _ in found:
        cost, violations = ttsa.schedule_cost(S, D, 3, 1)
        if violations == 0:
            out.append((int(cost), S))
    return out


def start_schedule(D: np.ndarray, V: np.ndarray) -> tuple[np.ndarray, int]:
    """The rebuilds' start: one beam of width 1,000,000, seed 1 (NL10: 60,034; CIRC10: 246)."""
    return beam.beam_search(D, width=1_000_000, bounds=V, seed=1, threads=2)[0]


def orders(D: np.ndarray, a: argparse.Namespace) -> None:
    rng = np.random.default_rng(a.seed)
    n = D.shape[0]
    values: list[int | None] = []
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < a.seconds:
        if a.eps > 0:
            Dk, order = perturbed(D, a.eps, rng), np.arange(n)
        else:
            order = rng.permutation(n)
            Dk = np.ascontiguousarray(D[np.ix_(order, order)])
        found = beam.beam_search(Dk, width=a.width, seed=int(rng.integers(1 << 30)), threads=2, keep=20)
        back = [(beam._relabel(S, order), d) for S, d in found]
        costs = [c for c, _ in priced(back, D)]
        values.append(min(costs) if costs else None)
        print(round(time.perf_counter() - t0), values[-1], flush=True)
    counts = sorted(collections.Counter(values).items(), key=lambda x: (x[0] is None, x[0]))
    print(a.instance, "width", a.width, "eps", a.eps, "beams", len(values), counts)


def rounds(D: np.ndarray, V: np.ndarray, width: Callable[[int], int], seed: int):
    """One beam (two threads, as ``beam._beam`` builds it) with ``width(r)`` nodes in round ``r``:
    after each round, its number (1-based), the nodes and the back pointers so far."""
    n = D.shape[0]
    rng = np.random.default_rng(seed)
    shift = max(0, int(D.max()).bit_length() - 12)
    pins = np.zeros(n, dtype=np.int64)
    pinned_at = np.full((n, n), -1, dtype=np.int64)
    col = 6 * n + 2
    nodes = beam._start_node(D, V, 3, None)
    trail: list[tuple[np.ndarray, np.ndarray]] = []
    with ThreadPoolExecutor(2) as pool:
        for r in range(2 * (n - 1)):
            for k in range(n // 2):
                last = k == n // 2 - 1
                nodes = beam._next_level(
                    D, V, 3, 1, nodes, width(r), pins, pinned_at, 0.5, rng, shift, k, last, pool, 2
                )
                if nodes.shape[0] == 0:
                    return
            games = nodes[:, col + 1].astype(np.int64) | (nodes[:, col + 2].astype(np.int64) << 20)
            trail.append((nodes[:, col].astype(np.int32), games))
            yield r + 1, nodes, trail


def funnel(D: np.ndarray, a: argparse.Namespace) -> None:
    n = D.shape[0]
    t0 = time.perf_counter()
    travel = None
    for r, nodes, trail in rounds(
        D, beam.team_bounds(D), lambda r: a.width if r < a.switch else a.wide, a.seed
    ):
        if r > a.switch:
            print(" round", r, len(nodes), int(nodes[:, 6 * n + 1].min()), flush=True)
        if r == 2 * (n - 1):
            q = int(np.argmin(nodes[:, 6 * n + 1]))
            travel = ttsa.schedule_cost(beam._decode(n, trail, q), D, 3, 1)[0]
    seconds = time.perf_counter() - t0
    print(
        f"{a.instance} width {a.width} to round {a.switch}, then {a.wide}: travel {travel}, {seconds:.1f} s"
    )


def lns(D: np.ndarray, a: argparse.Namespace) -> None:
    n = D.shape[0]
    rounds = 2 * (n - 1)
    V = beam.team_bounds(D)
    S, d = start_schedule(D, V)
    start = d
    rng = np.random.default_rng(a.seed)
    guides = [(D, V)] if a.eps == 0 else []
    while not guides or (len(guides) < 8 and a.eps > 0):
        Dp = perturbed(D, a.eps, rng)
        guides.append((Dp, beam.team_bounds(Dp)))
    best, best_d, idle, steps, gains = S, d, 0, 0, []
    t0 = time.perf_counter()
    while time.perf_counter() < t0 + a.seconds:
        steps += 1
        Dg, Vg = guides[int(rng.integers(len(guides)))]
        back = rng.random() < 0.5
        X = S[:, ::-1] if back else S
        prefix = pinned = None
        if rng.random() < 0.5:
            pinned = beam.pin_games(X, (X > 0) & (rng.random(X.shape) < rng.uniform(0.3, 0.8)))
        else:
            prefix = np.ascontiguousarray(X[:, : int(rng.integers(1, rounds - 2))])
        found = beam.beam_search(
            Dg, width=5_000_000, bounds=Vg, seed=int(rng.integers(1 << 30)), keep=4,
            deadline=time.perf_counter() + a.step, prefix=prefix, pinned=pinned,
        )  # fmt: skip
        found = [(np.ascontiguousarray(Y[:, ::-1]) if back else Y, v) for Y, v in found]
        cands = [(c, Y) for c, Y in priced(found, D) if not np.array_equal(Y, S)]
        idle += 1
        if cands:
            c, Y = min(cands, key=lambda x: x[0])
            if c <= d or rng.random() < np.exp(-(c - d) / (beam.LNS_TEMPERATURE * d)):
                S, d = Y, c
            if c < best_d:
                best, best_d, idle = Y, c, 0
                gains.append((round(time.perf_counter() - t0), c))
        if idle >= beam.LNS_PATIENCE:
            S, d, idle = best, best_d, 0
    print(a.instance, "eps", a.eps, "seed", a.seed, "steps", steps, "start", start, "best", best_d, gains)


def share(D: np.ndarray, a: argparse.Namespace) -> None:
    run = beam.beam_ttp(D, time_limit_s=a.seconds, seed=a.seed, workers=2, lns_share=a.share)
    assert run is not None
    print(a.instance, "share", a.share, "seed", a.seed, "best", run.schedules[0][1], "beams", run.beams,
          "history", run.history)  # fmt: skip


def configure(a: argparse.Namespace) -> None:
    for setting in a.set:
        name, value = setting.split("=")
        kind = type(getattr(beam, name))
        setattr(beam, name, kind(int(value)) if kind is bool else kind(value))


def rebuild(D: np.ndarray, a: argparse.Namespace) -> None:
    configure(a)
    V = beam.team_bounds(D)
    S, d = start_schedule(D, V)
    t0 = time.perf_counter()
    _, best, gains = beam.beam_lns(
        D, V, S, d, deadline=t0 + a.seconds, width=5_000_000, step_s=a.step, seed=a.seed
    )
    print(a.instance, a.set, "step", a.step, "seed", a.seed, "start", d, "best", best,
          [(round(t - t0), g) for t, g in gains])  # fmt: skip


def one_beam(D: np.ndarray, a: argparse.Namespace) -> None:
    configure(a)
    t0 = time.perf_counter()
    found = beam.beam_search(D, width=a.width, seed=a.seed, threads=2)
    travel = found[0][1] if found else None
    seconds = time.perf_counter() - t0
    print(f"{a.instance} {a.set} width {a.width} seed {a.seed}: travel {travel}, {seconds:.2f} s")


def states(D: np.ndarray, a: argparse.Namespace) -> None:
    n = D.shape[0]
    perms = beam.automorphisms(D) if hasattr(beam, "automorphisms") else None  # symmetry patch applied
    for r, nodes, _ in rounds(D, beam.team_bounds(D), lambda r: a.width, a.seed):
        if perms is not None:
            distinct = len(np.unique(beam._state_keys(nodes, n, perms)))
        else:
            rows = np.ascontiguousarray(nodes[:, : 5 * n])
            distinct = len(np.unique(rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1])))))
        values = nodes[:, 6 * n + 1]
        print(
            r,
            len(nodes),
            distinct,
            int(values.min()),
            float(np.median(values)),
            int(values.max()),
            flush=True,
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "probe", choices=["orders", "perturb", "funnel", "lns", "rebuild", "share", "beam", "states"]
    )
    p.add_argument("instance")
    p.add_argument("--width", type=int, default=1_000_000)
    p.add_argument("--wide", type=int, default=3_000_000)
    p.add_argument("--switch", type=int, default=12)
    p.add_argument("--seconds", type=float, default=240.0)
    p.add_argument("--eps", type=float, default=0.0)
    p.add_argument("--step", type=float, default=2.0)
    p.add_argument("--share", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--set", action="append", default=[], help="NAME=VALUE: a beam module constant")
    a = p.parse_args()
    _, D, _ = load(a.instance)
    beam.warm_up()
    if a.probe == "perturb" and a.eps == 0:
        a.eps = 0.02
    {
        "orders": orders,
        "perturb": orders,
        "funnel": funnel,
        "lns": lns,
        "rebuild": rebuild,
        "share": share,
        "beam": one_beam,
        "states": states,
    }[a.probe](D, a)


if __name__ == "__main__":
    main()
