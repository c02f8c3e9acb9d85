"""Event details on the ``flextime`` EventBridge bus. The detail-type is the class name; consumers
parse ``detail`` with these models (Powertools' EventBridge envelope)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SOURCE = "flextime"

JobEventStatus = Literal["queued", "running", "succeeded", "failed", "failed_infeasible", "cancelled"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class EventDetail(BaseModel):
    """Common to every detail: the tenant, and when it happened."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    tenant_id: uuid.UUID
    occurred_at: dt.datetime = Field(default_factory=_now)

    @classmethod
    def detail_type(cls) -> str:
        return cls.__name__


class JobStatusChanged(EventDetail):
    """A solve job moved to another status. ``job_id`` is the correlation id."""

    job_id: uuid.UUID
    season_id: uuid.UUID
    status: JobEventStatus
    error_code: str | None = None
    error_cause: str | None = None


class JobFailed(JobStatusChanged):
    """A job ended FAILED (also announced as JobStatusChanged)."""

    status: JobEventStatus = "failed"


class ScheduleGenerated(EventDetail):
    """A job wrote a new draft schedule version."""

    job_id: uuid.UUID
    season_id: uuid.UUID
    schedule_id: uuid.UUID
    version: int = Field(ge=1)
    kind: Literal["generate", "repair"] = "generate"


class SchedulePublished(EventDetail):
    season_id: uuid.UUID
    schedule_id: uuid.UUID
    version: int = Field(ge=1)
    published_by: uuid.UUID | None = None


class GameChanged(EventDetail):
    schedule_id: uuid.UUID
    home: str
    away: str
    from_slot: int | None = None
    to_slot: int | None = None
    day: dt.date | None = None
    changed_by: uuid.UUID | None = None


class CommentAdded(EventDetail):
    thread_id: uuid.UUID
    comment_id: uuid.UUID
    entity_type: str
    entity_id: str
    author_id: uuid.UUID
    mentions: list[uuid.UUID] = Field(default_factory=list)


class ImportCompleted(EventDetail):
    import_id: uuid.UUID
    season_id: uuid.UUID | None = None
    kind: str
    counts: dict[str, int] = Field(default_factory=dict)
    status: Literal["applied", "rejected"] = "applied"
    problems: list[str] = Field(default_factory=list)


DETAIL_MODELS: dict[str, type[EventDetail]] = {
    m.detail_type(): m
    for m in (
        JobStatusChanged,
        JobFailed,
        ScheduleGenerated,
        SchedulePublished,
        GameChanged,
        CommentAdded,
        ImportCompleted,
    )
}


def parse_detail(detail_type: str, detail: dict[str, Any]) -> EventDetail:
    """The typed detail of an event (KeyError for a detail-type that is not ours)."""
    return DETAIL_MODELS[detail_type].model_validate(detail)
