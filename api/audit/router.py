"""JSON API: the caller's own audit log (tenant administrators)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.audit import anchors, service
from api.audit.schemas import AnchorCheckOut, AuditEntryOut, AuditPage, ChainReportOut
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
def verify_audit(access: Access, session: DbSession, request: Request) -> ChainReportOut:
    """Recompute the caller's hash chain, report the first entry that does not hold, and
    check the chain against the tenant's newest signed anchor, as `laborbridge audit
    verify` does. The caller's own tenant only: audit logs are not shared."""
    access.require(Permission.READ_AUDIT)
    report = service.verify_chain(session, access, access.tenant_id)
    state = request.app.state
    anchor = anchors.check(
        session, access, state.audit_anchors, state.audit_anchor_key, access.tenant_id
    )
    return ChainReportOut(
        tenant_id=report.tenant_id,
        entries=report.entries,
        ok=report.ok and not anchor.failed,
        chain_ok=report.ok,
        bad_seq=report.bad_seq,
        bad_entry_id=report.bad_entry_id,
        reason=report.reason,
        anchor=AnchorCheckOut(
            status=anchor.status,
            reason=anchor.reason,
            anchored_seq=anchor.anchored_seq,
            anchored_at=anchor.anchored_at,
            chain_end=anchor.chain_end,
        ),
    )
