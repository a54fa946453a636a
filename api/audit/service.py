"""Writing and verifying the audit log.

Every service that changes tenant data calls `record` in the same transaction as the
change, so an entry exists exactly when the change does.
"""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict, cast

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.audit import repository
from api.audit.chain import GENESIS_HASH, entry_hash, jsonable
from api.ids import new_id
from api.security.masking import mask_record
from shared_models import AuditEntry
from shared_models.base import utcnow


class EntryFields(TypedDict):
    """An entry's columns that its hash covers (`entry_hash`'s arguments but the link)."""

    tenant_id: uuid.UUID
    seq: int
    occurred_at: datetime
    actor_user_id: uuid.UUID | None
    actor_label: str
    actor_tenant_id: uuid.UUID | None
    action: str
    entity_type: str
    entity_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None


def snapshot(obj: object, fields: Iterable[str]) -> dict[str, Any]:
    """The named attributes of a model, as the audit log stores them."""
    return {name: jsonable(getattr(obj, name)) for name in fields}


def changed_only(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    session: Session,
    access: AccessContext,
    *,
    action: str,
    entity_type: str,
    entity_id: object | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    tenant_id: uuid.UUID | None = None,
) -> AuditEntry:
    """Append one entry to the chain of `tenant_id` (default: the caller's tenant)."""
    tenant = tenant_id or access.tenant_id
    head = repository.lock_head(session, access, tenant)
    change = Change(action, entity_type, entity_id, before, after)
    fields = _fields(access, tenant, head.seq + 1, utcnow(), change)
    digest = entry_hash(prev_hash=head.hash, **fields)
    entry = AuditEntry(id=new_id(), prev_hash=head.hash, hash=digest, **fields)
    repository.add_entry(session, access, entry, head)
    return entry


@dataclass(frozen=True)
class Change:
    """One change for `record_many`."""

    action: str
    entity_type: str
    entity_id: object | None
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None


class ChainWriter:
    """Appends many entries to one tenant's chain, batch by batch; the chain head is
    locked once and moved once, so a 100,000-row import writes one unbroken stretch."""

    def __init__(
        self, session: Session, access: AccessContext, tenant_id: uuid.UUID | None = None
    ) -> None:
        self.session, self.access = session, access
        self.tenant = tenant_id or access.tenant_id
        self.head = repository.lock_head(session, access, self.tenant)
        self.seq, self.prev = self.head.seq, self.head.hash
        self.now = utcnow()

    def append(self, changes: Iterable[Change]) -> int:
        rows = self.link(changes)
        self.insert(rows)
        return len(rows)

    def link(self, changes: Iterable[Change]) -> list[dict[str, Any]]:
        """The next entries of the chain, hashed, without touching the database (an
        import builds them while its previous chunk is written)."""
        access, rows = self.access, []
        for change in changes:
            self.seq += 1
            fields = _fields(access, self.tenant, self.seq, self.now, change)
            digest = entry_hash(prev_hash=self.prev, **fields)
            rows.append({"id": new_id(), "prev_hash": self.prev, "hash": digest, **fields})
            self.prev = digest
        return rows

    def insert(self, rows: list[dict[str, Any]]) -> None:
        """Write entries made by `link`, in the order they were linked."""
        repository.insert_entries(self.session, self.access, rows)

    def close(self) -> None:
        repository.move_head(self.session, self.access, self.head, self.seq, self.prev)


def _fields(
    access: AccessContext, tenant: uuid.UUID, seq: int, now: datetime, change: Change
) -> EntryFields:
    return {
        "tenant_id": tenant,
        "seq": seq,
        "occurred_at": now,
        "actor_user_id": access.user_id,
        "actor_label": access.actor_label,
        "actor_tenant_id": access.tenant_id,
        "action": change.action,
        "entity_type": change.entity_type,
        "entity_id": None if change.entity_id is None else str(change.entity_id),
        "before": _stored(change.before),
        "after": _stored(change.after),
        "request_id": access.request_id,
    }


def _stored_fields(entry: AuditEntry) -> EntryFields:
    """What an entry's hash covers, as stored (to recompute it)."""
    return cast(EntryFields, {name: getattr(entry, name) for name in EntryFields.__annotations__})


def _stored(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if values is None else mask_record(jsonable(dict(values)))


def record_many(
    session: Session,
    access: AccessContext,
    changes: Iterable[Change],
    *,
    tenant_id: uuid.UUID | None = None,
) -> int:
    """Append many entries to one chain in one set-based insert (imports, batch jobs)."""
    chain = ChainWriter(session, access, tenant_id)
    count = chain.append(changes)
    chain.close()
    return count


@dataclass(frozen=True)
class ChainReport:
    tenant_id: uuid.UUID
    entries: int
    ok: bool
    bad_seq: int | None = None
    bad_entry_id: uuid.UUID | None = None
    reason: str | None = None


def verify_chain(session: Session, access: AccessContext, tenant_id: uuid.UUID) -> ChainReport:
    """Walk one tenant's chain; report the first entry that does not hold."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    for entry in repository.stream_chain(session, access, tenant_id):
        count += 1
        problem = None
        if entry.seq != expected_seq:
            problem = f"sequence gap: expected {expected_seq}, found {entry.seq}"
        elif entry.prev_hash != expected_prev:
            problem = "previous-hash link broken"
        else:
            recomputed = entry_hash(prev_hash=entry.prev_hash, **_stored_fields(entry))
            if recomputed != entry.hash:
                problem = "content does not match its hash"
        if problem:
            return ChainReport(tenant_id, count, False, entry.seq, entry.id, problem)
        expected_prev = entry.hash
        expected_seq += 1
    head = repository.head(session, access, tenant_id)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq != expected_seq - 1 or head_hash != expected_prev:
        return ChainReport(
            tenant_id,
            count,
            False,
            expected_seq,
            None,
            f"entries after seq {expected_seq - 1} are missing (head is at {head_seq})",
        )
    return ChainReport(tenant_id, count, True)


# The caller's own log, as the API and the audit page list it: the repository's reads.
page = repository.page
count = repository.count
