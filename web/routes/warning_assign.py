"""Assigning an early-warning flag to a colleague, chosen by display name in a picker."""

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import Cipher, DbSession
from api.errors import AppError, BadRequest
from api.i18n import _, gettext
from api.pickers.service import Kind
from api.security.pii import PiiCipher
from api.supply import service as supply
from api.warnings import service
from web.deps import PostedForm, TenantForm, TenantPage, WebPage
from web.flash import flash
from web.forms import form_context, rerender_on_error
from web.pickers import is_picking, picker, values_of
from web.rendering import render

router = APIRouter(include_in_schema=False)


def _form(
    request: Request,
    page: WebPage,
    session: DbSession,
    cipher: PiiCipher,
    warning_id: uuid.UUID,
    form: Any,
    error: AppError | None = None,
) -> Response:
    flag = service.get(session, page.ctx, warning_id)
    if not values_of(form, "user_id") and flag.assignee_id and "user_id__q" not in form:
        form = {**dict(form.items()), "user_id": str(flag.assignee_id)}  # who has it now
    return render(
        request,
        "warnings/assign.html",
        {
            "flag": flag,
            "name": supply.get(session, page.ctx, flag.laborer_id).laborer.name,
            "assignee": picker(session, page.ctx, cipher, Kind.COLLEAGUE, "user_id", form),
            **form_context(error),
        },
        status_code=error.status if error else 200,
    )


@router.get("/warnings/{warning_id}/assign")
def assign_form(
    warning_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession, cipher: Cipher
) -> Response:
    return _form(request, page, session, cipher, warning_id, request.query_params)


@router.post("/warnings/{warning_id}/assign")
def assign(
    warning_id: uuid.UUID,
    request: Request,
    page: TenantForm,
    session: DbSession,
    cipher: Cipher,
    form: PostedForm,
) -> Response:
    if is_picking(form):
        return _form(request, page, session, cipher, warning_id, form)
    try:
        version = int(str(form.get("version") or ""))
        chosen = [uuid.UUID(v) for v in values_of(form, "user_id") if v]
    except ValueError:
        raise BadRequest(_("The form was damaged; reload the page.")) from None
    with rerender_on_error(lambda e: _form(request, page, session, cipher, warning_id, form, e)):
        flag = service.assign(
            session, page.ctx, warning_id, version=version, user_id=chosen[0] if chosen else None
        )
    if flag.assignee_label:
        flash(page, gettext("Assigned to {name}.", name=flag.assignee_label))
    else:
        flash(page, gettext("Nobody is assigned now."))
    return RedirectResponse(f"/warnings/queue#warning-{warning_id}", status_code=303)
