"""MoveScorer (validate/delta.py): a move's change in hard infeasibility and soft penalty, counted
on the teams and slots it touched, equals what two full validations say, and its bounded sums
(``exceeds``) agree with the validator's; the local search that uses it to skip validations walks
exactly the path it walks without it."""

from __future__ import annotations

import random

import pytest

from flextime.domain.constraints import GA1
from flextime.domain.model import Game, Schedule
from flextime.travel.improve import naive_schedule
from flextime.travel.local_search import MOVE_KINDS, _changed, draw_move, local_search
from flextime.validate import validate
from flextime.validate.delta import MoveScorer, locality
from tests.unit.test_validator_families import BASE, CONFERENCE_CASES, ITC_CASES, drr, games


def _mutate(instance, cur: list[Game], rng: random.Random) -> list[Game] | None:
    """A move of the local search, or a rougher change the moves never make (a game to any slot,
    one game's hosts flipped, an opponent replaced), so that broken schedules are scored too."""
    roll = rng.random()
    if roll < 0.5:
        return draw_move(instance, cur, rng, rng.choice(MOVE_KINDS))
    k = rng.randrange(len(cur))
    g, new = cur[k], list(cur)
    if roll < 0.7:
        new[k] = g.model_copy(update={"slot": rng.randrange(instance.n_slots)})
    elif roll < 0.85:
        new[k] = g.model_copy(update={"home": g.away, "away": g.home})
    else:
        other = rng.choice([t for t in instance.team_ids if t != g.home])
        new[k] = g.model_copy(update={"away": other})
    return new


def _walk(instance, start: list[Game], steps: int, seed: int, scorer: MoveScorer) -> tuple[int, int]:
    """Random walk; at every step the scorer's change must equal the validator's. Returns
    (moves scored, moves with a nonzero change)."""
    rng = random.Random(seed)
    cur = list(start)
    report = validate(instance, Schedule(games=cur))
    scored = nonzero = 0
    for _ in range(steps):
        cand = _mutate(instance, cur, rng)
        if cand is None:
            continue
        changed = _changed(cur, cand)
        if not changed:
            continue
        change = scorer.change(cur, cand, changed)
        new = validate(instance, Schedule(games=cand))
        if change is None:  # a move over more than the scorer's share of the teams
            assert len({t for pair in changed for g in pair for t in (g.home, g.away)}) > scorer.max_teams
        else:
            assert (change.infeasibility, change.soft_penalty) == (
                new.infeasibility - report.infeasibility,
                new.soft_penalty - report.soft_penalty,
            ), f"{changed}"
            scored += 1
            nonzero += change.infeasibility != 0 or change.soft_penalty != 0
        _check_bounds(scorer, cand, new, rng)
        if rng.random() < 0.5:
            cur, report = cand, new
    return scored, nonzero


def _check_bounds(scorer: MoveScorer, cand: list[Game], report, rng: random.Random) -> None:
    """``exceeds`` against the validator's sums, with bounds just below, at and just above them."""
    inf = report.infeasibility + rng.choice((-1, 0, 0, 1))
    soft = rng.choice((None, report.soft_penalty + rng.choice((-1, 0, 1))))
    worse = report.infeasibility > inf or (
        report.infeasibility == inf and soft is not None and report.soft_penalty > soft
    )
    assert scorer.exceeds(cand, inf, soft) == worse


# a total over many slots with a range: only right when counted over the whole schedule
GA1_WIDE = GA1(id="c", meetings=[(h, a) for h, a, s in BASE if s < 3], slots=[0, 1, 2], min=3, max=3)
CASES = (
    [(c[0], lambda cs: drr(cs), c[1], BASE) for c in ITC_CASES]
    + [("GA1 wide", lambda cs: drr(cs), GA1_WIDE, BASE)]
    + [(c[0], c[1], c[2], c[3]) for c in CONFERENCE_CASES]
)


