"""Request dependencies: the services of the app (pool, token verifier, job launcher), the caller
(a verified :class:`Principal`), role checks, the tenant transaction, paging and If-Match."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from flextime.api.auth import ROLES, Principal, TokenVerifier
from flextime.api.errors import Forbidden, PreconditionFailed, PreconditionRequired, RateLimited, Unauthorized
from flextime.api.settings import ApiSettings
from flextime.domain import Instance
from flextime.store.db import Tx, tenant_transaction

ADMIN = ("conference_admin",)
EDITORS = ("conference_admin", "scheduler")
STAFF = ("conference_admin", "scheduler", "school_staff")
EVERYONE = ROLES


class JobLauncher(Protocol):
    """Port: create the job row + input snapshot and start the state machine (name = job id)."""

    def launch(
        self, pool: Any, *, tenant_id: uuid.UUID, user_id: uuid.UUID, season_id: uuid.UUID,
        scenario_id: uuid.UUID | None, instance: Instance, options: dict[str, Any], kind: str,
        job_id: uuid.UUID,
    ) -> str: ...  # fmt: skip


class StepTimeline(Protocol):
    """Optional port of a launcher: the job's step timeline (``flextime.agents.jobs.job_steps``)."""

    def steps(self, job: Any) -> list[Any]: ...


class StepFunctionsLauncher:
    """Adapter: ``flextime.agents.jobs`` (S3 snapshot, job row, StartExecution) with boto3 clients
    created on first use (so moto or LocalStack set up before the first job are honoured)."""

    def __init__(self, sfn_client: Any = None, artifact_store: Any = None) -> None:
        self._sfn, self._store = sfn_client, artifact_store
        self._steps: dict[str, tuple[float | None, list[Any]]] = {}
        self._steps_lock = threading.Lock()

    def launch(
        self, pool: Any, *, tenant_id: uuid.UUID, user_id: uuid.UUID, season_id: uuid.UUID,
        scenario_id: uuid.UUID | None, instance: Instance, options: dict[str, Any], kind: str,
        job_id: uuid.UUID,
    ) -> str:  # fmt: skip
        from flextime.agents.jobs import create_job, start_execution
        from flextime.agents.runtime import artifacts
        from flextime.store.errors import ConflictError

        store = self._store or artifacts()
        try:
            state = create_job(pool, store, tenant_id=tenant_id, user_id=user_id, season_id=season_id,
                               instance=instance, scenario_id=scenario_id, options=options, kind=kind,
                               job_id=job_id)  # fmt: skip
        except ConflictError:
            # The same job id (an idempotent retry racing the first request) exists already:
            # rebuild its execution input and (re)start, which Step Functions dedupes by name.
            from flextime.agents.state import JobState
            from flextime.store.s3 import artifact_key

            key = artifact_key(tenant_id, season_id, job_id, "inputs", "instance.json")
            state = JobState(tenant_id=tenant_id, season_id=season_id, job_id=job_id, scenario_id=scenario_id,
                             kind="repair" if kind == "repair" else "generate", input_key=key)  # fmt: skip
        return start_execution(self.sfn, state).execution_arn

    @property
    def sfn(self) -> Any:
        if self._sfn is None:
            import boto3

            self._sfn = boto3.client("stepfunctions")
        return self._sfn

    # GetExecutionHistory is throttled per account (a bucket of 250, 5 a second refilled): the SPA
    # polls a running job every second, so a running job's steps are reused for STEPS_TTL_S and a
    # finished job's (they no longer change) until evicted.
    STEPS_TTL_S = 2.0
    STEPS_CACHED = 512

    def steps(self, job: Any) -> list[Any]:
        """The job's execution history as steps (``[]`` before its execution exists)."""
        from flextime.agents.jobs import execution_arn, job_steps
        from flextime.agents.settings import get_settings

        arn = job.execution_id if str(job.execution_id or "").startswith("arn:") else None
        if arn is None:
            agents = get_settings()
            machine = agents.repair_state_machine_arn if job.kind == "repair" else agents.state_machine_arn
            if not machine:
                return []
            arn = execution_arn(machine, job.id)
        final = job.status in ("succeeded", "failed", "cancelled")
        now = time.monotonic()
        with self._steps_lock:
            hit = self._steps.get(arn)
            if hit is not None and (hit[0] is None or hit[0] > now):
                return hit[1]
        found = job_steps(self.sfn, arn)
        # a finished job's execution may still be writing its last events (MarkFailed, putEvents)
        done = final and bool(found) and found[-1].status != "running"
        with self._steps_lock:
            if len(self._steps) >= self.STEPS_CACHED:
                self._steps.pop(next(iter(self._steps)))
            self._steps[arn] = (None if done else now + self.STEPS_TTL_S, found)
        return found


