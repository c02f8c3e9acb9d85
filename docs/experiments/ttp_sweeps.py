"""Is a TTP schedule a local optimum of the beam rebuilds? (docs/travel.md, session 12)

    python docs/experiments/ttp_sweeps.py window NL10 out/ttp-s13w1/NL10_solution.xml \
        --width 100000 --lengths 12,11,10,9,8
    python docs/experiments/ttp_sweeps.py prefix NL10 out/ttp-s13w1/NL10_solution.xml \
        --width 2000000 --keep 2,4,6,8,10,12,14
    python docs/experiments/ttp_sweeps.py two-windows NL10 out/ttp-s13w1/NL10_solution.xml \
        --lengths 4 --seconds 10

``window``: rebuild every window of each length (forwards and, the matrix being symmetric,
backwards), take any gain and start over, until no window gains. ``prefix``: keep the first
``k`` rounds (``--backwards``: the last) and rebuild the rest with one beam. ``two-windows``:
every pair of disjoint windows of the first ``--lengths`` rounds, not adjacent, freed together
for CP-SAT (``reoptimise_rounds``: games may move between the two windows), ``--seconds`` each.
``pins``: pin a random share of the games where they are and rebuild the rest with one beam.
Prints one line per rebuild: what was freed, the best travel found, seconds. An analysis
script, not part of the package (the package's moves are in ``flextime.travel.beam`` and
``flextime.travel.window``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from _ttp import load

from flextime.travel import ttsa
from flextime.travel.beam import _relabel, beam_search, pin_games, team_bounds
from flextime.travel.ttp_lns import reoptimise_rounds
from flextime.travel.window import window_rebuild


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("kind", choices=["window", "prefix", "two-windows", "pins"])
    p.add_argument("instance", help="RobinX TTP instance name, e.g. NL10")
    p.add_argument("solution", type=Path, help="RobinX solution XML (e.g. from flextime bench ttp)")
    p.add_argument("--width", type=int, default=100_000)
    p.add_argument("--lengths", default="12,11,10,9,8", help="window: lengths in rounds")
    p.add_argument("--keep", default="2,4,6,8,10,12,14", help="prefix: rounds kept")
    p.add_argument("--seconds", type=float, default=10.0, help="two-windows: CP-SAT limit each")
    p.add_argument("--order-seed", type=int, help="prefix: the teams in this seed's random order")
    p.add_argument("--pin-share", default="0.05,0.3", help="pins: lowest,highest share of games")
    p.add_argument("--tries", type=int, default=21, help="pins: rebuilds (random pins each)")
    p.add_argument("--seed", type=int, default=1, help="pins: random pins")
    p.add_argument("--backwards", action="store_true", help="prefix: keep the last rounds")
    a = p.parse_args()
    _, D, S = load(a.instance, a.solution)
    best, violations = ttsa.schedule_cost(S, D, 3, 1)
    print("start", best, "violations", violations, flush=True)
    rounds = S.shape[1]
    if a.kind == "window":
        lengths = [int(x) for x in a.lengths.split(",")]
        gained = True
        while gained:
            gained = False
            for length in lengths:
                for back in (False, True):
                    for start in range(rounds - length + 1):
                        X = S[:, ::-1] if back else S
                        t = time.perf_counter()
                        found = window_rebuild(D, X, start, start + length, width=a.width, seed=start + 1)
                        value = found[0][1] if found else None
                        if value is not None and value < best:
                            S = np.ascontiguousarray(found[0][0][:, ::-1]) if back else found[0][0]
                            best, gained = value, True
                        took = time.perf_counter() - t
                        print(f"window {length} back={back} from {start}: {value} ({took:.1f} s)", flush=True)
    elif a.kind == "two-windows":
        length = int(a.lengths.split(",")[0])
        for first in range(rounds - length + 1):
            for second in range(first + length + 1, rounds - length + 1):
                free = [*range(first, first + length), *range(second, second + length)]
                t = time.perf_counter()
                Y = reoptimise_rounds(S, D, free, max_streak=3, no_repeat=True, time_limit_s=a.seconds)
                value = ttsa.schedule_cost(Y, D, 3, 1) if Y is not None else None
                if value is not None and value[1] == 0 and value[0] < best:
                    S, best = Y, value[0]
                took = time.perf_counter() - t
                print(f"rounds {first}+{length} and {second}+{length}: {value} ({took:.1f} s)", flush=True)
    elif a.kind == "pins":
        V = team_bounds(D, 3)
        rng = np.random.default_rng(a.seed)
        low, high = (float(x) for x in a.pin_share.split(","))
        for k in range(a.tries):
            share = rng.uniform(low, high)
            pinned = pin_games(S, rng.random(S.shape) < share)
            t = time.perf_counter()
            found = beam_search(D, width=a.width, bounds=V, keep=2, seed=k + 1, pinned=pinned)
            took = time.perf_counter() - t
            print(f"pins {share:.2f}: {[d for _, d in found]} ({took:.1f} s)", flush=True)
            best = min([best, *(d for _, d in found)])
    else:
        if a.order_seed is not None:  # team i of the new numbering is team order[i]
            order = np.random.default_rng(a.order_seed).permutation(D.shape[0])
            D = np.ascontiguousarray(D[np.ix_(order, order)])
            S = _relabel(S, np.argsort(order))
            assert ttsa.schedule_cost(S, D, 3, 1)[0] == best
        V = team_bounds(D, 3)
        X = np.ascontiguousarray(S[:, ::-1]) if a.backwards else S
        for k in (int(x) for x in a.keep.split(",")):
            t = time.perf_counter()
            prefix = np.ascontiguousarray(X[:, :k])
            found = beam_search(D, width=a.width, bounds=V, keep=2, seed=k + 7, prefix=prefix)
            took = time.perf_counter() - t
            print(f"keep {k} back={a.backwards}: {[d for _, d in found]} ({took:.1f} s)", flush=True)
            best = min([best, *(d for _, d in found)])
    print("end", best)


if __name__ == "__main__":
    main()
