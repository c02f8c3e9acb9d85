"""The TTP race (successive halving over annealer lineages): its stage plan and its results."""

import itertools
import math

import numpy as np
import pytest

from flextime.travel import ttsa
from flextime.travel.improve import (
    array_to_schedule,
    improve_travel,
    team_distance_matrix,
)
from flextime.travel.race import race_stages, race_ttp
from flextime.validate import validate
from tests.unit.test_travel_improve import assert_drr, random_ttp


@pytest.mark.parametrize("limit", [0.3, 5.0, 20.0, 600.0])
@pytest.mark.parametrize("workers", [1, 2, 3])
def test_race_stages_halve_down_to_the_workers_and_fill_the_time(limit, workers):
    stages = race_stages(limit, workers)
    counts = [s.lineages for s in stages]
    assert counts[-1] == workers
    assert all(a == 2 * b for a, b in itertools.pairwise(counts))
    assert 1 <= len(stages) <= 4
    wall = sum(math.ceil(s.lineages / workers) * s.seconds for s in stages)
    assert wall == pytest.approx(limit)
    if limit >= 64:
        assert len(stages) == 4


@pytest.mark.parametrize("workers", [1, 2])
def test_race_reports_the_distance_of_its_best_schedule(workers):
    instance = random_ttp(8, seed=6)
    run = race_ttp(team_distance_matrix(instance), time_limit_s=0.8, seed=2, workers=workers)
    assert run.S is not None
    assert_drr(run.S)
    report = validate(instance, array_to_schedule(instance, run.S))
    assert report.feasible
    assert report.travel_total == run.distance
    assert [d for _, d in run.history] == sorted((d for _, d in run.history), reverse=True)
    assert run.iterations > 0


def test_race_from_a_schedule_never_returns_a_worse_one():
    instance = random_ttp(6, seed=2)
    D = team_distance_matrix(instance)
    first = race_ttp(D, time_limit_s=0.3, seed=1)
    assert first.S is not None and first.distance is not None
    again = race_ttp(D, time_limit_s=0.3, seed=5, initial=first.S)
    assert again.distance is not None and again.distance <= first.distance
    d, nbv = ttsa.schedule_cost(np.asarray(again.S), np.asarray(D, dtype=np.int64), 3, 1)
    assert (d, nbv) == (again.distance, 0)


def test_improve_travel_rejects_an_unknown_search():
    with pytest.raises(ValueError, match="search"):
        improve_travel(random_ttp(4), None, time_limit_s=0.1, search="tabu")


def test_improve_travel_cycles_search_still_available():
    instance = random_ttp(6, seed=3)
    result = improve_travel(instance, None, time_limit_s=0.3, seed=1, search="cycles")
    assert result.method == "ttsa" and result.feasible
    raced = improve_travel(instance, None, time_limit_s=0.3, seed=1, search="race")
    assert raced.method == "race" and raced.feasible
    default = improve_travel(instance, None, time_limit_s=0.3, seed=1)
    assert default.method == "beam+race" and default.feasible
