"""TTP instances from real venues: the 16 Big 12 schools as a Traveling Tournament Problem.

The instance is a compact double round robin over 30 slots with the standard TTP rules as hard
RobinX constraints (CA3: at most 3 home / 3 away games in any 4 consecutive games; SE1: no
repeaters) and total travel as the objective. Distances are great-circle miles between the
schools' football stadiums or basketball arenas, rounded to integers, written into the RobinX
``<Distances>`` block (so the file is a plain TTP instance any TTP tool can read).
"""

from __future__ import annotations

import statistics
from typing import Literal

from flextime.domain import CA3, SE1, Instance, Objective, RoundRobin, Slot, Team
from flextime.travel.distances import haversine_miles
from flextime.validate import validate

__all__ = ["big12_ttp_instance", "naive_baseline", "ttp_instance"]

VenueKind = Literal["arena", "stadium"]


def ttp_instance(
    name: str, teams: list[Team], distances: list[list[int]], *, max_streak: int = 3, no_repeat: bool = True
) -> Instance:
    """A standard TTP instance (compact DRR, CA3 + SE1 hard, travel objective) over ``teams``."""
    n = len(teams)
    if n % 2 or n < 4:
        raise ValueError(f"a TTP needs an even number of teams >= 4, got {n}")
    ids = [t.id for t in teams]
    constraints: list = [
        CA3(
            id=f"CA3-{k}",
            label=f"at most {max_streak} consecutive {word} games",
            teams1=ids,
            teams2=ids,
            intp=max_streak + 1,
            mode1=mode,
            mode2="GAMES",
            max=max_streak,
        )
        for k, (mode, word) in enumerate((("H", "home"), ("A", "away")), start=1)
    ]
    if no_repeat:
        constraints.append(SE1(id="SE1-1", label="no repeaters", teams=ids, min=1))
    return Instance(
        name=name,
        teams=teams,
        slots=[Slot(index=s) for s in range(2 * (n - 1))],
        format=RoundRobin(rounds=2, compact=True),
        constraints=constraints,
        objective=Objective(soft_constraints=False, travel_weight=1),
        distances=distances,
    )


def big12_ttp_instance(venues: VenueKind = "arena") -> Instance:
    """The 16 Big 12 schools as a TTP over their arenas (basketball) or stadiums (football)."""
    from flextime.scenarios.big12 import schools

    rows = schools()
    places = [s.arena if venues == "arena" else s.stadium for s in rows]
    dist = [
        [0 if a is b else round(haversine_miles(a.lat, a.lon, b.lat, b.lon)) for b in places] for a in places
    ]
    teams = [Team(id=s.id, name=s.name, short_name=s.short_name, timezone=s.timezone) for s in rows]
    sport = "basketball" if venues == "arena" else "football"
    inst = ttp_instance(f"Big12_TTP_{venues}", teams, dist)
    return inst.model_copy(update={"sport": sport, "description": f"Big 12 schools, {venues} coordinates"})


def naive_baseline(instance: Instance, runs: int = 10, seed: int = 0) -> dict[str, object]:
    """Travel of ``runs`` naive schedules (circle method, random team order): the median, all values
    and how many of them pass the validator."""
    from flextime.travel.improve import naive_schedule

    values, feasible = [], 0
    for k in range(runs):
        report = validate(instance, naive_schedule(instance, seed + k))
        values.append(report.travel_total or 0)
        feasible += int(report.feasible)
    return {"median": statistics.median(values), "values": values, "feasible": feasible, "runs": runs}
