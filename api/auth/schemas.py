"""Request and response bodies of the auth API."""

import uuid
from datetime import datetime

from pydantic import Field

from api.schemas import Input, Schema
from shared_models.enums import OrgKind, Role


class TokenResponse(Schema):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type
    expires_in: int


class PersonalTokenCreate(Input):
    name: str = Field(min_length=1, max_length=80)
    expires_in_days: int | None = Field(default=None, ge=1)


class PersonalTokenOut(Schema):
    id: uuid.UUID
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class PersonalTokenCreated(PersonalTokenOut):
    token: str = Field(description="Shown once; only its hash is stored.")


class UserOut(Schema):
    id: uuid.UUID
    username: str
    display_name: str
    email: str | None


class MembershipOut(Schema):
    tenant_id: uuid.UUID
    tenant_name: str
    tenant_kind: OrgKind
    role: Role
    can_reveal_pii: bool


class TenantOut(Schema):
    id: uuid.UUID
    name: str
    kind: OrgKind


class MeOut(Schema):
    user: UserOut
    tenant: TenantOut | None
    role: Role | None
    permissions: list[str]
    memberships: list[MembershipOut]


class MemberOut(Schema):
    id: uuid.UUID
    user_id: uuid.UUID
    username: str
    display_name: str
    role: Role
    can_reveal_pii: bool
    is_active: bool
    created_at: datetime


class MemberUpdate(Input):
    role: Role | None = None
    can_reveal_pii: bool | None = None
    is_active: bool | None = None
