"""All SQL about users, memberships, sessions, tokens and sign-in attempts.

The functions marked *bootstrap* run before an AccessContext exists (they find out who
is calling); they touch only platform tables, except `memberships_of_user`, which the
row-level security policy lets a user read through `app.user_id`.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import QueryableAttribute, Session, contains_eager, joinedload

from api.access import AccessContext, DataKind
from api.sort_keys import MemberSort
from shared_models import ApiToken, Membership, Organization, SignInAttempt, User, WebSession
from shared_models.enums import OrgStatus, Permission, Role, TokenKind

# --- bootstrap: who is calling ---------------------------------------------------


def user_by_username(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username.strip().lower())).first()


def user_by_id(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def user_by_oidc(session: Session, issuer: str, subject: str) -> User | None:
    return session.scalars(
        select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject)
    ).first()


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(func.lower(User.email) == email.lower())).first()


def memberships_of_user(session: Session, user_id: uuid.UUID) -> Sequence[Membership]:
    """Active memberships in active tenants, oldest first (the first is the default)."""
    return session.scalars(
        select(Membership)
        .join(Organization, Organization.id == Membership.tenant_id)
        .options(joinedload(Membership.tenant))
        .where(
            Membership.user_id == user_id,
            Membership.is_active.is_(True),
            Organization.status == OrgStatus.ACTIVE,
        )
        .order_by(Membership.created_at, Organization.name)
    ).all()


def session_by_hash(session: Session, token_hash: str) -> WebSession | None:
    return session.scalars(select(WebSession).where(WebSession.token_hash == token_hash)).first()


def token_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    return session.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash)).first()


def failed_attempts_on_device(
    session: Session, username: str, device: str, since: datetime
) -> tuple[int, datetime | None]:
    """The account's failures from one remembered device, since its last success there."""
    return _failures(
        session,
        (SignInAttempt.username == username, SignInAttempt.device_id == device),
        since,
        reset_by_success=True,
    )


def failed_untrusted_attempts(
    session: Session, username: str, since: datetime
) -> tuple[int, datetime | None]:
    """The account's failures from clients without a remembered device, since such a
    client last got in (a success on a remembered device resets nothing here)."""
    return _failures(
        session,
        (SignInAttempt.username == username, SignInAttempt.device_id.is_(None)),
        since,
        reset_by_success=True,
    )


def failed_attempts_from_address(
    session: Session, ip: str, since: datetime
) -> tuple[int, datetime | None]:
    """Every failure from one address: a success there (perhaps the guesser's own
    account) resets nothing."""
    return _failures(session, (SignInAttempt.ip_address == ip,), since, reset_by_success=False)


def _failures(
    session: Session,
    key: tuple[ColumnElement[bool], ...],
    since: datetime,
    *,
    reset_by_success: bool,
) -> tuple[int, datetime | None]:
    """Failures after `since` (and after the last success, if it resets); the oldest one."""
    floor = since
    if reset_by_success:
        last_success = session.scalar(
            select(func.max(SignInAttempt.attempted_at)).where(
                *key, SignInAttempt.succeeded.is_(True)
            )
        )
        floor = max(since, last_success) if last_success else since
    row = session.execute(
        select(func.count(), func.min(SignInAttempt.attempted_at)).where(
            *key, SignInAttempt.succeeded.is_(False), SignInAttempt.attempted_at > floor
        )
    ).one()
    return int(row[0]), row[1]


def add_attempt(session: Session, attempt: SignInAttempt) -> None:
    session.add(attempt)
    session.flush()


# --- writes by the auth service (platform tables) ---------------------------------


def add(session: Session, obj: object) -> None:
    session.add(obj)
    session.flush()


def end_sessions_of_user(session: Session, user_id: uuid.UUID, reason: str, now: datetime) -> int:
    result = cast(
        CursorResult[Any],
        session.execute(
            update(WebSession)
            .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
            .values(ended_at=now, end_reason=reason)
        ),
    )
    return result.rowcount or 0


def revoke_tokens_of_user(session: Session, user_id: uuid.UUID, now: datetime) -> int:
    result = cast(
        CursorResult[Any],
        session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
        ),
    )
    return result.rowcount or 0


def personal_tokens(session: Session, user_id: uuid.UUID) -> Sequence[ApiToken]:
    return session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.kind == TokenKind.PERSONAL)
        .order_by(ApiToken.created_at.desc())
    ).all()


def personal_token(session: Session, user_id: uuid.UUID, token_id: uuid.UUID) -> ApiToken | None:
    return session.scalars(
        select(ApiToken).where(
            ApiToken.id == token_id,
            ApiToken.user_id == user_id,
            ApiToken.kind == TokenKind.PERSONAL,
        )
    ).first()


# --- tenant-scoped: members of the caller's tenant ------------------------------------


def members(session: Session, access: AccessContext) -> Sequence[Membership]:
    return session.scalars(
        select(Membership)
        .options(joinedload(Membership.user))
        .join(User, User.id == Membership.user_id)
        .where(Membership.tenant_id.in_(access.read_ids(DataKind.MEMBERSHIP)))
        .order_by(Membership.role, User.username)
    ).all()


