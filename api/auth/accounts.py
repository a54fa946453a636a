"""User accounts and tenant memberships: operator provisioning and tenant admins."""

import re
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.auth import repository
from api.auth.service import AuthService
from api.db import apply_user_scope, use_operator_access
from api.errors import Conflict, FieldError, NotFound, ValidationFailed
from api.i18n import _
from api.security.passwords import Passwords, password_problems
from api.tenancy.service import resolve_organization
from shared_models import Membership, User
from shared_models.enums import Permission, Role

USERNAME = re.compile(r"[a-z][a-z0-9._-]{2,63}")
MEMBER_AUDIT_FIELDS = ("role", "can_reveal_pii", "is_active")


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationFailed(
            errors=[FieldError("role", _("Role must be admin, staff or viewer."), "invalid_choice")]
        ) from None


def _member_after(membership: Membership, username: str) -> dict[str, object]:
    return {"username": username, **audit.snapshot(membership, MEMBER_AUDIT_FIELDS)}


def create_user(
    session: Session,
    passwords: Passwords,
    *,
    org_ref: str,
    username: str,
    role: str,
    password: str,
    display_name: str | None = None,
    email: str | None = None,
    can_reveal_pii: bool = False,
    password_hash: str | None = None,
) -> tuple[User, Membership]:
    """Operator: a new account with its first membership. `password_hash`, when given,
    must be the hash of `password` (the demo loader hashes its one password once)."""
    org = resolve_organization(session, org_ref)
    role_kind = _role(role)
    name = username.strip().lower()
    errors = []
    if not USERNAME.fullmatch(name):
        errors.append(
            FieldError(
                "username",
                _("A username is 3–64 characters: a letter, then letters, digits, . _ or -."),
                "format",
            )
        )
    elif repository.user_by_username(session, name):
        raise Conflict(_("The username {username} is taken."), params={"username": name})
    errors += [FieldError("password", p, "weak") for p in password_problems(password)]
    if email and repository.user_by_email(session, email):
        errors.append(FieldError("email", _("Another account uses this e-mail."), "duplicate"))
    if errors:
        raise ValidationFailed(errors=errors)
    user = User(
        id=uuid.uuid4(),
        username=name,
        display_name=(display_name or name).strip()[:80],
        email=email.strip() if email else None,
        password_hash=password_hash or passwords.hash(password),
    )
    repository.add(session, user)
    membership = _add_membership(session, org.id, user, role_kind, can_reveal_pii)
    return user, membership


def add_membership(
    session: Session, *, username: str, org_ref: str, role: str, can_reveal_pii: bool = False
) -> Membership:
    """Operator: let an existing user work in one more tenant."""
    org = resolve_organization(session, org_ref)
    role_kind = _role(role)
    user = repository.user_by_username(session, username)
    if user is None:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "username",
                    _("No user is called {username}."),
                    "unknown",
                    {"username": username},
                )
            ]
        )
    access = use_operator_access(session, org.id, read=[DataKind.MEMBERSHIP])
    if repository.member_of(session, access, user.id):
        raise Conflict(
            _("{username} is already a member of {org}."),
            params={"username": user.username, "org": org.name},
        )
    return _add_membership(session, org.id, user, role_kind, can_reveal_pii)


def _add_membership(
    session: Session, tenant_id: uuid.UUID, user: User, role: Role, can_reveal_pii: bool
) -> Membership:
    access = use_operator_access(
        session, tenant_id, read=[DataKind.MEMBERSHIP], write=[DataKind.MEMBERSHIP]
    )
    membership = Membership(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        user_id=user.id,
        role=role,
        can_reveal_pii=can_reveal_pii,
    )
    repository.add(session, membership)
    audit.record(
        session,
        access,
        action="membership.create",
        entity_type="membership",
        entity_id=membership.id,
        after=_member_after(membership, user.username),
    )
    return membership


def disable_user(session: Session, auth: AuthService, username: str) -> tuple[User, int, int]:
    """Operator: disable an account everywhere; its sessions and tokens end now."""
    user = repository.user_by_username(session, username)
    if user is None:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "username",
                    _("No user is called {username}."),
                    "unknown",
                    {"username": username},
                )
            ]
        )
    ended, revoked = auth.disable_user(session, user)
    apply_user_scope(session, user.id)
    for membership in repository.memberships_of_user_any(session, user.id):
        access = use_operator_access(session, membership.tenant_id)
        audit.record(
            session,
            access,
            action="user.disable",
            entity_type="user",
            entity_id=user.id,
            before={"is_active": True},
            after={"is_active": False, "username": user.username},
        )
    return user, ended, revoked


# --- tenant admins ------------------------------------------------------------------


def list_members(session: Session, access: AccessContext) -> list[Membership]:
    access.require(Permission.MANAGE_MEMBERS)
    return list(repository.members(session, access))


def members_page(
    session: Session, access: AccessContext, **page: Any
) -> tuple[Sequence[Membership], int]:
    """A page of the members list and its true total (`offset`, `limit`, `sort`,
    `descending`)."""
    access.require(Permission.MANAGE_MEMBERS)
    return repository.members_page(session, access, **page)


def get_member(session: Session, access: AccessContext, membership_id: uuid.UUID) -> Membership:
    membership = repository.member(session, access, membership_id)
    if membership is None:
        raise NotFound()
    access.require(Permission.MANAGE_MEMBERS)
    return membership


def update_member(
    session: Session,
    access: AccessContext,
    membership_id: uuid.UUID,
    *,
    role: str | None = None,
    can_reveal_pii: bool | None = None,
    is_active: bool | None = None,
) -> Membership:
    membership = get_member(session, access, membership_id)
    before = audit.snapshot(membership, MEMBER_AUDIT_FIELDS)
    after = dict(before)
    if role is not None:
        after["role"] = _role(role).value
    if can_reveal_pii is not None:
        after["can_reveal_pii"] = can_reveal_pii
    if is_active is not None:
        after["is_active"] = is_active
    if after == before:
        return membership
    # Checked before anything changes, so a refusal leaves the record as it was.
    if (
        before["role"] == Role.ADMIN
        and before["is_active"]
        and (after["role"] != Role.ADMIN or not after["is_active"])
        and repository.active_admin_count(session, access) <= 1
    ):
        raise Conflict(_("A tenant keeps at least one active administrator."))
    membership.role = Role(after["role"])
    membership.can_reveal_pii = bool(after["can_reveal_pii"])
    membership.is_active = bool(after["is_active"])
    session.flush()
    changed_before, changed_after = audit.changed_only(before, after)
    audit.record(
        session,
        access,
        action="membership.update",
        entity_type="membership",
        entity_id=membership.id,
        before=changed_before,
        after={"username": membership.user.username, **changed_after},
    )
    return membership
