"""Where bureaus stand on their period reports: when each is due, whether it came in
on time, and the completeness board (reports.py submits and decides them)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext
from api.errors import FieldError, ValidationFailed
from api.i18n import _
from api.oversight import report_repository as repository
from api.oversight.periods import Period, PeriodKind, due_at, parse, period_of
from shared_models import Organization, PeriodReport
from shared_models.enums import OrgKind

# The reports of the routine: 周统计, 旬分析, 月调度.
REPORT_KINDS = (PeriodKind.WEEK, PeriodKind.XUN, PeriodKind.MONTH)
BUREAU_KINDS = frozenset({OrgKind.SENDING, OrgKind.RECEIVING})
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


def any_period(code: str) -> Period:
    """The period a code names, or a 422 on the `period` field that says how to write one."""
    try:
        return parse(code)
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


def report_period(code: str) -> Period:
    """The period a code names, refused unless it is a week, a 旬 or a month."""
    period = any_period(code)
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
