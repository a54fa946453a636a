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
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.errors import FieldError, Forbidden, InvalidTransition, NotFound, ValidationFailed
from api.i18n import _
from api.oversight import report_repository as repository
from api.oversight import snapshots
from api.oversight.indicators import Indicator
from api.oversight.periods import Period, PeriodKind, due_at, parse, period_of
from shared_models import Organization, PeriodReport, StatSnapshot
from shared_models.enums import OrgKind, Permission, ReportStatus, SnapshotReason

# The reports of the routine: 周统计, 旬分析, 月调度.
REPORT_KINDS = (PeriodKind.WEEK, PeriodKind.XUN, PeriodKind.MONTH)
BUREAU_KINDS = frozenset({OrgKind.SENDING, OrgKind.RECEIVING})
MAX_COMMENT = 4000
MAX_REASON = 2000
# How many periods of each kind a bureau's list shows: this one and recent ones.
RECENT = {PeriodKind.WEEK: 6, PeriodKind.XUN: 6, PeriodKind.MONTH: 4}


@dataclass(frozen=True)
class Deadline:
    """When reports are due (from Settings): a week's on `weekday` of the week itself
    (Monday 0), every report at `at` bureau time of its due day."""

    weekday: int = 4
    at: time = time(12, 0)

    def of(self, period: Period) -> datetime:
        # In UTC, as stored instants read back: one spelling in the API either way.
        return due_at(period, self.weekday, self.at).astimezone(UTC)


def deadline(settings: object) -> Deadline:
    return Deadline(
        getattr(settings, "report_weekly_due_weekday", 4),
        getattr(settings, "report_due_time", time(12, 0)),
    )


class State(StrEnum):
    """Where a bureau stands on one period, for the completeness board."""

    NOT_YET = "not_yet"  # no report, and not due yet
    OVERDUE = "overdue"  # no report, and past due
    SUBMITTED = "submitted"  # waiting for the supervisor
    RETURNED = "returned"  # sent back; the bureau is to resubmit
    ACCEPTED = "accepted"


@dataclass(frozen=True)
class Standing:
    bureau: Organization
    period: Period
    due_at: datetime
    report: PeriodReport | None
    state: State
    # Judged on the first submission; for no report yet, whether it is overdue.
    late: bool


def report_period(code: str) -> Period:
    """The period a code names, refused unless it is a week, a 旬 or a month."""
    try:
        period = parse(code)
    except ValueError:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "period",
                    _("Not a period: {code} (e.g. 2026-W49, 2026-12-2, 2026-12, 2026-Q4, 2026)."),
                    "invalid_period",
                    {"code": code},
                )
            ]
        ) from None
    if period.kind not in REPORT_KINDS:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "period",
                    _(
                        "Reports are made for a week (2026-W49), a 旬 (2026-12-2) or a month "
                        "(2026-12), not for {code}."
                    ),
                    "not_a_report_period",
                    {"code": code},
                )
            ]
        )
    return period


def is_late(report: PeriodReport) -> bool:
    return report.first_submitted_at > report.due_at


def state_of(report: PeriodReport | None, due: datetime, now: datetime) -> tuple[State, bool]:
    if report is None:
        overdue = now > due
        return (State.OVERDUE if overdue else State.NOT_YET), overdue
    return State(report.status.value), is_late(report)


# --- submitting and deciding ----------------------------------------------------------


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


def bureaus(session: Session, access: AccessContext) -> list[Organization]:
    """Whose reports the caller follows: a supervisor's bureaus, or a bureau itself."""
    if access.tenant_kind is OrgKind.SUPERVISING:
        return repository.organizations(session, access, sorted(access.supervised_ids))
    if access.tenant_kind in BUREAU_KINDS:
        return repository.organizations(session, access, [access.tenant_id])
    return []


def completeness(
    session: Session,
    access: AccessContext,
    period: Period,
    *,
    deadline: Deadline,
    now: datetime | None = None,
) -> list[Standing]:
    """For each bureau the caller supervises (or the caller itself, for a bureau): has it
    reported the period, on time or late, and where does its report stand."""
    now = now or clock.now()
    orgs = bureaus(session, access)
    found = repository.of_periods(session, access, [o.id for o in orgs], [period.code])
    out = []
    for org in orgs:
        report = found.get((org.id, period.code))
        due = report.due_at if report else deadline.of(period)
        state, late = state_of(report, due, now)
        out.append(Standing(org, period, due, report, state, late))
    return out


def recent_periods(today: date) -> dict[PeriodKind, list[Period]]:
    """This period and the recent ones of each report kind, newest first."""
    out: dict[PeriodKind, list[Period]] = {}
    for kind, count in RECENT.items():
        periods = [period_of(kind, today)]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        out[kind] = periods
    return out


