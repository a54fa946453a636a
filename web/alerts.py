"""A refused inline form goes back to its page, with the reason shown there once.

Most forms are their own page and come back with their values (web/forms.py). A small
form inside a detail page (a fair's status, a referral's next step, an intention) has
no page of its own: when its service refuses it, the browser is sent back to the page
it was posted from, which shows why. The request's transaction is rolled back by then,
so the reason travels in a short-lived cookie, signed so that no other site can put
words on our pages, instead of the session row."""

import base64
import hashlib
import hmac
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

COOKIE = "lb_alert"
MAX_CHARS = 500


def _key(request: Request) -> bytes:
    settings = request.app.state.settings
    return hashlib.sha256(b"alert:" + settings.secret_key.get_secret_value().encode()).digest()


def _sign(request: Request, text: str) -> str:
    body = base64.urlsafe_b64encode(text[:MAX_CHARS].encode()).decode().rstrip("=")
    mac = hmac.new(_key(request), body.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{body}.{mac}"


def back_to_form(request: Request) -> str | None:
    """The page the form was posted from (same origin, a page, not this same address)."""
    referer = request.headers.get("referer") or ""
    parts = urlsplit(referer)
    if not referer or parts.netloc != request.url.netloc or parts.path.startswith("/api/"):
        return None
    if parts.path == request.url.path:
        return None  # a form page of its own: it re-renders itself (rerender_on_error)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def redirect_with(request: Request, target: str, message: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        _sign(request, message),
        max_age=120,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
        path="/",
    )
    return response


def take(request: Request) -> str | None:
    """The waiting reason, if it is ours; the caller clears the cookie."""
    value = request.cookies.get(COOKIE)
    if not value or "." not in value:
        return None
    body, mac = value.rsplit(".", 1)
    expected = hmac.new(_key(request), body.encode(), hashlib.sha256).hexdigest()[:32]
    if not hmac.compare_digest(mac, expected):
        return None
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None


def clear(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")
