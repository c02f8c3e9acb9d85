"""Sessions 15-16 probes of the beam on the 10-team TTP instances (docs/travel.md, sessions 15
and 16).

    python docs/experiments/ttp_probes.py orders NL10 --width 1000000 --seconds 240
    python docs/experiments/ttp_probes.py perturb NL10 --width 1000000 --seconds 200 --eps 0.02
    python docs/experiments/ttp_probes.py funnel CIRC10 --width 100000 --switch 12 --wide 3000000
    python docs/experiments/ttp_probes.py lns NL10 --eps 0.02 --seconds 240 --step 2
    python docs/experiments/ttp_probes.py rebuild NL10 --seconds 240 --step 4 --set TEAM_PINS=1
    python docs/experiments/ttp_probes.py share NL10 --share 0.6 --seconds 510
    python docs/experiments/ttp_probes.py beam NL10 --width 100000 --seed 1 --set LOOKAHEAD=9
    python docs/experiments/ttp_probes.py states CIRC10 --width 100000
    python docs/experiments/ttp_probes.py tail NL10 --width 1000000 --switch 8 --cap 59527 --wide 20000000
    python docs/experiments/ttp_probes.py ils NL10 --seconds 150 --slack 0.002 --wide 5000000
    python docs/experiments/ttp_probes.py spread NL10 --width 1000000 --per 10 --pool 2

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
the least, median and largest value. ``tail``: a beam to round ``--switch``, then every child
below ``--cap`` (exact while no level passes ``--wide``). ``ils``: classic moves on the
width-1,000,000 beam's schedule, each followed by an exact completion of all but its first k
rounds (:func:`complete`). ``spread``: a beam whose rounds keep at most ``--per`` nodes of each
home/away state (:func:`diverse`; ``--history``: of each pattern so far). ``beam --scale w``
ranks children by travel so far + w x the bounds.
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


def merged(nodes: np.ndarray, n: int) -> np.ndarray:
    """One node per state (masks, home games left, places, streaks, last opponents: a 64-bit
    hash of them), the cheapest."""
    R = np.random.default_rng(0).integers(-(1 << 62), 1 << 62, size=5 * n, dtype=np.int64)
    keys = nodes[:, : 5 * n].astype(np.int64) @ R
    order = np.lexsort((nodes[:, 6 * n + 1], keys))
    first = np.ones(len(order), dtype=bool)
    first[1:] = keys[order[1:]] != keys[order[:-1]]
    return nodes[np.sort(order[first])]


def diverse(nodes: np.ndarray, n: int, per: int, width: int, keys: np.ndarray | None = None) -> np.ndarray:
    """The rows of at most ``per`` nodes (the cheapest) of each home/away state (every team's home
    games left and streak; or of each of ``keys``), then of the ``width`` cheapest of those."""
    if keys is None:
        R = np.random.default_rng(1).integers(-(1 << 62), 1 << 62, size=2 * n, dtype=np.int64)
        cols = np.r_[n : 2 * n, 3 * n : 4 * n]
        keys = nodes[:, cols].astype(np.int64) @ R
    values = nodes[:, 6 * n + 1]
    order = np.lexsort((values, keys))
    k = keys[order]
    start = np.r_[0, np.nonzero(k[1:] != k[:-1])[0] + 1]
    rank = np.arange(len(k)) - np.repeat(start, np.diff(np.r_[start, len(k)]))
    kept = order[rank < per]
    kept = kept[np.argsort(values[kept], kind="stable")[:width]]
    return np.sort(kept)


def rounds(
    D: np.ndarray,
    V: np.ndarray,
    width: Callable[[int], int],
    seed: int,
    cap: Callable[[int], int | None] = lambda r: None,
    merge: Callable[[int], bool] = lambda r: False,
    per: int = 0,
    pool_factor: int = 1,
    history: bool = False,
):
    """One beam (two threads, as ``beam._beam`` builds it) with ``width(r)`` nodes in round ``r``
    (and none worth ``cap(r)`` or more; equal states merged at the end of the rounds where
    ``merge(r)``): after each round, its number (1-based), the nodes and the back pointers so
    far. With ``per``, a round's last level keeps ``pool_factor`` x the width and then at most
    ``per`` nodes of each home/away state (:func:`diverse`; with ``history``: of each home/away
    pattern of all teams so far)."""
    n = D.shape[0]
    rng = np.random.default_rng(seed)
    shift = max(0, int(D.max()).bit_length() - 12)
    pins = np.zeros(n, dtype=np.int64)
    pinned_at = np.full((n, n), -1, dtype=np.int64)
    col = 6 * n + 2
    nodes = beam._start_node(D, V, 3, None)
    patterns = np.zeros(1, dtype=np.int64)
    trail: list[tuple[np.ndarray, np.ndarray]] = []
    with ThreadPoolExecutor(2) as pool:
        for r in range(2 * (n - 1)):
            for k in range(n // 2):
                last = k == n // 2 - 1
                w = width(r) * (pool_factor if per and last else 1)
                nodes = beam._next_level(
                    D, V, 3, 1, nodes, w, pins, pinned_at, 0.5, rng, shift, k, last, pool, 2, cap(r)
                )
                if nodes.shape[0] == 0:
                    return
            if merge(r):
                nodes = merged(nodes, n)
            keys = None
            if history:  # every team's home/away pattern so far, hashed
                home = np.zeros(len(nodes), dtype=np.int64)
                for t in range(n):
                    home |= (nodes[:, 2 * n + t] == t).astype(np.int64) << t
                with np.errstate(over="ignore"):
                    keys = patterns[nodes[:, col].astype(np.int64)] * np.int64(0x100000001B3) + home + 1
            if per:
                kept = diverse(nodes, n, per, width(r), keys)
                nodes = nodes[kept]
                keys = None if keys is None else keys[kept]
            patterns = keys if keys is not None else np.zeros(len(nodes), dtype=np.int64)
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


def spread(D: np.ndarray, a: argparse.Namespace) -> None:
    """One beam of ``--width`` whose rounds keep at most ``--per`` nodes of a home/away state,
    chosen from ``--pool`` x the width."""
    n = D.shape[0]
    t0 = time.perf_counter()
    travel = None
    for r, nodes, trail in rounds(
        D, beam.team_bounds(D), lambda r: a.width, a.seed, per=a.per, pool_factor=a.pool, history=a.history
    ):
        if r == 2 * (n - 1):
            q = int(np.argmin(nodes[:, 6 * n + 1]))
            travel = ttsa.schedule_cost(beam._decode(n, trail, q), D, 3, 1)
    seconds = time.perf_counter() - t0
    print(
        f"{a.instance} width {a.width} per {a.per} pool {a.pool} history {a.history} seed {a.seed}:",
        f"travel {travel}, {seconds:.1f} s",
    )


def tail(D: np.ndarray, a: argparse.Namespace) -> None:
    """A beam of ``--width`` to round ``--switch``, then every child below ``--cap`` (at most
    ``--wide``), equal states merged from there on."""
    n = D.shape[0]
    t0 = time.perf_counter()
    travel = None
    for r, nodes, trail in rounds(
        D, beam.team_bounds(D), lambda r: a.width if r < a.switch else a.wide, a.seed,
        cap=lambda r: None if r < a.switch else a.cap, merge=lambda r: r >= a.switch,
    ):  # fmt: skip
        if r > a.switch:
            low = int(nodes[:, 6 * n + 1].min())
            print(" round", r, len(nodes), low, f"{time.perf_counter() - t0:.1f} s",
                  flush=True)  # fmt: skip
        if r == 2 * (n - 1):
            q = int(np.argmin(nodes[:, 6 * n + 1]))
            travel = ttsa.schedule_cost(beam._decode(n, trail, q), D, 3, 1)[0]
    seconds = time.perf_counter() - t0
    print(
        f"{a.instance} width {a.width} to round {a.switch}, then below {a.cap}:",
        f"travel {travel}, {seconds:.1f} s",
    )


def complete(
    D: np.ndarray, V: np.ndarray, prefix: np.ndarray, cap: int, wide: int, rng
) -> tuple[np.ndarray, int] | None:
    """The best schedule that starts with ``prefix`` and travels less than ``cap`` (every child
    below the cap kept, equal states merged at round ends; exact unless a level passes ``wide``),
    or None."""
    n = D.shape[0]
    k = prefix.shape[1]
    if k > 1 and np.any(np.abs(prefix[:, 1:]) == np.abs(prefix[:, :-1])):
        return None  # a repeater inside the prefix
    nodes = beam._start_node(D, V, 3, prefix)
    if nodes.shape[0] == 0 or int(nodes[0, 6 * n + 1]) >= cap:
        return None
    pins = np.zeros(n, dtype=np.int64)
    pinned_at = np.full((n, n), -1, dtype=np.int64)
    col = 6 * n + 2
    trail: list[tuple[np.ndarray, np.ndarray]] = []
    for _ in range(k, 2 * (n - 1)):
        for j in range(n // 2):
            last = j == n // 2 - 1
            nodes = beam._next_level(
                D, V, 3, 1, nodes, wide, pins, pinned_at, 0.5, rng, 0, j, last, None, 1, cap
            )
            if nodes.shape[0] == 0:
                return None
        nodes = merged(nodes, n)
        games = nodes[:, col + 1].astype(np.int64) | (nodes[:, col + 2].astype(np.int64) << 20)
        trail.append((nodes[:, col].astype(np.int32), games))
    q = int(np.argmin(nodes[:, 6 * n + 1]))
    return beam._decode(n, trail, q, prefix), int(nodes[q, 6 * n + 1])


def swap_teams(X: np.ndarray, i: int, j: int) -> np.ndarray:
    """The classic SwapTeams move: teams ``i`` and ``j`` exchange their games in every round in
    which they do not meet (kernel encoding: +o hosts o-1, -o visits o-1)."""
    Y = X.copy()
    for r in range(X.shape[1]):
        if abs(X[i, r]) == j + 1:
            continue
        a, b = X[i, r], X[j, r]
        Y[i, r], Y[j, r] = b, a
        Y[abs(b) - 1, r] = (i + 1) * (-1 if b > 0 else 1)
        Y[abs(a) - 1, r] = (j + 1) * (-1 if a > 0 else 1)
    return Y


def perturbed_prefix(X: np.ndarray, k: int, rng) -> np.ndarray:
    """The first ``k`` rounds of ``X`` after one random classic move: swap two rounds (one of
    them in the prefix), swap the venues of one pair's two meetings, or swap two teams."""
    n, R = X.shape
    kind = rng.integers(3)
    if kind == 0:
        a, b = int(rng.integers(k)), int(rng.integers(R))
        Y = X.copy()
        Y[:, [a, b]] = X[:, [b, a]]
    elif kind == 1:
        i, j = rng.choice(n, 2, replace=False)
        Y = X.copy()
        cols = np.nonzero(np.abs(X[i]) == j + 1)[0]
        Y[i, cols] = -X[i, cols]
        Y[j, cols] = -X[j, cols]
    else:
        i, j = rng.choice(n, 2, replace=False)
        Y = swap_teams(X, int(i), int(j))
    return np.ascontiguousarray(Y[:, :k])


