"""The travel improver: TTSA neighbourhoods, the incremental cost, the validator-checked local
search, the Big 12 TTP instance and the travel summary. No timing asserts."""

from __future__ import annotations

import itertools
import math
import os
import random
import subprocess
import sys

import numpy as np
import pytest

from flextime.domain import CA1, Objective, RoundRobin, Slot, Team, Venue
from flextime.domain.model import Game, Instance, Schedule
from flextime.formats import robinx
from flextime.paths import REPO_ROOT
from flextime.travel import ttsa
from flextime.travel.distances import distance_lookup
from flextime.travel.improve import (
    array_to_schedule,
    improve_travel,
    naive_schedule,
    schedule_to_array,
    solve_ttp,
    team_distance_matrix,
    ttp_shape,
)
from flextime.travel.local_search import (
    MOVE_KINDS,
    MoveMix,
    draw_move,
    local_search,
    random_move,
    start_temperature,
    travel_change,
)
from flextime.travel.summary import travel_summary
from flextime.travel.trips import team_travel
from flextime.travel.ttp_instance import big12_ttp_instance, naive_baseline
from flextime.validate import validate
from tests.conftest import random_ttp


def assert_drr(S: np.ndarray) -> None:
    n, rounds = S.shape
    assert rounds == 2 * (n - 1)
    for t in range(n):
        assert len(set(S[t].tolist())) == rounds  # every (opponent, venue) once
        for r in range(rounds):
            v = int(S[t, r])
            o = abs(v) - 1
            assert o != t
            assert S[o, r] == (-(t + 1) if v > 0 else t + 1)


@pytest.mark.parametrize("n", [4, 6, 8, 10])
def test_neighbourhoods_keep_a_double_round_robin(n):
    ttsa.seed_rng(n)
    S = ttsa.random_schedule(n)
    assert_drr(S)
    rng = random.Random(n)
    R = 2 * (n - 1)
    applied = [0] * 5
    for _ in range(3000):
        move = rng.randrange(5)
        touched = np.zeros(n, dtype=np.int8)
        before = S.copy()
        if move == 1:
            a, b, c = rng.randrange(R), rng.randrange(R), 0
        elif move == 3:
            a, b, c = rng.randrange(n), rng.randrange(R), rng.randrange(R)
        else:
            a, b, c = rng.randrange(n), rng.randrange(n), rng.randrange(R)
        ok = ttsa.apply_move(S, move, a, b, c, touched)
        assert_drr(S)
        changed = {t for t in range(n) if (S[t] != before[t]).any()}
        assert changed <= {t for t in range(n) if touched[t]}
        if not ok:
            assert np.array_equal(before, S)
        applied[move] += int(ok)
    assert all(k > 0 for k in applied)


@pytest.mark.parametrize("n", [4, 6, 8])
def test_incremental_cost_equals_validator(n):
    instance = random_ttp(n, seed=n)
    D = team_distance_matrix(instance)
    ttsa.seed_rng(1)
    rng = random.Random(2)
    for _ in range(40):
        S = ttsa.random_schedule(n)
        for _ in range(rng.randrange(30)):
            touched = np.zeros(n, dtype=np.int8)
            ttsa.apply_move(
                S, rng.randrange(5), rng.randrange(n), rng.randrange(n), rng.randrange(n - 1), touched
            )
        dist, nbv = ttsa.schedule_cost(S, D, 3, 1)
        report = validate(instance, array_to_schedule(instance, S))
        assert dist == report.travel_total
        assert (nbv == 0) == report.feasible
        assert (nbv == 0) == (report.infeasibility == 0)


