"""Period reports (周统计、旬分析、月调度) in the browser: a bureau's list of its periods
and the report page where it submits one; a supervisor's completeness board and the
forms to accept or return a report (api/oversight/reports.py does the work)."""

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api import clock
from api.access import DataKind
from api.deps import DbSession
from api.errors import AppError, FieldError, NotFound, ValidationFailed
from api.i18n import _, get_locale, gettext
from api.oversight import report_packs, reports
from api.oversight.periods import Period, PeriodKind
from api.routing import xlsx_attachment
from shared_models.enums import OrgKind, ReportStatus
from web.deps import PostedForm, TenantForm, TenantPage
from web.flash import flash
from web.forms import form_context, rerender_on_error
from web.rendering import render

router = APIRouter(include_in_schema=False)

KIND_NAMES = {
    PeriodKind.WEEK: _("Weekly statistics (周统计)"),
    PeriodKind.XUN: _("10-day analysis (旬分析)"),
    PeriodKind.MONTH: _("Monthly dispatch (月调度)"),
}
STATE_NAMES = {
    reports.State.NOT_YET: _("Not yet due"),
    reports.State.OVERDUE: _("Overdue"),
    reports.State.SUBMITTED: _("Submitted, awaiting review"),
    reports.State.RETURNED: _("Returned"),
    reports.State.ACCEPTED: _("Accepted"),
}


def _period(code: str) -> Period:
    try:
        return reports.report_period(code)
    except ValidationFailed:
        raise NotFound() from None


def _report_url(period: Period, bureau_id: uuid.UUID | None = None) -> str:
    return f"/oversight/reports/{period.code}" + (f"?bureau={bureau_id}" if bureau_id else "")


def _common(request: Request) -> dict[str, Any]:
    return {
        "kind_names": {k: gettext(v) for k, v in KIND_NAMES.items()},
        "state_names": {k: gettext(v) for k, v in STATE_NAMES.items()},
        "english": get_locale() == "en",
        "report_url": _report_url,
    }


@router.get("/oversight/reports")
def index(
    request: Request,
    page: TenantPage,
    session: DbSession,
    kind: str | None = None,
    period: str | None = None,
) -> Response:
    """A bureau's periods with their standing; a supervisor's completeness board."""
    access = page.ctx
    deadline = reports.deadline(request.app.state.settings)
    now = clock.now()
    if access.tenant_kind is not OrgKind.SUPERVISING:
        return render(
            request,
            "oversight/reports.html",
            {
                **_common(request),
                "supervisor": False,
                "periods": reports.own_periods(session, access, deadline=deadline, now=now),
            },
        )
    try:
        chosen_kind = PeriodKind(kind) if kind else PeriodKind.WEEK
    except ValueError:
        chosen_kind = PeriodKind.WEEK
    if chosen_kind not in reports.REPORT_KINDS:
        chosen_kind = PeriodKind.WEEK
    recent = reports.recent_periods(clock.day_of(now))[chosen_kind]
    chosen = recent[0]
    error: AppError | None = None
    if period:
        try:
            chosen = reports.report_period(period)
            chosen_kind = chosen.kind
            recent = reports.recent_periods(clock.day_of(now))[chosen_kind]
        except ValidationFailed as e:
            error = e
    board = reports.completeness(session, access, chosen, deadline=deadline, now=now)
    waiting, _total = reports.listing(session, access, status=ReportStatus.SUBMITTED, limit=100)
    names = reports.names(session, access, [r.tenant_id for r in waiting])
    return render(
        request,
        "oversight/reports.html",
        {
            **_common(request),
            **form_context(error, {"period": period or chosen.code}),
            "supervisor": True,
            "kind": chosen_kind,
            "kinds": [(k.value, gettext(KIND_NAMES[k])) for k in reports.REPORT_KINDS],
            "chosen": chosen,
            "recent": recent,
            "board": board,
            "waiting": waiting,
            "names": names,
        },
        status_code=422 if error else 200,
    )


