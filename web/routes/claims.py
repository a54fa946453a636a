"""The claims queue per step, and payment batches."""

import io
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from api import clock
from api.access import DataKind
from api.deps import Cipher, DbSession
from api.errors import AppError, BadRequest, FieldError, ValidationFailed
from api.i18n import _, gettext
from api.labels import options
from api.paging import Pager100, Sorting, sorting
from api.sort_keys import ClaimSort
from api.subsidies import claims, payments, service, standing
from api.subsidies import reads as subsidy_reads
from api.supply import reads as laborer_reads
from shared_models.enums import ClaimStatus, OrgKind, Permission
from web.deps import PostedForm, TenantForm, TenantPage, WebPage
from web.flash import flash
from web.forms import form_context, rerender_on_error
from web.paging import list_view
from web.rendering import number_filter, render

router = APIRouter(include_in_schema=False)
STEP_DONE = {
    "verify": _("Claim verified."),
    "approve": _("Claim approved."),
    "reject": _("Claim sent back."),
}
ANY = "any"  # the status filter's "—"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/claims")
def queue(
    request: Request,
    page: TenantPage,
    session: DbSession,
    pager: Pager100,
    sort: Annotated[Sorting[ClaimSort], Depends(sorting(ClaimSort))],
    status: ClaimStatus | Literal["any"] = ClaimStatus.RAISED,
) -> Response:
    """The claims at one step, the first step's queue when none is named; "any" (the
    filter's "—") is every claim whatever its step. An empty value cannot say "any":
    the pages drop empty parameters, and the plain address keeps the queue."""
    access = page.ctx
    step = None if status == ANY else ClaimStatus(status)
    rows, total, counts = subsidy_reads.claims(
        session,
        access,
        status=step,
        offset=pager.offset,
        limit=pager.limit,
        sort=sort.key,
        descending=sort.descending,
    )
    names = laborer_reads.names(session, access, [c.laborer_id for c in rows])
    payer = access.tenant_kind is not OrgKind.LIAISON and bool(access.write_ids(DataKind.SUBSIDY))
    return render(
        request,
        "claims/queue.html",
        {
            "rows": rows,
            "names": names,
            # Paid beyond earned / claimed beyond earned after a correction: flagged.
            "standing": standing.of_pairs(
                session, access, {(c.family_id, c.laborer_id) for c in rows}, clock.today()
            ),
            "total": total,
            "view": list_view(request, pager, total, sort),
            "counts": counts,
            "status": step,
            "any_status": step is None,
            "statuses": list(ClaimStatus),
            "status_options": options(ClaimStatus),
            "is_payer": payer and access.can(Permission.WRITE),
            "is_verifier": bool(access.write_ids(DataKind.CLAIM_VERIFY))
            and access.can(Permission.WRITE),
            "user_id": access.user_id,
            "batches": subsidy_reads.batches(session, access) if payer else [],
            "projections": [service.projection(session, access, days=d) for d in (30, 90)]
            if payer
            else [],
            "today": clock.today(),
        },
    )


def _back(form: FormData) -> RedirectResponse:
    status = str(form.get("back_status") or "raised")
    return RedirectResponse(f"/claims?status={quote(status)}", status_code=303)


def _due_summary(session: DbSession, page: WebPage) -> dict[str, Any]:
    items = claims.all_due(session, page.ctx)
    return {
        "items": items,
        "policy_names": claims.policy_names(session, page.ctx, {i.family_id for i in items}),
        "claims": sum(i.claims for i in items),
        "amount": sum(i.amount for i in items),
        "people": len({i.laborer.id for i in items}),
    }


@router.get("/claims/raise-due")
def confirm_raise_due(
    request: Request, page: TenantPage, session: DbSession, changed: bool = False
) -> Response:
    """What "raise everything due" would do (how many claims, how much, for whom),
    before anything is written."""
    return render(
        request, "claims/confirm_raise.html", {**_due_summary(session, page), "changed": changed}
    )


@router.post("/claims/raise-due")
def raise_due(request: Request, page: TenantForm, session: DbSession, form: PostedForm) -> Response:
    summary = _due_summary(session, page)
    # Only what the clerk saw and confirmed: if the due list moved since, confirm again.
    seen = f"{summary['claims']}:{summary['amount']}"
    if str(form.get("confirm") or "") != seen:
        return RedirectResponse("/claims/raise-due?changed=true", status_code=303)
    created = claims.raise_all_due(session, page.ctx)
    people = len({c.laborer_id for c in created})
    flash(
        page,
        gettext(
            "Raised {claims} claims for {people} people, {amount} yuan in all.",
            claims=len(created),
            people=people,
            amount=number_filter(sum(c.amount for c in created)),
        ),
    )
    return RedirectResponse("/claims?status=raised", status_code=303)


@router.post("/claims/{claim_id}/{step}")
def step(
    claim_id: uuid.UUID,
    step: str,
    request: Request,
    page: TenantForm,
    session: DbSession,
    form: PostedForm,
) -> Response:
    try:
        version = int(str(form.get("version") or ""))
    except ValueError:
        raise BadRequest(_("The form was damaged; reload the page.")) from None
    if step == "verify":
        claims.verify(session, page.ctx, claim_id, version=version)
    elif step == "approve":
        claims.approve(session, page.ctx, claim_id, version=version)
    elif step == "reject":
        claims.reject(
            session, page.ctx, claim_id, version=version, reason=str(form.get("reason") or "")
        )
    else:
        raise BadRequest(_("Unknown step."))
    flash(page, gettext(STEP_DONE[step]))
    return _back(form)


