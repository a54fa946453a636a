"""The early-warning rules and the set-based evaluation that keeps flags in step.

Each rule is one query over a county's records that yields the causes standing today:
(laborer, rule, subject) with a severity, a reason and the day the cause began.
`evaluate` compares them with the flags not yet closed: it raises the new ones, closes
those whose cause went away, and leaves the rest (so a second run changes nothing).
A cause closed by hand or answered by a visit is not raised again while it lasts.

It runs under the county's own view (`county_system_access`): from the nightly command
for every county, and for the laborers a domain event names (a hire, a placement's
change or end, leave, verifications, a dispute) in the background job that runs after
the event's commit (`api/warnings/subscribers.py`), as of the day it was recorded.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, SQLColumnExpression, func, select
from sqlalchemy.orm import Session

from api.access import AccessContext, DataKind, county_system_access
from api.db import apply_access
from api.ids import new_id
from api.warnings import repository
from shared_models import (
    Case,
    CaseLaborer,
    Entitlement,
    HolidayLeave,
    Laborer,
    Placement,
    StayVerification,
    WarningFlag,
    WarningSettings,
)
from shared_models.enums import (
    CaseKind,
    CaseStatus,
    EmploymentStatus,
    WarningCloseReason,
    WarningRule,
    WarningSeverity,
    WarningStatus,
)
from shared_models.warnings import DEFAULT_THRESHOLDS, SEVERITY_RANK

SEVERITY = {
    WarningRule.LEFT_BEFORE_MILESTONE: WarningSeverity.HIGH,
    WarningRule.OPEN_DISPUTE: WarningSeverity.HIGH,
    WarningRule.UNVERIFIED: WarningSeverity.MEDIUM,
    WarningRule.LEAVE_OVERDUE: WarningSeverity.MEDIUM,
    WarningRule.EMPLOYER_DISPUTES: WarningSeverity.MEDIUM,
    WarningRule.IDLE_WILLING: WarningSeverity.LOW,
}
UNFINISHED_CASE = (CaseStatus.OPEN, CaseStatus.IN_PROGRESS)
CHUNK = 1000  # laborers judged per statement when an event names many
NO_SUBJECT = "-"

Key = tuple[uuid.UUID, WarningRule, str]


@dataclass(frozen=True)
class Cause:
    laborer_id: uuid.UUID
    rule: WarningRule
    subject_key: str
    reason: str
    since: date

    @property
    def key(self) -> Key:
        return (self.laborer_id, self.rule, self.subject_key)


@dataclass
class Outcome:
    raised: int = 0
    closed: int = 0
    kept: int = 0


def thresholds(session: Session, county_id: uuid.UUID) -> dict[str, int]:
    row = session.get(WarningSettings, county_id)
    if row is None:
        return dict(DEFAULT_THRESHOLDS)
    return {name: getattr(row, name) for name in DEFAULT_THRESHOLDS}


def _only(
    column: SQLColumnExpression[uuid.UUID], laborer_ids: Sequence[uuid.UUID] | None
) -> list[ColumnElement[bool]]:
    return [] if laborer_ids is None else [column.in_(laborer_ids)]


def causes(
    session: Session,
    access: AccessContext,
    county_id: uuid.UUID,
    today: date,
    laborer_ids: Sequence[uuid.UUID] | None = None,
) -> list[Cause]:
    """Every cause standing today for the county's laborers (or the ones named)."""
    limits = thresholds(session, county_id)
    out: list[Cause] = []

    # Left a job before reaching a subsidy milestone: the stay is over, units unearned.
    last_end = (
        select(func.max(Placement.ended_on))
        .where(Placement.laborer_id == Entitlement.laborer_id)
        .scalar_subquery()
    )
    for laborer_id, family_id, earned, total, ended in session.execute(
        select(
            Entitlement.laborer_id,
            Entitlement.family_id,
            Entitlement.earned,
            Entitlement.total,
            last_end,
        )
        .join(Laborer, Laborer.id == Entitlement.laborer_id)
        .where(
            Laborer.tenant_id == county_id,
            Entitlement.tenant_id.in_(access.read_ids(DataKind.SUBSIDY)),
            Entitlement.eligible.is_(True),
            Entitlement.ongoing.is_(False),
            Entitlement.stay_started_on.is_not(None),
            Entitlement.earned < Entitlement.total,
            *_only(Entitlement.laborer_id, laborer_ids),
        )
    ):
        if ended is None:
            continue
        out.append(
            Cause(
                laborer_id,
                WarningRule.LEFT_BEFORE_MILESTONE,
                str(family_id),
                f"{ended:%Y-%m-%d} 离岗，补贴尚有 {total - earned} 元未达领取节点",
                ended,
            )
        )

    # Not verified in post for more than N days (since the last month in post, or the
    # start of the placement when it was never verified).
    cutoff = today - timedelta(days=limits["unverified_days"])
    last_month = (
        select(func.max(StayVerification.month))
        .where(StayVerification.placement_id == Placement.id, StayVerification.in_post.is_(True))
        .scalar_subquery()
    )
    reference = func.coalesce(last_month, Placement.started_on)
    for laborer_id, placement_id, employer, ref in session.execute(
        select(Placement.laborer_id, Placement.id, Placement.employer_name, reference).where(
            Placement.tenant_id == county_id,
            Placement.ended_on.is_(None),
            reference < cutoff,
            *_only(Placement.laborer_id, laborer_ids),
        )
    ):
        ref = ref if isinstance(ref, date) else date.fromisoformat(str(ref))
        out.append(
            Cause(
                laborer_id,
                WarningRule.UNVERIFIED,
                str(placement_id),
                f"在{employer}自 {ref:%Y-%m-%d} 起未核实在岗，已 {(today - ref).days} 天",
                ref,
            )
        )

    # An open dispute older than N days.
    cutoff = today - timedelta(days=limits["dispute_days"])
    disputes = [
        Case.tenant_id.in_(access.read_ids(DataKind.CASE)),
        Case.county_id == county_id,
        Case.kind == CaseKind.DISPUTE,
        Case.status.in_(UNFINISHED_CASE),
    ]
    for laborer_id, case_id, occurred, summary in session.execute(
        select(CaseLaborer.laborer_id, Case.id, Case.occurred_on, Case.summary)
        .join(Case, Case.id == CaseLaborer.case_id)
        .where(*disputes, Case.occurred_on < cutoff, *_only(CaseLaborer.laborer_id, laborer_ids))
    ):
        out.append(
            Cause(
                laborer_id,
                WarningRule.OPEN_DISPUTE,
                str(case_id),
                f"纠纷自 {occurred:%Y-%m-%d} 起未结（已 {(today - occurred).days} 天）：{summary}"[
                    :300
                ],
                occurred,
            )
        )

    # On holiday leave past the expected return (and the grace days).
    cutoff = today - timedelta(days=limits["leave_grace_days"])
    for laborer_id, leave_id, expected in session.execute(
        select(HolidayLeave.laborer_id, HolidayLeave.id, HolidayLeave.expected_return_on)
        .join(Placement, Placement.id == HolidayLeave.placement_id)
        .where(
            HolidayLeave.tenant_id == county_id,
            HolidayLeave.returned_on.is_(None),
            HolidayLeave.expected_return_on < cutoff,
            Placement.ended_on.is_(None),
            *_only(HolidayLeave.laborer_id, laborer_ids),
        )
    ):
        out.append(
            Cause(
                laborer_id,
                WarningRule.LEAVE_OVERDUE,
                str(leave_id),
                f"返乡后应于 {expected:%Y-%m-%d} 返岗，逾期 {(today - expected).days} 天未返",
                expected,
            )
        )

    # Unemployed, willing to transfer, and so for more than N days: since the day the
    # derived status says (a separation, a survey), so the employed are never idle.
    cutoff = today - timedelta(days=limits["idle_days"])
    since = func.coalesce(Laborer.employment_as_of, Laborer.last_surveyed_on)
    for laborer_id, surveyed in session.execute(
        select(Laborer.id, since).where(
            Laborer.tenant_id == county_id,
            Laborer.employment_status == EmploymentStatus.UNEMPLOYED,
            Laborer.transfer_willing.is_(True),
            since < cutoff,
            *_only(Laborer.id, laborer_ids),
        )
    ):
        out.append(
            Cause(
                laborer_id,
                WarningRule.IDLE_WILLING,
                NO_SUBJECT,
                f"有转移就业意愿，自 {surveyed:%Y-%m-%d} 起未就业，已 {(today - surveyed).days} 天",
                surveyed,
            )
        )

    # Placed with an employer that has several open disputes.
    counted = (
        select(Case.employer_id, func.count().label("n"), func.min(Case.occurred_on).label("first"))
        .where(*disputes, Case.employer_id.is_not(None))
        .group_by(Case.employer_id)
        .having(func.count() >= limits["employer_disputes"])
        .subquery()
    )
    for laborer_id, employer_id, employer, n, first in session.execute(
        select(
            Placement.laborer_id,
            Placement.employer_id,
            Placement.employer_name,
            counted.c.n,
            counted.c.first,
        )
        .join(counted, counted.c.employer_id == Placement.employer_id)
        .where(
            Placement.tenant_id == county_id,
            Placement.ended_on.is_(None),
            *_only(Placement.laborer_id, laborer_ids),
        )
    ):
        first = first if isinstance(first, date) else date.fromisoformat(str(first))
        out.append(
            Cause(
                laborer_id,
                WarningRule.EMPLOYER_DISPUTES,
                str(employer_id),
                f"所在用工单位{employer}有 {n} 起未结劳动纠纷",
                first,
            )
        )
    return out


