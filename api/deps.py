"""Annotated dependencies: the request's database session and who is calling.

`DbSession` is one transaction per request: committed when the handler returns (before
the response is sent), rolled back on any error. `Access` is the request's
AccessContext, built once by api.access.build_access_context and handed to RLS.
"""

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api import supervisor_house
from api.access import AccessContext
from api.auth.caller_cache import cached_access
from api.auth.service import AuthService, Principal
from api.db import Database, apply_access, apply_user_scope
from api.errors import BadRequest, Unauthenticated
from api.i18n import _
from api.imports.storage import UploadStore
from api.middleware import route_template
from api.security import tokens
from api.security.pii import PiiCipher
from api.settings import Settings

TENANT_HEADER = "X-Tenant-ID"


# The dependencies that only read app.state are coroutines: FastAPI runs a plain function
# dependency in its thread pool, a hop that cost more than the lookup.
async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_auth(request: Request) -> AuthService:
    auth: AuthService = request.app.state.auth
    return auth


def get_cipher(request: Request) -> PiiCipher:
    cipher: PiiCipher = request.app.state.cipher
    return cipher


async def cipher_dependency(request: Request) -> PiiCipher:
    return get_cipher(request)


async def get_uploads(request: Request) -> UploadStore:
    uploads: UploadStore = request.app.state.uploads
    return uploads


async def get_db_session(request: Request) -> AsyncIterator[Session]:
    """The request's transaction. Opening it does no I/O (the connection is taken at the
    first statement), so it happens here on the event loop; its end, commit or rollback,
    does I/O and runs in the thread pool: one thread-pool hop instead of two."""
    database: Database = request.app.state.db
    unit = database.transaction()
    session = unit.__enter__()
    try:
        yield session
    except BaseException as exc:
        if not await run_in_threadpool(unit.__exit__, type(exc), exc, exc.__traceback__):
            raise
    else:
        await run_in_threadpool(unit.__exit__, None, None, None)


DbSession = Annotated[Session, Depends(get_db_session, scope="function")]
AppSettings = Annotated[Settings, Depends(get_settings)]
Auth = Annotated[AuthService, Depends(get_auth)]
Cipher = Annotated[PiiCipher, Depends(cipher_dependency)]
Uploads = Annotated[UploadStore, Depends(get_uploads)]


def request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def bearer_secret(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _sep, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise Unauthenticated(_("Send a bearer token in the Authorization header."))
    return credentials.strip()


def get_api_principal(request: Request, session: DbSession, auth: Auth) -> Principal:
    principal = auth.resolve_bearer(session, bearer_secret(request))
    apply_user_scope(session, principal.user.id)
    auth.load_memberships(session, principal)
    return principal


ApiPrincipal = Annotated[Principal, Depends(get_api_principal)]


def requested_tenant(request: Request) -> uuid.UUID | None:
    raw = request.headers.get(TENANT_HEADER)
    if not raw:
        return None
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        raise BadRequest(_("The X-Tenant-ID header is not a valid id.")) from None


def get_api_access(request: Request, session: DbSession, auth: Auth) -> AccessContext:
    """The caller's context: from the caller cache when a fresh entry still checks out
    against the database (api/auth/caller_cache.py), else resolved from scratch."""
    tenant = requested_tenant(request)
    secret = bearer_secret(request)
    access = cached_access(session, auth.callers, secret, tenant, request_id(request))
    if access is None:
        principal = get_api_principal(request, session, auth)
        membership = principal.membership_for(tenant)
        access = auth.access_for(session, principal, membership, request_id(request))
        auth.callers.put(tokens.digest(secret), tenant, access)
        apply_access(session, access)  # a cached context was applied before its check
    route = route_template(request.scope)
    if route is not None:
        # A supervising organization opens figures and reports only: 404 elsewhere.
        supervisor_house.check(access, route)
    return access


Access = Annotated[AccessContext, Depends(get_api_access)]


def read_session(request: Request, primary: Session, access: AccessContext) -> Iterator[Session]:
    """The session of a heavy read (statistics, report packs, exports): with
    LB_DATABASE_REPLICA_URL, a read-only transaction of its own on the replica, under
    the same access (row security applies there as on the primary); without, the
    request's own transaction on the primary. Who is calling is always settled on the
    primary, which also takes any write the request makes (an export's audit entry)."""
    database: Database = request.app.state.db
    if database.replica_engine is None:
        yield primary
        return
    with database.transaction(access, read_only=True) as session:
        yield session


def get_api_read_session(request: Request, session: DbSession, access: Access) -> Iterator[Session]:
    yield from read_session(request, session, access)


ReadSession = Annotated[Session, Depends(get_api_read_session, scope="function")]
