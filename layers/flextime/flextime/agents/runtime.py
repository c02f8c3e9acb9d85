"""The adapters agents talk to, created on first use and reused across warm invocations:
the PostgreSQL pool, the artifact store (S3) and the event publisher (EventBridge).

Agents run as the platform within the job's tenant: ``platform_tx`` opens a transaction under
row-level security scoped to that tenant (no user; the audit log records no actor)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from flextime.agents.settings import get_settings
from flextime.store.db import Scope, Tx, get_pool, scoped_transaction
from flextime.store.s3 import ArtifactStore, S3ArtifactStore, get_json, put_json


@lru_cache(maxsize=1)
def artifacts() -> ArtifactStore:
    return S3ArtifactStore(get_settings().bucket)


@contextmanager
def platform_tx(tenant_id: uuid.UUID) -> Iterator[Tx]:
    with scoped_transaction(get_pool(), Scope(tenant_id, None, role="scheduler")) as tx:
        yield tx


def read_json(key: str) -> Any:
    return get_json(artifacts(), key)


def write_json(key: str, value: Any) -> str:
    put_json(artifacts(), key, value)
    return key


def reset_runtime() -> None:
    """Drop cached adapters (tests, or the local cloud after changing the environment)."""
    artifacts.cache_clear()
    get_pool.cache_clear()
