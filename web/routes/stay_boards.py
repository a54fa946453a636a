"""The verification sheet for a month (在岗核实) and the return board (返岗)."""

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from api import clock
from api.deps import DbSession
from api.errors import AppError, BadRequest, FieldError, ValidationFailed
from api.i18n import _, gettext
from api.jobs import handlers
from api.jobs import service as jobs
from api.labels import options
from api.paging import Pager, Paging, Sorting, paging, sorting
from api.placements import holiday_leave, verification
from api.placements import reads as placement_reads
from api.sort_keys import LeaveSort
from shared_models.enums import EvidenceSource
from web.deps import PostedForm, TenantForm, TenantPage, WebPage
from web.flash import flash
from web.forms import rerender_on_error
from web.paging import list_view
from web.rendering import render
from web.routes.jobs import files_of, started

router = APIRouter(include_in_schema=False)
SHEET_SIZE = 200
# The board's states in its order, with their titles (msgids, translated in the page).
RETURN_STATES = [
    (holiday_leave.ReturnState.OVERDUE, _("Overdue")),
    (holiday_leave.ReturnState.AWAY, _("Away")),
    (holiday_leave.ReturnState.BACK, _("Back")),
]
MAX_LIST_BYTES = 20 * 1024 * 1024


def _month(text: str | None) -> date:
    if not text:
        return clock.today().replace(day=1)
    try:
        return date.fromisoformat(text.strip()[:7] + "-01")
    except ValueError:
        raise BadRequest(_("Give the month as YYYY-MM.")) from None


def _sheet(
    request: Request,
    page: WebPage,
    session: DbSession,
    first: date,
    pager: Paging,
    *,
    error: AppError | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    rows, total = placement_reads.month_sheet(
        session, page.ctx, first, offset=pager.offset, limit=pager.limit
    )
    recorded = {p.id: next((v for v in p.verifications if v.month == first), None) for p in rows}
    return render(
        request,
        "stay/verifications.html",
        {
            "month": first,
            "rows": rows,
            "recorded": recorded,
            "total": total,
            "sources": options(EvidenceSource),
            "view": list_view(request, pager, total),
            "result": None,
            # The sheet has no field to put an error by: every reason above it.
            "messages": [e.render()["message"] for e in error.errors] or [error.message()]
            if error
            else [],
            "values": values or {},
        },
        status_code=error.status if error else 200,
    )


@router.get("/verifications")
def sheet(
    request: Request,
    page: TenantPage,
    session: DbSession,
    pager: Annotated[Paging, Depends(paging(SHEET_SIZE))],
    month: str | None = None,
) -> Response:
    return _sheet(request, page, session, _month(month), pager)


def _refused(
    request: Request, page: WebPage, session: DbSession, first: date, form: FormData
) -> Callable[[AppError], Response]:
    """The sheet again with the problem and the choices made (the first page of it)."""
    values = {k: v for k, v in form.multi_items() if isinstance(v, str) and k != "csrf_token"}
    return lambda e: _sheet(
        request, page, session, first, Paging(1, SHEET_SIZE), error=e, values=values
    )


@router.post("/verifications")
def save_sheet(
    request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    """The ticked rows of the sheet, all together or none."""
    first = _month(str(form.get("month") or ""))
    touched: list[uuid.UUID] = []
    saved = 0
    with rerender_on_error(_refused(request, page, session, first, form)):
        try:
            source = EvidenceSource(str(form.get("source") or ""))
        except ValueError:
            raise ValidationFailed(
                errors=[FieldError("source", _("Choose the evidence."), "missing")]
            ) from None
        for key, value in form.multi_items():
            if not key.startswith("state-") or value not in ("yes", "no"):
                continue
            placement = verification.verify(
                session,
                page.ctx,
                uuid.UUID(key[6:]),
                month=first,
                in_post=value == "yes",
                source=source,
                refresh=False,
            )
            touched.append(placement.laborer_id)
            saved += 1
    # The sheet is one batch: one event for its laborers, not one per row.
    verification.batch_recorded(session, page.ctx, touched, today=clock.today())
    if saved:
        flash(page, gettext("Verifications saved: {n}.", n=saved))
    else:
        flash(page, gettext("No row was marked; nothing was saved."))
    return RedirectResponse(f"/verifications?month={first:%Y-%m}", status_code=303)


@router.post("/verifications/import")
def import_list(
    request: Request, page: TenantForm, session: DbSession, form: PostedForm
) -> Response:
    """The list is checked (and saved) as a background job; its page leads back here."""
    first = _month(str(form.get("month") or ""))
    with rerender_on_error(_refused(request, page, session, first, form), (400, 422)):
        upload = form.get("file")
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise BadRequest(_("Choose a file to upload."))
        data = upload.file.read(MAX_LIST_BYTES + 1)
        if len(data) > MAX_LIST_BYTES:
            raise BadRequest(_("The file is larger than 20 MB; split it."))
        try:
            source = EvidenceSource(str(form.get("source") or ""))
        except ValueError:
            raise BadRequest(_("Choose the evidence.")) from None
    job = jobs.enqueue(
        session,
        page.ctx,
        files_of(request),
        handlers.VERIFICATION_IMPORT,
        data=data,
        filename=upload.filename,
        params={
            "month": first.isoformat(),
            "source": source.value,
            "check_only": form.get("check_only") == "on",
            "back_url": f"/verifications?month={first:%Y-%m}",
        },
    )
    return started(job.id, "check")


@router.get("/returns")
def return_board(
    request: Request,
    page: TenantPage,
    session: DbSession,
    pager: Pager,
    sort: Annotated[Sorting[LeaveSort], Depends(sorting(LeaveSort))],
    since: date | None = None,
    state: holiday_leave.ReturnState | None = None,
) -> Response:
    today = clock.today()
    start = since or today - timedelta(days=60)
    rows, total, counts = holiday_leave.return_page(
        session,
        page.ctx,
        since=start,
        today=today,
        state=state,
        offset=pager.offset,
        limit=pager.limit,
        sort=sort.key,
        descending=sort.descending,
    )
    return render(
        request,
        "stay/returns.html",
        {
            "rows": rows,
            "row_states": {leave.id: holiday_leave.state_of(leave, today) for leave in rows},
            "counts": counts,
            "state": state,
            "states": RETURN_STATES,
            "since": start,
            "view": list_view(request, pager, total, sort),
            "today": today,
        },
    )
