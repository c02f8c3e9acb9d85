"""What travels between states: ids, S3 keys and small counters only (the 256 KB payload limit).

Every agent takes a :class:`JobState` and returns it updated; the state machines route on
``conflicts``, ``compute`` and ``resolve``."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from flextime.store.s3 import ArtifactKind, artifact_key


class StateError(BaseModel):
    """What a Catch puts at ``$.error``."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    error: str = Field("", alias="Error")
    cause: str = Field("", alias="Cause")


class ExecutionRef(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str = ""
    name: str = ""


class JobState(BaseModel):
    model_config = ConfigDict(extra="ignore")

    tenant_id: uuid.UUID
    season_id: uuid.UUID
    job_id: uuid.UUID
    kind: Literal["generate", "repair"] = "generate"
    scenario_id: uuid.UUID | None = None
    execution: ExecutionRef | None = None
    input_key: str
    instance_key: str | None = None
    plan_key: str | None = None
    solution_key: str | None = None
    compute: Literal["lambda", "fargate"] | None = None
    conflicts: int = 0
    venue_conflicts: int = 0
    venue_resolves: int = 0
    resolve: bool = False
    schedule_id: uuid.UUID | None = None
    schedule_version: int | None = None
    fargate: dict[str, Any] | None = None
    error: StateError | None = None

    def key(self, kind: ArtifactKind, name: str) -> str:
        return artifact_key(self.tenant_id, self.season_id, self.job_id, kind, name)

    def out(self) -> dict[str, Any]:
        """The handler's return value."""
        return self.model_dump(mode="json", exclude_none=True, by_alias=True)


class ScheduledRequest(BaseModel):
    """The EventBridge schedule's input (nightly re-optimisation of a season's latest draft)."""

    model_config = ConfigDict(extra="ignore")

    source: Literal["schedule"] = "schedule"
    tenant_id: uuid.UUID
    season_id: uuid.UUID
    scenario_id: uuid.UUID | None = None
    time_limit_s: float | None = None
    execution: ExecutionRef | None = None
