"""Idempotency keys: the first request with a key claims it; a retry with the same body gets the
stored response; the same key with another body is refused (:class:`IdempotencyConflict`)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from psycopg.types.json import Jsonb

from flextime.store.db import Tx
from flextime.store.errors import IdempotencyConflict, NotFound


def request_hash(body: Any) -> str:
    """sha256 of the canonical JSON of a request body."""
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()
    ).hexdigest()


@dataclass(frozen=True)
class Claim:
    """``fresh``: this caller owns the key and must complete it. Otherwise ``response`` holds the
    stored response (None while the first request is still in progress)."""

    fresh: bool
    response: Any = None


def claim_key(tx: Tx, key: str, body: Any) -> Claim:
    digest = request_hash(body)
    inserted = tx.execute(
        "INSERT INTO idempotency_keys (tenant_id, key, request_hash) VALUES (%s, %s, %s)"
        " ON CONFLICT (tenant_id, key) DO NOTHING RETURNING key",
        (tx.tenant_id, key, digest),
    ).fetchone()
    if inserted:
        return Claim(fresh=True)
    row = tx.execute("SELECT request_hash, response FROM idempotency_keys WHERE key = %s", (key,)).fetchone()
    if row is None:  # expired and purged between the two statements
        return claim_key(tx, key, body)
    if row["request_hash"] != digest:
        raise IdempotencyConflict(f"idempotency key {key!r} was used with a different request")
    return Claim(fresh=False, response=row["response"])


def complete_key(tx: Tx, key: str, response: Any) -> None:
    row = tx.execute(
        "UPDATE idempotency_keys SET status = 'completed', response = %s WHERE key = %s RETURNING key",
        (Jsonb(response), key),
    ).fetchone()
    if row is None:
        raise NotFound("idempotency_key", key)


def purge_expired(tx: Tx) -> int:
    return tx.execute("DELETE FROM idempotency_keys WHERE expires_at < now()").rowcount
