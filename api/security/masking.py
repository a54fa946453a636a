"""Masking of personal data for display, logs and the audit log."""

import re
from collections.abc import Mapping
from typing import Any

# Field names whose values are personal data wherever they appear.
PII_FIELDS = frozenset({"id_number", "phone", "bank_account", "contact_phone", "mobile"})
# Field names whose values never leave the service at all.
SECRET_FIELDS = frozenset({"password", "password_hash", "token", "token_hash", "csrf_secret"})

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_id_number(value: str | None) -> str | None:
    """500237199001011234 → 500237********1234 (region kept, birth date hidden)."""
    if not value:
        return value
    if len(value) == 18:
        return f"{value[:6]}********{value[-4:]}"
    return mask_generic(value)


def mask_phone(value: str | None) -> str | None:
    """13812345678 → 138****5678."""
    if not value:
        return value
    digits = value.strip()
    if len(digits) >= 7:
        return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
    return mask_generic(digits)


def mask_name(value: str) -> str:
    """张秀英 → 张*英, 张三 → 张*: enough for a receiving bureau to tell candidates apart."""
    if len(value) <= 2:
        return value[:1] + "*" * (len(value) - 1)
    return mask_generic(value)


def mask_generic(value: str) -> str:
    if len(value) <= 2:
        return "*" * len(value)
    return f"{value[0]}{'*' * (len(value) - 2)}{value[-1]}"


def mask_value(field: str, value: Any) -> Any:
    if value is None:
        return None
    text = str(value)
    if field == "id_number":
        return mask_id_number(text)
    if field in {"phone", "contact_phone", "mobile"}:
        return mask_phone(text)
    return mask_generic(text)


def mask_record(record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A copy safe for the audit log: personal data masked, secrets dropped."""
    if record is None:
        return None
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key in SECRET_FIELDS:
            continue
        if key in PII_FIELDS:
            out[key] = mask_value(key, value)
        elif isinstance(value, Mapping):
            out[key] = mask_record(value)
        else:
            out[key] = value
    return out


def mask_text(text: str) -> str:
    """Mask ID numbers and mobile numbers inside free text (log lines)."""
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)}********{m.group(2)[-4:]}", text)
    return _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
