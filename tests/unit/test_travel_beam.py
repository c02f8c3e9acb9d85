"""The TTP beam search: its per-team bounds (against brute force), its schedules (a double round
robin within the TTP rules, travel as the validator counts it) and its exhaustive case."""

import itertools
import time

import numpy as np
import pytest

from flextime.travel import ttsa
from flextime.travel.beam import MAX_TEAMS, beam_search, beam_ttp, pin_games, team_bounds
from flextime.travel.improve import (
    array_to_schedule,
    improve_travel,
    naive_schedule,
    schedule_to_array,
    team_distance_matrix,
)
from flextime.validate import validate
from tests.conftest import random_ttp
from tests.unit.test_travel_improve import assert_drr


def own_optimum(D: np.ndarray, t: int, max_streak: int) -> int:
    """Brute force: team ``t``'s least travel over every order of its away games and every
    home/away pattern with at most ``max_streak`` in a row (its opponents ignored)."""
    n = D.shape[0]
    rounds = 2 * (n - 1)
    others = [k for k in range(n) if k != t]
    best = None
    for away_rounds in itertools.combinations(range(rounds), n - 1):
        pattern = [r in away_rounds for r in range(rounds)]
        runs = [len(list(g)) for _, g in itertools.groupby(pattern)]
        if max(runs) > max_streak:
            continue
        for order in itertools.permutations(others):
            it = iter(order)
            here, d = t, 0
            for away in pattern:
                there = next(it) if away else t
                d += int(D[here, there])
                here = there
            d += int(D[here, t])
            best = d if best is None else min(best, d)
    assert best is not None
    return best


@pytest.mark.parametrize(("n", "max_streak"), [(4, 3), (4, 1), (6, 3), (6, 2)])
def test_team_bounds_are_each_teams_own_optimum(n, max_streak):
    D = team_distance_matrix(random_ttp(n, seed=n + max_streak)).astype(np.int64)
    V = team_bounds(D, max_streak)
    root = (1 << (n - 1)) - 1
    for t in range(n):
        assert V[t, root, n - 1, n - 1, 2 * max_streak] == own_optimum(D, t, max_streak)


