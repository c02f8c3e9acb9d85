"""Does a better NL10 schedule hide behind the beam's home/away patterns? (docs/travel.md, s13)

Needs ``beam_search(venues=...)``, which is not in the package (no gain measured):

    git checkout 2b3bdee -- layers/flextime/flextime/travel/beam.py   # the patch is on that beam
    git apply docs/experiments/beam-venues.patch
    python docs/experiments/ttp_patterns.py NL10 --first 1 --last 40   # and 40..80
    python docs/experiments/ttp_patterns.py NL10 --solution out/ttp-s13w1/NL10_solution.xml \
        --share 0.3,0.8 --tries 20 --seed 2                               # 0.7,1.0 8 3 --width 1000000
    git checkout HEAD -- layers/flextime/flextime/travel/beam.py

For each seed: a beam of ``--width0`` nodes on the teams in that seed's random order; for each of
its 3 best schedules, a beam of ``--width`` nodes with every team's home/away pattern fixed to
that schedule's, choosing the opponents again. With ``--solution``: ``--tries`` beams with that
schedule's pattern fixed in a random ``--share`` of the cells. Prints travel before -> after.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _ttp import load

from flextime.travel.beam import _relabel, beam_search, team_bounds


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("instance")
    p.add_argument("--width0", type=int, default=20_000)
    p.add_argument("--width", type=int, default=300_000)
    p.add_argument("--first", type=int, default=1)
    p.add_argument("--last", type=int, default=40)
    p.add_argument("--solution", help="fix parts of this schedule's pattern instead")
    p.add_argument("--share", default="0.3,0.8", help="with --solution: lowest,highest share of cells")
    p.add_argument("--tries", type=int, default=20)
    p.add_argument("--seed", type=int, default=2)
    a = p.parse_args()
    _, D, _ = load(a.instance)
    n = D.shape[0]
    V = team_bounds(D, 3)
    if a.solution:
        _, _, S = load(a.instance, a.solution)
        rng = np.random.default_rng(a.seed)
        low, high = (float(x) for x in a.share.split(","))
        for k in range(a.tries):
            share = rng.uniform(low, high)
            venues = np.where(rng.random(S.shape) < share, np.sign(S), 0)
            found = beam_search(D, width=a.width, bounds=V, keep=2, seed=k + 1, venues=venues)
            print(f"share {share:.2f}:", [d for _, d in found], flush=True)
        return
    for seed in range(a.first, a.last):
        order = np.random.default_rng(seed).permutation(n)
        Dk = np.ascontiguousarray(D[np.ix_(order, order)])
        for Sk, before in beam_search(Dk, width=a.width0, bounds=team_bounds(Dk, 3), keep=3, seed=seed):
            S = _relabel(Sk, order)
            t = time.perf_counter()
            found = beam_search(D, width=a.width, bounds=V, keep=1, seed=seed, venues=np.sign(S))
            after = found[0][1] if found else None
            print(seed, before, "->", after, f"{time.perf_counter() - t:.1f} s", flush=True)


if __name__ == "__main__":
    main()
