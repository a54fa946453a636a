"""The signed-in user's own API tokens."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import Auth, DbSession
from api.i18n import gettext
from web.deps import SignedIn, SignedInForm, WebPage
from web.flash import flash
from web.forms import rerender_on_error
from web.rendering import render

router = APIRouter(prefix="/account", include_in_schema=False)


def _tokens_page(
    request: Request,
    page: WebPage,
    session: DbSession,
    auth: Auth,
    *,
    status_code: int = 200,
    **extra: object,
) -> Response:
    tokens = auth.personal_tokens(session, page.user)
    return render(
        request, "account/tokens.html", {"tokens": tokens, **extra}, status_code=status_code
    )


@router.get("/tokens")
def tokens_page(request: Request, page: SignedIn, session: DbSession, auth: Auth) -> Response:
    return _tokens_page(request, page, session, auth)


@router.post("/tokens")
def create_token(
    request: Request,
    page: SignedInForm,
    session: DbSession,
    auth: Auth,
    name: Annotated[str, Form(max_length=80)] = "",
    expires_in_days: Annotated[int | None, Form(ge=1)] = None,
) -> Response:
    typed = {"name": name, "expires_in_days": expires_in_days}
    with rerender_on_error(
        lambda e: _tokens_page(
            request, page, session, auth, error=e, values=typed, status_code=e.status
        )
    ):
        secret, token = auth.create_personal_token(session, page.user, name, expires_in_days)
    # The page itself is the message: the new token, shown once.
    return _tokens_page(request, page, session, auth, new_secret=secret, new_token=token)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(
    token_id: uuid.UUID, page: SignedInForm, session: DbSession, auth: Auth
) -> Response:
    token = auth.revoke_personal_token(session, page.user, token_id)
    flash(page, gettext("Token {name} revoked.", name=token.name))
    return RedirectResponse("/account/tokens", status_code=303)