def members_page(
    session: Session,
    access: AccessContext,
    *,
    offset: int = 0,
    limit: int = 50,
    sort: MemberSort | None = None,
    descending: bool = False,
) -> tuple[Sequence[Membership], int]:
    """A page of the members, by role then username (or by `sort`, that order breaking
    ties), and the true count. Role values sort as their rank: admin, staff, viewer."""
    orders: dict[MemberSort | None, list[QueryableAttribute[Any]]] = {
        None: [],
        MemberSort.NAME: [User.display_name, User.username],
        MemberSort.USERNAME: [User.username],
        MemberSort.ROLE: [Membership.role],
    }
    columns = orders[sort]
    chosen = [c.desc() if descending else c.asc() for c in columns]
    condition = Membership.tenant_id.in_(access.read_ids(DataKind.MEMBERSHIP))
    rows = session.scalars(
        select(Membership)
        .options(joinedload(Membership.user))
        .join(User, User.id == Membership.user_id)
        .where(condition)
        .order_by(*chosen, Membership.role, User.username, Membership.id)
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.scalar(select(func.count()).select_from(Membership).where(condition)) or 0
    return rows, total


def member(session: Session, access: AccessContext, membership_id: uuid.UUID) -> Membership | None:
    return session.scalars(
        select(Membership)
        .options(joinedload(Membership.user))
        .where(
            Membership.id == membership_id,
            Membership.tenant_id.in_(access.read_ids(DataKind.MEMBERSHIP)),
        )
    ).first()


def member_of(session: Session, access: AccessContext, user_id: uuid.UUID) -> Membership | None:
    """The user's membership in the caller's tenant, if any."""
    return session.scalars(
        select(Membership).where(
            Membership.user_id == user_id,
            Membership.tenant_id == access.tenant_id,
            Membership.tenant_id.in_(access.read_ids(DataKind.MEMBERSHIP)),
        )
    ).first()


def memberships_of_user_any(session: Session, user_id: uuid.UUID) -> Sequence[Membership]:
    """Bootstrap: every membership of a user, active or not (RLS: via app.user_id)."""
    return session.scalars(select(Membership).where(Membership.user_id == user_id)).all()


def active_admin_count(session: Session, access: AccessContext) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.tenant_id == access.tenant_id,
                Membership.tenant_id.in_(access.read_ids(DataKind.MEMBERSHIP)),
                Membership.role == Role.ADMIN,
                Membership.is_active.is_(True),
            )
        )
        or 0
    )


# --- the cached caller's check (api/auth/caller_cache.py) ---------------------------


def token_still_grants(
    session: Session, access: AccessContext, token_hash: str
) -> tuple[datetime | None] | None:
    """One statement: the token still unrevoked and unexpired, its user active, and the
    membership the cached `access` came from still active, with the same role and PII
    right, in an active tenant. The token's last-used time when so, else None. Runs
    after the cached context's row-security settings, which let the user's own
    membership and tenant be read."""
    row = session.execute(
        select(ApiToken.last_used_at)
        .join(User, User.id == ApiToken.user_id)
        .join(Membership, Membership.user_id == User.id)
        .join(Organization, Organization.id == Membership.tenant_id)
        .where(
            ApiToken.token_hash == token_hash,
            ApiToken.revoked_at.is_(None),
            (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > func.now()),
            User.id == access.user_id,
            User.is_active.is_(True),
            Membership.tenant_id == access.tenant_id,
            Membership.is_active.is_(True),
            Membership.role == access.role,
            Membership.can_reveal_pii.is_(access.can(Permission.REVEAL_PII)),
            Organization.status == OrgStatus.ACTIVE,
        )
    ).first()
    return None if row is None else (row[0],)


def touch_token(session: Session, access: AccessContext, token_hash: str, now: datetime) -> None:
    """Record the token's use (the caller's own token, as `access` checked it).

    Skipped while another request's transaction holds the row: it is recording the same
    use. A hot client's concurrent requests all see the minute pass at once; each waited
    on the first one's row lock until its commit, and under load hit the lock timeout."""
    _touch_unless_locked(
        session, (ApiToken.token_hash == token_hash, ApiToken.user_id == access.user_id), now
    )


def touch_resolved_token(session: Session, token_id: uuid.UUID, now: datetime) -> None:
    """touch_token for a token being resolved from scratch, before any access context
    (the cache's miss: every concurrent request of a client misses at once)."""
    _touch_unless_locked(session, (ApiToken.id == token_id,), now)


def _touch_unless_locked(
    session: Session, which: Sequence[ColumnElement[bool]], now: datetime
) -> None:
    free = select(ApiToken.id).where(*which).with_for_update(skip_locked=True).scalar_subquery()
    session.execute(update(ApiToken).where(ApiToken.id == free).values(last_used_at=now))


def web_session_still_grants(
    session: Session, access: AccessContext, token_hash: str
) -> Sequence[tuple[WebSession, User, Membership]]:
    """One statement for a cached page caller (api/auth/session_cache.py): the web session,
    its user if it is still the cached one, and each of the user's active memberships in
    an active tenant with that tenant, oldest first, as `memberships_of_user` orders
    them. No rows when the session, user or every membership is gone; the caller judges
    ended, expired, idle and disabled, as the full resolution does. Runs after the
    cached context's row-security settings, which let the user's memberships be read."""
    rows = session.execute(
        select(WebSession, User, Membership)
        .join(User, User.id == WebSession.user_id)
        .join(Membership, Membership.user_id == User.id)
        .join(Organization, Organization.id == Membership.tenant_id)
        .options(contains_eager(Membership.tenant))
        .where(
            WebSession.token_hash == token_hash,
            User.id == access.user_id,
            Membership.is_active.is_(True),
            Organization.status == OrgStatus.ACTIVE,
        )
        .order_by(Membership.created_at, Organization.name)
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]
