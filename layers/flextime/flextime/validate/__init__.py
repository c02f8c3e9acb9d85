"""Validate a schedule against its instance, independently of the engine (plain Python, no OR-Tools).

``validate(instance, schedule)`` checks the structure the format asks for, evaluates every
constraint (ITC2021 families per the ITC2021 rules, conference families per their docstrings in
:mod:`flextime.validate.rules`), measures travel and breaks, and returns a
:class:`ValidationReport`.
"""

from __future__ import annotations

from pathlib import Path

from flextime.domain.model import Instance, Schedule
from flextime.travel.distances import TravelDataError, has_travel_data
from flextime.travel.trips import team_travel
from flextime.validate.report import ValidationReport, Violation
from flextime.validate.rules import RULES
from flextime.validate.season import Season
from flextime.validate.structure import malformed_games, structural_problems

__all__ = ["ValidationReport", "Violation", "validate", "validate_files"]

_MAX_DETAILS = 4


def _violations(instance: Instance, season: Season) -> list[Violation]:
    out: list[Violation] = []
    for c in instance.constraints:
        rule = RULES.get(c.type)
        if rule is None:  # pragma: no cover - the catalog and RULES are kept in step
            raise ValueError(f"no validation rule for constraint family '{c.type}'")
        deviation, details = rule(c, season)
        if deviation <= 0:
            continue
        detail = "; ".join(details[:_MAX_DETAILS])
        if len(details) > _MAX_DETAILS:
            detail += f"; and {len(details) - _MAX_DETAILS} more"
        out.append(
            Violation(
                constraint_id=c.id,
                type=c.type,
                label=c.display,
                hard=c.hard,
                deviation=deviation,
                cost=c.weight * deviation,
                detail=detail,
            )
        )
    return out


def validate(instance: Instance, schedule: Schedule) -> ValidationReport:
    """Check ``schedule`` against ``instance`` and score it (see :class:`ValidationReport`)."""
    games, structural = malformed_games(instance, list(schedule.games))
    season = Season(instance, games)
    structural += structural_problems(season)
    violations = _violations(instance, season)

    travel_by_team: dict[str, int] = {}
    travel_total: int | None = None
    if has_travel_data(instance):
        try:
            travel_by_team = team_travel(instance, season.games)
            travel_total = sum(travel_by_team.values())
        except TravelDataError as exc:
            structural.append(f"travel cannot be measured: {exc}")

    hard_cost = sum(v.cost for v in violations if v.hard)
    soft_penalty = sum(v.cost for v in violations if not v.hard)
    objective = soft_penalty if instance.objective.soft_constraints else 0
    objective += instance.objective.travel_weight * (travel_total or 0)
    infeasibility = hard_cost + len(structural)
    return ValidationReport(
        instance=instance.name,
        feasible=not structural and infeasibility == 0,
        infeasibility=infeasibility,
        objective=objective,
        soft_penalty=soft_penalty,
        travel_total=travel_total,
        travel_by_team=travel_by_team,
        breaks_by_team={t: season.game_breaks(t) for t in instance.team_ids},
        structural=structural,
        violations=violations,
    )


def validate_files(instance_path: str | Path, solution_path: str | Path) -> ValidationReport:
    """Read an instance (RobinX ``.xml``, or a scenario file) and a solution (RobinX ``.xml`` or
    ``schedule.csv``) and validate. Bad input raises :class:`flextime.formats.errors.InputError`."""
    from flextime.formats import robinx

    inst_path, sol_path = Path(instance_path), Path(solution_path)
    if inst_path.suffix.lower() == ".xml":
        instance = robinx.read_instance(inst_path)
    else:
        from flextime.formats.inputs import load_instance

        instance = load_instance(inst_path)
    if sol_path.suffix.lower() == ".xml":
        schedule = robinx.read_solution(sol_path)
    else:
        from flextime.formats.inputs import load_schedule

        schedule = load_schedule(sol_path)
    return validate(instance, schedule)
