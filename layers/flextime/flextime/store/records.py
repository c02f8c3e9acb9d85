"""Typed rows returned by the repositories. Where a domain model exists (Team, Venue, Game,
Constraint) the repositories return it, or a subclass adding the stored-only fields."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from flextime.domain import Constraint, Game

Role = Literal["conference_admin", "scheduler", "school_staff", "viewer"]
VersionStatus = Literal["draft", "published", "archived"]
JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)


class Tenant(_Record):
    id: uuid.UUID
    slug: str
    name: str
    created_at: dt.datetime


class User(_Record):
    tenant_id: uuid.UUID
    id: uuid.UUID
    email: str
    name: str


class Membership(_Record):
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    role: Role
    school_id: uuid.UUID | None = None


class School(_Record):
    tenant_id: uuid.UUID
    id: uuid.UUID
    code: str
    name: str


class Sport(_Record):
    tenant_id: uuid.UUID
    id: uuid.UUID
    code: str
    name: str


class Season(_Record):
    tenant_id: uuid.UUID
    id: uuid.UUID
    sport_id: uuid.UUID
    name: str
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class CalendarEntry(_Record):
    tenant_id: uuid.UUID
    id: uuid.UUID
    venue_id: uuid.UUID
    day: dt.date
    holder: str = ""
    note: str = ""


class Blackout(_Record):
    tenant_id: uuid.UUID
    id: uuid.UUID
    school_id: uuid.UUID
    sport_id: uuid.UUID | None = None
    starts_on: dt.date
    ends_on: dt.date
    reason: str = ""


class Scenario(_Record):
    tenant_id: uuid.UUID
    id: uuid.UUID
    season_id: uuid.UUID
    name: str
    description: str = ""
    format: dict[str, Any] = Field(default_factory=dict)
    objective: dict[str, Any] = Field(default_factory=dict)


class StoredConstraint(_Record):
    """A domain constraint as stored in a scenario, with its on/off switch."""

    scenario_id: uuid.UUID
    constraint: Constraint
    enabled: bool = True


class Job(_Record):
    tenant_id: uuid.UUID
    id: uuid.UUID
    season_id: uuid.UUID
    scenario_id: uuid.UUID | None = None
    kind: str
    status: JobStatus
    execution_id: str | None = None
    plan: dict[str, Any] = Field(default_factory=dict)
    progress: list[dict[str, Any]] = Field(default_factory=list)
    result: dict[str, Any] | None = None
    error_code: str | None = None
    error_cause: str | None = None
    created_at: dt.datetime
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None


class ScheduledGame(Game):
    """A domain Game plus what the database keeps beside it."""

    day: dt.date | None = None
    tv: str | None = None


class ScheduleVersion(_Record):
    tenant_id: uuid.UUID
    id: uuid.UUID
    season_id: uuid.UUID
    version: int
    status: VersionStatus
    parent_id: uuid.UUID | None = None
    scenario_id: uuid.UUID | None = None
    job_id: uuid.UUID | None = None
    objective: dict[str, Any] = Field(default_factory=dict)
    note: str = ""
    row_version: int
    created_at: dt.datetime
    published_at: dt.datetime | None = None

    @property
    def etag(self) -> str:
        """Strong HTTP ETag of this version's current state."""
        return f'"{self.id}.{self.row_version}"'


class CommentThread(_Record):
    tenant_id: uuid.UUID
    id: uuid.UUID
    entity_type: str
    entity_id: str
    title: str = ""
    resolved: bool = False
    created_by: uuid.UUID


class Comment(_Record):
    tenant_id: uuid.UUID
    id: uuid.UUID
    thread_id: uuid.UUID
    author_id: uuid.UUID
    body: str
    created_at: dt.datetime
    mentions: list[uuid.UUID] = Field(default_factory=list)


class Notification(_Record):
    tenant_id: uuid.UUID
    id: uuid.UUID
    user_id: uuid.UUID
    kind: str
    payload: dict[str, Any] = Field(default_factory=dict)
    created_at: dt.datetime
    read_at: dt.datetime | None = None


class ImportBatch(_Record):
    tenant_id: uuid.UUID
    id: uuid.UUID
    season_id: uuid.UUID | None = None
    kind: str
    source_key: str | None = None
    status: Literal["applied", "rolled_back"]
    counts: dict[str, int] = Field(default_factory=dict)
    created_at: dt.datetime
    rolled_back_at: dt.datetime | None = None


class AuditEntry(_Record):
    tenant_id: uuid.UUID
    seq: int
    at: dt.datetime
    actor_id: uuid.UUID | None = None
    action: str
    entity_type: str
    entity_id: str
    before: Any = None
    after: Any = None
    prev_hash: str
    hash: str


class BrokenLink(_Record):
    """The first audit row whose hash or link does not verify."""

    seq: int
    reason: Literal["hash_mismatch", "prev_hash_mismatch", "sequence_gap"]
