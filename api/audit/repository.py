"""All SQL of the audit log."""

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api import bulk
from api.access import AccessContext, DataKind
from api.audit.chain import GENESIS_HASH
from shared_models import AuditEntry, AuditHead


def lock_head(session: Session, access: AccessContext, tenant_id: uuid.UUID) -> AuditHead:
    """The tenant's chain head, locked until the transaction ends (appends serialise)."""
    _check_write(access, tenant_id)
    session.execute(
        bulk.upsert_insert(session, AuditHead)
        .values(tenant_id=tenant_id, seq=0, hash=GENESIS_HASH)
        .on_conflict_do_nothing(index_elements=["tenant_id"])
    )
    return session.scalars(
        select(AuditHead)
        .where(AuditHead.tenant_id == tenant_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _check_write(access: AccessContext, tenant_id: uuid.UUID) -> None:
    if tenant_id not in access.audit_tenant_ids:
        raise PermissionError("audit write outside the caller's tenants")


def add_entry(session: Session, access: AccessContext, entry: AuditEntry, head: AuditHead) -> None:
    _check_write(access, entry.tenant_id)
    session.add(entry)
    head.seq = entry.seq
    head.hash = entry.hash
    session.flush()


def insert_entries(session: Session, access: AccessContext, rows: list[dict[str, Any]]) -> None:
    for tenant_id in {row["tenant_id"] for row in rows}:
        _check_write(access, tenant_id)
    bulk.insert_rows(session, AuditEntry.__table__, rows)


def move_head(
    session: Session, access: AccessContext, head: AuditHead, seq: int, digest: str
) -> None:
    _check_write(access, head.tenant_id)
    head.seq = seq
    head.hash = digest
    session.flush()


def page(
    session: Session,
    access: AccessContext,
    *,
    limit: int,
    before_seq: int | None = None,
    offset: int = 0,
    entity_type: str | None = None,
    entity_id: str | None = None,
) -> Sequence[AuditEntry]:
    """The caller's own log, newest first (keyset pagination on seq for the API; the
    page's numbered pages use the offset)."""
    query = select(AuditEntry).where(
        AuditEntry.tenant_id == access.tenant_id,
        AuditEntry.tenant_id.in_(access.read_ids(DataKind.AUDIT)),
    )
    if before_seq is not None:
        query = query.where(AuditEntry.seq < before_seq)
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    return session.scalars(query.order_by(AuditEntry.seq.desc()).offset(offset).limit(limit)).all()


def count(session: Session, access: AccessContext, *, entity_type: str | None = None) -> int:
    query = (
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.tenant_id == access.tenant_id,
            AuditEntry.tenant_id.in_(access.read_ids(DataKind.AUDIT)),
        )
    )
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    return session.scalar(query) or 0


def stream_chain(
    session: Session, access: AccessContext, tenant_id: uuid.UUID
) -> Iterator[AuditEntry]:
    """Every entry of one tenant's chain in order, fetched in batches."""
    if not access.can_read(DataKind.AUDIT, tenant_id):
        return iter(())
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.tenant_id == tenant_id)
        .order_by(AuditEntry.seq)
        .execution_options(yield_per=2000)
    )


def head(session: Session, access: AccessContext, tenant_id: uuid.UUID) -> AuditHead | None:
    if not access.can_read(DataKind.AUDIT, tenant_id):
        return None
    return session.get(AuditHead, tenant_id)


def hash_at(session: Session, access: AccessContext, tenant_id: uuid.UUID, seq: int) -> str | None:
    """The stored hash of entry `seq` of one tenant's chain; None when there is none."""
    if not access.can_read(DataKind.AUDIT, tenant_id):
        return None
    return session.scalar(
        select(AuditEntry.hash).where(AuditEntry.tenant_id == tenant_id, AuditEntry.seq == seq)
    )


def last_seq(session: Session, access: AccessContext, tenant_id: uuid.UUID) -> int:
    if not access.can_read(DataKind.AUDIT, tenant_id):
        return 0
    return (
        session.scalar(select(func.max(AuditEntry.seq)).where(AuditEntry.tenant_id == tenant_id))
        or 0
    )
