"""The notification agent: ScheduleGenerated / JobStatusChanged -> in-app notifications for the
tenant's schedulers and conference admins who did not turn that kind off (email via SES later)."""

from __future__ import annotations

from flextime.agents import runtime
from flextime.agents.observability import logger
from flextime.domain.events import EventDetail, JobStatusChanged, ScheduleGenerated
from flextime.store.repositories import notifications, tenants

RECIPIENT_ROLES = ("conference_admin", "scheduler")
# Intermediate statuses are not worth a notification.
NOTIFY_STATUSES = ("succeeded", "failed", "failed_infeasible")


def kind_of(detail: EventDetail) -> str | None:
    if isinstance(detail, ScheduleGenerated):
        return "schedule_generated"
    if isinstance(detail, JobStatusChanged) and detail.status in NOTIFY_STATUSES:
        return f"job_{detail.status}"
    return None


def notify(detail: EventDetail) -> int:
    """Record one notification per subscribed user; returns how many were recorded."""
    kind = kind_of(detail)
    if kind is None:
        return 0
    payload = detail.model_dump(mode="json", exclude={"tenant_id"})
    recorded = 0
    with runtime.platform_tx(detail.tenant_id) as tx:
        for user in tenants.list_users(tx):
            if tenants.get_membership(tx, user.id).role not in RECIPIENT_ROLES:
                continue
            if notifications.notify(tx, user.id, kind, payload) is not None:
                recorded += 1
    logger.info("notified", extra={"kind": kind, "recorded": recorded})
    return recorded


# What the notify handler accepts as ``detail`` (a ScheduleGenerated has no status, a
# JobStatusChanged no schedule id, so the union is unambiguous).
NotifiableDetail = ScheduleGenerated | JobStatusChanged
