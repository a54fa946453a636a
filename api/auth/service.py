"""Sign-in, sessions and tokens: the rules (SQL is in repository.py)."""

import hmac
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from hashlib import sha256
from typing import Literal

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from api.access import AccessContext, build_access_context
from api.auth import repository
from api.auth.caller_cache import LAST_SEEN_GRANULARITY, CallerCache
from api.auth.devices import Devices
from api.auth.session_cache import session_lapsed, touch
from api.errors import (
    AccountDisabled,
    FieldError,
    InvalidCredentials,
    InvalidToken,
    NoTenant,
    NotFound,
    TooManyAttempts,
    ValidationFailed,
)
from api.i18n import _
from api.security import tokens
from api.security.passwords import Passwords
from api.settings import Settings
from shared_models import ApiToken, Membership, SignInAttempt, User, WebSession
from shared_models.base import utcnow
from shared_models.enums import TokenKind

# Touch a token's last-used time at most this often (saves a write per request).
_LAST_SEEN_GRANULARITY = LAST_SEEN_GRANULARITY


@dataclass
class Principal:
    """An authenticated caller, before a tenant is chosen."""

    user: User
    via: Literal["session", "token"]
    memberships: list[Membership] = field(default_factory=list)
    web_session: WebSession | None = None
    api_token: ApiToken | None = None

    def membership_for(self, tenant_id: uuid.UUID | None) -> Membership:
        """The membership in the requested tenant, else the default one."""
        if not self.memberships:
            raise NoTenant(_("Your account has no organization yet; ask an administrator."))
        if tenant_id is None:
            return self.memberships[0]
        for membership in self.memberships:
            if membership.tenant_id == tenant_id:
                return membership
        raise NoTenant()


