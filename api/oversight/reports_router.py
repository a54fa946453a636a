"""JSON API of the reporting cycle: a bureau submits its report of a period, its
supervising organization accepts it or returns it with a reason (api/oversight/reports.py).

Registered after the statistics router, so /reports/monthly-dispatch (a file) is matched
before /reports/{report_id}."""

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from pydantic import Field

from api import clock
from api.deps import Access, DbSession
from api.oversight import reports, snapshots
from api.oversight.periods import PeriodKind
from api.oversight.schemas import FigureOut, RevisionOut, SnapshotValueOut
from api.paging import Page, Pager
from api.routing import JsonRoute
from api.schemas import Input, Schema
from shared_models import PeriodReport
from shared_models.enums import ReportStatus

router = APIRouter(prefix="/api/v1", route_class=JsonRoute, tags=["reports"])


class ReportIn(Input):
    period: str = Field(description="A week (2026-W49), a 旬 (2026-12-2) or a month (2026-12)")
    comment: str = Field("", max_length=reports.MAX_COMMENT, description="The analysis (旬分析)")


class ReturnIn(Input):
    reason: str = Field(max_length=reports.MAX_REASON, description="Why it goes back (required)")


class ReportOut(Schema):
    id: uuid.UUID
    bureau_id: uuid.UUID
    bureau_name: str
    period: str
    kind: PeriodKind
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    due_at: datetime
    status: ReportStatus
    late: bool = Field(description="The first submission came after the due time")
    comment: str
    first_submitted_at: datetime
    submitted_at: datetime
    submitted_by: str
    submissions: int
    decided_at: datetime | None
    decided_by: str | None
    return_reason: str | None
    snapshot_id: uuid.UUID


class PreviousOut(Schema):
    period: str
    source: reports.PreviousSource = Field(
        description="report: its report as submitted; live: the records now; snapshot: the "
        "bureau's newest snapshot of it; none: nothing to compare with"
    )
    values: list[SnapshotValueOut]


class ReportDetailOut(ReportOut):
    values: list[SnapshotValueOut] = Field(description="The figures frozen at submission")
    revision_source: reports.RevisionSource
    revisions: list[RevisionOut]
    previous: PreviousOut


class StandingOut(Schema):
    bureau_id: uuid.UUID
    bureau_name: str
    period: str
    due_at: datetime
    state: reports.State
    late: bool = Field(description="Submitted after the due time, or (no report) overdue")
    report_id: uuid.UUID | None


def report_out(report: PeriodReport, name: str) -> ReportOut:
    return ReportOut(
        id=report.id,
        bureau_id=report.tenant_id,
        bureau_name=name,
        period=report.period_code,
        kind=PeriodKind(report.period_kind),
        start=report.period_start,
        end=report.period_end,
        due_at=report.due_at,
        status=report.status,
        late=reports.is_late(report),
        comment=report.comment,
        first_submitted_at=report.first_submitted_at,
        submitted_at=report.submitted_at,
        submitted_by=report.submitted_by_label,
        submissions=report.submissions,
        decided_at=report.decided_at,
        decided_by=report.decided_by_label,
        return_reason=report.return_reason,
        snapshot_id=report.snapshot_id,
    )


def _figure(f: snapshots.Figure) -> FigureOut:
    return FigureOut(numerator=f.numerator, denominator=f.denominator, value=f.value)


def _detail(session: DbSession, access: Access, report: PeriodReport) -> ReportDetailOut:
    name = reports.names(session, access, [report.tenant_id]).get(report.tenant_id, "")
    c = reports.contents(session, access, report)
    return ReportDetailOut(
        **report_out(report, name).model_dump(),
        values=[
            SnapshotValueOut(indicator=r.indicator.code, **_figure(r.frozen).model_dump())
            for r in c.rows
        ],
        revision_source=c.revision_source,
        revisions=[
            RevisionOut(
                indicator=r.indicator.code,
                frozen=_figure(r.frozen),
                now=_figure(r.now),
                difference=r.difference,
            )
            for r in c.revisions
        ],
        previous=PreviousOut(
            period=c.previous_period.code,
            source=c.previous_source,
            values=[
                SnapshotValueOut(indicator=r.indicator.code, **_figure(r.previous).model_dump())
                for r in c.rows
                if r.previous is not None
            ],
        ),
    )


