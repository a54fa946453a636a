"""Exception handlers: every error becomes RFC 9457 problem+json (API) or a page (web).

Nothing a client sends produces a 500; an unexpected exception is logged with the
request id and answered with a problem that names that id and nothing else.
"""

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import validation_messages
from api.errors import (
    PROBLEM_MEDIA_TYPE,
    AppError,
    BadRequest,
    Conflict,
    DatabaseUnavailable,
    FieldError,
    MalformedJson,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    StaleVersion,
    ValidationFailed,
)
from api.i18n import _

log = logging.getLogger(__name__)


class InternalError(AppError):
    status, slug, title = 500, "internal-error", _("Something went wrong on our side")


def field_errors_from_pydantic(errors: Sequence[Mapping[str, Any]]) -> list[FieldError]:
    """pydantic's errors as field errors in the reader's language (pages use this too)."""
    return validation_messages.field_errors(errors)


def _is_web(request: Request) -> bool:
    # /problems/<slug> documents the API's problem types: it answers as the API does.
    return not request.url.path.startswith(("/api/", "/problems/"))


def problem_response(request: Request, error: AppError) -> Response:
    # web/ registers a renderer on app.state so the same errors become pages there.
    renderer = getattr(request.app.state, "web_error_renderer", None)
    if renderer is not None and _is_web(request):
        page: Response = renderer(request, error)
        return page
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
        # status is a class's constant; this one instance carries Starlette's code.
        error.status = exc.status_code  # type: ignore[misc]  # a Final class constant, set per instance
        return problem_response(request, error)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> Response:
        # A unique or foreign-key race the services could not see coming.
        log.warning("integrity error: %s", exc.orig.__class__.__name__)
        return problem_response(request, Conflict(_("The data changed meanwhile; try again.")))

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> Response:
        # A value the schema let through but the column cannot hold (a number out of
        # range): the client's input, so a 422, never a 500. Logged: a bound is missing.
        log.warning("database refused a value: %s", exc.orig.__class__.__name__)
        return problem_response(
            request, ValidationFailed(_("A value is out of the range that can be stored."))
        )

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> Response:
        # Two requests changed the same versioned row at once; the later one lost.
        return problem_response(request, StaleVersion(_("Reload: someone saved this first.")))

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError) -> Response:
        # Unreachable, frozen (api/db_limits.py), a statement or lock timeout: retryable.
        log.error("database unavailable: %s: %s", exc.orig.__class__.__name__, exc.orig)
        return problem_response(request, database_unavailable())

    @app.exception_handler(PoolTimeout)
    async def _pool_timeout(request: Request, exc: PoolTimeout) -> Response:
        # Every connection of the pool stayed busy for LB_DB_POOL_TIMEOUT_SECONDS.
        log.error("database pool exhausted: %s", exc)
        return problem_response(request, database_unavailable())


def database_unavailable() -> DatabaseUnavailable:
    return DatabaseUnavailable(
        _("Please try again in a few seconds; a change you sent was not saved."),
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


RETRY_AFTER_SECONDS = "5"


class UnexpectedErrors:
    """The last resort inside the access log: an exception no handler took is logged
    once, with its traceback, and answered with a problem that names the request id.

    Starlette's own last resort (an `Exception` handler) answers and then raises the
    exception again for the server to log: every 500 would be logged twice."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            request = Request(scope)
            log.exception("unhandled error on %s %s", request.method, request.url.path)
            if started:
                return  # too late for a problem; the server closes the connection
            response = problem_response(request, InternalError())
            await response(scope, receive, send)
