"""JSON API: tokens, the caller (`/me`) and the members of the caller's tenant."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestFormStrict

from api.auth import accounts
from api.auth.schemas import (
    MemberOut,
    MembershipOut,
    MemberUpdate,
    MeOut,
    PersonalTokenCreate,
    PersonalTokenCreated,
    PersonalTokenOut,
    TenantOut,
    TokenResponse,
    UserOut,
)
from api.deps import Access, ApiPrincipal, Auth, DbSession, client_ip, requested_tenant
from api.errors import InvalidCredentials
from api.routing import JsonRoute, problems
from shared_models import Membership

router = APIRouter(prefix="/api/v1", route_class=JsonRoute, tags=["auth"])

PasswordForm = Annotated[OAuth2PasswordRequestFormStrict, Depends()]


@router.post("/auth/token", response_model=TokenResponse, responses=problems(401, 403, 429))
def issue_token(
    form: PasswordForm, request: Request, response: Response, session: DbSession, auth: Auth
) -> TokenResponse:
    """OAuth2 password grant: a short-lived bearer token for the API.

    A client that keeps cookies gets the remembered-device cookie too; one that does not
    is an untrusted client for sign-in throttling (docs/security.md)."""
    device = auth.devices.presented(request, form.username)
    try:
        user = auth.sign_in(session, form.username, form.password, client_ip(request), device)
    except InvalidCredentials as exc:
        exc.extra["error"] = "invalid_grant"  # what OAuth2 clients look for
        raise
    auth.devices.remember(response, user.username)
    secret, token = auth.issue_access_token(session, user)
    expires_in = (
        int((token.expires_at - token.created_at).total_seconds()) if token.expires_at else 0
    )
    return TokenResponse(access_token=secret, expires_in=expires_in)


@router.post("/auth/revoke", status_code=status.HTTP_204_NO_CONTENT)
def revoke_current_token(principal: ApiPrincipal, auth: Auth) -> Response:
    """Sign out of the API: the token used for this call stops working."""
    auth.revoke_token(principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/auth/tokens", response_model=list[PersonalTokenOut])
def list_personal_tokens(
    principal: ApiPrincipal, session: DbSession, auth: Auth
) -> list[PersonalTokenOut]:
    tokens = auth.personal_tokens(session, principal.user)
    return [PersonalTokenOut.model_validate(t) for t in tokens]


@router.post(
    "/auth/tokens", response_model=PersonalTokenCreated, status_code=status.HTTP_201_CREATED
)
def create_personal_token(
    body: PersonalTokenCreate, principal: ApiPrincipal, session: DbSession, auth: Auth
) -> PersonalTokenCreated:
    secret, token = auth.create_personal_token(
        session, principal.user, body.name, body.expires_in_days
    )
    return PersonalTokenCreated.model_validate(
        {**PersonalTokenOut.model_validate(token).model_dump(), "token": secret}
    )


@router.delete("/auth/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_personal_token(
    token_id: uuid.UUID, principal: ApiPrincipal, session: DbSession, auth: Auth
) -> Response:
    auth.revoke_personal_token(session, principal.user, token_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=MeOut)
def me(request: Request, principal: ApiPrincipal, session: DbSession, auth: Auth) -> MeOut:
    """Who is calling, in which tenant (X-Tenant-ID or the default), and where else."""
    memberships = [_membership_out(m) for m in principal.memberships]
    tenant = role = None
    permissions: list[str] = []
    if principal.memberships:
        membership = principal.membership_for(requested_tenant(request))
        access = auth.access_for(session, principal, membership, None)
        tenant = TenantOut(id=access.tenant_id, name=access.tenant_name, kind=access.tenant_kind)
        role = access.role
        permissions = sorted(p.value for p in access.permissions)
    return MeOut(
        user=UserOut.model_validate(principal.user),
        tenant=tenant,
        role=role,
        permissions=permissions,
        memberships=memberships,
    )


def _membership_out(m: Membership) -> MembershipOut:
    return MembershipOut(
        tenant_id=m.tenant_id,
        tenant_name=m.tenant.name,
        tenant_kind=m.tenant.kind,
        role=m.role,
        can_reveal_pii=m.can_reveal_pii,
    )


def _member_out(m: Membership) -> MemberOut:
    return MemberOut(
        id=m.id,
        user_id=m.user_id,
        username=m.user.username,
        display_name=m.user.display_name,
        role=m.role,
        can_reveal_pii=m.can_reveal_pii,
        is_active=m.is_active,
        created_at=m.created_at,
    )


@router.get("/members", response_model=list[MemberOut], tags=["members"])
def list_members(access: Access, session: DbSession) -> list[MemberOut]:
    """Members of the caller's tenant (administrators)."""
    return [_member_out(m) for m in accounts.list_members(session, access)]


@router.get("/members/{membership_id}", response_model=MemberOut, tags=["members"])
def get_member(membership_id: uuid.UUID, access: Access, session: DbSession) -> MemberOut:
    return _member_out(accounts.get_member(session, access, membership_id))


@router.patch("/members/{membership_id}", response_model=MemberOut, tags=["members"])
def update_member(
    membership_id: uuid.UUID, body: MemberUpdate, access: Access, session: DbSession
) -> MemberOut:
    """Change a member's role, `pii.reveal` right or active flag (audited)."""
    membership = accounts.update_member(
        session, access, membership_id, **body.model_dump(exclude_unset=True)
    )
    return _member_out(membership)
