"""The events publisher: domain event details -> EventBridge ``PutEvents`` on the flextime bus."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

from flextime.agents.observability import logger
from flextime.agents.settings import get_settings
from flextime.domain.events import EventDetail


class EventPublisher(Protocol):
    def publish(self, details: Sequence[EventDetail]) -> None: ...


class EventBridgePublisher:
    def __init__(self, bus: str, source: str, client: Any = None):
        self.bus, self.source, self._client = bus, source, client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client("events")
        return self._client

    def publish(self, details: Sequence[EventDetail]) -> None:
        entries = [
            {
                "EventBusName": self.bus,
                "Source": self.source,
                "DetailType": d.detail_type(),
                "Detail": d.model_dump_json(),
            }
            for d in details
        ]
        for start in range(0, len(entries), 10):  # PutEvents takes at most 10 entries
            response = self.client.put_events(Entries=entries[start : start + 10])
            if response.get("FailedEntryCount"):
                logger.error("put_events failed", extra={"entries": response.get("Entries")})
                from flextime.agents.errors import TransientError

                raise TransientError(f"{response['FailedEntryCount']} event(s) were not accepted")


@lru_cache(maxsize=1)
def publisher() -> EventPublisher:
    settings = get_settings()
    return EventBridgePublisher(settings.event_bus, settings.event_source)


def publish(*details: EventDetail) -> None:
    publisher().publish(details)