@pytest.mark.parametrize("n", [4, 8, 16])
@pytest.mark.parametrize("max_streak", [1, 3])
def test_annealer_delta_evaluation_matches_a_full_recount(n, max_streak):
    # Given the annealer at a hot, a warm and a frozen temperature, every move kind drawn
    rng = np.random.default_rng(n)
    D = rng.integers(1, 100, size=(n, n))
    D = (D + D.T).astype(np.int64)
    np.fill_diagonal(D, 0)
    mean = float(D.mean())
    cdf = np.cumsum(np.ones(5)) / 5
    for no_repeat in (0, 1):
        ttsa.seed_rng(n + max_streak)
        S = ttsa.random_schedule(n)
        best, best_inf = S.copy(), S.copy()
        for temp in (5.0 * mean, 0.3 * mean, 0.0):
            sf = np.array([temp, mean, temp, 1e308, 1e308, temp, 0.99, mean])
            si = np.array([0, 0, 0, 0, 0, 0, 0, 50, 3, 2], dtype=np.int64)
            for _ in range(5):
                ttsa.anneal(S, D, max_streak, no_repeat, cdf, sf, si, best, best_inf, 3000)
                # Then the running (distance, violations) it kept by deltas is the full recount
                assert_drr(S)
                assert ttsa.schedule_cost(S, D, max_streak, no_repeat) == (si[3], si[4])
                if sf[3] < 1e300:  # and its best feasible schedule has the distance it reports
                    assert ttsa.schedule_cost(best, D, max_streak, no_repeat) == (sf[3], 0)


def test_schedule_array_round_trip():
    instance = random_ttp(6)
    schedule = naive_schedule(instance, 3)
    S = schedule_to_array(instance, schedule)
    assert S is not None
    back = array_to_schedule(instance, S)
    assert sorted(back.games, key=lambda g: (g.slot, g.home)) == sorted(
        schedule.games, key=lambda g: (g.slot, g.home)
    )
    assert schedule_to_array(instance, Schedule(games=schedule.games[:-1])) is None


def test_anneal_reports_the_distance_of_its_best_schedule():
    instance = random_ttp(8, seed=4)
    run = solve_ttp(team_distance_matrix(instance), time_limit_s=0.5, seed=3)
    assert run.S is not None
    assert_drr(run.S)
    report = validate(instance, array_to_schedule(instance, run.S))
    assert report.feasible
    assert report.travel_total == run.distance
    assert [d for _, d in run.history] == sorted((d for _, d in run.history), reverse=True)


def test_ttp_shape_recognises_ttp_and_rejects_others():
    assert ttp_shape(random_ttp(6)) is not None
    extra = random_ttp(6)
    extra = extra.model_copy(
        update={"constraints": [*extra.constraints, CA1(id="x", teams=["T0"], slots=[0], mode="H", max=0)]}
    )
    assert ttp_shape(extra) is None
    mirrored = random_ttp(6).model_copy(update={"format": RoundRobin(rounds=2, compact=True, mirrored=True)})
    assert ttp_shape(mirrored) is None


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_improver_never_worse_on_ttp(seed):
    instance = random_ttp(8, seed=seed)
    start = naive_schedule(instance, seed)
    before = validate(instance, start)
    result = improve_travel(instance, start, time_limit_s=0.5, seed=seed)
    after = validate(instance, result.schedule)
    assert after.infeasibility <= before.infeasibility
    assert after.travel_total <= before.travel_total
    assert result.after_travel == after.travel_total
    assert result.method == "beam+race"


def venue_instance(constraints: list | None = None) -> Instance:
    """A compact DRR of 6 teams at real places with an extra hard rule (so: the general path)."""
    places = [
        ("A", 30.27, -97.74),
        ("B", 32.78, -96.80),
        ("C", 35.47, -97.52),
        ("D", 39.10, -94.58),
        ("E", 40.76, -111.89),
        ("F", 33.45, -112.07),
    ]
    zones = ["America/Chicago"] * 4 + ["America/Denver", "America/Phoenix"]
    venues = [
        Venue(id=f"{p}-v", name=p, lat=lat, lon=lon, timezone=z)
        for (p, lat, lon), z in zip(places, zones, strict=True)
    ]
    teams = [Team(id=p, name=p, venue=f"{p}-v") for p, _, _ in places]
    return Instance(
        name="venues6",
        teams=teams,
        venues=venues,
        slots=[Slot(index=s) for s in range(10)],
        format=RoundRobin(rounds=2, compact=True),
        constraints=constraints
        if constraints is not None
        else [CA1(id="c1", teams=["A"], slots=[0, 1], mode="H", max=0, hard=True)],
        objective=Objective(soft_constraints=True, travel_weight=1),
    )


