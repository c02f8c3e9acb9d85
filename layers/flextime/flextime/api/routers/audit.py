"""The tenant's append-only audit log (conference admins only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from flextime.api.deps import ADMIN, Ctx, allow
from flextime.store.records import AuditEntry, BrokenLink
from flextime.store.repositories import audit

router = APIRouter(prefix="/v1/audit", tags=["audit"])


class AuditPage(BaseModel):
    items: list[AuditEntry]


class ChainCheck(BaseModel):
    intact: bool
    broken: BrokenLink | None = None


@router.get("", response_model=AuditPage)
def list_audit(
    ctx: Ctx = Depends(allow(*ADMIN)),
    entity_type: str | None = Query(None, max_length=40),
    entity_id: str | None = Query(None, max_length=200),
    limit: int = Query(100, ge=1, le=500),
) -> AuditPage:
    """Most recent first, optionally for one entity."""
    with ctx.tx() as tx:
        items = audit.list_audit(tx, entity_type=entity_type, entity_id=entity_id, limit=limit)
    return AuditPage(items=items)


@router.get("/verify", response_model=ChainCheck)
def verify(ctx: Ctx = Depends(allow(*ADMIN))) -> ChainCheck:
    """Recompute the hash chain; the first broken row if any."""
    with ctx.tx() as tx:
        broken = audit.verify_audit_chain(tx)
    return ChainCheck(intact=broken is None, broken=broken)
