"""Sign-in, sign-out, tenant switch and language switch."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import AppSettings, Auth, DbSession, client_ip
from api.errors import AccountDisabled, InvalidCredentials, NoTenant, TooManyAttempts
from api.i18n import LOCALE_COOKIE, SUPPORTED_LOCALES
from web import csrf
from web.deps import SESSION_COOKIE, FormPage, Page, SignedInForm, safe_next
from web.rendering import render

router = APIRouter(include_in_schema=False)


def login_page(
    request: Request,
    page: object,
    *,
    next_path: str,
    error: str | None = None,
    username: str = "",
    status_code: int = 200,
) -> Response:
    settings = request.app.state.settings
    response = render(
        request,
        "auth/login.html",
        {
            "next": next_path,
            "error": error,
            "username": username,
            "page": page,
            "oidc_enabled": settings.oidc_enabled,
        },
        status_code=status_code,
    )
    csrf.remember_presession(request, response, settings.secure_cookies)
    return response


@router.get("/login")
def login_form(request: Request, page: Page, next: str = "/") -> Response:
    if page.signed_in:
        return RedirectResponse(safe_next(next), status_code=303)
    return login_page(request, page, next_path=safe_next(next))


@router.post("/login")
def login(
    request: Request,
    page: FormPage,
    session: DbSession,
    auth: Auth,
    settings: AppSettings,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    next: Annotated[str, Form(max_length=512)] = "/",
) -> Response:
    device = auth.devices.presented(request, username)
    try:
        user = auth.sign_in(session, username, password, client_ip(request), device)
    except (InvalidCredentials, TooManyAttempts, AccountDisabled) as exc:
        # Rendered, not raised: the attempt is recorded when the transaction commits.
        response = login_page(
            request,
            page,
            next_path=safe_next(next),
            error=exc.message(),
            username=username,
            status_code=exc.status,
        )
        response.headers.update(exc.headers)
        return response
    if page.principal is not None and page.principal.web_session is not None:
        auth.end_web_session(page.principal.web_session, "replaced")
    secret, _web_session = auth.start_web_session(
        session, user, ip=client_ip(request), user_agent=request.headers.get("user-agent")
    )
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, secret, settings.secure_cookies, settings.session_absolute_hours)
    auth.devices.remember(response, user.username)
    return response


def set_session_cookie(response: Response, secret: str, secure: bool, hours: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        httponly=True,
        samesite="lax",
        secure=secure,
        max_age=hours * 3600,
        path="/",
    )


@router.post("/logout")
def logout(page: SignedInForm, auth: Auth) -> Response:
    auth.end_web_session(page.web_session, "signed_out")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/switch-tenant")
def switch_tenant(
    page: SignedInForm,
    tenant_id: Annotated[uuid.UUID, Form()],
    next: Annotated[str, Form(max_length=512)] = "/",
) -> Response:
    if not any(m.tenant_id == tenant_id for m in page.memberships):
        raise NoTenant()
    page.web_session.selected_tenant_id = tenant_id
    return RedirectResponse(safe_next(next), status_code=303)


@router.get("/lang/{code}")
def switch_language(code: str, request: Request, next: str = "/") -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in SUPPORTED_LOCALES:
        response.set_cookie(
            LOCALE_COOKIE,
            code,
            samesite="lax",
            max_age=365 * 86400,
            path="/",
            secure=request.app.state.settings.secure_cookies,
        )
    return response
