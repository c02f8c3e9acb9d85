"""The annealing kernel for compact double round robins (flextime.engine.anneal): its encoded costs
are the validator's, its running totals stay equal to a recount after any number of moves, and the
improvement phase in the engine keeps what the validator confirms."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from flextime.domain import Game, Schedule
from flextime.domain.model import Instance
from flextime.engine import SolverParams
from flextime.engine.anneal import kernel, search
from flextime.engine.anneal.encode import encodable, encode
from flextime.engine.strategies import profile_instance, select_strategy, solve_with_strategy
from flextime.formats.robinx import read_instance, read_solution
from flextime.validate import validate

pytestmark = pytest.mark.benchmarks

# Early_1: BR1, BR2, CA1, CA2, CA4, GA1 hard; FA2, SE1 soft. Early_2: CA3 (windows) soft, phased.
# Early_8: not phased (no "phased" counts), CA2/CA3/CA4/GA1 soft. Early_14: FA2 + BR2 soft.
INSTANCES = ["Early_1", "Early_2", "Early_8", "Early_14"]


def _instance(benchmarks: Path, name: str) -> Instance:
    return read_instance(benchmarks / "itc2021" / "instances" / f"ITC2021_{name}.xml")


def _schedule(instance: Instance, S: np.ndarray) -> Schedule:
    ids = instance.team_ids
    games = [Game(home=ids[h], away=ids[a], slot=s) for h, a, s in sorted(search.S_to_games(S))]
    return Schedule(instance=instance.name, games=games)


def _recount(st: search.State) -> tuple[int, int]:
    fresh = search.State(st.enc, st.S)
    return fresh.hard, fresh.soft


def _is_double_round_robin(S: np.ndarray) -> bool:
    n, R = S.shape
    for t in range(n):
        opponents = sorted(int(v) for v in S[t])
        if opponents != sorted([o + 1 for o in range(n) if o != t] + [-(o + 1) for o in range(n) if o != t]):
            return False
        for s in range(R):
            o = abs(int(S[t, s])) - 1
            if S[o, s] != (-(t + 1) if S[t, s] > 0 else t + 1):
                return False
    return True


def _phases_kept(S: np.ndarray) -> bool:
    """Every pair meets once in each half."""
    n, R = S.shape
    half = R // 2
    return all(
        sorted(abs(int(v)) - 1 for v in S[t, h * half : (h + 1) * half]) == [o for o in range(n) if o != t]
        for t in range(n)
        for h in (0, 1)
    )


def test_phased_partial_team_swap_keeps_the_phases_and_one_home_game_per_pair() -> None:
    # Given random phased double round robins of 6 to 20 teams
    for n in (6, 10, 18, 20):
        search.ttsa.seed_rng(n)
        S = search.ttsa.random_schedule(n)
        R = S.shape[1]
        ct = np.empty(4 * n * R, dtype=np.int64)
        cr = np.empty(4 * n * R, dtype=np.int64)
        work = (np.zeros(max(n, R), dtype=np.int8), np.empty(2 * n + 1, dtype=np.int64))
        rounds, homes = np.empty(R, dtype=np.int64), np.empty(n, dtype=np.int64)
        rng = np.random.default_rng(n)
        changed_any = 0
        for _ in range(400):
            a, b, c = (int(x) for x in (rng.integers(n), rng.integers(n), rng.integers(R)))
            before = S.copy()
            # When teams a and b swap their games in round c (and the chain of its half)
            nc = kernel._partial_swap_teams_phased(S, a, b, c, R // 2, ct, cr, *work, rounds, homes)
            # Then S is a double round robin with every pair once per half
            assert _is_double_round_robin(S) and _phases_kept(S)
            # and the recorded cells are exactly the changed ones, each once
            cells = list(zip(ct[:nc].tolist(), cr[:nc].tolist(), strict=True))
            assert len(cells) == len(set(cells))
            assert set(cells) == {(int(t), int(r)) for t, r in zip(*np.nonzero(before != S), strict=True)}
            changed_any += nc > 0
        assert changed_any > 200


def test_without_the_crossing_move_a_phased_instance_stays_phased(benchmarks: Path) -> None:
    # Given Early_1 (phased) and every move but TTSA's crossing partial team swap (move 5)
    enc = encode(_instance(benchmarks, "Early_1"))
    st = search.State(enc, search.random_start(enc, 5))
    search.ttsa.seed_rng(5)
    weights = np.array((*search.MOVE_WEIGHTS[:5], 0.0))
    weights[4] = 0.3
    cdf = np.cumsum(weights) / weights.sum()
    phased = np.array([f == "phased" for f in enc.con_family])
    for T in (50.0, 5.0, 0.5):
        # When it anneals hot, warm and cold
        st.run(T, 1.0, 1.0, 5000, cdf)
        # Then every pair still meets once per half and no "phased" count is off
        assert _phases_kept(st.S)
        assert not st.con_dev[phased].any()
    assert st.state[kernel.ST_ACCEPTED] > 0


@pytest.mark.parametrize("name", INSTANCES)
def test_encoded_costs_are_the_validators_on_random_schedules(benchmarks: Path, name: str) -> None:
    # Given an ITC2021 instance and three random double round robins (each pair once per half)
    instance = _instance(benchmarks, name)
    enc = encode(instance)
    for seed in (1, 2, 3):
        S = search.random_start(enc, seed)
        # When the kernel counts its hard deviations and soft cost
        st = search.State(enc, S)
        report = validate(instance, _schedule(instance, S))
        # Then they are the validator's infeasibility and objective
        assert (st.hard, st.soft) == (report.infeasibility, report.objective)
        assert st.hard > 0


def test_encoded_costs_are_the_recorded_values_of_every_best_known_early_solution(benchmarks: Path) -> None:
    # Given the best-known schedules of ITC2021 Early_1..15 (read by this test only, never by a solve)
    folder = benchmarks / "itc2021"
    checked = 0
    for k in range(1, 16):
        instance = _instance(benchmarks, f"Early_{k}")
        (path,) = (folder / "best_solutions").glob(f"ITC2021_Early_{k}_best_*.xml")
        recorded = int(path.stem.rsplit("_", 1)[1])
        ix = instance.team_index
        games = {(ix[g.home], ix[g.away], g.slot) for g in read_solution(path).games}
        enc = encode(instance)
        # When the kernel evaluates them
        st = search.State(enc, search.games_to_S(games, enc.n, enc.R))
        # Then each has no hard deviation and costs the recorded objective
        assert (st.hard, st.soft) == (0, recorded), f"Early_{k}"
        checked += 1
    assert checked == 15


@pytest.mark.parametrize("name", ["Early_1", "Early_8"])
def test_running_totals_equal_a_recount_after_every_chunk_of_moves(benchmarks: Path, name: str) -> None:
    # Given a random start of an instance with every kind of entry (counts, breaks, SE1, FA2)
    enc = encode(_instance(benchmarks, name))
    st = search.State(enc, search.random_start(enc, 7))
    search.ttsa.seed_rng(7)
    cdf = np.cumsum(np.array(search.MOVE_WEIGHTS)) / sum(search.MOVE_WEIGHTS)
    # When it anneals hot, warm and frozen, on hard rules only and on both, with raised weights
    for T, w_soft, w_hard in [(50.0, 1.0, 5.0), (2.0, 0.0, 1.0), (5.0, 1.0, 50.0), (0.0, 1.0, 50.0)]:
        st.run(T, w_soft, w_hard, 3000, cdf)
        # Then the running hard deviations and soft cost are those of a plain recount
        fresh = search.State(enc, st.S)
        assert (st.hard, st.soft) == (fresh.hard, fresh.soft)
        assert (st.con_dev == fresh.con_dev).all() and (st.con_count == fresh.con_count).all()
        assert (st.term_val == fresh.term_val).all() and (st.se_dev == fresh.se_dev).all()
        assert (st.fa_dev == fresh.fa_dev).all()
        # and the running weighted hard total is the current weights times the deviations
        weighted = int((st.con_hw * st.con_dev * enc.con_hard).sum())
        weighted += int((st.se_dev * enc.se_hard).sum()) + int((st.fa_dev * enc.fa_hard).sum())
        assert st.state[kernel.ST_HARDW] == weighted
        assert _is_double_round_robin(st.S)
        st.bump(2)
    assert st.state[kernel.ST_ACCEPTED] > 0
    # and the best schedules kept are what their recorded costs say
    least = search.State(enc, st.best_hard_S)
    assert (least.hard, least.soft) == (st.state[kernel.ST_BEST_HARD], st.state[kernel.ST_BEST_HARD_SOFT])


def test_feasibility_mode_ends_with_a_schedule_the_validator_accepts(benchmarks: Path) -> None:
    # Given ITC2021 Test4 (6 teams, phased) from a random double round robin
    instance = _instance(benchmarks, "Test4")
    enc = encode(instance)
    # When the annealer searches on the hard rules only
    out = search.anneal(enc, search.random_start(enc, 3), 20.0, seed=3, feasibility=True)
    # Then it finds a schedule the validator calls feasible, costing what the kernel says
    assert out.feasible is not None
    S = search.games_to_S(out.feasible, enc.n, enc.R)
    report = validate(instance, _schedule(instance, S))
    assert report.feasible
    assert report.objective == out.soft


def test_a_set_stop_event_ends_a_chain_before_its_first_chunk(benchmarks: Path) -> None:
    # Given Early_1 and a stop event another chain has already set
    import threading

    enc = encode(_instance(benchmarks, "Early_1"))
    stop = threading.Event()
    stop.set()
    # When a feasibility chain starts with that event
    out = search.anneal(enc, search.random_start(enc, 1), 30.0, seed=1, feasibility=True, stop=stop)
    # Then it makes no move at all
    assert out.moves == 0 and out.seconds < 5


def test_feasibility_chains_in_threads_offer_the_first_schedule_and_stop_the_rest(benchmarks: Path) -> None:
    # Given ITC2021 Early_8 (18 teams, 20 hard rules) with its full model and an empty session
    from flextime.engine.build import build_model
    from flextime.engine.strategies import anneal as anneal_strategy
    from flextime.engine.strategies._base import Session

    instance = _instance(benchmarks, "Early_8")
    built = build_model(instance)
    session = Session(SolverParams(time_limit_s=120, seed=4), None)
    stats: dict = {}
    # When the annealer's feasibility mode runs two chains (one per default setting) for up to 60 s
    found = anneal_strategy.find_feasible(session, built, 60.0, seed=4, stats=stats, chains=2)
    # Then a schedule was offered: a solution of the full model the validator calls feasible
    assert found and session.best is not None
    games = {key for key, v in built.x.items() if session.best.values[v.Index()]}
    ids = instance.team_ids
    schedule = Schedule(
        instance=instance.name, games=[Game(home=ids[h], away=ids[a], slot=s) for h, a, s in games]
    )
    report = validate(instance, schedule)
    assert report.feasible and report.objective == session.best.objective
    # and both chains ran, and the one that did not find it stopped with it (long before 60 s)
    assert stats["anneal_feasibility_chains"] == 2
    assert 0 in stats["anneal_feasibility_best_hard"]
    assert max(stats["anneal_feasibility_seconds"]) < 50


def test_a_fresh_start_anneals_a_new_feasible_schedule_and_keeps_it_only_if_better(benchmarks: Path) -> None:
    # Given Early_8 with a first schedule from the feasibility mode
    from flextime.engine.build import build_model
    from flextime.engine.strategies import anneal as anneal_strategy
    from flextime.engine.strategies._base import Session

    instance = _instance(benchmarks, "Early_8")
    built = build_model(instance)
    session = Session(SolverParams(time_limit_s=120, seed=2), None)
    assert anneal_strategy.find_feasible(session, built, 30.0, seed=2, stats={}, chains=1)
    assert session.best is not None
    first = session.best.objective
    # When another basin is tried: a new feasible schedule (other seed), annealed for the rest of 16 s
    # (the feasibility mode, which stops at its first schedule, may take 90 % of it: it needs 1-3.5 s
    # here, and its default share of the former 12 s, 6 s, was too little on a machine 3-4 times slower)
    stats: dict = {}
    kept = anneal_strategy.fresh_start(
        session, built, 16.0, seed=11, stats=stats, chains=1, feasibility_fraction=0.9
    )
    # Then a new schedule was found and annealed (its start is feasible, its cost its own)
    assert stats["anneal_feasibility_best_hard"] == [0]
    assert stats["anneal_start"]["hard"] == 0 and stats["anneal_moves"] > 0
    # and the incumbent is only replaced by a better one, which the validator confirms
    assert session.best.objective <= first
    assert kept == (session.best.objective < first)
    games = {key for key, v in built.x.items() if session.best.values[v.Index()]}
    ids = instance.team_ids
    report = validate(
        instance,
        Schedule(instance=instance.name, games=[Game(home=ids[h], away=ids[a], slot=s) for h, a, s in games]),
    )
    assert report.feasible and report.objective == session.best.objective


def test_improvement_phase_lowers_the_first_schedule_and_the_validator_agrees(benchmarks: Path) -> None:
    # Given ITC2021 Test5 (16 teams, phased) and the strategy selected for it
    instance = _instance(benchmarks, "Test5")
    plan = select_strategy(profile_instance(instance), 20)
    assert plan.params["anneal"] is True
    # When it is solved for 20 s
    result = solve_with_strategy(instance, SolverParams(time_limit_s=20, workers=2, seed=1), plan)
    # Then the annealer ran from the first schedule, and the result is what the validator computes
    runs = [json.loads(n.removeprefix("anneal ")) for n in result.notes if n.startswith("anneal {")]
    assert runs and runs[0]["anneal_moves"] > 10_000
    assert runs[0]["anneal_start"] == {"hard": 0, "soft": runs[0]["anneal_from"]}
    assert result.feasible and result.schedule is not None
    report = validate(instance, result.schedule)
    assert report.feasible and report.objective == result.objective
    # and the first annealing run improved the first schedule (kept through the full model)
    assert runs[0]["anneal_kept"] is True
    assert result.objective < runs[0]["anneal_from"]


def test_duplicate_teams_count_once_as_in_the_validator(benchmarks: Path) -> None:
    # Given Early_1 with a team listed twice in a CA4's teams1, in the BR2 and in the SE1
    instance = _instance(benchmarks, "Early_1")
    constraints = []
    seen: set[str] = set()
    for c in instance.constraints:
        if c.type == "CA4" and "CA4" not in seen:
            c = c.model_copy(update={"teams1": [*c.teams1, c.teams1[0]]})
        elif c.type in ("BR2", "SE1"):
            c = c.model_copy(update={"teams": [*c.teams, c.teams[0]]})
        seen.add(c.type)
        constraints.append(c)
    doubled = instance.model_copy(update={"constraints": constraints})
    enc = encode(doubled)
    for seed in (4, 5):
        S = search.random_start(enc, seed)
        # When the kernel and the validator score a random schedule
        st = search.State(enc, S)
        report = validate(doubled, _schedule(doubled, S))
        # Then they agree
        assert (st.hard, st.soft) == (report.infeasibility, report.objective)


def test_instances_the_annealer_cannot_take_say_why(benchmarks: Path) -> None:
    instance = _instance(benchmarks, "Early_1")
    assert encodable(instance) == []
    partial = instance.model_copy(update={"teams": instance.teams[:-1]})
    assert any("odd number of teams" in why for why in encodable(partial))
    with pytest.raises(ValueError, match="no game"):
        search.games_to_S({(0, 1, 0)}, 4, 6)


def test_a_stuck_first_annealing_segment_hands_time_to_a_fresh_basin(benchmarks: Path) -> None:
    # Given ITC2021 Test5 and its plan, with the fresh-basin rule made to fire (any gain is "small",
    # any remaining time enough)
    instance = _instance(benchmarks, "Test5")
    plan = select_strategy(profile_instance(instance), 24)
    assert plan.params["anneal_fresh_fraction"] > 0
    plan.params.update({"anneal_fresh_below": 1.01, "anneal_fresh_min_s": 1.0})
    # When it is solved for 24 s
    result = solve_with_strategy(instance, SolverParams(time_limit_s=24, workers=2, seed=3), plan)
    # Then right after the first annealing segment a fresh basin was searched and annealed
    segments = next(n for n in result.notes if n.startswith("hard_first: anneal/LNS segments"))
    history = json.loads(segments.removeprefix("hard_first: anneal/LNS segments ").replace("'", '"'))
    assert history[0].startswith("anneal:") and history[1].startswith("fresh:")
    fresh = json.loads(
        next(n for n in result.notes if n.startswith("anneal fresh ")).removeprefix("anneal fresh ")
    )
    assert 0 in fresh["anneal_feasibility_best_hard"] and fresh["anneal_start"]["hard"] == 0
    # and the result is never worse than before the fresh basin, and is what the validator computes
    before, after = (int(x) for x in history[1].removeprefix("fresh:").split("->"))
    assert after <= before and result.objective is not None and result.objective <= after
    assert result.schedule is not None
    report = validate(instance, result.schedule)
    assert report.feasible and report.objective == result.objective
