"""OpenID Connect sign-in through Authlib, when an issuer is configured.

Identities are matched to existing accounts (by issuer and subject, or once by a
verified e-mail); nobody is provisioned into a tenant this way.
"""

from typing import Any

import httpx
from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.deps import client_ip
from api.errors import AccountDisabled, InvalidCredentials, NotFound
from api.i18n import _, gettext
from api.settings import Settings
from web.deps import Page, safe_next
from web.routes.auth import login_page, set_session_cookie

router = APIRouter(prefix="/auth/oidc", include_in_schema=False)
CLIENT_NAME = "lb"


def build_oauth(settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> OAuth:
    oauth = OAuth()
    client_kwargs: dict[str, object] = {
        "scope": settings.oidc_scopes,
        "code_challenge_method": "S256",
    }
    if transport is not None:
        client_kwargs["transport"] = transport  # tests talk to an in-process provider
    oauth.register(
        CLIENT_NAME,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret.get_secret_value() or None,
        client_kwargs=client_kwargs,
    )
    return oauth


def _client(request: Request) -> Any:  # authlib is untyped
    oauth = getattr(request.app.state, "oauth", None)
    if oauth is None:
        raise NotFound()
    return oauth.create_client(CLIENT_NAME)


@router.get("/login")
async def oidc_login(request: Request, next: str = "/") -> Response:
    client = _client(request)
    request.session["lb_next"] = safe_next(next)
    # authlib is untyped: its redirect is a Starlette response.
    redirect: Response = await client.authorize_redirect(
        request, str(request.url_for("oidc_callback"))
    )
    return redirect


@router.get("/callback", name="oidc_callback")
async def oidc_callback(request: Request, page: Page) -> Response:
    client = _client(request)
    settings: Settings = request.app.state.settings
    next_path = safe_next(request.session.pop("lb_next", "/"))
    try:
        token = await client.authorize_access_token(request)
    except OAuthError:
        return login_page(
            request,
            page,
            next_path=next_path,
            status_code=400,
            error=gettext(_("Sign-in with the identity provider failed; try again.")),
        )
    claims = dict(token.get("userinfo") or {})
    database = request.app.state.db
    auth = request.app.state.auth

    def finish() -> tuple[str, str]:
        # A transaction of its own: the sign-in attempt is kept even when refused. Run in
        # the thread pool (below): the ORM's calls block, and this handler is a coroutine
        # only because Authlib's Starlette client awaits the provider.
        with database.transaction() as session:
            user = auth.sign_in_oidc(
                session,
                settings.oidc_issuer,
                claims,
                client_ip(request),
                lambda username: auth.devices.presented(request, username),
            )
            secret, _session = auth.start_web_session(
                session, user, ip=client_ip(request), user_agent=request.headers.get("user-agent")
            )
            return secret, user.username

    try:
        secret, username = await run_in_threadpool(finish)
    except (InvalidCredentials, AccountDisabled) as exc:
        return login_page(
            request, page, next_path=next_path, error=exc.message(), status_code=exc.status
        )
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookie(response, secret, settings.secure_cookies, settings.session_absolute_hours)
    # The remembered device, as after a password sign-in: this browser's later password
    # attempts for the account are throttled by its own failures only (api/auth/devices.py).
    auth.devices.remember(response, username)
    return response
