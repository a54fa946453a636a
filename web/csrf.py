"""CSRF protection for every form (synchronizer token; header for htmx).

Signed-in pages use the token stored with the server-side session; the sign-in form,
shown before there is a session, uses an HMAC of a random pre-session cookie.
"""

import hmac
import secrets

from fastapi import Request, Response

from api.errors import CsrfFailed

PRESESSION_COOKIE = "lb_presession"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


def presession_value(request: Request) -> str:
    value = request.cookies.get(PRESESSION_COOKIE)
    if not value or len(value) > 64:
        value = secrets.token_urlsafe(24)
        request.state.new_presession = value
    return value


def remember_presession(request: Request, response: Response, secure: bool) -> None:
    value = getattr(request.state, "new_presession", None)
    if value:
        response.set_cookie(
            PRESESSION_COOKIE, value, httponly=True, samesite="lax", secure=secure, max_age=86400
        )


async def submitted_token(request: Request) -> str:
    header = request.headers.get(HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(FORM_FIELD)
        return value if isinstance(value, str) else ""
    return ""


def check(expected: str, submitted: str) -> None:
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise CsrfFailed()
