"""Scenarios of a season (calendar, format, objective) and their constraints, validated against
the typed catalog and against the season (team ids, slot indices); the explanation of a conflict
on request (``GET /v1/scenarios/{id}/explanation``)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, Field, ValidationError

from flextime.api import queries
from flextime.api.deps import EDITORS, STAFF, Ctx, Page, Paging, allow, page_of, paging
from flextime.api.errors import NotImplementedYet, Unprocessable
from flextime.domain import Constraint, Format, InstanceError, Objective, Slot
from flextime.store.db import Tx
from flextime.store.records import Scenario, StoredConstraint
from flextime.store.repositories import scenarios, seasons

router = APIRouter(prefix="/v1/scenarios", tags=["scenarios"])


class ScenarioIn(BaseModel):
    season_id: uuid.UUID
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    format: Format | None = None
    slots: list[Slot] = Field(default_factory=list, max_length=2000)
    objective: Objective = Field(default_factory=Objective)
    constraints: list[Constraint] = Field(default_factory=list, max_length=5000)


class ScenarioOut(BaseModel):
    scenario: Scenario
    constraints: list[StoredConstraint]


class EnabledIn(BaseModel):
    enabled: bool


def _check_against_season(tx: Tx, scenario: Scenario) -> None:
    """Assemble the instance (when the scenario has a calendar): unknown teams, slots out of
    range or a format that does not fit become a 422 and roll the write back."""
    _, slots = queries.scenario_format(scenario)
    if not slots:
        return
    try:
        queries.assemble_instance(tx, scenario.season_id, scenario.id)
    except InstanceError as exc:
        raise Unprocessable("; ".join(exc.problems), problems=exc.problems) from exc
    except ValidationError as exc:
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise Unprocessable("; ".join(problems), problems=problems) from exc


@router.get("", response_model=Page[Scenario])
def list_scenarios(
    ctx: Ctx = Depends(allow(*STAFF)),
    p: Paging = Depends(paging),
    season_id: uuid.UUID | None = Query(None, description="Only this season's scenarios"),
) -> Page[Scenario]:
    with ctx.tx() as tx:
        return page_of(queries.list_scenarios(tx, season_id), p)


@router.post("", response_model=ScenarioOut, status_code=status.HTTP_201_CREATED)
def create_scenario(body: ScenarioIn, response: Response, ctx: Ctx = Depends(allow(*EDITORS))) -> ScenarioOut:
    doc: dict[str, Any] = {"slots": [s.model_dump(mode="json") for s in body.slots]}
    if body.format is not None:
        doc["format"] = body.format.model_dump(mode="json")
    with ctx.tx() as tx:
        seasons.get_season(tx, body.season_id)
        scenario = scenarios.add_scenario(
            tx, body.season_id, body.name, description=body.description, format=doc,
            objective=body.objective.model_dump(mode="json"),
        )  # fmt: skip
        stored = [scenarios.put_constraint(tx, scenario.id, c) for c in body.constraints]
        _check_against_season(tx, scenario)
    response.headers["Location"] = f"/v1/scenarios/{scenario.id}"
    return ScenarioOut(scenario=scenario, constraints=stored)


@router.get("/{scenario_id}", response_model=ScenarioOut)
def get_scenario(scenario_id: uuid.UUID, ctx: Ctx = Depends(allow(*STAFF))) -> ScenarioOut:
    with ctx.tx() as tx:
        scenario = scenarios.get_scenario(tx, scenario_id)
        return ScenarioOut(scenario=scenario, constraints=scenarios.list_constraints(tx, scenario_id))


@router.get("/{scenario_id}/constraints", response_model=Page[StoredConstraint])
def list_constraints(
    scenario_id: uuid.UUID,
    ctx: Ctx = Depends(allow(*STAFF)),
    p: Paging = Depends(paging),
    type: str | None = Query(None, max_length=40, description="Only this constraint type"),
    hard: bool | None = Query(None, description="Only hard (true) or soft (false)"),
    enabled: bool | None = Query(None),
) -> Page[StoredConstraint]:
    with ctx.tx() as tx:
        scenarios.get_scenario(tx, scenario_id)
        items = scenarios.list_constraints(tx, scenario_id)
    items = [
        c for c in items
        if (type is None or c.constraint.type == type) and (hard is None or c.constraint.hard == hard)
        and (enabled is None or c.enabled == enabled)
    ]  # fmt: skip
    return page_of(items, p)


@router.put("/{scenario_id}/constraints/{constraint_id}", response_model=StoredConstraint)
def put_constraint(
    scenario_id: uuid.UUID, constraint_id: str, constraint: Constraint, ctx: Ctx = Depends(allow(*EDITORS))
) -> StoredConstraint:
    if constraint.id != constraint_id:
        raise Unprocessable(f"body id {constraint.id!r} differs from the path's {constraint_id!r}")
    with ctx.tx() as tx:
        scenario = scenarios.get_scenario(tx, scenario_id)
        stored = scenarios.put_constraint(tx, scenario_id, constraint)
        _check_against_season(tx, scenario)
        return stored


@router.patch("/{scenario_id}/constraints/{constraint_id}", status_code=status.HTTP_204_NO_CONTENT)
def enable_constraint(
    scenario_id: uuid.UUID, constraint_id: str, body: EnabledIn, ctx: Ctx = Depends(allow(*EDITORS))
) -> Response:
    with ctx.tx() as tx:
        scenarios.set_constraint_enabled(tx, scenario_id, constraint_id, body.enabled)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/{scenario_id}/constraints/{constraint_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_constraint(
    scenario_id: uuid.UUID, constraint_id: str, ctx: Ctx = Depends(allow(*EDITORS))
) -> Response:
    with ctx.tx() as tx:
        scenarios.delete_constraint(tx, scenario_id, constraint_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{scenario_id}/explanation")
def explain(
    scenario_id: uuid.UUID,
    ctx: Ctx = Depends(allow(*EDITORS)),
    time_budget_s: float = Query(5.0, gt=0, le=30, description="Solver time for the explanation"),
) -> dict[str, Any]:
    """Why the scenario cannot be scheduled: a (minimal when proven) core of conflicting
    constraints and suggested relaxations; ``feasible: true`` when there is no conflict."""
    with ctx.tx() as tx:
        scenario = scenarios.get_scenario(tx, scenario_id)
        instance = queries.assemble_instance(tx, scenario.season_id, scenario.id)
    try:
        from flextime.engine.explain import explain_infeasibility
    except ImportError as exc:  # the API layer may ship without the solver
        raise NotImplementedYet("the solver is not installed in this deployment") from exc
    return explain_infeasibility(instance, time_budget_s=time_budget_s).model_dump(mode="json")
