"""Parallel tempering (replica exchange) on the TTSA kernel, a probe for NL10 (session 21).

K replicas anneal at fixed temperatures spaced geometrically from ``--hot`` to ``--cold`` (units of
``initial_temperature``), each with the linear penalty at a fixed weight. After every sweep (each
replica runs ``--chunk`` moves; two threads) neighbouring replicas swap schedules with the
Metropolis probability min(1, exp((E_i - E_j)(1/T_i - 1/T_j))) on the penalised cost. Every
replica is told the global best feasible distance, so only a new global best is kept.

    python docs/experiments/ttp_pt.py NL10 --seconds 600 --replicas 16 --seed 1
"""

from __future__ import annotations

import argparse
import math
import random
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from _ttp import load

from flextime.travel import ttsa
from flextime.travel.beam import beam_ttp
from flextime.travel.ttp_search import DEFAULT_MOVE_WEIGHTS, initial_temperature, kernel_weights, warm_up


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("instance")
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--replicas", type=int, default=16)
    ap.add_argument("--hot", type=float, default=0.6)
    ap.add_argument("--cold", type=float, default=0.03)
    ap.add_argument("--chunk", type=int, default=20_000)
    ap.add_argument("--weight", type=float, default=1.0, help="penalty of one broken rule, x mean distance")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--report-s", type=float, default=30)
    ap.add_argument(
        "--beam",
        type=float,
        default=0,
        help="seconds of beam_ttp first; its best schedules seed the replicas",
    )
    args = ap.parse_args()

    _inst, D, _ = load(args.instance)
    n, max_streak, no_repeat = D.shape[0], 3, 1
    ttsa.seed_rng(args.seed)
    K = args.replicas
    S = [ttsa.random_schedule(n) for _ in range(K)]
    unit = initial_temperature(S[0], D, max_streak, True, args.seed)  # from a random schedule
    start = time.perf_counter()
    if args.beam > 0:
        run = beam_ttp(D, time_limit_s=args.beam, seed=args.seed, workers=args.threads, keep=K)
        assert run is not None and run.schedules
        S = [np.array(run.schedules[k % len(run.schedules)][0], dtype=np.int64) for k in range(K)]
        print("beam:", [d for _, d in run.schedules], flush=True)
    w0, cdf = kernel_weights(D, DEFAULT_MOVE_WEIGHTS, args.weight)
    warm_up(D, S[0], max_streak, True, cdf, w0)
    temps = [unit * args.hot * (args.cold / args.hot) ** (k / max(1, K - 1)) for k in range(K)]
    sf = [np.array([T, w0, T, 1e308, 1e308, T, 1.0, w0]) for T in temps]
    si = [np.array([0, 0, 0, 0, 0, 0, 0, 10**15, 10**12, 10**12], dtype=np.int64) for _ in range(K)]
    best_S = [s.copy() for s in S]
    best_inf = [s.copy() for s in S]
    energy = [0.0] * K
    rng = random.Random(args.seed)
    seeds = iter(range(args.seed * 1_000_003, 10**12))
    tried = [0] * (K - 1)
    swapped = [0] * (K - 1)
    best_d, best, found_at = math.inf, None, None
    if args.beam > 0:  # the beam's best is the one to beat
        best_d, best, found_at = float(run.schedules[0][1]), S[0].copy(), time.perf_counter() - start
    moves = 0

    def run(k: int) -> None:
        ttsa.anneal(S[k], D, max_streak, no_repeat, cdf, sf[k], si[k], best_S[k], best_inf[k], args.chunk)
        energy[k] = float(si[k][3]) + w0 * float(si[k][4])

    def reseed(_: int) -> None:
        ttsa.seed_rng(next(seeds))

    last_report = 0.0
    sweep = 0
    with ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(reseed, range(args.threads * 4)))
        while (elapsed := time.perf_counter() - start) < args.seconds:
            for k in range(K):
                sf[k][3] = best_d if best_d < math.inf else 1e308
                sf[k][0] = temps[k]  # the temperature stays with the slot
            list(pool.map(run, range(K)))
            moves += K * args.chunk
            for k in range(K):
                if sf[k][3] < best_d:
                    best_d, best, found_at = sf[k][3], best_S[k].copy(), time.perf_counter() - start
            for i in range(sweep % 2, K - 1, 2):
                j = i + 1
                tried[i] += 1
                x = (energy[i] - energy[j]) * (1.0 / temps[i] - 1.0 / temps[j])
                if x >= 0 or rng.random() < math.exp(x):
                    swapped[i] += 1
                    S[i], S[j] = S[j], S[i]
                    energy[i], energy[j] = energy[j], energy[i]
            sweep += 1
            if elapsed - last_report >= args.report_s:
                last_report = elapsed
                rates = " ".join(f"{s / max(1, t):.2f}" for s, t in zip(swapped, tried, strict=True))
                cur = " ".join(f"{int(e)}" for e in energy)
                at = found_at or 0.0
                print(f"{elapsed:6.0f}s best {best_d:.0f} (at {at:.0f}s) moves {moves // 10**6}M", flush=True)
                print(f"    swaps {rates}\n    energies {cur}", flush=True)
    assert best is not None
    d, nbv = ttsa.schedule_cost(best, D, max_streak, no_repeat)
    print(f"final {args.instance}: {d} (nbv {nbv}) found at {found_at:.0f}s, {moves / 1e6:.0f}M moves")
    print(f"temperature unit {unit:.0f}, ladder " + " ".join(f"{T:.0f}" for T in temps))


if __name__ == "__main__":
    main()