def _payees(session: DbSession, page: WebPage, rows: Sequence[Any]) -> dict[str, Any]:
    """Who a batch pays and how much: what a clerk confirms before money moves."""
    return {
        "rows": rows,
        "names": laborer_reads.names(session, page.ctx, [c.laborer_id for c in rows]),
        "policy_names": claims.policy_names(session, page.ctx, {c.family_id for c in rows}),
        "claims": len(rows),
        "amount": sum(c.amount for c in rows),
        "people": len({c.laborer_id for c in rows}),
    }


def _confirm_batch(
    request: Request, page: WebPage, session: DbSession, error: AppError | None = None, **extra: Any
) -> Response:
    context = _payees(session, page, subsidy_reads.approved_claims(session, page.ctx))
    return render(
        request,
        "claims/confirm_batch.html",
        {**context, **form_context(error, extra.pop("values", None)), **extra},
        status_code=error.status if error else 200,
    )


@router.get("/claims-batches/new")
def confirm_batch(
    request: Request, page: TenantPage, session: DbSession, changed: bool = False
) -> Response:
    """Which approved claims a new batch takes (how many, how much, for whom), before
    anything is written."""
    return _confirm_batch(
        request, page, session, changed=changed, values={"number": clock.today().isoformat()}
    )


@router.post("/claims-batches")
def create_batch(
    request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    try:
        seen = [uuid.UUID(str(v)) for v in form.getlist("claim_ids")]
    except ValueError:
        raise BadRequest(_("The form was damaged; reload the page.")) from None
    number = str(form.get("number") or "")
    current = {c.id for c in subsidy_reads.approved_claims(session, page.ctx)}
    # Only what the clerk saw and confirmed: if the approved list moved since, confirm again.
    if not seen or set(seen) != current:
        return RedirectResponse("/claims-batches/new?changed=true", status_code=303)
    with rerender_on_error(
        lambda e: _confirm_batch(request, page, session, e, values={"number": number})
    ):
        batch = payments.create_batch(session, page.ctx, number=number, claim_ids=seen)
    flash(
        page,
        gettext(
            "Payment batch {number} made: {claims} claims, {amount} yuan.",
            number=batch.number,
            claims=batch.claim_count,
            amount=number_filter(batch.total),
        ),
    )
    return RedirectResponse(f"/claims?status=batched#batch-{batch.id}", status_code=303)


@router.get("/claims-batches/{batch_id}/export")
def export_batch(
    batch_id: uuid.UUID, page: TenantPage, session: DbSession, cipher: Cipher, reveal: bool = False
) -> Response:
    buffer = io.BytesIO()
    batch = payments.export_batch(session, page.ctx, cipher, batch_id, buffer, reveal=reveal)
    name = f"补贴发放{batch.number}.xlsx"
    disposition = f"attachment; filename=batch.xlsx; filename*=UTF-8''{quote(name)}"
    return Response(
        buffer.getvalue(), media_type=XLSX, headers={"Content-Disposition": disposition}
    )


def _confirm_pay(
    request: Request,
    page: WebPage,
    session: DbSession,
    batch_id: uuid.UUID,
    error: AppError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    batch = payments.get_batch(session, page.ctx, batch_id)
    context = _payees(session, page, subsidy_reads.batch_claims(session, page.ctx, batch))
    return render(
        request,
        "claims/confirm_pay.html",
        {**context, **form_context(error, values), "batch": batch, "today": clock.today()},
        status_code=error.status if error else 200,
    )


@router.get("/claims-batches/{batch_id}/pay")
def confirm_pay(
    batch_id: uuid.UUID, request: Request, page: TenantPage, session: DbSession
) -> Response:
    """The batch's payees and total beside the bank's reference, before it is marked paid."""
    values = {"paid_on": clock.today().isoformat()}
    return _confirm_pay(request, page, session, batch_id, values=values)


@router.post("/claims-batches/{batch_id}/pay")
def pay_batch(
    batch_id: uuid.UUID, request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    values = {k: str(form.get(k) or "") for k in ("bank_reference", "paid_on")}
    with rerender_on_error(lambda e: _confirm_pay(request, page, session, batch_id, e, values)):
        try:
            paid_on = date.fromisoformat(values["paid_on"])
        except ValueError:
            raise ValidationFailed(
                errors=[FieldError("paid_on", _("Give a date as YYYY-MM-DD."), "date")]
            ) from None
        batch = payments.pay_batch(
            session, page.ctx, batch_id, bank_reference=values["bank_reference"], paid_on=paid_on
        )
    flash(
        page,
        gettext(
            "Batch {number} is recorded as paid: {claims} claims, {amount} yuan.",
            number=batch.number,
            claims=batch.claim_count,
            amount=number_filter(batch.total),
        ),
    )
    return RedirectResponse("/claims?status=paid", status_code=303)
