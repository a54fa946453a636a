"""Keyset cursors: where a list's next page starts, as an opaque token.

A token is base64url of `[list kind, [the last row's sort values…]]`. It is checked, not
signed: a token that does not decode to the kind and value types asked for is a 422, and
a well-formed forged one only chooses where to start among the rows the caller may read
anyway (the values are bound parameters of a WHERE, never SQL)."""

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from api.errors import FieldError, ValidationFailed
from api.i18n import _

Value = datetime | date | int | uuid.UUID | None
MAX_TOKEN = 400  # characters; a real one is well under 200


def encode(kind: str, values: Sequence[Value]) -> str:
    plain = [_scalar(v) for v in values]
    raw = json.dumps([kind, plain], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _scalar(value: Value) -> str | int | None:
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    return str(value) if isinstance(value, uuid.UUID) else value


def decode(token: str, kind: str, types: Sequence[tuple[type, bool]]) -> list[Value]:
    """The values of a token made by `encode(kind, …)`; `types`: each value's type and
    whether it may be null. Anything else: a 422 naming the `after` parameter."""
    try:
        if len(token) > MAX_TOKEN:
            raise ValueError(token)
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        found_kind, values = json.loads(raw)
        if found_kind != kind or len(values) != len(types):
            raise ValueError(found_kind)
        return [_typed(v, t, nullable) for v, (t, nullable) in zip(values, types, strict=True)]
    except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise bad_cursor() from None


def _typed(value: Any, kind: type, nullable: bool) -> Value:
    if value is None and nullable:
        return None
    if kind is int and type(value) is int and abs(value) < 2**31:  # an INTEGER column
        return int(value)
    if isinstance(value, str):
        if kind is datetime:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:  # the columns hold aware times
                raise ValueError(value)
            return moment.astimezone(UTC)
        if kind is date:
            return date.fromisoformat(value)
        if kind is uuid.UUID:
            return uuid.UUID(value)
    raise ValueError(value)


def bad_cursor() -> ValidationFailed:
    return ValidationFailed(
        errors=[
            FieldError(
                "after",
                _(
                    "This page link is no longer valid (it belongs to another sort or"
                    " list). Start again from the first page."
                ),
                "bad_cursor",
            )
        ]
    )
