"""CP-SAT round-window LNS for the TTP: the re-optimised schedule keeps the double round robin and
the TTP rules (validator), only the freed rounds change, and travel strictly drops."""

from __future__ import annotations

import numpy as np
import pytest

from flextime.travel import ttsa
from flextime.travel.improve import array_to_schedule, naive_schedule, schedule_to_array, team_distance_matrix
from flextime.travel.ttp_lns import improve_rounds, reoptimise_rounds
from flextime.validate import validate
from tests.unit.test_travel_improve import assert_drr, random_ttp


def start(n: int, seed: int):
    instance = random_ttp(n, seed=seed)
    S = schedule_to_array(instance, naive_schedule(instance, seed))
    assert S is not None
    return instance, S, team_distance_matrix(instance)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_window_reoptimisation_moves_games_only_inside_the_window(seed):
    instance, S, D = start(8, seed)
    free = [3, 4, 5, 6]
    before, _ = ttsa.schedule_cost(S, D, 3, 1)
    out = reoptimise_rounds(S, D, free, max_streak=3, no_repeat=True, time_limit_s=5.0, seed=seed)
    assert out is not None  # the naive (circle method) order is never optimal over 4 rounds here
    assert_drr(out)
    untouched = [r for r in range(S.shape[1]) if r not in free]
    assert np.array_equal(out[:, untouched], S[:, untouched])
    # the same games are played in the window, in some order
    games = lambda A: sorted((h, int(A[h, r])) for r in free for h in range(A.shape[0]) if A[h, r] > 0)  # noqa: E731
    assert games(out) == games(S)
    after, viol = ttsa.schedule_cost(out, D, 3, 1)
    assert viol == 0
    assert after < before
    report = validate(instance, array_to_schedule(instance, out))
    assert report.feasible and report.travel_total == after


def test_improve_rounds_is_monotone_and_validator_clean():
    instance, S, D = start(8, 7)
    before, _ = ttsa.schedule_cost(S, D, 3, 1)
    run = improve_rounds(S, D, time_limit_s=2.0, seed=3, window=(3, 5), sub_time_s=1.0)
    assert run.neighbourhoods > 0
    assert run.distance <= before
    assert [d for _, d in run.history] == sorted((d for _, d in run.history), reverse=True)
    report = validate(instance, array_to_schedule(instance, run.S))
    assert report.feasible and report.travel_total == run.distance


def test_improve_rounds_rejects_a_schedule_that_breaks_the_rules():
    _instance, S, D = start(6, 0)
    broken = S.copy()
    r = 0
    opp = int(abs(broken[0, r])) - 1
    later = next(k for k in range(1, broken.shape[1]) if int(abs(broken[0, k])) - 1 == opp)
    broken[:, [1, later]] = broken[:, [later, 1]]
    _, viol = ttsa.schedule_cost(broken, D, 3, 1)
    assert viol > 0  # team 0 meets the same opponent in rounds 0 and 1
    with pytest.raises(ValueError, match="TTP rules"):
        improve_rounds(broken, D, time_limit_s=0.5)


def test_improve_travel_polishes_with_lns_and_stays_validator_clean():
    from flextime.travel.improve import improve_travel

    instance = random_ttp(8, seed=11)
    start_schedule = naive_schedule(instance, 11)
    before = validate(instance, start_schedule)
    result = improve_travel(instance, start_schedule, time_limit_s=1.5, seed=2, lns_fraction=0.5)
    assert result.method == "beam+race+lns"
    assert result.feasible
    after = validate(instance, result.schedule)
    assert after.feasible and after.travel_total == result.after_travel
    assert result.after_travel is not None and before.travel_total is not None
    assert result.after_travel < before.travel_total