def _report_page(
    request: Request,
    page: TenantPage,
    session: DbSession,
    period: Period,
    bureau: uuid.UUID | None,
    error: AppError | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    access = page.ctx
    org, report = reports.for_page(session, access, period, bureau)
    own = org.id == access.tenant_id
    deadline = reports.deadline(request.app.state.settings)
    now = clock.now()
    due = report.due_at if report else deadline.of(period)
    state, late = reports.state_of(report, due, now)
    contents = reports.contents(session, access, report) if report else None
    begun = period.start <= clock.day_of(now)
    can_submit = (
        own
        and begun
        and access.can_write(DataKind.REPORT, access.tenant_id)
        and (report is None or report.status is ReportStatus.RETURNED)
    )
    can_decide = (
        not own
        and report is not None
        and report.status is ReportStatus.SUBMITTED
        and access.tenant_kind is OrgKind.SUPERVISING
        and access.can_write(DataKind.REPORT, report.tenant_id)
    )
    defaults = {"comment": report.comment if report else ""}
    return render(
        request,
        "oversight/report.html",
        {
            **_common(request),
            **form_context(error, {**defaults, **(values or {})}),
            "period": period,
            "bureau": org,
            "own": own,
            "report": report,
            "due": due,
            "state": state,
            "late": late,
            "begun": begun,
            "contents": contents,
            "can_submit": can_submit,
            "can_decide": can_decide,
            "previous_url": _report_url(period.previous(), None if own else org.id),
            "next_url": _report_url(period.next(), None if own else org.id)
            if period.next().start <= clock.day_of(now)
            else None,
            "pack_url": f"/oversight/reports/{period.code}/pack"
            + ("" if own else f"?bureau={org.id}"),
            "dispatch_url": f"/oversight/pack?period={period.code}"
            if own and period.kind is PeriodKind.MONTH and period.end < clock.day_of(now)
            else None,
        },
        status_code=error.status if error else 200,
    )


@router.get("/oversight/reports/{period_code}")
def report_page(
    request: Request,
    page: TenantPage,
    session: DbSession,
    period_code: str,
    bureau: uuid.UUID | None = None,
) -> Response:
    return _report_page(request, page, session, _period(period_code), bureau)


@router.get("/oversight/reports/{period_code}/pack")
def report_pack(
    page: TenantPage, session: DbSession, period_code: str, bureau: uuid.UUID | None = None
) -> Response:
    """The submitted report as xlsx (周统计表, 旬分析表, 月调度表)."""
    access = page.ctx
    org, report = reports.for_page(session, access, _period(period_code), bureau)
    if report is None:
        raise NotFound()
    contents = reports.contents(session, access, report)
    content = report_packs.report_pack(contents, org.name, clock.today())
    return xlsx_attachment(
        content, f"report-{period_code}.xlsx", report_packs.file_name(org.name, contents)
    )


@router.post("/oversight/reports/{period_code}/submit")
def submit(
    request: Request, page: TenantForm, session: DbSession, form: PostedForm, period_code: str
) -> Response:
    period = _period(period_code)
    comment = str(form.get("comment") or "")
    values = {"comment": comment}
    with rerender_on_error(
        lambda e: _report_page(request, page, session, period, None, e, values), (403, 409, 422)
    ):
        # The confirmation: submitting freezes the figures, so it is said and ticked.
        if form.get("confirm") != "on":
            raise ValidationFailed(
                errors=[
                    FieldError(
                        "confirm",
                        _("Tick the box to confirm: submitting freezes the figures."),
                        "required",
                    )
                ]
            )
        reports.submit(
            session,
            page.ctx,
            period,
            comment,
            deadline=reports.deadline(request.app.state.settings),
        )
    flash(page, gettext("Report submitted: its figures are frozen."))
    return RedirectResponse(_report_url(period), status_code=303)


def _decided(session: DbSession, page: TenantForm, report_id: uuid.UUID) -> tuple[Any, Period]:
    """The report a decision is about (404 outside the caller's reports) and its period."""
    report = reports.get(session, page.ctx, report_id)
    return report, _period(report.period_code)


@router.post("/oversight/reports/{report_id}/accept")
def accept(
    request: Request, page: TenantForm, session: DbSession, report_id: uuid.UUID
) -> Response:
    report, period = _decided(session, page, report_id)
    with rerender_on_error(
        lambda e: _report_page(request, page, session, period, report.tenant_id, e), (403, 409)
    ):
        reports.accept(session, page.ctx, report_id)
    flash(page, gettext("Report accepted."))
    return RedirectResponse(_report_url(period, report.tenant_id), status_code=303)


@router.post("/oversight/reports/{report_id}/return")
def return_(
    request: Request, page: TenantForm, session: DbSession, form: PostedForm, report_id: uuid.UUID
) -> Response:
    report, period = _decided(session, page, report_id)
    reason = str(form.get("reason") or "")
    with rerender_on_error(
        lambda e: _report_page(
            request, page, session, period, report.tenant_id, e, {"reason": reason}
        ),
        (403, 409, 422),
    ):
        reports.return_(session, page.ctx, report_id, reason)
    flash(page, gettext("Report returned to the bureau with the reason."))
    return RedirectResponse(_report_url(period, report.tenant_id), status_code=303)
