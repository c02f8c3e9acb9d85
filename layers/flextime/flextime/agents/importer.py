"""The import agent (LoadScenario): the job's input snapshot -> a validated instance in S3, the
season's teams and venues present in the database (games reference them), job RUNNING."""

from __future__ import annotations

from pydantic import ValidationError

from flextime.agents import director, runtime
from flextime.agents.errors import JobInputError
from flextime.agents.state import JobState
from flextime.domain import Instance
from flextime.store.db import Tx
from flextime.store.repositories import seasons
from flextime.store.s3 import ArtifactNotFound


def load_scenario(state: JobState) -> JobState:
    try:
        instance = Instance.model_validate(runtime.read_json(state.input_key))
    except ArtifactNotFound as exc:
        raise JobInputError(f"no input snapshot at {state.input_key}") from exc
    except ValidationError as exc:
        raise JobInputError(f"the input snapshot is not a valid instance: {exc}") from exc
    with runtime.platform_tx(state.tenant_id) as tx:
        ensure_season_entities(tx, state, instance)
    instance_key = runtime.write_json(
        state.key("instances", "instance.json"), instance.model_dump(mode="json")
    )
    director.mark_running(state)
    return state.model_copy(update={"instance_key": instance_key})


def ensure_season_entities(tx: Tx, state: JobState, instance: Instance) -> None:
    """Add the instance's venues (tenant-wide) and teams (this season) that are not stored yet."""
    known_venues = {v.id for v in seasons.list_venues(tx)}
    new_venues = [v for v in instance.venues if v.id not in known_venues]
    if new_venues:
        seasons.add_venues(tx, new_venues)
    known_teams = {t.id for t in seasons.list_teams(tx, state.season_id)}
    venues = known_venues | {v.id for v in new_venues}
    new_teams = [
        t if t.venue is None or t.venue in venues else t.model_copy(update={"venue": None})
        for t in instance.teams
        if t.id not in known_teams
    ]
    if new_teams:
        seasons.add_teams(tx, state.season_id, new_teams)