@pytest.mark.parametrize("hard", [True, False], ids=["hard", "soft"])
@pytest.mark.parametrize(("factory", "constraint", "rows"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_every_family_scores_moves_as_the_validator_does(factory, constraint, rows, hard):
    # Given a tiny instance with one constraint of a family, hard or soft, and its schedule
    c = constraint.model_copy(update={"hard": hard, "weight": 1 if hard else 3})
    instance = factory([c])
    # When a random walk scores every move on the teams it touches (no move is too large here)
    scored, nonzero = _walk(
        instance, games(rows).games, 120, seed=7, scorer=MoveScorer(instance, max_share=1.0)
    )
    # Then every change equals the difference of two validations, and the walk changed the score
    assert scored >= 60 and nonzero > 0


def test_itc2021_instance_with_every_itc_family(benchmarks):
    # Given ITC2021 Early_1 (CA1-CA4, GA1, BR1, BR2, FA2, SE1) and a naive double round robin
    from flextime.formats.robinx import read_instance

    instance = read_instance(benchmarks / "itc2021" / "instances" / "ITC2021_Early_1.xml")
    assert {"team", "global"} <= {locality(c) for c in instance.constraints}
    start = naive_schedule(instance, 3).games
    # When moves are scored on the teams and slots they touch; Then the validator agrees
    scored, nonzero = _walk(instance, start, 150, seed=2, scorer=MoveScorer(instance))
    assert scored >= 40 and nonzero > 0


def test_big12_mens_basketball_scenario():
    # Given the Big 12 men's basketball season (dated, partial round robin, venues) from a naive start
    from flextime.formats.inputs import load_instance

    instance = load_instance("big12-mbb-2026-27")
    start = naive_schedule(instance, 1).games
    scored, nonzero = _walk(instance, start, 150, seed=5, scorer=MoveScorer(instance))
    assert scored >= 40 and nonzero > 0


def test_malformed_changes_and_large_moves_are_left_to_the_validator():
    instance = drr()
    cur = list(games(BASE).games)
    scorer = MoveScorer(instance)  # at most half of the teams
    bad = list(cur)
    bad[0] = cur[0].model_copy(update={"away": "X"})  # an unknown team
    assert scorer.change(cur, bad, _changed(cur, bad)) is None
    wide = [g.model_copy(update={"home": g.away, "away": g.home}) if g.slot < 2 else g for g in cur]
    assert scorer.change(cur, wide, _changed(cur, wide)) is None  # four teams of four
    one = [
        g.model_copy(update={"home": g.away, "away": g.home}) if (g.home, g.slot) == ("0", 0) else g
        for g in cur
    ]
    assert scorer.change(cur, one, _changed(cur, one)) is not None  # two teams of four


def test_unchanged_malformed_games_are_counted_alike_on_both_sides():
    # Given a schedule that already holds a malformed game the move does not touch
    instance = drr()
    cur = [*games(BASE).games, Game(home="0", away="0", slot=1)]
    k = next(i for i, g in enumerate(cur) if (g.home, g.away) == ("2", "3"))
    cand = list(cur)
    cand[k] = cur[k].model_copy(update={"home": "3", "away": "2"})
    change = MoveScorer(instance, max_share=1.0).change(cur, cand, _changed(cur, cand))
    before, after = validate(instance, Schedule(games=cur)), validate(instance, Schedule(games=cand))
    assert change is not None and change.infeasibility == after.infeasibility - before.infeasibility != 0


@pytest.mark.parametrize("scenario", ["big12-mbb-2026-27", "big12-wbb-2026-27"])
def test_the_screened_search_walks_the_unscreened_path(scenario):
    # Given a Big 12 season and a start schedule
    from flextime.formats.inputs import load_instance

    instance = load_instance(scenario)
    start = naive_schedule(instance, 2)
    # When the local search runs a fixed number of moves with and without the screen
    runs = {
        screen: local_search(instance, start, time_limit_s=600, max_iterations=400, seed=4, screen=screen)
        for screen in (False, True)
    }
    plain, screened = runs[False], runs[True]
    # Then it takes the same moves to the same schedule, and the screen only saved validations
    assert screened.schedule.games == plain.schedule.games
    assert screened.report.improvement_key() == plain.report.improvement_key()
    assert screened.accepted == plain.accepted
    assert screened.screened > 0
    assert screened.validated + screened.screened == plain.validated