class AuthService:
    def __init__(self, settings: Settings, passwords: Passwords) -> None:
        self.settings = settings
        self.passwords = passwords
        self.devices = Devices(settings)
        # What bearer tokens and web sessions resolved to, per worker (caller_cache.py,
        # session_cache.py).
        self.callers = CallerCache()
        self.web_sessions = CallerCache()

    # --- password sign-in ----------------------------------------------------------

    def sign_in(
        self,
        session: Session,
        username: str,
        password: str,
        ip: str | None,
        device: str | None = None,
    ) -> User:
        """Check a password, with throttling; every attempt is recorded.

        `device` is the id of a valid remembered-device cookie for this account
        (devices.py), or None for an untrusted client: an API client, a new browser.
        """
        name = username.strip().lower()[:64]
        now = utcnow()
        self._check_throttle(session, name, ip, device, now)
        user = repository.user_by_username(session, name) if name else None
        ok = self.passwords.verify(user.password_hash if user else None, password)
        repository.add_attempt(
            session,
            SignInAttempt(
                username=name, ip_address=ip, device_id=device, succeeded=ok, attempted_at=now
            ),
        )
        if not ok or user is None:
            raise InvalidCredentials()
        if not user.is_active:
            raise AccountDisabled()
        if user.password_hash and self.passwords.needs_rehash(user.password_hash):
            user.password_hash = self.passwords.hash(password)
        user.last_sign_in_at = now
        return user

    def _check_throttle(
        self, session: Session, username: str, ip: str | None, device: str | None, now: datetime
    ) -> None:
        """OWASP's device-cookie throttling (docs/security.md, "Sign-in throttling").

        A remembered device is limited by its own failures only, so nobody else's guessing
        shuts the account's owner out. Untrusted clients share the account's count and the
        address's count: a stranger locks the account, or his own address, for strangers.
        """
        window = timedelta(minutes=self.settings.signin_window_minutes)
        since = now - window
        if device is not None:
            checks = [
                (
                    self.settings.signin_max_failures,
                    repository.failed_attempts_on_device(session, username, device, since),
                    _("Sign-in is locked for {minutes} more minutes after repeated failures."),
                )
            ]
        else:
            checks = [
                (
                    self.settings.signin_max_failures,
                    repository.failed_untrusted_attempts(session, username, since),
                    _(
                        "After repeated failed sign-ins, this account accepts no sign-in from"
                        " a new device for {minutes} more minutes. On a device where you have"
                        " signed in before, you can still sign in."
                    ),
                )
            ]
            if ip:
                checks.append(
                    (
                        self.settings.signin_max_failures_per_ip,
                        repository.failed_attempts_from_address(session, ip, since),
                        _(
                            "Too many failed sign-ins from your network address; sign-in from"
                            " a new device is paused for {minutes} more minutes."
                        ),
                    )
                )
        for limit, (failures, oldest), message in checks:
            if failures >= limit and oldest is not None:
                retry_after = max(1, int((oldest + window - now).total_seconds()) + 1)
                raise TooManyAttempts(
                    message,
                    params={"minutes": (retry_after + 59) // 60},
                    headers={"Retry-After": str(retry_after)},
                )

    # --- OpenID Connect ----------------------------------------------------------------

    def sign_in_oidc(
        self,
        session: Session,
        issuer: str,
        claims: dict[str, object],
        ip: str | None,
        device_of: Callable[[str], str | None] = lambda _username: None,
    ) -> User:
        """Match an identity to an existing account; never creates one. `device_of` gives
        the remembered device the client shows for the matched account, so that the
        success is recorded on that device as a password sign-in's would be."""
        subject = str(claims.get("sub") or "")
        email = claims.get("email")
        user = repository.user_by_oidc(session, issuer, subject) if subject else None
        if user is None and isinstance(email, str) and claims.get("email_verified") is True:
            candidate = repository.user_by_email(session, email)
            if candidate is not None and candidate.oidc_subject is None:
                candidate.oidc_issuer, candidate.oidc_subject = issuer, subject
                user = candidate
        label = (user.username if user else f"oidc:{subject}")[:64]
        repository.add_attempt(
            session,
            SignInAttempt(
                username=label,
                ip_address=ip,
                device_id=device_of(user.username) if user else None,
                succeeded=user is not None,
                attempted_at=utcnow(),
            ),
        )
        if user is None:
            raise InvalidCredentials(
                _("No LaborBridge account is linked to this identity; ask an administrator.")
            )
        if not user.is_active:
            raise AccountDisabled()
        user.last_sign_in_at = utcnow()
        return user

    # --- web sessions ----------------------------------------------------------------

    def start_web_session(
        self, session: Session, user: User, *, ip: str | None, user_agent: str | None
    ) -> tuple[str, WebSession]:
        """A fresh session id at every sign-in (no fixation)."""
        secret = tokens.new_secret(tokens.SESSION_PREFIX)
        now = utcnow()
        web_session = WebSession(
            token_hash=tokens.digest(secret),
            user_id=user.id,
            csrf_secret=tokens.new_secret(""),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=self.settings.session_absolute_hours),
            ip_address=ip,
            user_agent=(user_agent or "")[:255] or None,
        )
        repository.add(session, web_session)
        return secret, web_session

    def resolve_web_session(self, session: Session, secret: str | None) -> Principal | None:
        if not secret or not secret.startswith(tokens.SESSION_PREFIX):
            return None
        web_session = repository.session_by_hash(session, tokens.digest(secret))
        if web_session is None:
            return None
        now = utcnow()
        lapsed = session_lapsed(web_session, now, self.settings.session_idle_minutes)
        if lapsed is not None:
            if lapsed != "ended":
                self.end_web_session(web_session, lapsed)
            return None
        user = repository.user_by_id(session, web_session.user_id)
        if user is None or not user.is_active:
            self.end_web_session(web_session, "disabled")
            return None
        touch(web_session, now)
        return Principal(user=user, via="session", web_session=web_session)

    @staticmethod
    def end_web_session(web_session: WebSession, reason: str) -> None:
        if web_session.ended_at is None:
            web_session.ended_at = utcnow()
            web_session.end_reason = reason

    @staticmethod
    def csrf_token(web_session: WebSession) -> str:
        return web_session.csrf_secret

    def anonymous_csrf_token(self, presession: str) -> str:
        """CSRF token for forms shown before sign-in, bound to a pre-session cookie."""
        key = self.settings.secret_key.get_secret_value().encode()
        return hmac.new(key, b"csrf:" + presession.encode(), sha256).hexdigest()

    # --- API tokens ------------------------------------------------------------------

    def issue_access_token(self, session: Session, user: User) -> tuple[str, ApiToken]:
        minutes = self.settings.access_token_minutes
        return self._new_token(
            session, user, TokenKind.ACCESS, "password grant", timedelta(minutes=minutes)
        )

    def create_personal_token(
        self, session: Session, user: User, name: str, expires_in_days: int | None
    ) -> tuple[str, ApiToken]:
        limit = self.settings.personal_token_max_days
        days = expires_in_days or limit
        if not name.strip():
            raise ValidationFailed(
                errors=[FieldError("name", _("This field is required."), "missing")]
            )
        if not 1 <= days <= limit:
            raise ValidationFailed(
                errors=[
                    FieldError(
                        "expires_in_days",
                        _("Choose between 1 and {limit} days."),
                        "out_of_range",
                        {"limit": limit},
                    )
                ]
            )
        return self._new_token(
            session, user, TokenKind.PERSONAL, name.strip(), timedelta(days=days)
        )

    def _new_token(
        self, session: Session, user: User, kind: TokenKind, name: str, lifetime: timedelta
    ) -> tuple[str, ApiToken]:
        prefix = (
            tokens.ACCESS_TOKEN_PREFIX if kind is TokenKind.ACCESS else tokens.PERSONAL_TOKEN_PREFIX
        )
        secret = tokens.new_secret(prefix)
        now = utcnow()
        token = ApiToken(
            token_hash=tokens.digest(secret),
            user_id=user.id,
            kind=kind,
            name=name,
            prefix=secret[:10],
            created_at=now,
            expires_at=now + lifetime,
        )
        repository.add(session, token)
        return secret, token

    def resolve_bearer(self, session: Session, secret: str) -> Principal:
        if not secret.startswith((tokens.ACCESS_TOKEN_PREFIX, tokens.PERSONAL_TOKEN_PREFIX)):
            raise InvalidToken()
        token = repository.token_by_hash(session, tokens.digest(secret))
        now = utcnow()
        if token is None or token.revoked_at is not None:
            raise InvalidToken()
        if token.expires_at is not None and now >= token.expires_at:
            raise InvalidToken(_("The token has expired; request a new one."))
        user = repository.user_by_id(session, token.user_id)
        if user is None or not user.is_active:
            raise InvalidToken()
        if token.last_used_at is None or now - token.last_used_at > _LAST_SEEN_GRANULARITY:
            # Not through the object: its UPDATE would wait for a concurrent request's.
            repository.touch_resolved_token(session, token.id, now)
            set_committed_value(token, "last_used_at", now)
        return Principal(user=user, via="token", api_token=token)

    @staticmethod
    def personal_tokens(session: Session, user: User) -> list[ApiToken]:
        return list(repository.personal_tokens(session, user.id))

    @staticmethod
    def revoke_token(principal: Principal) -> None:
        """Revoke the token the caller authenticated with."""
        if principal.api_token is not None and principal.api_token.revoked_at is None:
            principal.api_token.revoked_at = utcnow()

    @staticmethod
    def revoke_personal_token(session: Session, user: User, token_id: uuid.UUID) -> ApiToken:
        token = repository.personal_token(session, user.id, token_id)
        if token is None:
            raise NotFound()
        if token.revoked_at is None:
            token.revoked_at = utcnow()
        return token

    # --- accounts ----------------------------------------------------------------------

    @staticmethod
    def disable_user(session: Session, user: User) -> tuple[int, int]:
        """Disable an account and end everything it had open."""
        now = utcnow()
        user.is_active = False
        user.disabled_at = now
        ended = repository.end_sessions_of_user(session, user.id, "disabled", now)
        revoked = repository.revoke_tokens_of_user(session, user.id, now)
        return ended, revoked

    # --- tenant ------------------------------------------------------------------------

    @staticmethod
    def load_memberships(session: Session, principal: Principal) -> None:
        principal.memberships = list(repository.memberships_of_user(session, principal.user.id))

    @staticmethod
    def access_for(
        session: Session, principal: Principal, membership: Membership, request_id: str | None
    ) -> AccessContext:
        return build_access_context(
            session,
            tenant_id=membership.tenant_id,
            role=membership.role,
            can_reveal_pii=membership.can_reveal_pii,
            user_id=principal.user.id,
            actor_label=principal.user.username,
            request_id=request_id,
        )
