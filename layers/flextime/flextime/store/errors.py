"""Typed errors of the data layer. The API maps them to problem+json (404, 412, 409, 403 ...);
callers branch on the type, never on the message."""

from __future__ import annotations


class StoreError(Exception):
    """Base class of every data-layer error."""


class NotFound(StoreError):
    """The entity does not exist, or is not visible to this tenant (the two are indistinguishable
    on purpose: row-level security hides other tenants' rows)."""

    def __init__(self, entity: str, key: object):
        self.entity = entity
        self.key = key
        super().__init__(f"{entity} {key} not found")


class ConcurrencyError(StoreError):
    """Optimistic concurrency: the row changed since it was read (HTTP 412 Precondition Failed)."""

    def __init__(self, entity: str, key: object, expected: int, actual: int | None):
        self.entity = entity
        self.key = key
        self.expected = expected
        self.actual = actual
        super().__init__(f"{entity} {key}: expected row version {expected}, found {actual}")


class ImmutableVersionError(StoreError):
    """A published or archived schedule version was about to change; edits create a new version."""


class AppendOnlyError(StoreError):
    """Something tried to update or delete audit log rows."""


class TenantAccessError(StoreError):
    """No tenant in scope, the user is not a member of the tenant, or row-level security refused
    the row (a write into another tenant, or outside the staff member's school)."""


class ConflictError(StoreError):
    """A uniqueness rule was violated (duplicate code, second published version ...)."""


class IdempotencyConflict(StoreError):
    """An idempotency key was reused with a different request body."""


class InvalidRecord(StoreError):
    """A stored value does not validate against the domain model (e.g. a constraint body)."""


class MigrationError(StoreError):
    """A migration failed, or an applied migration's file changed (checksum drift)."""
