"""Helpers for HTML forms: submitted values to API-shaped dicts, errors by field."""

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.responses import Response

from api.errors import AppError, FieldError, ValidationFailed
from api.problem_handlers import field_errors_from_pydantic
from web.deps import FormRejected


def clean(form: Mapping[str, Any], fields: list[str]) -> dict[str, Any]:
    """Strings stripped; empty inputs dropped (the model's default applies)."""
    out: dict[str, Any] = {}
    for name in fields:
        value = form.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value not in (None, ""):
            out[name] = value
    return out


def checkbox(form: Mapping[str, Any], name: str) -> bool:
    return form.get(name) in ("on", "true", "1", "yes")


def validate(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(errors=field_errors_from_pydantic(list(exc.errors()))) from None


def errors_by_field(error: AppError | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    if error is None:
        return out
    for e in error.errors:
        out[e.field.split(".")[0]].append(str(e.render()["message"]))
    return out


def general_message(error: AppError | None) -> str | None:
    """The message to show above a form, when the error is not about one field."""
    if error is None:
        return None
    if error.errors and all(isinstance(e, FieldError) for e in error.errors):
        return error.message() if error.detail else None
    return error.message()


@contextmanager
def rerender_on_error(
    render_form: Callable[[AppError], Response], statuses: tuple[int, ...] = (409, 422)
) -> Iterator[None]:
    """Errors return to the form, never to a dead-end page: a problem with one of
    `statuses` becomes the form again (rendered by `render_form`, which gets the error
    and keeps the submitted values) and the transaction rolls back. Any other problem
    (404, 403) is the error page as before."""
    try:
        yield
    except AppError as exc:
        if exc.status not in statuses:
            raise
        raise FormRejected(render_form(exc)) from exc


def form_context(error: AppError | None, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What every form template takes: messages by field, the general one, the values."""
    return {
        "errors": errors_by_field(error),
        "message": general_message(error),
        "values": dict(values or {}),
    }