@pytest.mark.parametrize("seed", [0, 1])
def test_general_local_search_keeps_hard_constraints(seed):
    instance = venue_instance()
    assert ttp_shape(instance) is None
    start = naive_schedule(instance, seed)
    before = validate(instance, start)
    ls = local_search(instance, start, before, time_limit_s=60, seed=seed, max_iterations=150)
    assert ls.report.infeasibility <= before.infeasibility
    assert ls.report.objective <= before.objective
    assert validate(instance, ls.schedule).model_dump() == ls.report.model_dump()


def test_general_improver_does_not_increase_infeasibility():
    instance = venue_instance()
    start = naive_schedule(instance, 5)
    before = validate(instance, start)
    result = improve_travel(instance, start, time_limit_s=1.0, seed=5)
    assert result.method == "local_search"
    assert result.after_infeasibility <= before.infeasibility
    assert result.after_objective <= before.objective
    assert result.after_travel <= before.travel_total or result.after_infeasibility < before.infeasibility


def test_locked_games_never_move():
    instance = venue_instance()
    start = naive_schedule(instance, 2)
    games = list(start.games)
    games[0] = games[0].model_copy(update={"locked": True})
    start = Schedule(instance=start.instance, games=games)
    ls = local_search(instance, start, time_limit_s=60, seed=2, max_iterations=100)
    assert games[0] in ls.schedule.games


def _random_move(instance: Instance, games: list[Game], rng: random.Random) -> list[Game]:
    """A random move of a kind the schedule has (a compact schedule has no bye to move into)."""
    while (move := random_move(instance, games, rng)) is None:
        pass
    return move


def bye_instance() -> Instance:
    """venue_instance's double round robin over 14 slots, not compact: the naive schedule uses
    slots 0-9, so every team has byes in 10-13."""
    base = venue_instance(constraints=[])
    return base.model_copy(
        update={"slots": [Slot(index=s) for s in range(14)], "format": RoundRobin(rounds=2, compact=False)}
    )


def test_move_game_moves_one_game_into_a_slot_both_teams_have_free():
    instance = bye_instance()
    games = list(naive_schedule(instance, 7).games)
    rng = random.Random(7)
    moved_late = moved = 0
    for _ in range(200):
        cand = draw_move(instance, games, rng, "move_game")
        if cand is None:  # the two teams have no free slot in common
            continue
        moved += 1
        changed = [(a, b) for a, b in zip(games, cand, strict=True) if a != b]
        assert len(changed) == 1
        ((old, new),) = changed
        assert (new.home, new.away) == (old.home, old.away) and new.slot != old.slot
        assert not any(new.slot == g.slot and {g.home, g.away} & {new.home, new.away} for g in games)
        assert validate(instance, Schedule(games=cand)).structural == []
        moved_late += new.slot >= 10
        games = cand
    assert moved > 100 and moved_late > 0
    compact = venue_instance(constraints=[])
    assert draw_move(compact, list(naive_schedule(compact, 7).games), rng, "move_game") is None


