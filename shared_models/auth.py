"""Accounts, tenant memberships, web sessions, API tokens and sign-in attempts.

Users are platform-wide (one person may work for several tenants); what they may do
in a tenant comes from their membership there.
"""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared_models.base import Base, Timestamps, UuidPrimaryKey, str_enum, utcnow
from shared_models.enums import Role, TokenKind
from shared_models.tenancy import Organization


class User(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject"),)

    # Stored lower-cased; sign-in is case-insensitive.
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    disabled_at: Mapped[datetime | None]
    oidc_issuer: Mapped[str | None] = mapped_column(String(255))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    last_sign_in_at: Mapped[datetime | None]

    memberships: Mapped[list["Membership"]] = relationship(back_populates="user")


class Membership(UuidPrimaryKey, Timestamps, Base):
    """A user's role in one tenant, plus the separately granted `pii.reveal` right."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id"),
        CheckConstraint("role IN ('admin', 'staff', 'viewer')", name="role"),
        Index("ix_memberships_user_id", "user_id"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    role: Mapped[Role] = mapped_column(str_enum(Role, 16))
    can_reveal_pii: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)

    user: Mapped[User] = relationship(back_populates="memberships")
    tenant: Mapped[Organization] = relationship()


class WebSession(UuidPrimaryKey, Base):
    """Server-side web session; the cookie holds a random secret whose hash is stored."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_user_id", "user_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    # The tenant the user is working in now (a preference, not tenant-owned data).
    selected_tenant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id"))
    csrf_secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(32))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    # What the last action did, shown once on the next full page (web/flash.py).
    flash: Mapped[str | None] = mapped_column(String(500))


class ApiToken(UuidPrimaryKey, Base):
    """Bearer token for the JSON API; only a SHA-256 of the secret is kept."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("kind IN ('access', 'personal')", name="kind"),
        Index("ix_api_tokens_user_id", "user_id"),
    )

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[TokenKind] = mapped_column(str_enum(TokenKind, 16))
    name: Mapped[str] = mapped_column(String(80))
    # First characters of the secret, so a person can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class SignInAttempt(Base):
    """Every sign-in attempt, for throttling and for the security record."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_username_at", "username", "attempted_at"),
        Index("ix_sign_in_attempts_ip_at", "ip_address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    # The remembered device (api/auth/devices.py) the attempt came with; None: an
    # untrusted client. Throttling counts each device apart from untrusted clients.
    device_id: Mapped[str | None] = mapped_column(String(32))
    succeeded: Mapped[bool]
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
