"""Window rebuilds of a TTP schedule: rounds outside the window untouched, every team's window
games kept, the rules kept across the borders, travel priced like the validator, and the
exhaustive case equal to brute force."""

import itertools
import time

import numpy as np
import pytest

from flextime.travel import ttsa
from flextime.travel.improve import array_to_schedule, naive_schedule, schedule_to_array, team_distance_matrix
from flextime.travel.window import MAX_WINDOW, window_bounds, window_rebuild
from flextime.validate import validate
from tests.unit.test_travel_improve import random_ttp


def window_optimum(D: np.ndarray, S: np.ndarray, a: int, b: int) -> int:
    """Brute force: the least travel of a schedule that equals ``S`` outside rounds ``a..b-1``
    and plays the same games inside them, in any rounds (every way to split them into rounds)."""
    n = S.shape[0]
    games = {(h, int(S[h, r]) - 1) for h in range(n) for r in range(a, b) if S[h, r] > 0}
    best = None

    def place(left: frozenset, r: int, Y: np.ndarray) -> None:
        nonlocal best
        if r == b:
            d, v = ttsa.schedule_cost(Y, D, 3, 1)
            if v == 0:
                best = d if best is None else min(best, d)
            return
        for pair in itertools.combinations(sorted(left), n // 2):
            if len({x for g in pair for x in g}) != n:
                continue
            Z = Y.copy()
            for h, g in pair:
                Z[h, r], Z[g, r] = g + 1, -(h + 1)
            place(left - set(pair), r + 1, Z)

    place(frozenset(games), a, S.copy())
    assert best is not None
    return int(best)


def start(n: int, seed: int) -> tuple:
    """A random instance and its circle-method schedule (far from good: windows can gain)."""
    instance = random_ttp(n, seed=seed)
    D = np.asarray(team_distance_matrix(instance), dtype=np.int64)
    S = schedule_to_array(instance, naive_schedule(instance, seed))
    assert S is not None
    d, v = ttsa.schedule_cost(S, D, 3, 1)
    assert v == 0
    return instance, D, S, int(d)


@pytest.mark.parametrize(("n", "a", "b"), [(4, 0, 6), (4, 1, 5), (4, 2, 6), (6, 0, 4), (6, 3, 7), (6, 6, 10)])
def test_an_exhaustive_window_beam_finds_the_windows_optimum(n, a, b):
    _, D, S, _ = start(n, seed=n + a)
    found = window_rebuild(D, S, a, b, width=1_000_000, noise=0.0)
    assert found
    assert found[0][1] == window_optimum(D, S, a, b)


@pytest.mark.parametrize(("a", "b"), [(0, 5), (3, 11), (5, 13), (9, 14), (8, 14), (2, 14)])
def test_window_rebuilds_keep_the_rest_and_the_rules(a, b):
    instance, D, S, d = start(8, seed=5)
    found = window_rebuild(D, S, a, b, width=500, seed=2, keep=3)
    assert found
    assert [x for _, x in found] == sorted(x for _, x in found)
    assert len({T.tobytes() for T, _ in found}) == len(found)
    W, _, _, border = window_bounds(D, S, a, b)
    L = b - a
    root = sum(int(W[t, 0, L, border[t, 1] + 3]) for t in range(8))
    outside = d - window_travel(D, S, a, b)  # the travel that does not depend on the window
    for T, dt in found:
        assert (T[:, :a] == S[:, :a]).all() and (T[:, b:] == S[:, b:]).all()
        for t in range(8):
            assert sorted(T[t, a:b].tolist()) == sorted(S[t, a:b].tolist())
        assert ttsa.schedule_cost(T, D, 3, 1) == (dt, 0)
        report = validate(instance, array_to_schedule(instance, T))
        assert report.feasible and report.travel_total == dt
        assert dt - outside == window_travel(D, T, a, b) >= root  # the bounds are lower bounds


def window_travel(D: np.ndarray, S: np.ndarray, a: int, b: int) -> int:
    """Travel into, inside and out of rounds ``a..b-1`` (home before the first and after the last)."""
    n = S.shape[0]
    place = np.where(S > 0, np.arange(n)[:, None], np.abs(S) - 1)
    place = np.concatenate([np.arange(n)[:, None], place, np.arange(n)[:, None]], axis=1)
    return int(sum(D[place[t, r], place[t, r + 1]] for t in range(n) for r in range(a, b + 1)))


def test_a_wide_window_beam_never_loses_the_schedule_it_started_from():
    # the schedule itself is one way to play the window: a beam that keeps every node finds it
    # or better, on every window of a 6-team season
    _, D, S, d = start(6, seed=3)
    for a in range(10):
        for b in range(a + 1, min(10, a + 5) + 1):
            found = window_rebuild(D, S, a, b, width=1_000_000, noise=0.0)
            assert found and found[0][1] <= d


def test_window_rebuild_rejects_bad_windows_and_keeps_its_deadline():
    _, D, S, _ = start(8, seed=7)
    for a, b in [(3, 3), (5, 2), (-1, 4), (0, 15), (0, MAX_WINDOW + 1)]:
        with pytest.raises(ValueError, match="window"):
            window_rebuild(D, S, a, b, width=10)
    # without the deadline this window at width 10,000,000 runs for minutes (over 120 s here); with
    # it the beam narrows itself: a few seconds of slack keep the check safe on a loaded CI machine
    # (0.5 s of slack failed once there, at 0.72 s)
    deadline = time.perf_counter() + 0.3
    found = window_rebuild(D, S, 1, 13, width=10_000_000, deadline=deadline, keep=2)
    assert found and time.perf_counter() < deadline + 5.0
