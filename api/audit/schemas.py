"""Response bodies of the audit API."""

import uuid
from datetime import datetime
from typing import Any

from api.audit.anchors import AnchorStatus
from api.schemas import Schema


class AuditEntryOut(Schema):
    id: uuid.UUID
    seq: int
    occurred_at: datetime
    actor_label: str
    actor_user_id: uuid.UUID | None
    actor_tenant_id: uuid.UUID | None
    action: str
    entity_type: str
    entity_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
    hash: str


class AuditPage(Schema):
    items: list[AuditEntryOut]
    next_before_seq: int | None


class AnchorCheckOut(Schema):
    """The chain against the tenant's newest signed anchor (api/audit/anchors.py).
    `status`: unchecked (no anchor key configured), none (no anchor yet), matches, forged,
    truncated or tampered; the last three fail the report."""

    status: AnchorStatus
    reason: str | None
    anchored_seq: int | None
    anchored_at: str | None
    chain_end: int | None


class ChainReportOut(Schema):
    tenant_id: uuid.UUID
    entries: int
    # False when the chain breaks or does not reach its anchor (a tail cut off with
    # `audit_heads` rewound verifies on its own: only the anchor shows it).
    ok: bool
    chain_ok: bool
    bad_seq: int | None
    bad_entry_id: uuid.UUID | None
    reason: str | None
    anchor: AnchorCheckOut