def ils(D: np.ndarray, a: argparse.Namespace) -> None:
    """From the width-1,000,000 beam's schedule: a random classic move on the schedule (or on it
    played backwards), its first k rounds (k in ``--kmin``..``--kmax``) kept and the rest
    completed exactly below the current travel x (1 + ``--slack``); the completion replaces the
    current schedule; back to the best after ``LNS_PATIENCE`` x 20 steps without a gain."""
    V = beam.team_bounds(D)
    S, d = start_schedule(D, V)
    start = d
    rng = np.random.default_rng(a.seed)
    best, best_d, idle, steps, found, gains = S, d, 0, 0, 0, []
    t0 = time.perf_counter()
    while time.perf_counter() < t0 + a.seconds:
        steps += 1
        idle += 1
        back = rng.random() < 0.5
        X = np.ascontiguousarray(S[:, ::-1]) if back else S
        k = int(rng.integers(a.kmin, a.kmax + 1))
        cap = int(d * (1 + a.slack)) + 1
        got = complete(D, V, perturbed_prefix(X, k, rng), cap, a.wide, rng)
        if got is None:
            continue
        Y, c = got
        Y = np.ascontiguousarray(Y[:, ::-1]) if back else Y
        if np.array_equal(Y, S):
            continue
        found += 1
        S, d = Y, c
        if c < best_d:
            cost, violations = ttsa.schedule_cost(Y, D, 3, 1)
            assert violations == 0 and cost == c, (cost, violations, c)
            best, best_d, idle = Y, c, 0
            gains.append((round(time.perf_counter() - t0), c))
            print(gains[-1], steps, flush=True)
        if idle >= 20 * beam.LNS_PATIENCE:
            S, d, idle = best, best_d, 0
    print(a.instance, "seed", a.seed, "k", a.kmin, a.kmax, "slack", a.slack, "steps", steps, "moved", found,
          "start", start, "best", best_d, gains)  # fmt: skip


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
    V = beam.team_bounds(D)
    if a.scale != 1.0:  # rank by travel so far + scale x the bounds (finite bounds only)
        V = np.where(V >= beam.INF, V, np.rint(V * a.scale)).astype(V.dtype)
    t0 = time.perf_counter()
    found = beam.beam_search(D, width=a.width, seed=a.seed, threads=2, bounds=V, keep=2000)
    costs = [c for c, _ in priced(found, D)]  # (scaled bounds misprice the way home)
    travel = min(costs) if costs else None
    seconds = time.perf_counter() - t0
    print(
        f"{a.instance} {a.set} scale {a.scale} width {a.width} seed {a.seed}:",
        f"travel {travel}, {seconds:.2f} s",
    )


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
        "probe",
        choices=[
            "orders",
            "perturb",
            "funnel",
            "spread",
            "tail",
            "ils",
            "lns",
            "rebuild",
            "share",
            "beam",
            "states",
        ],
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
    p.add_argument("--cap", type=int, default=None)
    p.add_argument("--scale", type=float, default=1.0, help="beam: the bounds' weight in the ranking")
    p.add_argument("--per", type=int, default=0)
    p.add_argument("--pool", type=int, default=1)
    p.add_argument("--history", action="store_true", help="spread: per pattern so far, not per state")
    p.add_argument("--kmin", type=int, default=6)
    p.add_argument("--kmax", type=int, default=10)
    p.add_argument("--slack", type=float, default=0.0)
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
        "spread": spread,
        "tail": tail,
        "ils": ils,
        "lns": lns,
        "rebuild": rebuild,
        "share": share,
        "beam": one_beam,
        "states": states,
    }[a.probe](D, a)


if __name__ == "__main__":
    main()
