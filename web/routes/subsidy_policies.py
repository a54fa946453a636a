"""The policy editor: the paying bureau's subsidy policies and their versions."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import DbSession
from api.errors import AppError
from api.i18n import gettext
from api.labels import options
from api.paging import Pager, Sorting, sorting
from api.sort_keys import PolicySort
from api.subsidies import policies
from api.subsidies import reads as subsidy_reads
from api.subsidies.schemas import PolicyCreate, PolicyUpdate
from shared_models import SubsidyPolicy
from shared_models.enums import PlacementChannel, PolicyKind, PovertyStatus
from web.deps import PostedForm, TenantForm, TenantPage, WebPage
from web.flash import flash
from web.forms import checkbox, clean, errors_by_field, general_message, rerender_on_error, validate
from web.paging import list_view
from web.rendering import render

router = APIRouter(prefix="/subsidies/policies", include_in_schema=False)
TEXT = [
    "year",
    "name",
    "kind",
    "amount",
    "months",
    "cap",
    "household_region",
    "transfer_from",
    "transfer_until",
    "max_gap_days",
    "max_leave_days",
    "note",
]
CHOICES = {
    "kind": options(PolicyKind),
    "poverty_statuses": options(PovertyStatus),
    "channels": options(PlacementChannel),
}


def _data(form: Any, *, editing: bool) -> dict[str, Any]:
    data = clean(form, TEXT + (["version", "effective_from"] if editing else []))
    data["poverty_statuses"] = form.getlist("poverty_statuses")
    data["channels"] = form.getlist("channels")
    data["destination_regions"] = [
        p
        for p in str(form.get("destination_regions") or "")
        .replace("，", ",")
        .replace(";", ",")
        .split(",")
        if p.strip()
    ]
    data["requires_verification"] = checkbox(form, "requires_verification")
    if editing:
        for name in ("cap", "household_region", "transfer_from", "transfer_until", "note"):
            data.setdefault(name, None)
    return data


def _values(policy: SubsidyPolicy | None, data: dict[str, Any] | None) -> dict[str, Any]:
    values: dict[str, Any]
    if data is not None:
        values = dict(data)
    elif policy is not None:
        values = {name: getattr(policy, name) for name in policies.RULE_FIELDS}
        values["version"] = policy.version
    else:
        values = {"max_gap_days": 30, "max_leave_days": 45, "months": 0}
    values["destination_regions"] = ",".join(values.get("destination_regions") or [])
    return values


def _form(
    request: Request,
    page: WebPage,
    policy: SubsidyPolicy | None,
    data: dict[str, Any] | None,
    error: AppError | None = None,
) -> Response:
    return render(
        request,
        "subsidies/policy_form.html",
        {
            "policy": policy,
            "values": _values(policy, data),
            "errors": errors_by_field(error),
            "message": general_message(error),
            "choices": CHOICES,
        },
        status_code=error.status if error else 200,
    )


@router.get("")
def list_page(
    request: Request,
    page: TenantPage,
    session: DbSession,
    pager: Pager,
    sort: Annotated[Sorting[PolicySort], Depends(sorting(PolicySort))],
) -> Response:
    rows, total = subsidy_reads.policies_page(
        session,
        page.ctx,
        offset=pager.offset,
        limit=pager.limit,
        sort=sort.key,
        descending=sort.descending,
    )
    return render(
        request,
        "subsidies/policies.html",
        {"rows": rows, "view": list_view(request, pager, total, sort)},
    )


@router.get("/new")
def new_form(request: Request, page: TenantPage) -> Response:
    policies.require_payer(page.ctx)
    return _form(request, page, None, None)


@router.post("/new")
def create(request: Request, page: TenantForm, session: DbSession, form: PostedForm) -> Response:
    data = _data(form, editing=False)
    with rerender_on_error(lambda e: _form(request, page, None, data, e), (403, 409, 422)):
        body = validate(PolicyCreate, data)
        created = policies.create(session, page.ctx, policies.PolicyRecord(**body.model_dump()))
    flash(page, gettext("Policy {name} added.", name=created.name))
    return RedirectResponse("/subsidies/policies", status_code=303)


@router.get("/{policy_id}/edit")
def edit_form(
    policy_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession
) -> Response:
    policy = policies.get(session, page.ctx, policy_id)
    policies.require_payer(page.ctx)
    return _form(request, page, policy, None)


@router.post("/{policy_id}/edit")
def edit(
    policy_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    data = _data(form, editing=True)
    policy = policies.get(session, page.ctx, policy_id)
    with rerender_on_error(lambda e: _form(request, page, policy, data, e), (403, 409, 422)):
        body = validate(PolicyUpdate, data)
        changes = body.model_dump(exclude_unset=True, exclude={"version", "effective_from"})
        saved = policies.update(
            session,
            page.ctx,
            policy_id,
            changes,
            version=body.version,
            effective_from=body.effective_from,
        )
    flash(page, gettext("Policy {name} saved.", name=saved.name))
    return RedirectResponse("/subsidies/policies", status_code=303)
