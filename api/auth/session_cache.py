"""What a web session resolved to, kept in-process for a few seconds.

A page resolves its caller from scratch in eight statements before any data: the
session, its user, the user scope, the memberships, the tenant, its pairings and
partners, then the row-security settings. This keeps the answer, the AccessContext of
the session's working tenant, keyed by the session secret's SHA-256, per worker, for
caller_cache.TTL_SECONDS, in a CallerCache of its own (AuthService.web_sessions).

As with bearer tokens it is checked on every request: after the cached row-security
settings, one statement (repository.web_session_still_grants) reads the session, its
user and the user's active memberships in active tenants. Python then judges them
exactly as the full resolution would: the session not ended, not expired, not idle,
the user active, and the membership the page would pick (the selected tenant, else the
first) still the cached one, with the same role and PII right. So signing out,
disabling an account, removing a membership, changing a role, switching tenant and a
session's expiry or idle timeout take effect on the next request, in every worker.
The session, user and memberships are real ORM rows of this transaction: a flash
message is taken, and the last-seen time touched (at most once a minute), as before.

A failed check drops the entry and falls back to the full resolution, which ends the
session with its reason (expired, idle, disabled) or picks the new tenant.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.auth import repository
from api.auth.caller_cache import LAST_SEEN_GRANULARITY, CallerCache
from api.db import ACCESS_KEY, READS_ONLY, apply_access
from api.security import tokens
from shared_models import Membership, User, WebSession
from shared_models.base import utcnow
from shared_models.enums import Permission


def session_lapsed(web_session: WebSession, now: datetime, idle_minutes: int) -> str | None:
    """Why a session is over by itself ("ended", "expired", "idle"), or None."""
    if web_session.ended_at is not None:
        return "ended"
    if now >= web_session.expires_at:
        return "expired"
    if now - web_session.last_seen_at > timedelta(minutes=idle_minutes):
        return "idle"
    return None


def touch(web_session: WebSession, now: datetime) -> None:
    """Record the session's use, at most once a minute (saves a write per page view)."""
    if now - web_session.last_seen_at > LAST_SEEN_GRANULARITY and not READS_ONLY.get():
        web_session.last_seen_at = now


def chosen_membership(
    memberships: Sequence[Membership], selected: uuid.UUID | None
) -> Membership | None:
    """The page's working membership: the selected tenant's, else the first (oldest)."""
    for membership in memberships:
        if membership.tenant_id == selected:
            return membership
    return memberships[0] if memberships else None


def _same_grant(membership: Membership | None, access: AccessContext) -> bool:
    return (
        membership is not None
        and membership.tenant_id == access.tenant_id
        and membership.role == access.role
        and membership.can_reveal_pii == access.can(Permission.REVEAL_PII)
    )


def cached_web_caller(
    session: Session,
    cache: CallerCache,
    secret: str | None,
    idle_minutes: int,
    request_id: str | None,
) -> tuple[WebSession, User, list[Membership], AccessContext] | None:
    """The cached caller of this session, checked in this transaction; None when there
    is none or it no longer holds (the caller resolves from scratch)."""
    if not secret or not secret.startswith(tokens.SESSION_PREFIX):
        return None
    token_hash = tokens.digest(secret)
    access = cache.get(token_hash, None, request_id)
    if access is None:
        return None
    apply_access(session, access)  # row security first: the check reads the memberships
    rows = repository.web_session_still_grants(session, access, token_hash)
    now = utcnow()
    if rows:
        web_session, user = rows[0][0], rows[0][1]
        memberships = [row[2] for row in rows]
        chosen = chosen_membership(memberships, web_session.selected_tenant_id)
        lapsed = session_lapsed(web_session, now, idle_minutes)
        if lapsed is None and user.is_active and _same_grant(chosen, access):
            touch(web_session, now)
            return web_session, user, memberships, access
    cache.drop(token_hash)
    # Start clean: the full resolution runs without the cached settings.
    session.info.pop(ACCESS_KEY, None)
    session.rollback()
    return None


def keep(cache: CallerCache, secret: str, access: AccessContext) -> None:
    """Remember what this session resolved to (after a full resolution)."""
    cache.put(tokens.digest(secret), None, access)
