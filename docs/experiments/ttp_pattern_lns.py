"""Pattern-level LNS on a TTP schedule (docs/travel.md, session 13; needs beam-venues.patch).

    git checkout 2b3bdee -- layers/flextime/flextime/travel/beam.py   # the patch is on that beam
    git apply docs/experiments/beam-venues.patch
    python docs/experiments/ttp_pattern_lns.py NL10 out/ttp-s13w1/NL10_solution.xml --seed 1
    git checkout HEAD -- layers/flextime/flextime/travel/beam.py

Each step swaps the venues of one or two pairs' meetings in the current home/away pattern, fixes
a random 60-95 % of the new pattern's cells, and lets a beam choose the games; the result
replaces the current schedule when it travels no more, or with probability
exp(-increase / (0.002 x travel)).
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
from _ttp import load

from flextime.travel import ttsa
from flextime.travel.beam import beam_search, team_bounds


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("instance")
    p.add_argument("solution")
    p.add_argument("--width", type=int, default=50_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--seconds", type=float, default=1200.0)
    a = p.parse_args()
    _, D, S = load(a.instance, a.solution)
    V = team_bounds(D, 3)
    n = S.shape[0]
    current, _ = ttsa.schedule_cost(S, D, 3, 1)
    best = current
    rng = np.random.default_rng(a.seed)
    end = time.time() + a.seconds
    step = 0
    while time.time() < end:
        step += 1
        P = np.sign(S)
        for _ in range(int(rng.integers(1, 3))):
            i, j = rng.choice(n, 2, replace=False)
            for r in np.nonzero(np.abs(S[i]) == j + 1)[0]:
                P[i, r], P[j, r] = -P[i, r], -P[j, r]
        share = rng.uniform(0.6, 0.95)
        venues = np.where(rng.random(P.shape) < share, P, 0)
        found = beam_search(D, width=a.width, bounds=V, keep=2, seed=step, venues=venues)
        other = [(Y, d) for Y, d in found if not np.array_equal(Y, S)]
        if not other:
            continue
        Y, d = other[0]
        if d <= current or rng.random() < math.exp(-(d - current) / (0.002 * current)):
            S, current = Y, d
        if d < best:
            best = d
            print("new best", step, d, flush=True)
        if step % 20 == 0:
            print(step, current, best, flush=True)
    print("end", best, "steps", step)


if __name__ == "__main__":
    main()
