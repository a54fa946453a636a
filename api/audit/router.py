"""JSON API: the caller's own audit log (tenant administrators)."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.audit import service
from api.audit.schemas import AuditEntryOut, AuditPage, ChainReportOut
from api.deps import Access, DbSession
from api.routing import JsonRoute
from shared_models.enums import Permission

router = APIRouter(prefix="/api/v1", route_class=JsonRoute, tags=["audit"])


@router.get("/audit", response_model=AuditPage)
def list_audit(
    access: Access,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before_seq: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,  # seq is an INTEGER
    entity_type: Annotated[str | None, Query(max_length=64)] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
) -> AuditPage:
    """Newest first; page on with `before_seq`."""
    access.require(Permission.READ_AUDIT)
    entries = service.page(
        session,
        access,
        limit=limit,
        before_seq=before_seq,
        entity_type=entity_type,
        entity_id=entity_id,
    )
    next_seq = entries[-1].seq if len(entries) == limit and entries[-1].seq > 1 else None
    return AuditPage(
        items=[AuditEntryOut.model_validate(e) for e in entries], next_before_seq=next_seq
    )


@router.get("/audit/verify", response_model=ChainReportOut)
def verify_audit(access: Access, session: DbSession) -> ChainReportOut:
    """Recompute the caller's hash chain and report the first entry that does not hold."""
    access.require(Permission.READ_AUDIT)
    return ChainReportOut.model_validate(service.verify_chain(session, access, access.tenant_id))