def evaluate(
    session: Session,
    access: AccessContext,
    county_id: uuid.UUID,
    today: date,
    laborer_ids: Sequence[uuid.UUID] | None = None,
) -> Outcome:
    """Bring the county's flags (or the named laborers') in step with today's causes."""
    repository.lock_county(session, access, county_id)  # before reading what stands
    standing = {c.key: c for c in causes(session, access, county_id, today, laborer_ids)}
    scope = [WarningFlag.tenant_id == county_id, *_only(WarningFlag.laborer_id, laborer_ids)]
    current = {
        (f.laborer_id, f.rule, f.subject_key): f
        for f in session.scalars(
            select(WarningFlag).where(*scope, WarningFlag.status != WarningStatus.CLOSED)
        )
    }
    settled = {
        (laborer_id, rule, subject, since)
        for laborer_id, rule, subject, since in session.execute(
            select(
                WarningFlag.laborer_id,
                WarningFlag.rule,
                WarningFlag.subject_key,
                WarningFlag.since,
            ).where(
                *scope,
                WarningFlag.close_reason.in_(
                    (WarningCloseReason.BY_HAND, WarningCloseReason.ANSWERED)
                ),
            )
        )
    }
    outcome = Outcome()
    for key, flag in current.items():
        cause = standing.get(key)
        if cause is None:
            flag.status = WarningStatus.CLOSED
            flag.close_reason = WarningCloseReason.RESOLVED
            flag.closed_on = today
            flag.closed_by_label = "system"
            outcome.closed += 1
            continue
        outcome.kept += 1
        if (flag.reason, flag.since) != (cause.reason, cause.since):
            flag.reason, flag.since = cause.reason, cause.since
    for key, cause in standing.items():
        if key in current or (*key, cause.since) in settled:
            continue
        severity = SEVERITY[cause.rule]
        session.add(
            WarningFlag(
                id=new_id(),
                tenant_id=county_id,
                laborer_id=cause.laborer_id,
                rule=cause.rule,
                subject_key=cause.subject_key,
                severity=severity,
                severity_rank=SEVERITY_RANK[severity],
                reason=cause.reason,
                since=cause.since,
                raised_on=today,
                status=WarningStatus.OPEN,
            )
        )
        outcome.raised += 1
    session.flush()
    return outcome


def refresh(
    session: Session,
    access: AccessContext,
    county_id: uuid.UUID,
    laborer_ids: Iterable[uuid.UUID],
    *,
    today: date,
    employer_ids: Iterable[uuid.UUID] = (),
) -> None:
    """Re-judge the named laborers (and those still placed with the named employers, for
    a dispute) as of `today`, under the county's view.

    The after-commit work of domain events (`api/warnings/subscribers.py`): it runs in a
    background job's transaction (or at the end of the demo's load), never a request's.
    The caller's context is restored before anything else happens. An import batch is
    judged a chunk of laborers at a time (the bound parameters of one statement are
    limited)."""
    ids = list(laborer_ids)
    employers = list(dict.fromkeys(employer_ids))
    system = county_system_access(session, county_id)
    apply_access(session, system)
    try:
        if employers:
            ids += session.scalars(
                select(Placement.laborer_id).where(
                    Placement.tenant_id == county_id,
                    Placement.employer_id.in_(employers),
                    Placement.ended_on.is_(None),
                )
            ).all()
        ids = list(dict.fromkeys(ids))
        for start in range(0, len(ids), CHUNK):
            evaluate(session, system, county_id, today, ids[start : start + CHUNK])
    finally:
        apply_access(session, access)