@router.get("/reports", response_model=Page[ReportOut], response_model_by_alias=True)
def list_reports(
    access: Access,
    session: DbSession,
    paging: Pager,
    kind: Annotated[PeriodKind | None, Query(description="week, xun or month")] = None,
    period: Annotated[str | None, Query(description="A period code, such as 2026-12-2")] = None,
    status: ReportStatus | None = None,
    bureau_id: uuid.UUID | None = None,
) -> Page[ReportOut]:
    """The caller's reports (a bureau) or its bureaus' (a supervisor), the latest first."""
    rows, total = reports.listing(
        session,
        access,
        kind=kind,
        period_code=period,
        status=status,
        bureau_id=bureau_id,
        offset=paging.offset,
        limit=paging.limit,
    )
    names = reports.names(session, access, [r.tenant_id for r in rows])
    return Page[ReportOut](
        items=[report_out(r, names.get(r.tenant_id, "")) for r in rows],
        total=total,
        page=paging.page,
        page_size=paging.page_size,
    )


@router.get("/reports/completeness", response_model=list[StandingOut], response_model_by_alias=True)
def completeness(
    request: Request,
    access: Access,
    session: DbSession,
    period: Annotated[str, Query(description="A week, 旬 or month: 2026-W49, 2026-12-2, 2026-12")],
) -> list[StandingOut]:
    """Who has reported the period: each bureau the caller supervises (or the caller)."""
    found = reports.report_period(period)
    rows = reports.completeness(
        session, access, found, deadline=reports.deadline(request.app.state.settings)
    )
    return [
        StandingOut(
            bureau_id=s.bureau.id,
            bureau_name=s.bureau.name,
            period=s.period.code,
            due_at=s.due_at,
            state=s.state,
            late=s.late,
            report_id=s.report.id if s.report else None,
        )
        for s in rows
    ]


@router.get("/reports/{report_id}", response_model=ReportDetailOut, response_model_by_alias=True)
def get_report(report_id: uuid.UUID, access: Access, session: DbSession) -> ReportDetailOut:
    """A report with its frozen figures, their revisions and the previous period's."""
    return _detail(session, access, reports.get(session, access, report_id))


@router.post(
    "/reports",
    response_model=ReportDetailOut,
    response_model_by_alias=True,
    status_code=status.HTTP_201_CREATED,
)
def submit_report(
    body: ReportIn, request: Request, access: Access, session: DbSession
) -> ReportDetailOut:
    """Submit (or, after a return, resubmit) the caller bureau's report of a period: its
    figures are frozen now. Refused before the period begins and while the report is
    submitted or accepted."""
    report = reports.submit(
        session,
        access,
        reports.report_period(body.period),
        body.comment,
        deadline=reports.deadline(request.app.state.settings),
        now=clock.now(),
    )
    return _detail(session, access, report)


@router.post(
    "/reports/{report_id}/accept", response_model=ReportDetailOut, response_model_by_alias=True
)
def accept_report(report_id: uuid.UUID, access: Access, session: DbSession) -> ReportDetailOut:
    """By the organization that supervises the bureau."""
    return _detail(session, access, reports.accept(session, access, report_id))


@router.post(
    "/reports/{report_id}/return", response_model=ReportDetailOut, response_model_by_alias=True
)
def return_report(
    report_id: uuid.UUID, body: ReturnIn, access: Access, session: DbSession
) -> ReportDetailOut:
    """Back to the bureau with a reason; it corrects and resubmits."""
    return _detail(session, access, reports.return_(session, access, report_id, body.reason))
