"""pydantic's validation errors as our field errors, in the request's language.

pydantic writes English and names allowed choices by their codes ('visit' or
'hardship_aid'); a Chinese reader gets neither. Every error type pydantic can raise on
our inputs has a message id here (a type without one gets the general message, never
pydantic's English), and the choices of an enumeration are shown by their labels.
"""

import re
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic_core.core_schema import ErrorType

from api.errors import FieldError
from api.i18n import _, get_locale, gettext

_BUILTIN_TYPES = frozenset(typing.get_args(ErrorType))
_INVALID = _("This value is not valid.")
_CHOICE = _("Choose one of: {expected}.")
_DATE = _("Give a date as YYYY-MM-DD.")
_DATETIME = _("Give a date and time as YYYY-MM-DDTHH:MM:SS+08:00.")
_TIME = _("Give a time as HH:MM.")
_WHOLE = _("Give a whole number.")
_NUMBER = _("Give a number.")
_ID = _("This is not a valid id.")
_OBJECT = _("Give a JSON object.")

MESSAGES: dict[str, str] = {
    "missing": _("This field is required."),
    "string_type": _("Give text here."),
    "string_too_short": _("Too short: at least {min_length} characters."),
    "string_too_long": _("Too long: at most {max_length} characters."),
    "string_pattern_mismatch": _("This text is not in the expected form."),
    "string_unicode": _("Give text here."),
    "int_parsing": _WHOLE,
    "int_type": _WHOLE,
    "int_from_float": _WHOLE,
    "int_parsing_size": _("This number is too large."),
    "float_parsing": _NUMBER,
    "float_type": _NUMBER,
    "finite_number": _NUMBER,
    "decimal_parsing": _NUMBER,
    "decimal_type": _NUMBER,
    "decimal_max_digits": _("At most {max_digits} digits."),
    "decimal_max_places": _("At most {decimal_places} decimal places."),
    "decimal_whole_digits": _("At most {whole_digits} digits before the decimal point."),
    "multiple_of": _("Must be a multiple of {multiple_of}."),
    "bool_parsing": _("Give true or false."),
    "bool_type": _("Give true or false."),
    "uuid_parsing": _ID,
    "uuid_type": _ID,
    "uuid_version": _ID,
    "greater_than_equal": _("Must be at least {ge}."),
    "less_than_equal": _("Must be at most {le}."),
    "greater_than": _("Must be more than {gt}."),
    "less_than": _("Must be less than {lt}."),
    "enum": _CHOICE,
    "literal_error": _CHOICE,
    "date_parsing": _DATE,
    "date_type": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "date_past": _("Give a date in the past."),
    "date_future": _("Give a date in the future."),
    "datetime_parsing": _DATETIME,
    "datetime_type": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "datetime_object_invalid": _DATETIME,
    "timezone_aware": _("Give the time with its offset, as +08:00."),
    "timezone_naive": _("Give the time without an offset."),
    "time_parsing": _TIME,
    "time_type": _TIME,
    "too_short": _("Give at least {min_length}."),
    "too_long": _("Give at most {max_length}."),
    "list_type": _("Give a list."),
    "set_type": _("Give a list."),
    "tuple_type": _("Give a list."),
    "dict_type": _OBJECT,
    "model_type": _OBJECT,
    "model_attributes_type": _OBJECT,
    "dataclass_type": _OBJECT,
    "json_type": _("Give valid JSON."),
    "json_invalid": _("Give valid JSON."),
    "extra_forbidden": _("This field is not accepted."),
    "value_error": _INVALID,
    "assertion_error": _INVALID,
    "url_parsing": _("Give a web address."),
    "url_type": _("Give a web address."),
    "url_scheme": _("Give a web address starting with http:// or https://."),
    "union_tag_invalid": _INVALID,
    "union_tag_not_found": _INVALID,
    "bytes_type": _("Send a file here."),
    "is_instance_of": _INVALID,
}
_LOCATION_PARTS = ("body", "query", "path", "header", "form", "cookie")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def _choices(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" as the enumeration's labels, in the reader's language."""
    from api import labels  # labels imports the services that import this module

    codes = _QUOTED.findall(expected)
    enum_class = labels.enum_for_values(frozenset(codes))
    # A choice list with no labels (a literal such as 'password') keeps its codes.
    shown = codes if enum_class is None else [labels.label(enum_class(c)) for c in codes]
    return ("、" if get_locale() == "zh_CN" else ", ").join(shown)


def _params(kind: str, ctx: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {
        key: value
        for key, value in ctx.items()
        if isinstance(value, str | int | float) and not isinstance(value, bool)
    }
    if kind in ("enum", "literal_error") and isinstance(ctx.get("expected"), str):
        out["expected"] = _choices(str(ctx["expected"]))
    return out


def field_errors(errors: Sequence[Mapping[str, Any]]) -> list[FieldError]:
    """Our field errors for pydantic's: message ids from MESSAGES; a custom error (our
    own validators raise PydanticCustomError with an English message id) keeps its id."""
    out = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in _LOCATION_PARTS]
        kind = str(error.get("type", "value_error"))
        if kind in MESSAGES:
            message = MESSAGES[kind]
        elif kind in _BUILTIN_TYPES:
            message = _INVALID
        else:
            message = str(error.get("msg") or _INVALID)
        params = _params(kind, dict(error.get("ctx") or {}))
        try:
            gettext(message, **params)
        except (KeyError, IndexError, ValueError):
            message, params = _INVALID, {}
        out.append(FieldError(".".join(loc) or "body", message, kind, params))
    return out
