"""Engine against benchmark data: the engine's objective of every best-known ITC2021 Test
solution equals the recorded value (each family's deviation semantics), small instances solve to
their known optimum, and the travel term equals the validator's travel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flextime.domain import (
    Instance,
    MaxConsecutive,
    Objective,
    PartialRoundRobin,
    RoundRobin,
    Schedule,
    Slot,
    Team,
    Venue,
)
from flextime.engine import SolverParams, build_model, solve, solve_instance
from flextime.formats.robinx import read_instance, read_solution
from flextime.validate import validate

pytestmark = pytest.mark.benchmarks


def fix(instance: Instance, schedule: Schedule):  # type: ignore[no-untyped-def]
    """A model of ``instance`` whose game variables are fixed to ``schedule``."""
    built = build_model(instance)
    idx = instance.team_index
    chosen = {(idx[g.home], idx[g.away], g.slot) for g in schedule.games}
    assert chosen <= set(built.x), "a game of the schedule was pruned away"
    for key, v in built.x.items():
        built.model.Add(v == (1 if key in chosen else 0))
    return built


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 6, 7, 8])
def test_engine_scores_best_known_itc_solutions_exactly(benchmarks: Path, k: int) -> None:
    # Given an ITC2021 test instance and its best-known solution
    folder = benchmarks / "itc2021"
    instance = read_instance(folder / "instances" / f"ITC2021_Test{k}.xml")
    (path,) = (folder / "best_solutions").glob(f"ITC2021_Test{k}_best_*.xml")
    recorded = int(path.stem.rsplit("_", 1)[1])
    schedule = read_solution(path)
    # When the engine's model is fixed to that schedule
    result = solve(fix(instance, schedule), SolverParams(time_limit_s=30, strategy="single"))
    # Then it is feasible and its objective is the recorded one (and the validator's)
    assert result.status == "OPTIMAL"
    assert result.objective == recorded == validate(instance, schedule).objective


@pytest.mark.parametrize(("k", "optimum"), [(3, 1253), (4, 4535)])
def test_small_itc_instances_solve_to_optimality(benchmarks: Path, k: int, optimum: int) -> None:
    # Given a small ITC2021 test instance
    instance = read_instance(benchmarks / "itc2021" / "instances" / f"ITC2021_Test{k}.xml")
    # When solved
    result = solve_instance(instance, SolverParams(time_limit_s=10))
    # Then the known optimum is proven and the validator agrees
    assert result.status == "OPTIMAL" and result.objective == optimum
    report = validate(instance, result.schedule)  # type: ignore[arg-type]
    assert report.feasible and report.objective == optimum


def test_nl4_travel_optimum(benchmarks: Path) -> None:
    # Given the 4-team TTP instance NL4
    instance = read_instance(benchmarks / "ttp" / "instances_robinx" / "NL4.xml")
    # When solved
    result = solve_instance(instance, SolverParams(time_limit_s=20))
    # Then the optimum 8276 is proven and equals the validator's travel
    assert result.status == "OPTIMAL" and result.objective == 8276 == result.travel
    assert validate(instance, result.schedule).travel_total == 8276  # type: ignore[arg-type]


def test_nl6_best_solution_travel_is_scored_exactly(benchmarks: Path) -> None:
    # Given NL6 and its optimal schedule (23916)
    instance = read_instance(benchmarks / "ttp" / "instances_robinx" / "NL6.xml")
    schedule = read_solution(benchmarks / "ttp" / "best_solutions" / "NL6_23916.xml")
    # When fixed in the engine's model / Then the travel term is 23916
    result = solve(fix(instance, schedule), SolverParams(time_limit_s=20, strategy="single"))
    assert result.objective == result.travel == 23916


def _venues(n: int) -> list[Venue]:
    return [Venue(id=f"V{i}", name=f"V{i}", lat=30.0 + 2.5 * i, lon=-100.0 + 3.0 * (i % 3)) for i in range(n)]


def test_venue_travel_matches_validator_in_compact_play() -> None:
    # Given 4 teams with venue coordinates, travel minimised, at most 2 consecutive away games
    instance = Instance(
        name="venues",
        teams=[Team(id=f"T{i}", name=f"T{i}", venue=f"V{i}") for i in range(4)],
        venues=_venues(4),
        slots=[Slot(index=s) for s in range(6)],
        format=RoundRobin(),
        constraints=[MaxConsecutive(id="a", mode="A", max=2)],
        objective=Objective(travel_weight=1),
    )
    # When solved to optimality
    result = solve_instance(instance, SolverParams(time_limit_s=10))
    # Then the engine's travel is the validator's travel
    assert result.status == "OPTIMAL"
    report = validate(instance, result.schedule)  # type: ignore[arg-type]
    assert report.feasible and report.travel_total == result.travel == result.objective


def test_travel_with_byes_matches_validator_in_non_compact_play() -> None:
    # Given a dated partial round robin with byes and a travel objective plus soft rules
    start = dt.date(2024, 1, 6)
    instance = Instance(
        name="byes",
        teams=[Team(id=f"T{i}", name=f"T{i}", venue=f"V{i}") for i in range(5)],
        venues=_venues(5),
        slots=[Slot(index=i, date=start + dt.timedelta(days=2 * i)) for i in range(6)],
        format=PartialRoundRobin(games_per_team=4, home_min=2, home_max=2),
        constraints=[MaxConsecutive(id="a", mode="A", max=1, hard=False, weight=500)],
        objective=Objective(travel_weight=1),
    )
    # When solved briefly
    result = solve_instance(instance, SolverParams(time_limit_s=1))
    # Then travel (byes spent where the last game was) and objective equal the validator's
    assert result.feasible
    report = validate(instance, result.schedule)  # type: ignore[arg-type]
    assert report.feasible
    assert report.travel_total == result.travel
    assert report.objective == result.objective
