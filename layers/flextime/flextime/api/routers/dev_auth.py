"""Local development sign-in for the SPA: mints a bearer token exactly like ``flextime token``
for a seeded demo tenant's user of the chosen role.

Only for local serving: ``create_app`` includes this router only when the app trusts the local
signing key (``settings.trust_local_key``, as ``flextime serve`` does), never in AWS; the paths
are not in the OpenAPI. Every handler checks the setting again, so an accidental include still
answers 404."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from flextime.api.auth import ROLES, mint_local_token
from flextime.api.deps import Services, services
from flextime.api.errors import NotFound

router = APIRouter(prefix="/v1/dev", tags=["dev"], include_in_schema=False)

Role = Literal["conference_admin", "scheduler", "school_staff", "viewer"]


class DevTokenIn(BaseModel):
    role: Role = "scheduler"
    tenant: str = Field("big12", min_length=1, max_length=64, description="Seeded tenant slug")
    school: str | None = Field(None, max_length=16, description="For school_staff: the school code")
    ttl_minutes: int = Field(12 * 60, ge=1, le=24 * 60)


class DevTokenOut(BaseModel):
    token: str
    token_type: Literal["Bearer"] = "Bearer"
    tenant: str
    tenant_id: str
    role: str
    user_id: str
    expires_in: int


class DevInfo(BaseModel):
    enabled: bool
    tenants: list[str]
    roles: list[str]


def _enabled(svc: Services) -> None:
    if not svc.settings.trust_local_key:
        raise NotFound("dev sign-in is off")


@router.get("/sign-in", response_model=DevInfo)
def dev_info(svc: Services = Depends(services)) -> DevInfo:
    """Whether dev sign-in is available, and for which seeded tenants."""
    _enabled(svc)
    from flextime.api.seed import load_registry

    return DevInfo(enabled=True, tenants=sorted(load_registry(svc.settings.key_dir)), roles=list(ROLES))


@router.post("/token", response_model=DevTokenOut)
def dev_token(body: DevTokenIn, svc: Services = Depends(services)) -> DevTokenOut:
    """A token for the seeded tenant's user of ``role`` (school staff: ``school`` or the first)."""
    _enabled(svc)
    from flextime.api.seed import load_registry

    entry = load_registry(svc.settings.key_dir).get(body.tenant)
    if entry is None:
        raise NotFound(f"no seeded tenant {body.tenant!r}")
    try:
        user = entry.user_for(body.role, body.school)
    except (KeyError, StopIteration) as exc:  # no such role/school seeded for the tenant
        raise NotFound(str(exc) or f"no seeded {body.role} in {body.tenant}") from exc
    import uuid

    ttl = dt.timedelta(minutes=body.ttl_minutes)
    token = mint_local_token(
        svc.settings, user_id=user, tenant_id=uuid.UUID(entry.tenant_id), roles=[body.role], ttl=ttl,
        key=svc.verifier.local_key,
    )  # fmt: skip
    return DevTokenOut(
        token=token, tenant=body.tenant, tenant_id=entry.tenant_id, role=body.role, user_id=str(user),
        expires_in=int(ttl.total_seconds()),
    )  # fmt: skip
