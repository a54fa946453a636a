"""`Idempotency-Key` on requests that create money records: the same key and the same
body get the same answer (stored with the request's own transaction); the same key with
another body is a 422. Two requests with one key at once: the second waits for the
first to commit (the key's row is unique) and then answers as it did."""

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

import orjson
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import bulk
from api.access import AccessContext
from api.errors import BadRequest, ValidationFailed
from api.i18n import _
from shared_models import IdempotencyRecord

MAX_KEY = 100
T = TypeVar("T")


def _hash(scope: str, body: Any) -> str:
    payload = orjson.dumps(
        {"scope": scope, "body": jsonable_encoder(body)}, option=orjson.OPT_SORT_KEYS
    )
    return hashlib.sha256(payload).hexdigest()


def idempotent(
    session: Session,
    access: AccessContext,
    key: str | None,
    scope: str,
    body: Any,
    handler: Callable[[], T],
    *,
    status_code: int = 200,
) -> T | JSONResponse:
    """Run `handler` once per key; replay its answer for a repeat. Without a key, the
    handler's own value; with one, its answer encoded (as stored, so first and repeat
    answers are the same bytes)."""
    if key is None:
        return handler()
    key = key.strip()
    if not key or len(key) > MAX_KEY:
        raise BadRequest(
            _("An Idempotency-Key has 1 to {count} characters."), params={"count": MAX_KEY}
        )
    digest = _hash(scope, body)
    table = IdempotencyRecord.__table__
    inserted = session.execute(
        bulk.upsert_insert(session, table)
        .values(tenant_id=access.tenant_id, key=key, scope=scope, request_hash=digest)
        .on_conflict_do_nothing(index_elements=[table.c.tenant_id, table.c.key])
        .returning(table.c.key)
    ).first()
    if inserted is None:
        record = session.scalars(
            select(IdempotencyRecord).where(
                IdempotencyRecord.tenant_id == access.tenant_id, IdempotencyRecord.key == key
            )
        ).one()
        if record.request_hash != digest or record.status_code is None:
            raise ValidationFailed(
                _("This Idempotency-Key was used for another request; use a new key."),
                extra={"code": "idempotency_key_reused"},
            )
        return JSONResponse(record.response, status_code=record.status_code)
    result = handler()
    encoded = jsonable_encoder(result)
    session.execute(
        table.update()
        .where(table.c.tenant_id == access.tenant_id, table.c.key == key)
        .values(status_code=status_code, response=encoded)
    )
    return JSONResponse(encoded, status_code=status_code)