def test_flip_triangle_keeps_every_teams_home_games():
    instance = venue_instance(constraints=[])
    single = [g for g in naive_schedule(instance, 3).games if g.slot < 5]  # one round robin
    homes = {t: sum(g.home == t for g in single) for t in instance.team_ids}
    rng = random.Random(3)
    flipped = 0
    for _ in range(100):
        cand = draw_move(instance, single, rng, "flip_triangle")
        if cand is None:
            continue
        changed = [(a, b) for a, b in zip(single, cand, strict=True) if a != b]
        assert len(changed) == 3
        hosts = {a.home for a, _ in changed}
        assert len(hosts) == 3 and hosts == {a.away for a, _ in changed}  # a cycle of three hosts
        assert all((b.home, b.away, b.slot) == (a.away, a.home, a.slot) for a, b in changed)
        assert {t: sum(g.home == t for g in cand) for t in instance.team_ids} == homes
        flipped += 1
    assert flipped > 50


def test_move_mix_favours_kinds_that_improve_and_keeps_a_floor():
    mix = MoveMix(("good", "bad", "new"))
    for k in range(200):
        mix.record("good", k % 5 == 0)
        mix.record("bad", False)
    good, bad, new = mix.weights()
    assert math.isclose(good + bad + new, 1.0)
    assert good > new > bad >= MoveMix.FLOOR / 3
    rng = random.Random(1)
    drawn = [mix.choose(rng) for _ in range(2000)]
    assert drawn.count("good") > drawn.count("bad") * 3


def test_local_search_with_byes_moves_games_and_reports_the_mix():
    instance = bye_instance()
    start = naive_schedule(instance, 8)
    before = validate(instance, start)
    assert before.feasible
    ls = local_search(instance, start, before, time_limit_s=60, seed=8, max_iterations=600)
    assert set(ls.moves) == set(MOVE_KINDS)
    assert sum(d for d, _ in ls.moves.values()) == ls.iterations
    assert ls.moves["move_game"][0] > 0
    assert ls.report.feasible and ls.report.travel_total < before.travel_total
    assert validate(instance, ls.schedule).model_dump() == ls.report.model_dump()


def test_travel_change_of_a_move_equals_a_full_recount():
    instance = venue_instance(constraints=[])
    games = list(naive_schedule(instance, 3).games)
    # a neutral-site game: its location does not follow the home team
    games[4] = games[4].model_copy(update={"venue": "A-v" if games[4].home != "A" else "B-v"})
    dist = distance_lookup(instance)
    rng = random.Random(3)
    nonzero = 0
    for _ in range(300):
        cand = _random_move(instance, games, rng)
        by_team = team_travel(instance, games)
        delta = travel_change(instance, games, cand, by_team, dist)
        assert delta == sum(team_travel(instance, cand).values()) - sum(by_team.values())
        nonzero += delta != 0
        games = cand
    assert nonzero > 150


def test_team_travel_of_some_teams_equals_their_part_of_the_whole():
    instance = venue_instance(constraints=[])
    games = naive_schedule(instance, 1).games
    whole = team_travel(instance, games)
    assert team_travel(instance, games, teams=["B", "E"]) == {"B": whole["B"], "E": whole["E"]}


def test_feasible_search_drops_moves_that_add_miles_before_validating():
    instance = venue_instance(constraints=[])
    start = naive_schedule(instance, 4)
    before = validate(instance, start)
    assert before.feasible
    ls = local_search(instance, start, before, time_limit_s=60, seed=4, max_iterations=400)
    assert ls.validated > 0 and ls.skipped > 0 and ls.validated + ls.skipped <= ls.iterations
    assert ls.report.feasible and ls.report.travel_total < before.travel_total
    miles = [before.travel_total] + [d for _, d in ls.history]
    assert all(b < a for a, b in itertools.pairwise(miles))
    assert validate(instance, ls.schedule).model_dump() == ls.report.model_dump()


def test_annealing_takes_moves_that_add_miles_and_still_returns_the_best():
    instance = venue_instance(constraints=[])
    start = naive_schedule(instance, 6)
    before = validate(instance, start)
    hot = local_search(instance, start, before, time_limit_s=60, seed=6, max_iterations=400, temperature=5000)
    assert hot.uphill > 0
    assert hot.report.feasible and hot.report.travel_total <= before.travel_total
    assert validate(instance, hot.schedule).model_dump() == hot.report.model_dump()
    climb = local_search(instance, start, before, time_limit_s=60, seed=6, max_iterations=400, temperature=0)
    assert climb.uphill == 0 and climb.skipped > 0


