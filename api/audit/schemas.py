"""Response bodies of the audit API."""

import uuid
from datetime import datetime
from typing import Any

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


class ChainReportOut(Schema):
    tenant_id: uuid.UUID
    entries: int
    ok: bool
    bad_seq: int | None
    bad_entry_id: uuid.UUID | None
    reason: str | None
