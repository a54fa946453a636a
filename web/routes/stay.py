"""A laborer's stay in post and subsidies, on one page: placements with their verified
months and holiday leave, each policy's milestones, and the forms that change them."""

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from api import clock
from api.access import DataKind
from api.deps import Cipher, DbSession
from api.errors import AppError, FieldError, NotFound, ValidationFailed
from api.i18n import _, gettext
from api.labels import options
from api.placements import holiday_leave, verification
from api.placements import reads as placement_reads
from api.placements import service as placements
from api.placements.schemas import (
    LeaveIn,
    PlacementCreate,
    PlacementUpdate,
    ReturnIn,
    VerificationIn,
)
from api.subsidies import claims, service
from api.subsidies import reads as subsidy_reads
from api.subsidies.schemas import PayeeAccountIn
from api.supply import service as supply
from shared_models.enums import (
    EvidenceSource,
    OrgKind,
    Permission,
    PlacementChannel,
    SeparationReason,
)
from web.deps import PostedForm, TenantForm, TenantPage, WebPage
from web.flash import flash
from web.forms import clean, errors_by_field, general_message, rerender_on_error, validate
from web.rendering import render

router = APIRouter(include_in_schema=False)
CHOICES = {
    "channel": options(PlacementChannel),
    "separation_reason": options(SeparationReason),
    "source": options(EvidenceSource),
}