def test_reheats_kick_a_stalled_climb_and_keep_the_best(monkeypatch):
    from flextime.travel import local_search as module

    monkeypatch.setattr(module, "STALL_DRAWS", 150)
    monkeypatch.setattr(module, "REHEAT_DRAWS", 100)
    instance = bye_instance()
    start = naive_schedule(instance, 9)
    before = validate(instance, start)
    ls = local_search(instance, start, before, time_limit_s=60, seed=9, max_iterations=1500)
    assert ls.reheats > 0 and ls.uphill > 0
    miles = [before.travel_total] + [d for _, d in ls.history]
    assert all(b < a for a, b in itertools.pairwise(miles))  # only new bests are reported
    assert ls.report.feasible and ls.report.travel_total == miles[-1]
    assert validate(instance, ls.schedule).model_dump() == ls.report.model_dump()
    climb = local_search(instance, start, before, time_limit_s=60, seed=9, max_iterations=1500, reheat=False)
    assert climb.reheats == 0 and climb.uphill == 0


def test_start_temperature_accepts_a_median_uphill_move_rarely():
    instance = venue_instance(constraints=[])
    games = list(naive_schedule(instance, 2).games)
    by_team, dist = team_travel(instance, games), distance_lookup(instance)
    t0 = start_temperature(instance, games, by_team, dist, random.Random(2), samples=200)
    moves = (_random_move(instance, games, random.Random(k)) for k in range(200))
    ups = sorted(d for d in (travel_change(instance, games, m, by_team, dist) for m in moves) if d > 0)
    p = math.exp(-ups[len(ups) // 2] / t0)
    assert 0.01 < p < 0.2


def test_infeasible_search_validates_every_move_even_with_more_miles():
    # "A never plays at home" cannot be met by any schedule, so the search never leaves infeasibility
    never_home = CA1(id="c1", teams=["A"], slots=list(range(10)), mode="H", max=0, hard=True)
    instance = venue_instance(constraints=[never_home])
    start = naive_schedule(instance, 0)
    before = validate(instance, start)
    assert before.infeasibility > 0
    ls = local_search(instance, start, before, time_limit_s=60, seed=0, max_iterations=200)
    # (scored: validated, or screened by MoveScorer's exact count; none dropped for its miles)
    assert ls.skipped == 0 and ls.validated + ls.screened > 100
    assert ls.report.infeasibility == before.infeasibility
    feasible = local_search(
        instance.model_copy(update={"constraints": []}), start, time_limit_s=60, seed=0, max_iterations=200
    )
    assert feasible.skipped > 0


@pytest.mark.parametrize("make", [lambda: venue_instance(constraints=[]), bye_instance])
def test_game_list_neighbourhoods_keep_structure(make):
    # flip_triangle is left out: it keeps home counts (partial round robins), but on a double round
    # robin it gives a pair the same host twice
    instance = make()
    games = list(naive_schedule(instance, 1).games)
    rng = random.Random(1)
    kinds = [k for k in MOVE_KINDS if k != "flip_triangle"]
    for k in range(120):
        cand = draw_move(instance, games, rng, kinds[k % len(kinds)])
        if cand is None:
            continue
        games = cand
        report = validate(instance, Schedule(games=games))
        assert report.structural == []


def test_big12_ttp_instance_round_trips(tmp_path):
    for kind in ("arena", "stadium"):
        instance = big12_ttp_instance(kind)
        assert len(instance.teams) == 16 and len(instance.slots) == 30
        assert ttp_shape(instance) is not None
        path = tmp_path / f"{kind}.xml"
        robinx.write_instance(instance, path)
        back = robinx.read_instance(path)
        assert back.team_ids == instance.team_ids
        assert back.distances == instance.distances
        assert ttp_shape(back) == ttp_shape(instance)
        d = instance.distances
        assert all(d[i][j] == d[j][i] for i in range(16) for j in range(16))
    # the arenas of Arizona and Arizona State are about 100 miles apart
    inst = big12_ttp_instance("arena")
    ids = inst.team_ids
    assert 90 < inst.distances[ids.index("ARIZ")][ids.index("ASU")] < 120


def test_naive_baseline_is_feasible_and_reproducible():
    instance = big12_ttp_instance("arena")
    a, b = naive_baseline(instance, runs=3, seed=7), naive_baseline(instance, runs=3, seed=7)
    assert a == b
    assert a["feasible"] == 3


def test_travel_summary_figures():
    instance = venue_instance(constraints=[])
    games = naive_schedule(instance, 0).games
    summary = travel_summary(instance, games)
    assert summary is not None
    totals = team_travel(instance, games)
    assert summary.total == sum(totals.values())
    assert {r.team: r.total for r in summary.by_team} == totals
    assert summary.max == max(totals.values()) and summary.min == min(totals.values())
    assert summary.spread == summary.max - summary.min
    assert summary.longest_trip == max(r.longest_trip for r in summary.by_team)
    # E (Denver zone) and F (Phoenix zone) travel across zones on every trip
    by = {r.team: r for r in summary.by_team}
    assert by["E"].timezone_changes >= 2 * by["E"].road_trips
    assert summary.timezone_changes == sum(r.timezone_changes for r in summary.by_team)


def test_travel_summary_none_without_travel_data():
    instance = Instance(
        name="x",
        teams=[Team(id=f"T{i}", name="t") for i in range(4)],
        slots=[Slot(index=s) for s in range(6)],
    )
    assert travel_summary(instance, [Game(home="T0", away="T1", slot=0)]) is None


def test_two_annealers_share_their_best_schedule():
    instance = random_ttp(8, seed=5)
    run = solve_ttp(team_distance_matrix(instance), time_limit_s=0.6, seed=2, workers=2, cycle_s=0.2)
    assert run.S is not None
    assert_drr(run.S)
    report = validate(instance, array_to_schedule(instance, run.S))
    assert report.feasible
    assert report.travel_total == run.distance
    assert [d for _, d in run.history] == sorted((d for _, d in run.history), reverse=True)


@pytest.mark.parametrize("mode", [1, 3])
def test_classic_ttsa_penalty_modes_keep_the_rules(mode):
    instance = random_ttp(6, seed=1)
    run = solve_ttp(team_distance_matrix(instance), time_limit_s=0.3, seed=1, mode=mode)
    assert run.S is not None
    assert validate(instance, array_to_schedule(instance, run.S)).feasible


def test_warm_up_compiles_every_kernel_the_improver_uses(tmp_path):
    # Given an empty numba cache, When warm_up runs in a fresh process (as in the solver image build)
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    warm = "from flextime.travel.improve import warm_up; warm_up()"
    subprocess.run([sys.executable, "-c", warm], env=env, check=True, timeout=600)
    cached = {p.relative_to(tmp_path) for p in tmp_path.rglob("*.nb[ic]")}

    # Then improving another, larger schedule in a new process compiles nothing more
    other = (
        "from flextime.travel.improve import improve_travel, naive_schedule\n"
        "from tests.conftest import random_ttp\n"
        "i = random_ttp(8, seed=5)\n"
        "improve_travel(i, naive_schedule(i, 5), time_limit_s=0.5)\n"
    )
    subprocess.run([sys.executable, "-c", other], env=env, check=True, timeout=600, cwd=REPO_ROOT)
    assert cached and {p.relative_to(tmp_path) for p in tmp_path.rglob("*.nb[ic]")} == cached
