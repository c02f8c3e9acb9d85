"""Session 17 probe: recombination of beam schedules (docs/travel.md, session 17).

A population of schedules from beams with the teams in random orders; a child of two parents is
a beam (``beam_search(pinned=...)``) in which the games both parents play in the same round, with
the same host, are pinned (the parents' consensus; the second parent also played backwards, which
travels as much on a symmetric matrix, whichever agrees more), and the beam chooses the rest. The
child replaces the worse parent when it is better and new (crowding); parents that share more
than ``--cap`` of their games pass on a random ``--cap`` of them. After the GPX-style crossovers of
TSP heuristics; the random pin sets of ``beam_lns`` and ``ttp_probes.py lns`` keep 30-80 % of one
schedule, this keeps what good schedules share.

    python docs/experiments/ttp_crossover.py NL10 --pool 16 --width 200000 --child 300000 --seconds 600
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _ttp import load

from flextime.travel import beam, ttsa


def cost(S: np.ndarray, D: np.ndarray) -> int | None:
    d, v = ttsa.schedule_cost(S, D, 3, 1)
    return None if v else int(d)


def seed_beam(D: np.ndarray, width: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    n = D.shape[0]
    order = rng.permutation(n)
    Dk = np.ascontiguousarray(D[np.ix_(order, order)])
    found = beam.beam_search(Dk, width=width, seed=int(rng.integers(1 << 30)), threads=2, keep=1)
    S = beam._relabel(found[0][0], order)
    c = cost(S, D)
    assert c is not None
    return S, c


def consensus(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """The host cells where A and B (or B backwards) play the same home game in the same round."""
    same = (A > 0) & (A == B)
    back = (A > 0) & (B[:, ::-1] == A)
    return same if same.sum() >= back.sum() else back


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("instance")
    p.add_argument("--pool", type=int, default=16)
    p.add_argument("--width", type=int, default=200_000)
    p.add_argument("--child", type=int, default=300_000)
    p.add_argument("--seconds", type=float, default=600.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--cap", type=float, default=0.6, help="the most of a child's games pinned")
    a = p.parse_args()
    _, D, _ = load(a.instance)
    rng = np.random.default_rng(a.seed)
    V = beam.team_bounds(D)
    t0 = time.perf_counter()
    pop = [seed_beam(D, a.width, rng) for _ in range(a.pool)]
    pop.sort(key=lambda x: x[1])
    print(f"{time.perf_counter() - t0:.0f}s pool", [c for _, c in pop], flush=True)
    children = improved = 0
    shares = []
    while time.perf_counter() - t0 < a.seconds:
        i, j = sorted(rng.choice(len(pop), size=2, replace=False))
        (A, pa), (B, pb) = pop[i], pop[j]
        hosts = consensus(A, B)
        shares.append(hosts.sum() / (A > 0).sum())
        if shares[-1] > a.cap:  # close parents: keep a random --cap of the games pinned
            hosts &= rng.random(hosts.shape) < a.cap / shares[-1]
        found = beam.beam_search(
            D, width=a.child, bounds=V, seed=int(rng.integers(1 << 30)), threads=2, keep=2,
            pinned=beam.pin_games(A, hosts),
        )  # fmt: skip
        children += 1
        for S, _ in found:
            c = cost(S, D)
            if c is None or c >= pb or any(np.array_equal(S, X) for X, _ in pop):
                continue
            pop[j] = (S, c)  # the worse parent (crowding keeps the population diverse)
            pop.sort(key=lambda x: x[1])
            improved += 1
            print(f"{time.perf_counter() - t0:.0f}s child of {pa}/{pb} shares "
                  f"{shares[-1]:.2f}: {c}; best {pop[0][1]}", flush=True)  # fmt: skip
            break
    print(a.instance, "seed", a.seed, "children", children, "accepted", improved)
    print(f"mean consensus {np.mean(shares):.2f}", "best", pop[0][1], "pool", [c for _, c in pop])


if __name__ == "__main__":
    main()
