"""Who is looking at a page: the session cookie, the chosen tenant, the CSRF token."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from api import supervisor_house
from api.access import AccessContext
from api.auth import session_cache
from api.auth.service import AuthService, Principal
from api.db import apply_access, apply_user_scope
from api.deps import Auth, DbSession, read_session, request_id
from api.errors import AppError, NoTenant, Unauthenticated
from api.i18n import _
from api.middleware import route_template
from shared_models import Membership, User, WebSession
from web import csrf, houses

SESSION_COOKIE = "lb_session"


class LoginRequired(Unauthenticated):
    """Rendered as a redirect to the sign-in page. Raised before any handler runs, so
    the only changes to keep are the session bookkeeping (ended as idle or expired)."""

    keep_changes = True

    def __init__(self, next_path: str = "/") -> None:
        super().__init__()
        self.next_path = next_path


class FormRejected(AppError):
    """A form came back with errors: the rendered form is the response and the
    request's transaction is rolled back, so nothing is half written."""

    status = 422

    def __init__(self, response: object) -> None:
        super().__init__()
        self.response = response


@dataclass(frozen=True)
class TenantChoice:
    tenant_id: uuid.UUID
    name: str


@dataclass
class WebPage:
    principal: Principal | None = None
    access: AccessContext | None = None
    csrf_token: str = ""
    memberships: list[Membership] = field(default_factory=list)
    # Plain copies for the page header: error pages render after the request's
    # transaction has been rolled back, when ORM objects can no longer load.
    display_name: str = ""
    tenants: list[TenantChoice] = field(default_factory=list)

    @property
    def signed_in(self) -> bool:
        return self.principal is not None

    def uses(self, path: str) -> bool:
        """Whether the page at `path` is of use to this role (the nav shows its link)."""
        return houses.serves(self.access, path)

    @property
    def ctx(self) -> AccessContext:
        """The access context of a page that requires a tenant."""
        if self.access is None:
            raise NoTenant()
        return self.access

    @property
    def user(self) -> User:
        if self.principal is None:
            raise Unauthenticated()
        return self.principal.user

    @property
    def web_session(self) -> WebSession:
        if self.principal is None or self.principal.web_session is None:
            raise Unauthenticated()
        return self.principal.web_session


def safe_next(path: str | None) -> str:
    """Only local paths: no open redirects."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?next=" + quote(target, safe="")


def load_page(request: Request, session: DbSession, auth: Auth) -> WebPage:
    """The page context when a visitor may or may not be signed in."""
    secret = request.cookies.get(SESSION_COOKIE)
    cached = session_cache.cached_web_caller(
        session,
        auth.web_sessions,
        secret,
        auth.settings.session_idle_minutes,
        request_id(request),
    )
    if cached is not None:
        web_session, user, memberships, access = cached
        principal = Principal(
            user=user, via="session", memberships=memberships, web_session=web_session
        )
        request.state.web = page = _signed_in_page(principal)
        page.access = access
        return page
    principal = auth.resolve_web_session(session, secret)
    if principal is None:
        page = WebPage()
        page.csrf_token = auth.anonymous_csrf_token(csrf.presession_value(request))
        request.state.web = page
        return page
    apply_user_scope(session, principal.user.id)
    auth.load_memberships(session, principal)
    page = _signed_in_page(principal)
    # A page's principal has a web session (above).
    selected = principal.web_session.selected_tenant_id  # type: ignore[union-attr]  # as above
    membership = session_cache.chosen_membership(principal.memberships, selected)
    if membership is not None:
        page.access = auth.access_for(session, principal, membership, request_id(request))
        apply_access(session, page.access)
        session_cache.keep(auth.web_sessions, secret, page.access)  # type: ignore[arg-type]  # a session was found by it
    request.state.web = page
    return page


def _signed_in_page(principal: Principal) -> WebPage:
    # A page's principal signed in through a web session (API tokens have none).
    web_session: WebSession = principal.web_session  # type: ignore[assignment]  # as above
    return WebPage(
        principal=principal,
        csrf_token=AuthService.csrf_token(web_session),
        memberships=principal.memberships,
        display_name=principal.user.display_name,
        tenants=[TenantChoice(m.tenant_id, m.tenant.name) for m in principal.memberships],
    )


def require_signed_in(request: Request, page: Annotated[WebPage, Depends(load_page)]) -> WebPage:
    if not page.signed_in:
        raise LoginRequired(login_url(request))
    return page


def require_access(
    request: Request, page: Annotated[WebPage, Depends(require_signed_in)]
) -> WebPage:
    if page.access is None:
        raise NoTenant(_("Your account has no organization yet; ask an administrator."))
    route = route_template(request.scope)
    if route is not None:
        # A supervising organization: 404 on every route but its own few, forms too.
        supervisor_house.check(page.access, route)
    if request.method in ("GET", "HEAD") and route is not None:
        houses.check(page.access, route)  # a page outside the role's house: 404
    return page


async def check_csrf(request: Request, page: Annotated[WebPage, Depends(load_page)]) -> WebPage:
    csrf.check(page.csrf_token, await csrf.submitted_token(request))
    return page


async def check_csrf_signed_in(
    request: Request, page: Annotated[WebPage, Depends(require_signed_in)]
) -> WebPage:
    csrf.check(page.csrf_token, await csrf.submitted_token(request))
    return page


async def check_csrf_access(
    request: Request, page: Annotated[WebPage, Depends(require_access)]
) -> WebPage:
    csrf.check(page.csrf_token, await csrf.submitted_token(request))
    return page


Page = Annotated[WebPage, Depends(load_page)]
SignedIn = Annotated[WebPage, Depends(require_signed_in)]
TenantPage = Annotated[WebPage, Depends(require_access)]
# For POST handlers: the same, after the CSRF token has been checked.
FormPage = Annotated[WebPage, Depends(check_csrf)]
SignedInForm = Annotated[WebPage, Depends(check_csrf_signed_in)]
TenantForm = Annotated[WebPage, Depends(check_csrf_access)]


async def read_form(request: Request) -> FormData:
    """The posted form, read on the event loop (Starlette caches it for the CSRF check),
    so the handler itself can be a plain `def` run in the thread pool."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(read_form)]


def get_page_read_session(
    request: Request, session: DbSession, page: Annotated[WebPage, Depends(require_access)]
) -> Iterator[Session]:
    """A page's heavy reads (the oversight pages, exports): on the read replica when
    LB_DATABASE_REPLICA_URL is set (api.deps.read_session)."""
    yield from read_session(request, session, page.ctx)


# The page's reads on the replica; the page header and any write stay on DbSession.
PageReadSession = Annotated[Session, Depends(get_page_read_session, scope="function")]
