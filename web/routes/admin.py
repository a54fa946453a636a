"""Tenant administration: members and the audit log."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.audit import service as audit
from api.auth import accounts
from api.deps import DbSession
from api.i18n import gettext
from api.paging import Pager, Paging, Sorting, sorting
from api.sort_keys import MemberSort
from shared_models.enums import Permission, Role
from web import audit_view
from web.deps import TenantForm, TenantPage, WebPage, safe_next
from web.flash import flash
from web.forms import rerender_on_error
from web.paging import list_view
from web.rendering import render

router = APIRouter(prefix="/admin", include_in_schema=False)
MEMBERS = "/admin/members"


def _members_page(
    request: Request,
    page: WebPage,
    session: DbSession,
    *,
    pager: Paging = Paging(),
    sort: Sorting[MemberSort] = Sorting(),
    status_code: int = 200,
    **extra: object,
) -> Response:
    members, total = accounts.members_page(
        session,
        page.ctx,
        offset=pager.offset,
        limit=pager.limit,
        sort=sort.key,
        descending=sort.descending,
    )
    return render(
        request,
        "admin/members.html",
        {
            "members": members,
            "view": list_view(request, pager, total, sort, path=MEMBERS, params={}),
            "roles": list(Role),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/members")
def members_page(
    request: Request,
    page: TenantPage,
    session: DbSession,
    pager: Pager,
    sort: Annotated[Sorting[MemberSort], Depends(sorting(MemberSort))],
) -> Response:
    return _members_page(request, page, session, pager=pager, sort=sort)


@router.post("/members/{membership_id}")
def update_member(
    membership_id: uuid.UUID,
    request: Request,
    page: TenantForm,
    session: DbSession,
    role: Annotated[Role, Form()],
    can_reveal_pii: Annotated[bool, Form()] = False,
    is_active: Annotated[bool, Form()] = False,
    back: Annotated[str, Form()] = "",
) -> Response:
    # The row comes back as it was typed; the others as they are stored.
    typed = {
        "id": membership_id,
        "role": role,
        "can_reveal_pii": can_reveal_pii,
        "is_active": is_active,
    }
    with rerender_on_error(
        lambda e: _members_page(request, page, session, error=e, typed=typed, status_code=e.status),
        (400, 403, 409, 422),
    ):
        member = accounts.update_member(
            session,
            page.ctx,
            membership_id,
            role=role,
            can_reveal_pii=can_reveal_pii,
            is_active=is_active,
        )
    flash(page, gettext("Member {username} updated.", username=member.user.username))
    # Back to the page, size and sort the row was saved from.
    target = safe_next(back)
    return RedirectResponse(target if target.startswith(MEMBERS) else MEMBERS, status_code=303)


@router.get("/audit")
def audit_page(
    request: Request,
    page: TenantPage,
    session: DbSession,
    pager: Pager,
    entity_type: str | None = None,
) -> Response:
    page.ctx.require(Permission.READ_AUDIT)
    kind = entity_type if entity_type in audit_view.ENTITIES else None
    entries = audit.page(
        session, page.ctx, limit=pager.limit, offset=pager.offset, entity_type=kind
    )
    total = audit.count(session, page.ctx, entity_type=kind)
    return render(
        request,
        "admin/audit.html",
        {
            "entries": entries,
            "view": list_view(request, pager, total),
            "entity_type": kind,
            "kinds": sorted(
                ((k, audit_view.entity_label(k)) for k in audit_view.ENTITIES), key=lambda o: o[1]
            ),
            # Labelled values, not JSON: field label, old → new, codes by their labels.
            "changes": {
                e.seq: audit_view.changes(e.entity_type, e.before, e.after) for e in entries
            },
            "action_label": audit_view.action_label,
            "entity_label": audit_view.entity_label,
        },
    )
