"""Exception handlers: every error becomes RFC 9457 problem+json (API) or a page (web).

Nothing a client sends produces a 500; an unexpected exception is logged with the
request id and answered with a problem that names that id and nothing else.
"""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.errors import (
    PROBLEM_MEDIA_TYPE,
    AppError,
    BadRequest,
    Conflict,
    FieldError,
    MalformedJson,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    StaleVersion,
    ValidationFailed,
)
from api.i18n import _

log = logging.getLogger(__name__)


class InternalError(AppError):
    status, slug, title = 500, "internal-error", _("Something went wrong on our side")


# Messages for pydantic's error types, translated by the catalog.
_PYDANTIC_MESSAGES = {
    "missing": _("This field is required."),
    "string_too_short": _("Too short: at least {min_length} characters."),
    "string_too_long": _("Too long: at most {max_length} characters."),
    "string_type": _("Give text here."),
    "int_parsing": _("Give a whole number."),
    "int_type": _("Give a whole number."),
    "bool_parsing": _("Give true or false."),
    "uuid_parsing": _("This is not a valid id."),
    "uuid_type": _("This is not a valid id."),
    "greater_than_equal": _("Must be at least {ge}."),
    "less_than_equal": _("Must be at most {le}."),
    "greater_than": _("Must be more than {gt}."),
    "less_than": _("Must be less than {lt}."),
    "enum": _("Choose one of: {expected}."),
    "literal_error": _("Choose one of: {expected}."),
    "date_parsing": _("Give a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": _("Give a date as YYYY-MM-DD."),
    "extra_forbidden": _("This field is not accepted."),
    "value_error": _("This value is not valid."),
    "model_attributes_type": _("Give a JSON object."),
    "dict_type": _("Give a JSON object."),
    "list_type": _("Give a list."),
}


def field_errors_from_pydantic(errors: list[dict]) -> list[FieldError]:
    out = []
    for error in errors:
        loc = [
            str(part)
            for part in error.get("loc", ())
            if part not in ("body", "query", "path", "header", "form")
        ]
        ctx = {
            k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, str | int | float)
        }
        message = _PYDANTIC_MESSAGES.get(error.get("type", ""))
        if message is None:
            message = str(error.get("msg", "This value is not valid."))
        try:
            message.format(**ctx)
        except (KeyError, IndexError):
            ctx = {}
            message = _PYDANTIC_MESSAGES["value_error"]
        out.append(FieldError(".".join(loc) or "body", message, error.get("type", "invalid"), ctx))
    return out


def _is_web(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def problem_response(request: Request, error: AppError) -> Response:
    # web/ registers a renderer on app.state so the same errors become pages there.
    renderer = getattr(request.app.state, "web_error_renderer", None)
    if renderer is not None and _is_web(request):
        return renderer(request, error)
    body = error.render(
        instance=request.url.path, request_id=getattr(request.state, "request_id", None)
    )
    headers = dict(error.headers)
    if error.status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return JSONResponse(
        body, status_code=error.status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        return problem_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem_response(request, MalformedJson())
        if errors and all(e.get("loc", ("",))[0] == "path" for e in errors):
            # A path names a resource; one that cannot exist is simply not found.
            return problem_response(request, NotFound())
        return problem_response(
            request, ValidationFailed(errors=field_errors_from_pydantic(errors))
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return problem_response(request, NotFound())
        if exc.status_code == 405:
            return problem_response(request, MethodNotAllowed())
        if exc.status_code == 413:
            return problem_response(request, PayloadTooLarge())
        error = BadRequest(str(exc.detail) if exc.detail else None)
        error.status = exc.status_code  # type: ignore[misc]
        return problem_response(request, error)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> Response:
        # A unique or foreign-key race the services could not see coming.
        log.warning("integrity error: %s", exc.orig.__class__.__name__)
        return problem_response(request, Conflict(_("The data changed meanwhile; try again.")))

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> Response:
        # Two requests changed the same versioned row at once; the later one lost.
        return problem_response(request, StaleVersion(_("Reload: someone saved this first.")))

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError) -> Response:
        log.error("database unavailable: %s", exc.orig.__class__.__name__)
        return problem_response(request, ServiceUnavailable(headers={"Retry-After": "5"}))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(request, InternalError())
