"""Control characters in text a client sends: refused once, here, for every field.

PostgreSQL cannot store NUL in text (the driver raises, which was a 500), and the other
control characters are never meant in a name, a note or a search: they come from broken
clients or probes, and would travel on into spreadsheets and pages. Tab, line feed and
carriage return are allowed where text may have several lines (notes, summaries; the
field names below), refused elsewhere. Lone surrogates cannot be encoded at all.
"""

import re

from fastapi import Request
from pydantic import BaseModel
from pydantic_core import PydanticCustomError

from api.errors import FieldError, ValidationFailed
from api.i18n import _

# C0 controls, DEL, C1 controls and lone surrogates.
_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_MULTI_LINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

# Request fields whose text may span lines (a textarea in the pages).
MULTI_LINE_FIELDS = frozenset(
    {"note", "body", "summary", "outcome", "requirements", "reason", "details", "address"}
)

CODE = "control_characters"
MESSAGE = _("Remove the control characters (such as NUL) from this text.")


def has_control_characters(value: object, *, multi_line: bool = False) -> bool:
    """True when `value` (a string, or strings inside lists and mappings) holds one."""
    pattern = _MULTI_LINE if multi_line else _SINGLE_LINE
    if isinstance(value, str):
        return pattern.search(value) is not None
    if isinstance(value, list | tuple | set | frozenset):
        return any(has_control_characters(v, multi_line=multi_line) for v in value)
    if isinstance(value, BaseModel):
        # A nested model that is not an Input (one shared with responses): its fields
        # are checked here, and the error names the field that holds it.
        return any(
            has_control_characters(getattr(value, name), multi_line=name in MULTI_LINE_FIELDS)
            for name in type(value).model_fields
        )
    if isinstance(value, dict):
        return any(
            has_control_characters(k, multi_line=False)
            or has_control_characters(v, multi_line=multi_line)
            for k, v in value.items()
        )
    return False


def check_field(name: str, value: object) -> object:
    """For a pydantic field validator: the value, or a `control_characters` error."""
    if has_control_characters(value, multi_line=name in MULTI_LINE_FIELDS):
        raise PydanticCustomError(CODE, MESSAGE)
    return value


async def refuse_control_characters(request: Request) -> None:
    """App-wide dependency: every query parameter, and every text field of a form, are
    checked before the route reads them (its own schema checks JSON bodies)."""
    errors = [
        FieldError(name, MESSAGE, CODE)
        for name, value in request.query_params.multi_items()
        if has_control_characters(value) or has_control_characters(name)
    ]
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        # Parsed once: FastAPI and the pages read the same cached form.
        form = await request.form()
        errors += [
            FieldError(name, MESSAGE, CODE)
            for name, value in form.multi_items()
            if (isinstance(value, str) and has_control_characters(value, multi_line=True))
            or has_control_characters(name)
        ]
    if errors:
        raise ValidationFailed(errors=errors)
