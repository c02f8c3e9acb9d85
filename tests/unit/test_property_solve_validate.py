"""Property: whatever the engine returns on a random small instance, the independent validator finds
no hard violation and scores the same objective as the solver."""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from flextime.domain import (
    BR1,
    BR2,
    CA1,
    CA2,
    CA3,
    CA4,
    FA2,
    GA1,
    SE1,
    Byes,
    Instance,
    MaxConsecutive,
    PartialRoundRobin,
    RoundRobin,
    Slot,
    Team,
    TeamUnavailable,
)
from flextime.engine import SolverParams, solve_instance
from flextime.validate import validate

MODES = st.sampled_from(["H", "A", "HA"])


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    n = draw(st.sampled_from([4, 6]))
    teams = [f"T{i}" for i in range(n)]
    partial = draw(st.booleans())
    if partial:
        n_slots = draw(st.integers(min_value=n, max_value=n + 2))
        fmt = PartialRoundRobin(games_per_team=n - 1, home_min=(n - 2) // 2, home_max=n // 2, max_meetings=1)
    else:
        n_slots = 2 * (n - 1)
        fmt = RoundRobin(rounds=2, compact=True, phased=draw(st.booleans()))
    slots = list(range(n_slots))
    some_teams = st.lists(st.sampled_from(teams), min_size=1, max_size=n, unique=True)
    some_slots = st.lists(st.sampled_from(slots), min_size=1, max_size=n_slots, unique=True)
    hard = st.booleans()
    weight = st.integers(min_value=1, max_value=10)
    small = st.integers(min_value=0, max_value=3)

    def common(prefix: str, k: int) -> dict:
        return {"id": f"{prefix}-{k}", "hard": draw(hard), "weight": draw(weight)}

    makers = [
        lambda k: CA1(
            **common("CA1", k),
            teams=draw(some_teams),
            slots=draw(some_slots),
            mode=draw(st.sampled_from(["H", "A"])),
            max=draw(small),
        ),
        lambda k: CA2(
            **common("CA2", k),
            teams1=draw(some_teams),
            teams2=draw(some_teams),
            slots=draw(some_slots),
            mode1=draw(MODES),
            max=draw(small),
        ),
        lambda k: CA3(
            **common("CA3", k),
            teams1=draw(some_teams),
            teams2=teams,
            intp=draw(st.integers(2, 4)),
            mode1=draw(st.sampled_from(["H", "A"])),
            max=draw(st.integers(1, 3)),
        ),
        lambda k: CA4(
            **common("CA4", k),
            teams1=draw(some_teams),
            teams2=draw(some_teams),
            slots=draw(some_slots),
            mode1=draw(MODES),
            mode2=draw(st.sampled_from(["GLOBAL", "EVERY"])),
            max=draw(small),
        ),
        lambda k: GA1(
            **common("GA1", k),
            meetings=[tuple(draw(st.permutations(teams))[:2])],
            slots=draw(some_slots),
            min=draw(st.integers(0, 1)),
            max=1,
        ),
        lambda k: BR1(
            **common("BR1", k),
            teams=draw(some_teams),
            slots=draw(some_slots),
            intp=draw(small),
            mode2=draw(MODES),
        ),
        lambda k: BR2(
            **common("BR2", k), teams=draw(some_teams), slots=draw(some_slots), intp=draw(st.integers(0, 8))
        ),
        lambda k: FA2(**common("FA2", k), teams=draw(some_teams), slots=draw(some_slots), intp=draw(small)),
        lambda k: SE1(**common("SE1", k), teams=draw(some_teams), min=draw(st.integers(0, 3))),
        lambda k: MaxConsecutive(
            **common("MC", k),
            teams=draw(some_teams),
            mode=draw(st.sampled_from(["H", "A"])),
            max=draw(st.integers(1, 3)),
        ),
        lambda k: TeamUnavailable(
            **common("TU", k),
            team=draw(st.sampled_from(teams)),
            slots=draw(some_slots),
            mode=draw(st.sampled_from(["any", "home", "away"])),
        ),
        lambda k: Byes(
            **common("BY", k),
            teams=draw(some_teams),
            min=0,
            max=draw(small),
            not_first=draw(st.booleans()),
            not_last=draw(st.booleans()),
        ),
    ]
    chosen = draw(st.lists(st.integers(0, len(makers) - 1), min_size=1, max_size=6))
    constraints = []
    for k, which in enumerate(chosen):
        c = makers[which](k)
        if partial and c.type in ("SE1",):  # SE1 needs mutual games (double round robin)
            continue
        if not partial and c.type == "byes":  # compact play has no byes
            continue
        constraints.append(c)
    return Instance(
        name="random",
        teams=[Team(id=t, name=t) for t in teams],
        slots=[Slot(index=s) for s in slots],
        format=fmt,
        constraints=constraints,
    )


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(instances())
def test_engine_output_passes_the_validator(instance: Instance):
    # When
    result = solve_instance(instance, SolverParams(time_limit_s=5, workers=2, seed=1))
    event(f"status {result.status}")
    # Then: either a proof of infeasibility / no answer, or a schedule the validator accepts
    if result.schedule is None:
        assert result.status in ("INFEASIBLE", "UNKNOWN")
        return
    report = validate(instance, result.schedule)
    assert report.structural == []
    assert report.infeasibility == 0, report.violations
    assert report.feasible
    assert report.objective == result.objective
