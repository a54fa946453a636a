"""The hash of an audit entry: SHA-256 over its canonical JSON and the previous hash.

Canonical means: keys sorted, no spaces, UTF-8, times as UTC with microseconds, ids as
strings. The form survives a round trip through both databases (JSONB reorders keys,
SQLite drops the zone), so verification recomputes exactly what was written.
"""

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson

GENESIS_HASH = "0" * 64


def _canonical_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _text(value: uuid.UUID | str | None) -> str | None:
    return None if value is None else str(value)


def entry_hash(
    *,
    prev_hash: str,
    tenant_id: uuid.UUID,
    seq: int,
    occurred_at: datetime,
    actor_user_id: uuid.UUID | None,
    actor_label: str,
    actor_tenant_id: uuid.UUID | None,
    action: str,
    entity_type: str,
    entity_id: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    request_id: str | None,
) -> str:
    document = {
        "prev": prev_hash,
        "tenant": _text(tenant_id),
        "seq": seq,
        "at": _canonical_time(occurred_at),
        "actor": _text(actor_user_id),
        "actor_label": actor_label,
        "actor_tenant": _text(actor_tenant_id),
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "before": before,
        "after": after,
        "request": request_id,
    }
    # Same bytes as json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":")).
    canonical = orjson.dumps(document, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()


def jsonable(value: Any) -> Any:
    """Values as the log stores them: no floats (JSONB may reformat them), ids as text."""
    if value is None or type(value) in (str, bool, int):  # the common case first
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime):
        return _canonical_time(value)
    return str(value)  # uuid, date, Decimal, enums, floats
