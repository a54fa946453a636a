"""ASGI middleware: request id and language, body size limit, security headers, access log."""

import json
import logging
import re
import time
import uuid
from http.cookies import SimpleCookie

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import PROBLEM_MEDIA_TYPE, AppError, PayloadTooLarge
from api.i18n import LOCALE_COOKIE, _, negotiate_locale, set_locale
from api.logging_setup import request_id_var

log = logging.getLogger("laborbridge.access")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
    ),
}


def route_template(scope: Scope) -> str | None:
    """The matched route's template (`/api/v1/laborers/{laborer_id}`, never the raw path),
    which the router leaves in the scope; None before routing or when nothing matched."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) and path else None


class RequestContextMiddleware:
    """Request id (kept from X-Request-ID when well-formed), language, headers, access log."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        incoming = headers.get("x-request-id", "")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:
            cookie = SimpleCookie()
        chosen = cookie[LOCALE_COOKIE].value if LOCALE_COOKIE in cookie else None
        # Pages are Chinese unless the person switched to English; API clients say
        # what they want with Accept-Language.
        is_api = scope["path"].startswith(("/api/", "/problems/"))
        set_locale(negotiate_locale(chosen, headers.get("accept-language") if is_api else None))
        request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                response_headers = MutableHeaders(scope=message)
                response_headers["x-request-id"] = request_id
                for name, value in SECURITY_HEADERS.items():
                    response_headers.setdefault(name, value)
                if scope["path"].startswith("/api/"):
                    response_headers.setdefault("cache-control", "no-store")
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            log.info(
                "%s %s %s %.1fms",
                scope["method"],
                scope["path"],
                status,
                (time.perf_counter() - started) * 1000,
            )


class BodyLimitMiddleware:
    """413 for bodies over the limit: JSON and forms small, file uploads larger."""

    def __init__(self, app: ASGIApp, *, json_limit: int, upload_limit: int) -> None:
        self.app = app
        self.json_limit = json_limit
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in {"GET", "HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        is_upload = headers.get("content-type", "").startswith("multipart/form-data")
        limit = self.upload_limit if is_upload else self.json_limit
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await send_problem(send, _too_large(limit))
            return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException, because FastAPI turns anything else raised while
                    # reading a body into a 400; the handlers render it as a problem.
                    raise HTTPException(413)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except HTTPException as exc:
            if exc.status_code != 413 or response_started:
                raise
            await send_problem(send, _too_large(limit))


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(_("The limit is {limit} bytes."), params={"limit": limit})


async def send_problem(send: Send, error: AppError) -> None:
    """`error` as a problem document, from a middleware (no request object at hand)."""
    body = json.dumps(error.render(), ensure_ascii=False).encode()
    headers = [(k.lower().encode(), v.encode()) for k, v in error.headers.items()]
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