class RateLimiter:
    """Fixed one-minute window per user, in process (API Gateway throttles in front in AWS)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._windows: dict[uuid.UUID, tuple[int, int]] = {}

    def check(self, user: uuid.UUID) -> None:
        if not self.per_minute:
            return
        minute = int(time.time() // 60)
        with self._lock:
            window, count = self._windows.get(user, (minute, 0))
            if window != minute:
                window, count = minute, 0
            count += 1
            self._windows[user] = (window, count)
        if count > self.per_minute:
            retry = 60 - int(time.time() % 60)
            raise RateLimited(
                f"more than {self.per_minute} requests a minute", headers={"Retry-After": str(retry)}
            )


@dataclass
class Services:
    """What the routes share (``app.state.services``)."""

    settings: ApiSettings
    verifier: TokenVerifier
    pool_factory: Callable[[], Any]
    launcher: JobLauncher
    limiter: RateLimiter
    artifact_store: Any = None
    """Artifact store port (uploads, error files, reports); default: the agents' S3 store."""
    event_publisher: Any = None
    """Event publisher port (``ImportCompleted``); default: the agents' EventBridge publisher."""
    _pool: Any = field(default=None, repr=False)

    @property
    def pool(self) -> Any:
        if self._pool is None:
            self._pool = self.pool_factory()
        return self._pool

    @property
    def artifacts(self) -> Any:
        if self.artifact_store is None:
            from flextime.agents.runtime import artifacts

            self.artifact_store = artifacts()
        return self.artifact_store

    @property
    def publisher(self) -> Any:
        if self.event_publisher is None:
            from flextime.agents.events import publisher

            self.event_publisher = publisher()
        return self.event_publisher


# The dependencies are ``async def``: FastAPI runs a sync dependency in the thread pool, a hop per
# dependency per request; these do no I/O (a token seen before is a dictionary lookup; only a new
# token, whose verification may fetch the JWKS, goes to the thread pool).


async def services(request: Request) -> Services:
    return request.app.state.services


_bearer = HTTPBearer(auto_error=False, description="OIDC ID/access token (RS256)")


async def principal(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
    svc: Services = Depends(services),
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized("a bearer token is required")
    cached = getattr(svc.verifier, "cached", None)
    who: Principal | None = cached(credentials.credentials) if cached is not None else None
    if who is None:
        from fastapi.concurrency import run_in_threadpool

        who = await run_in_threadpool(svc.verifier.verify, credentials.credentials)
    svc.limiter.check(who.user_id)
    request.state.principal = who
    return who


@dataclass
class Ctx:
    """The caller, the roles this operation allows, and the way into the tenant's data."""

    who: Principal
    allowed: tuple[str, ...]
    svc: Services

    @property
    def pool(self) -> Any:
        return self.svc.pool

    @contextmanager
    def tx(self) -> Iterator[Tx]:
        """One tenant transaction (row-level security scoped to the token's tenant). The membership
        role must be allowed here and carried by the token."""
        with tenant_transaction(self.svc.pool, self.who.tenant_id, self.who.user_id) as tx:
            role = tx.scope.role
            if role not in self.allowed or role not in self.who.roles:
                raise Forbidden(f"role {role} may not do this")
            yield tx


def allow(*roles: str) -> Callable[..., Awaitable[Ctx]]:
    """Dependency: the caller's token must carry one of ``roles`` (checked again against the
    membership when the transaction opens)."""

    async def dependency(who: Principal = Depends(principal), svc: Services = Depends(services)) -> Ctx:
        if not who.roles & set(roles):
            raise Forbidden("your role may not do this")
        return Ctx(who, tuple(roles), svc)

    return dependency


# ---- paging ----------------------------------------------------------------------------------
T = TypeVar("T")


class Paging(BaseModel):
    limit: int
    offset: int


def paging(
    limit: int = Query(50, ge=1, le=500, description="Page size"),
    offset: int = Query(0, ge=0, le=1_000_000, description="Items to skip"),
) -> Paging:
    return Paging(limit=limit, offset=offset)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="Items matching the filters")
    limit: int
    offset: int
    next_offset: int | None = None


def page_of(items: list[T], p: Paging) -> Page[T]:
    chunk = items[p.offset : p.offset + p.limit]
    nxt = p.offset + p.limit if p.offset + p.limit < len(items) else None
    return Page[T](items=chunk, total=len(items), limit=p.limit, offset=p.offset, next_offset=nxt)


# ---- conditional requests --------------------------------------------------------------------


def if_match_row_version(request: Request, resource_id: uuid.UUID) -> int:
    """The row_version named by a required ``If-Match: "<id>.<row_version>"`` header."""
    header = request.headers.get("if-match")
    if not header:
        raise PreconditionRequired("send If-Match with the ETag you read")
    tag = header.strip().removeprefix("W/").strip('"')
    rid, _, rv = tag.rpartition(".")
    if rid != str(resource_id) or not rv.isdigit():
        raise PreconditionFailed("If-Match does not name this resource's current ETag")
    return int(rv)