def own_periods(
    session: Session,
    access: AccessContext,
    *,
    deadline: Deadline,
    now: datetime | None = None,
) -> dict[PeriodKind, list[Standing]]:
    """A bureau's list: this and recent weeks, 旬s and months, each with its standing."""
    now = now or clock.now()
    today = clock.day_of(now)
    orgs = repository.organizations(session, access, [access.tenant_id])
    if not orgs:
        return {}
    org = orgs[0]
    recent = recent_periods(today)
    codes = [p.code for periods in recent.values() for p in periods]
    found = repository.of_periods(session, access, [org.id], codes)
    out: dict[PeriodKind, list[Standing]] = {}
    for kind, periods in recent.items():
        rows = []
        for p in periods:
            report = found.get((org.id, p.code))
            due = report.due_at if report else deadline.of(p)
            state, late = state_of(report, due, now)
            rows.append(Standing(org, p, due, report, state, late))
        out[kind] = rows
    return out


@dataclass(frozen=True)
class Row:
    """One indicator of a report: frozen at submission, now (when revised), and the
    previous period's figure with the change."""

    indicator: Indicator
    frozen: snapshots.Figure
    revised: snapshots.Revision | None
    previous: snapshots.Figure | None
    change: float | int | None


class PreviousSource(StrEnum):
    REPORT = "report"  # the previous period's report, as submitted
    LIVE = "live"  # counted from the records now (no report of it)
    SNAPSHOT = "snapshot"  # the bureau's newest snapshot of it (a supervisor's view)
    NONE = "none"  # nothing the caller may read


class RevisionSource(StrEnum):
    LIVE = "live"  # against the records now (the bureau's own view)
    SNAPSHOT = "snapshot"  # against the bureau's newer snapshot (a supervisor's view)
    NONE = "none"  # a supervisor, and no newer snapshot of the bureau's


@dataclass(frozen=True)
class Contents:
    report: PeriodReport
    period: Period
    snapshot: StatSnapshot
    rows: list[Row]
    revisions: list[snapshots.Revision]
    revision_source: RevisionSource
    revised_snapshot: StatSnapshot | None
    previous_period: Period
    previous_source: PreviousSource
    previous_report: PeriodReport | None


def contents(
    session: Session, access: AccessContext, report: PeriodReport, today: date | None = None
) -> Contents:
    """What the report page shows: the frozen figures, their revisions, and the change
    against the previous period of its kind (for a 旬 the 旬分析's change)."""
    today = today or clock.today()
    period = parse(report.period_code)
    snapshot = repository.snapshot(session, access, report.snapshot_id)
    if snapshot is None:
        raise NotFound()
    own = report.tenant_id == access.tenant_id
    revised_snapshot = None
    if own:
        revisions = snapshots.revisions(session, access, snapshot, today)
        revision_source = RevisionSource.LIVE
    else:
        # A supervisor reads no records: a later correction shows once the bureau's
        # figures are frozen again (the nightly snapshot after the period, a resubmission).
        newest = repository.newest_snapshot(session, access, report.tenant_id, period.code)
        if newest is not None and newest.id != snapshot.id and newest.taken_at > snapshot.taken_at:
            revisions = snapshots.compare(snapshot, newest)
            revision_source = RevisionSource.SNAPSHOT
            revised_snapshot = newest
        else:
            revisions, revision_source = [], RevisionSource.NONE
    previous_period = period.previous()
    previous_report = repository.of_period(session, access, report.tenant_id, previous_period.code)
    previous: dict[str, snapshots.Figure] = {}
    if previous_report is not None and (
        before := repository.snapshot(session, access, previous_report.snapshot_id)
    ):
        previous = {i.code: f for i, f in snapshots.frozen(before)}
        previous_source = PreviousSource.REPORT
    elif own:
        previous = {i.code: f for i, f in snapshots.live(session, access, previous_period, today)}
        previous_source = PreviousSource.LIVE
    elif before := repository.newest_snapshot(
        session, access, report.tenant_id, previous_period.code
    ):
        previous = {i.code: f for i, f in snapshots.frozen(before)}
        previous_source = PreviousSource.SNAPSHOT
    else:
        previous_source = PreviousSource.NONE
    by_code = {r.indicator.code: r for r in revisions}
    rows = []
    for found, figure in snapshots.frozen(snapshot):
        was = previous.get(found.code)
        change = None
        if was is not None and was.value is not None and figure.value is not None:
            change = (
                round(figure.value - was.value, 1) if found.is_rate else figure.value - was.value
            )
        rows.append(Row(found, figure, by_code.get(found.code), was, change))
    return Contents(
        report,
        period,
        snapshot,
        rows,
        revisions,
        revision_source,
        revised_snapshot,
        previous_period,
        previous_source,
        previous_report if previous_source is PreviousSource.REPORT else None,
    )


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