def _page(
    request: Request,
    page: WebPage,
    session: DbSession,
    laborer_id: uuid.UUID,
    *,
    form: str | None = None,
    error: AppError | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    access = page.ctx
    view = supply.get(session, access, laborer_id)
    spells = placement_reads.of_laborer(session, access, laborer_id)
    county = access.can_write(DataKind.PLACEMENT, view.laborer.tenant_id) and access.can_write(
        DataKind.LABORER, view.laborer.tenant_id
    )
    payer = (
        access.can_write(DataKind.SUBSIDY, view.laborer.tenant_id)
        and access.tenant_kind is not OrgKind.LIAISON
    )
    entitled = (
        service.for_laborer(session, access, laborer_id)
        if access.can_read(DataKind.SUBSIDY, view.laborer.tenant_id)
        else []
    )
    return render(
        request,
        "stay/laborer.html",
        {
            "view": view,
            "lab": view.laborer,
            "spells": spells,
            "open_spell": next((p for p in spells if p.ended_on is None), None),
            "entitled": entitled,
            "reasons": service.REASONS,
            "account": subsidy_reads.payee_account(session, access, view.laborer),
            "can_record": county and access.can(Permission.WRITE),
            "can_claim": payer and access.can(Permission.WRITE),
            "choices": CHOICES,
            "today": clock.today(),
            "tab": "stay",
            "form": form,
            "errors": errors_by_field(error),
            "message": general_message(error),
            "values": values or {},
        },
        status_code=error.status if error else 200,
    )


@router.get("/laborers/{laborer_id}/stay")
def stay_page(
    laborer_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession
) -> Response:
    return _page(request, page, session, laborer_id)


def _act(
    request: Request,
    page: WebPage,
    session: DbSession,
    laborer_id: uuid.UUID,
    form_name: str,
    action: Callable[[dict[str, Any]], str],
    form: FormData,
) -> Response:
    """Run a form's action; on a 4xx show the page again with the errors by the form.
    The action returns its message, shown on the page it leads back to."""
    data = {k: v for k, v in form.items() if k != "csrf_token"}
    with rerender_on_error(
        lambda e: _page(request, page, session, laborer_id, form=form_name, error=e, values=data)
    ):
        flash(page, action(data))
    return RedirectResponse(f"/laborers/{laborer_id}/stay#{form_name}", status_code=303)


@router.post("/laborers/{laborer_id}/stay/placements")
def add_placement(
    laborer_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    def action(data: dict[str, Any]) -> str:
        body = validate(
            PlacementCreate,
            {
                "laborer_id": str(laborer_id),
                **clean(data, ["employer_name", "region_code", "channel", "started_on", "note"]),
            },
        )
        placements.create(session, page.ctx, placements.PlacementInput(**body.model_dump()))
        return gettext("Placement at {employer} recorded.", employer=body.employer_name)

    return _act(request, page, session, laborer_id, "placements", action, form)


@router.post("/laborers/{laborer_id}/stay/placements/{placement_id}/end")
def end_placement(
    laborer_id: uuid.UUID,
    placement_id: uuid.UUID,
    request: Request,
    page: TenantForm,
    session: DbSession,
    form: PostedForm,
) -> Response:
    def action(data: dict[str, Any]) -> str:
        values = clean(data, ["ended_on", "separation_reason", "version"])
        if "ended_on" not in values:
            raise ValidationFailed(
                errors=[FieldError("ended_on", _("This field is required."), "missing")]
            )
        body = validate(PlacementUpdate, values)
        changes = body.model_dump(exclude_unset=True, exclude={"version"})
        placements.update(session, page.ctx, placement_id, changes, version=body.version)
        return gettext("Placement ended on {day}.", day=str(body.ended_on))

    return _act(request, page, session, laborer_id, "placements", action, form)


@router.post("/laborers/{laborer_id}/stay/placements/{placement_id}/verify")
def verify_month(
    laborer_id: uuid.UUID,
    placement_id: uuid.UUID,
    request: Request,
    page: TenantForm,
    session: DbSession,
    form: PostedForm,
) -> Response:
    def action(data: dict[str, Any]) -> str:
        values = clean(data, ["month", "source", "note"])
        values["in_post"] = data.get("in_post") != "no"
        body = validate(VerificationIn, values)
        verification.verify(
            session,
            page.ctx,
            placement_id,
            month=body.month,
            in_post=body.in_post,
            source=body.source,
            note=body.note,
        )
        month = f"{body.month:%Y-%m}"
        if body.in_post:
            return gettext("{month} recorded as in post.", month=month)
        return gettext("{month} recorded as not in post.", month=month)

    return _act(request, page, session, laborer_id, "verify", action, form)


@router.post("/laborers/{laborer_id}/stay/placements/{placement_id}/leave")
def start_leave(
    laborer_id: uuid.UUID,
    placement_id: uuid.UUID,
    request: Request,
    page: TenantForm,
    session: DbSession,
    form: PostedForm,
) -> Response:
    def action(data: dict[str, Any]) -> str:
        body = validate(LeaveIn, clean(data, ["left_on", "expected_return_on", "trip", "note"]))
        holiday_leave.start_leave(session, page.ctx, placement_id, **body.model_dump())
        return gettext("Holiday leave from {day} recorded.", day=body.left_on.isoformat())

    return _act(request, page, session, laborer_id, "leave", action, form)


@router.post("/laborers/{laborer_id}/stay/leaves/{leave_id}/return")
def record_return(
    laborer_id: uuid.UUID,
    leave_id: uuid.UUID,
    request: Request,
    page: TenantForm,
    session: DbSession,
    form: PostedForm,
) -> Response:
    def action(data: dict[str, Any]) -> str:
        body = validate(ReturnIn, clean(data, ["returned_on", "version", "trip"]))
        holiday_leave.record_return(
            session,
            page.ctx,
            leave_id,
            returned_on=body.returned_on,
            version=body.version,
            trip=body.trip,
        )
        return gettext("Return on {day} recorded.", day=body.returned_on.isoformat())

    return _act(request, page, session, laborer_id, "leave", action, form)


@router.post("/laborers/{laborer_id}/stay/claims")
def raise_claim(
    laborer_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    def action(data: dict[str, Any]) -> str:
        try:
            family = uuid.UUID(str(data.get("family_id")))
        except ValueError:
            raise NotFound() from None  # no such subsidy: a 404, not a 500
        raised = claims.raise_claims(session, page.ctx, laborer_id=laborer_id, family_id=family)
        return gettext("Claims raised: {n}.", n=len(raised))

    return _act(request, page, session, laborer_id, "entitlements", action, form)


@router.post("/laborers/{laborer_id}/stay/account")
def set_account(
    laborer_id: uuid.UUID,
    request: Request,
    page: TenantForm,
    session: DbSession,
    cipher: Cipher,
    form: PostedForm,
) -> Response:
    def action(data: dict[str, Any]) -> str:
        body = validate(PayeeAccountIn, clean(data, ["bank_name", "account_number"]))
        service.set_payee_account(
            session,
            page.ctx,
            cipher,
            laborer_id,
            bank_name=body.bank_name,
            account_number=body.account_number,
        )
        return gettext("Payee account saved.")

    return _act(request, page, session, laborer_id, "account", action, form)