def all_schedules_optimum(D: np.ndarray, max_streak: int) -> int:
    """Brute force over every double round robin of 4 teams within the TTP rules."""
    n = D.shape[0]
    games = [(h, a) for h in range(n) for a in range(n) if h != a]
    best = None

    def rounds_from(left: frozenset, S: list[list[int]]) -> None:
        nonlocal best
        if not left:
            arr = np.array(S, dtype=np.int64).T
            d, v = ttsa.schedule_cost(arr, D, max_streak, 1)
            if v == 0:
                best = d if best is None else min(best, d)
            return
        for pair in itertools.combinations(sorted(left), n // 2):
            teams = [x for g in pair for x in g]
            if len(set(teams)) != n:
                continue
            col = [0] * n
            for h, a in pair:
                col[h], col[a] = a + 1, -(h + 1)
            rounds_from(left - set(pair), [*S, col])

    rounds_from(frozenset(games), [])
    assert best is not None
    return int(best)


@pytest.mark.parametrize("seed", [1, 2])
def test_an_exhaustive_beam_finds_the_optimum_of_four_teams(seed):
    D = team_distance_matrix(random_ttp(4, seed=seed)).astype(np.int64)
    found = beam_search(D, width=100_000, noise=0.0)
    assert found
    S, d = found[0]
    assert_drr(S)
    assert d == all_schedules_optimum(D, 3)


@pytest.mark.parametrize(("n", "width"), [(6, 50), (8, 300), (10, 200)])
def test_beam_schedules_are_feasible_and_priced_like_the_validator(n, width):
    instance = random_ttp(n, seed=n)
    D = team_distance_matrix(instance).astype(np.int64)
    found = beam_search(D, width=width, seed=3, keep=3)
    assert found
    assert [d for _, d in found] == sorted(d for _, d in found)
    assert len({S.tobytes() for S, _ in found}) == len(found)
    V = team_bounds(D)
    lower = sum(int(V[t, (1 << (n - 1)) - 1, n - 1, n - 1, 6]) for t in range(n))
    for S, d in found:
        assert_drr(S)
        report = validate(instance, array_to_schedule(instance, S))
        assert report.feasible
        assert report.travel_total == d >= lower


def test_threads_and_huge_distances_keep_beams_feasible_and_priced_right():
    """Two threads split each level's parents (levels of 2,048 nodes or more); distances too
    large for int32 nodes switch to int64 and rank in buckets of 2**shift units. Either way the
    kept schedules obey the rules and their travel is the validator's."""
    from flextime.travel import beam

    instance = random_ttp(8, seed=8)
    D = team_distance_matrix(instance).astype(np.int64)
    V = team_bounds(D)
    one = beam_search(D, width=20_000, bounds=V, seed=4, keep=3)
    two = beam_search(D, width=20_000, bounds=V, seed=4, keep=3, threads=2)
    scale = (1 << 23) // int(D.max())  # int64 nodes (travel past 2**30), bounds still int32
    assert beam._node_dtype(D) is np.int32 and beam._node_dtype(D * scale) is np.int64
    big = beam_search(D * scale, width=20_000, seed=4, keep=3, threads=2)
    assert one and two and big
    for S, d in one + two + [(S, d // scale) for S, d in big]:
        assert_drr(S)
        report = validate(instance, array_to_schedule(instance, S))
        assert report.feasible and report.travel_total == d
    assert [d % scale for _, d in big] == [0] * len(big)
    # the same search, so within a few per cent of each other (ties and buckets differ)
    assert abs(two[0][1] - one[0][1]) <= 0.05 * one[0][1]
    assert big[0][1] // scale <= 1.05 * one[0][1]
    # distances whose bounds would overflow: a clear error, and beam_ttp declines (the race runs)
    with pytest.raises(ValueError, match="too large"):
        team_bounds(D * (1 << 26))
    assert beam_ttp(D * (1 << 26), time_limit_s=0.5) is None


def test_beam_ttp_keeps_distinct_feasible_schedules_and_the_lower_bound():
    instance = random_ttp(8, seed=11)
    D = team_distance_matrix(instance)
    run = beam_ttp(D, time_limit_s=1.0, seed=2, workers=2, keep=4)
    assert run is not None and run.schedules
    assert 0 < run.lower_bound <= run.schedules[0][1]
    assert run.beams >= 2  # one per worker, more while a quarter of the time is left
    assert [d for _, d in run.history] == sorted((d for _, d in run.history), reverse=True)
    assert run.history[-1][1] == run.schedules[0][1]
    assert len({S.tobytes() for S, _ in run.schedules}) == len(run.schedules) <= 4
    for S, d in run.schedules:
        assert ttsa.schedule_cost(S, np.asarray(D, dtype=np.int64), 3, 1) == (d, 0)


def test_a_beam_that_dies_is_retried_wider_even_after_the_deadline(monkeypatch):
    """The bounds see each team alone, so narrow beams can end with only dead nodes (a width-1
    beam on these instances always does); beam_ttp must still return schedules, also with no
    time at all (as on a slow CI machine, where the first beam ran at the narrowest width)."""
    from flextime.travel import beam

    D = np.asarray(team_distance_matrix(random_ttp(8, seed=0)), dtype=np.int64)
    assert all(not beam_search(D, width=1, seed=s) for s in range(5))
    monkeypatch.setattr(beam, "MIN_WIDTH", 1)  # after a wide first round, width 1 (then 2, 4, ...)
    monkeypatch.setattr(beam, "RETRIES", 12)
    runs = [beam_ttp(D, time_limit_s=0.0, seed=s) for s in range(5)]
    assert all(run is not None and run.schedules for run in runs)
    assert max(run.beams for run in runs if run is not None) > 1  # some needed a retry
    monkeypatch.undo()
    for seed in range(12):
        instance = random_ttp(8, seed=seed % 3)
        run = beam_ttp(team_distance_matrix(instance), time_limit_s=0.0, seed=seed)
        assert run is not None and run.schedules
        assert validate(instance, array_to_schedule(instance, run.schedules[0][0])).feasible


def test_beam_declines_what_it_cannot_hold(monkeypatch):
    assert beam_ttp(np.ones((MAX_TEAMS + 2, MAX_TEAMS + 2), dtype=np.int64), time_limit_s=1) is None
    with pytest.raises(ValueError, match="even number"):
        beam_search(np.ones((5, 5), dtype=np.int64), width=10)
    small = team_distance_matrix(random_ttp(6, seed=1))
    assert beam_ttp(small, time_limit_s=0.5, max_memory_bytes=1000) is None
    monkeypatch.setattr(ttsa, "HAVE_NUMBA", False)  # as in the Lambda layer: no beam, the race runs
    assert beam_ttp(small, time_limit_s=0.5) is None
    result = improve_travel(random_ttp(6, seed=1), None, time_limit_s=0.3, search="beam")
    assert result.method == "race" and result.feasible


def test_improve_travel_beam_search_builds_and_never_worsens():
    instance = random_ttp(8, seed=4)
    built = improve_travel(instance, None, time_limit_s=1.5, seed=1, search="beam")
    assert built.method == "beam+race" and built.feasible
    again = improve_travel(instance, built.schedule, time_limit_s=1.0, seed=2, search="beam")
    assert again.feasible and again.after_travel <= built.after_travel


def test_a_beam_after_a_prefix_or_around_pinned_games_keeps_them_within_the_rules():
    instance = random_ttp(8, seed=5)
    D = np.asarray(team_distance_matrix(instance), dtype=np.int64)
    V = team_bounds(D)
    S = beam_search(D, width=200, bounds=V, seed=1)[0][0]
    for k in (1, 5, 13, 14):
        got = beam_search(D, width=200, bounds=V, seed=2, prefix=S[:, :k].copy(), keep=3)
        assert got
        for T, dt in got:
            assert (T[:, :k] == S[:, :k]).all()
            assert ttsa.schedule_cost(T, D, 3, 1) == (dt, 0)
            assert validate(instance, array_to_schedule(instance, T)).feasible
    # pinned games stay where they are pinned, the beam places the others
    rng = np.random.default_rng(1)
    for share in (0.3, 0.7):
        pinned = pin_games(S, rng.random(S.shape) < share)
        got = beam_search(D, width=200, bounds=V, seed=3, pinned=pinned, keep=3)
        assert got
        for T, dt in got:
            assert ((pinned == 0) | (pinned == T)).all()
            assert ttsa.schedule_cost(T, D, 3, 1) == (dt, 0)
            assert validate(instance, array_to_schedule(instance, T)).feasible
    # prefixes that break a rule leave no beam: a round played twice (the same games again) ...
    assert beam_search(D, width=200, bounds=V, prefix=np.concatenate([S[:, :1], S[:, :1]], axis=1)) == []
    # ... and team 0 away four times in a row (the others' games all different)
    bad = np.zeros((8, 4), dtype=np.int64)
    for r in range(4):
        host = r + 1
        bad[0, r], bad[host, r] = -(host + 1), 1
        rest = [t for t in range(1, 8) if t != host]
        for perm in itertools.permutations(rest):  # the six others in three new pairs
            pairs = list(zip(perm[0::2], perm[1::2], strict=True))
            if all(
                bad[a, :r].tolist().count(b + 1) + bad[b, :r].tolist().count(a + 1) == 0 for a, b in pairs
            ):
                break
        for a, b in pairs:
            bad[a, r], bad[b, r] = b + 1, -(a + 1)
    assert len({(a, int(bad[a, r])) for r in range(4) for a in range(8) if bad[a, r] > 0}) == 16
    assert (np.abs(bad) > 0).all()
    assert beam_search(D, width=200, bounds=V, prefix=bad) == []


@pytest.mark.parametrize("windows", [False, True])
def test_beam_lns_rebuilds_ends_and_never_worsens(monkeypatch, windows):
    from flextime.travel import beam, window
    from flextime.travel.beam import beam_lns

    monkeypatch.setattr(beam, "WINDOW_MOVES", windows)  # a third of the steps rebuild windows
    calls = []

    def counted(*args, **kwargs):  # the real rebuild, counted
        calls.append(args[2:4])
        return real(*args, **kwargs)

    real = window.window_rebuild
    beam.warm_up()  # compiles the kernels (numba's cache is cold in a fresh clone), windows too
    monkeypatch.setattr(window, "window_rebuild", counted)
    instance = random_ttp(8, seed=6)
    D = np.asarray(team_distance_matrix(instance), dtype=np.int64)
    V = team_bounds(D)
    S = schedule_to_array(instance, naive_schedule(instance, 3))  # the circle method
    assert S is not None
    d, v = ttsa.schedule_cost(S, D, 3, 1)
    assert v == 0
    deadline = time.perf_counter() + 1.0
    T, dt, gains = beam_lns(D, V, S, d, deadline=deadline, width=500, step_s=0.05, seed=1)
    assert time.perf_counter() < deadline + 5.0  # slack for a loaded CI machine; it stops by the deadline
    assert dt <= d and ttsa.schedule_cost(T, D, 3, 1) == (dt, 0)
    assert validate(instance, array_to_schedule(instance, T)).feasible
    assert [g for _, g in gains] == sorted((g for _, g in gains), reverse=True)
    assert dt < d and gains[-1][1] == dt  # the circle method's schedule is easy to beat
    assert bool(calls) == windows
    assert all(4 <= b - a <= 12 and 0 <= a < b <= 14 for a, b in calls)


def test_a_capped_level_keeps_exactly_the_children_below_the_cap():
    from flextime.travel.beam import _next_level, _start_node

    n = 6
    D = team_distance_matrix(random_ttp(n, seed=5)).astype(np.int64)
    V = team_bounds(D)
    pins, pinned_at = np.zeros(n, dtype=np.int64), np.full((n, n), -1, dtype=np.int64)
    rng = np.random.default_rng(1)

    def level(nodes, k, width, cap=None):
        last = k == n // 2 - 1
        return _next_level(D, V, 3, 1, nodes, width, pins, pinned_at, 0.0, rng, 0, k, last, None, 1, cap)

    first = level(_start_node(D, V, 3, None), 0, 10**6)
    every = level(first, 1, 10**6)[:, 6 * n + 1]
    distinct = np.unique(every)
    cap = int(distinct[len(distinct) // 2])
    below = sorted(int(v) for v in every if v < cap)
    assert 0 < len(below) < len(every)
    assert sorted(int(v) for v in level(first, 1, 10**6, cap)[:, 6 * n + 1]) == below
    assert sorted(int(v) for v in level(first, 1, 3, cap)[:, 6 * n + 1]) == below[:3]
    assert level(first, 1, 10**6, int(every.min())).shape[0] == 0
