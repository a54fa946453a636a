"""The reporting cycle (issue 13): a bureau submits its report of a period (周统计 for a
week, 旬分析 for a 旬, 月调度 for a month); the organization that supervises it accepts
it or returns it with a reason; the bureau corrects and resubmits.

Each submission freezes a snapshot of the figures (snapshots.take, reason submitted):
the report shows them as they were, and a later correction to the records shows as a
revision beside them, never as a silent change. Lateness is judged on the first
submission against the due time (a resubmission after a return is not late); a report
is due at a set bureau time (Settings: report_weekly_due_weekday, report_due_time).
Every step goes to the bureau's audit log, whoever took it.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.errors import FieldError, Forbidden, InvalidTransition, NotFound, ValidationFailed
from api.i18n import _
from api.oversight import report_repository as repository
from api.oversight import snapshots
from api.oversight.periods import Period, PeriodKind
from api.oversight.report_contents import Contents as Contents
from api.oversight.report_contents import PreviousSource as PreviousSource
from api.oversight.report_contents import RevisionSource as RevisionSource
from api.oversight.report_contents import Row as Row
from api.oversight.report_contents import contents as contents
from api.oversight.report_standing import BUREAU_KINDS, Deadline
from api.oversight.report_standing import REPORT_KINDS as REPORT_KINDS
from api.oversight.report_standing import Standing as Standing
from api.oversight.report_standing import State as State
from api.oversight.report_standing import completeness as completeness
from api.oversight.report_standing import deadline as deadline
from api.oversight.report_standing import is_late as is_late
from api.oversight.report_standing import own_periods as own_periods
from api.oversight.report_standing import recent_periods as recent_periods
from api.oversight.report_standing import report_period as report_period
from api.oversight.report_standing import state_of as state_of
from shared_models import Organization, PeriodReport
from shared_models.enums import OrgKind, Permission, ReportStatus, SnapshotReason

MAX_COMMENT = 4000
MAX_REASON = 2000


def submit(
    session: Session,
    access: AccessContext,
    period: Period,
    comment: str,
    *,
    deadline: Deadline,
    now: datetime | None = None,
) -> PeriodReport:
    """The caller bureau submits its report of `period`: its figures are frozen now.
    A first submission creates the report; one after a return updates it."""
    now = now or clock.now()
    today = clock.day_of(now)
    if access.tenant_kind not in BUREAU_KINDS:
        raise Forbidden(detail=_("Period reports are submitted by a sending or receiving bureau."))
    access.require(Permission.WRITE)
    if not access.can_write(DataKind.REPORT, access.tenant_id):
        raise Forbidden(Permission.WRITE)
    if period.kind not in REPORT_KINDS:
        report_period(period.code)  # raises the reason
    if period.start > today:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "period",
                    _("The period {period} has not begun yet (it begins on {start})."),
                    "period_not_begun",
                    {"period": period.code, "start": period.start.isoformat()},
                )
            ]
        )
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "comment",
                    _("The comment has at most {count} characters."),
                    "too_long",
                    {"count": MAX_COMMENT},
                )
            ]
        )
    report = repository.of_period(session, access, access.tenant_id, period.code)
    if report is not None and report.status is ReportStatus.SUBMITTED:
        raise InvalidTransition(
            _(
                "The report for {period} is already submitted and waits for the supervisor's "
                "decision."
            ),
            params={"period": period.code},
        )
    if report is not None and report.status is ReportStatus.ACCEPTED:
        raise InvalidTransition(
            _("The report for {period} is already accepted; it cannot be submitted again."),
            params={"period": period.code},
        )
    snapshot = snapshots.take(session, access, period, SnapshotReason.SUBMITTED, today)
    if snapshot is None:  # only a scheduled snapshot is ever skipped
        raise RuntimeError("a submission's snapshot was not stored")
    before = None
    if report is None:
        report = PeriodReport(
            tenant_id=access.tenant_id,
            period_code=period.code,
            period_kind=period.kind.value,
            period_start=period.start,
            period_end=period.end,
            due_at=deadline.of(period),
            status=ReportStatus.SUBMITTED,
            snapshot_id=snapshot.id,
            comment=comment,
            first_submitted_at=now,
            submitted_at=now,
            submitted_by_label=access.recorded_as,
            submissions=1,
        )
        repository.add(session, access, report)
    else:
        before = {"status": report.status.value, "snapshot_id": str(report.snapshot_id)}
        report.status = ReportStatus.SUBMITTED
        report.snapshot_id = snapshot.id
        report.comment = comment
        report.submitted_at = now
        report.submitted_by_label = access.recorded_as
        report.submissions += 1
        # decided_* and return_reason stay: the last return, for the supervisor to check
        # the resubmission against (the whole history is in the audit log).
        session.flush()
    audit.record(
        session,
        access,
        action="report.submit",
        entity_type="period_report",
        entity_id=report.id,
        before=before,
        after={
            "period": period.code,
            "status": report.status.value,
            "snapshot_id": str(snapshot.id),
            "submissions": report.submissions,
            "late": is_late(report),
        },
    )
    return report


def get(session: Session, access: AccessContext, report_id: uuid.UUID) -> PeriodReport:
    report = repository.get(session, access, report_id)
    if report is None:
        raise NotFound()
    return report


def _decidable(session: Session, access: AccessContext, report_id: uuid.UUID) -> PeriodReport:
    # Outside the caller's reports (another supervisor's bureau, an unsupervised
    # caller, a liaison office): 404, as for any object outside the tenant sets.
    report = get(session, access, report_id)
    if access.tenant_kind is not OrgKind.SUPERVISING or not access.can_write(
        DataKind.REPORT, report.tenant_id
    ):
        raise Forbidden(
            detail=_("A report is accepted or returned by the organization that supervises it.")
        )
    if report.status is not ReportStatus.SUBMITTED:
        raise InvalidTransition(
            _("Only a submitted report can be accepted or returned; this one is {status}."),
            params={"status": report.status.value},
        )
    return report


def accept(
    session: Session, access: AccessContext, report_id: uuid.UUID, *, now: datetime | None = None
) -> PeriodReport:
    report = _decidable(session, access, report_id)
    _decide(session, access, report, ReportStatus.ACCEPTED, None, now or clock.now())
    return report


def return_(
    session: Session,
    access: AccessContext,
    report_id: uuid.UUID,
    reason: str,
    *,
    now: datetime | None = None,
) -> PeriodReport:
    """Sent back to the bureau with a reason (required): it corrects and resubmits."""
    report = _decidable(session, access, report_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "reason", _("Say why the report is returned."), "required", {"field": "reason"}
                )
            ]
        )
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "reason",
                    _("The reason has at most {count} characters."),
                    "too_long",
                    {"count": MAX_REASON},
                )
            ]
        )
    _decide(session, access, report, ReportStatus.RETURNED, reason, now or clock.now())
    return report


def _decide(
    session: Session,
    access: AccessContext,
    report: PeriodReport,
    status: ReportStatus,
    reason: str | None,
    now: datetime,
) -> None:
    report.status = status
    report.decided_at = now
    report.decided_by_label = access.recorded_as
    report.return_reason = reason
    session.flush()
    audit.record(
        session,
        access,
        action="report.accept" if status is ReportStatus.ACCEPTED else "report.return",
        entity_type="period_report",
        entity_id=report.id,
        before={"status": ReportStatus.SUBMITTED.value},
        after={
            "period": report.period_code,
            "status": status.value,
            "submissions": report.submissions,
            "reason": reason,
        },
        tenant_id=report.tenant_id,  # the bureau's log: its report's history is there
    )


# --- reading ---------------------------------------------------------------------------


def listing(
    session: Session,
    access: AccessContext,
    *,
    kind: PeriodKind | None = None,
    period_code: str | None = None,
    status: ReportStatus | None = None,
    bureau_id: uuid.UUID | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[Sequence[PeriodReport], int]:
    return repository.listing(
        session,
        access,
        kind=kind.value if kind else None,
        period_code=period_code,
        status=status,
        bureau_id=bureau_id,
        offset=offset,
        limit=limit,
    )


def names(
    session: Session, access: AccessContext, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    return {o.id: o.name for o in repository.organizations(session, access, list(set(ids)))}


def for_page(
    session: Session, access: AccessContext, period: Period, bureau_id: uuid.UUID | None
) -> tuple[Organization, PeriodReport | None]:
    """The bureau a report page is about (the caller, or one it supervises) and its
    report of the period, if any. Any other bureau: 404."""
    tenant = bureau_id or access.tenant_id
    if tenant != access.tenant_id and tenant not in access.supervised_ids:
        raise NotFound()
    if tenant == access.tenant_id and access.tenant_kind not in BUREAU_KINDS:
        raise NotFound()
    orgs = repository.organizations(session, access, [tenant])
    if not orgs:
        raise NotFound()
    return orgs[0], repository.of_period(session, access, tenant, period.code)
