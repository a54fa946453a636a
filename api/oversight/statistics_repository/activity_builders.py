"""The builders of what the caller reads through its pairings and its own casework: the
demand pool, fairs and referrals, subsidies, cases and early warnings."""

import uuid

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from api.access import AccessContext, DataKind
from api.oversight.statistics_repository.counted import ROWS, Builder, Counted, between, during
from api.oversight.statistics_repository.counting_periods import Period
from api.sql_types import AnySelect
from api.subsidies import entitlements
from api.subsidies.rules import Person
from shared_models import (
    Case,
    Entitlement,
    Fair,
    FairIntention,
    FairRegistration,
    Laborer,
    Placement,
    Referral,
    ReferralEvent,
    SubsidyClaim,
    SubsidyPolicy,
    Vacancy,
    WarningFlag,
)
from shared_models.enums import (
    CaseKind,
    ClaimStatus,
    FairStatus,
    IntentionOutcome,
    ReferralStatus,
    WarningRule,
    WarningStatus,
)

# --- the demand pool --------------------------------------------------------------------------


def open_vacancies(measure: ColumnElement[int]) -> Builder:
    def build(access: AccessContext, period: Period) -> Counted:
        query = select(Vacancy.id).where(
            Vacancy.tenant_id.in_(access.read_ids(DataKind.DEMAND)),
            Vacancy.valid_from <= period.end,
            or_(Vacancy.valid_until.is_(None), Vacancy.valid_until >= period.start),
        )
        return Counted(query, measure)

    return build


# --- fairs and referrals ---------------------------------------------------------------------


def _fairs_held(access: AccessContext, period: Period) -> AnySelect:
    """The ids of the caller's pairings' fairs held in the period."""
    return select(Fair.id).where(
        Fair.pairing_id.in_(access.pairing_ids),
        Fair.tenant_id.in_(access.read_ids(DataKind.EVENT)),
        Fair.status.notin_([FairStatus.DRAFT, FairStatus.CANCELLED]),
        between(Fair.held_on, period),
    )


def fairs(access: AccessContext, period: Period) -> Counted:
    return Counted(_fairs_held(access, period), ROWS)


def attendees(access: AccessContext, period: Period) -> Counted:
    query = select(FairRegistration.id).where(
        FairRegistration.fair_id.in_(_fairs_held(access, period)),
        FairRegistration.checked_in_at.is_not(None),
    )
    return Counted(query, ROWS)


def intentions(access: AccessContext, period: Period) -> Counted:
    query = select(FairIntention.id).where(
        FairIntention.fair_id.in_(_fairs_held(access, period)),
        FairIntention.outcome == IntentionOutcome.AGREED,
    )
    return Counted(query, func.count(func.distinct(FairIntention.registration_id)))


def _referrals_of(access: AccessContext, *conditions: ColumnElement[bool]) -> AnySelect:
    return (
        select(Referral.id)
        .join(Laborer, Laborer.id == Referral.laborer_id)
        .where(
            Referral.tenant_id.in_(
                access.read_ids(DataKind.REFERRAL) & access.read_ids(DataKind.LABORER)
            ),
            *conditions,
        )
    )


def referrals(access: AccessContext, period: Period) -> Counted:
    # The day it was made, as recorded on its first step (it may be backdated).
    made = (
        select(ReferralEvent.id)
        .where(
            ReferralEvent.referral_id == Referral.id,
            ReferralEvent.from_status.is_(None),
            between(ReferralEvent.occurred_on, period),
        )
        .exists()
    )
    return Counted(_referrals_of(access, made), ROWS)


def hires(access: AccessContext, period: Period) -> Counted:
    query = _referrals_of(
        access, Referral.status == ReferralStatus.HIRED, between(Referral.hired_on, period)
    )
    return Counted(query, ROWS)


# --- subsidies, casework, warnings ------------------------------------------------------------


def claimed(access: AccessContext, period: Period) -> Counted:
    query = select(SubsidyClaim.id).where(
        SubsidyClaim.tenant_id.in_(access.read_ids(DataKind.SUBSIDY)),
        SubsidyClaim.status != ClaimStatus.REJECTED,
        during(SubsidyClaim.created_at, period),
    )
    return Counted(query, func.coalesce(func.sum(SubsidyClaim.amount), 0))


def paid(access: AccessContext, period: Period) -> Counted:
    query = select(SubsidyClaim.id).where(
        SubsidyClaim.tenant_id.in_(access.read_ids(DataKind.SUBSIDY)),
        SubsidyClaim.status == ClaimStatus.PAID,
        between(SubsidyClaim.paid_on, period),
    )
    return Counted(query, func.coalesce(func.sum(SubsidyClaim.amount), 0))


def due(
    session: Session, access: AccessContext, period: Period
) -> list[tuple[uuid.UUID, str, int]]:
    """Per laborer and policy the caller pays, the yuan of the units that fell due in the
    period: each policy judged again from the records as at the period's last day (or
    today), as the claims queue judges it. The stored entitlements only say who may be
    owed at all; they keep no day per earned unit."""
    last = min(period.end, period.today)
    if last < period.start:
        return []
    payers = access.read_ids(DataKind.SUBSIDY)
    grouped = entitlements.families(
        session.scalars(select(SubsidyPolicy).where(SubsidyPolicy.tenant_id.in_(payers)))
    )
    if not grouped:
        return []

    # A unit falls due on a day of its stay, so the stay began by `last` and lasted into
    # the period: one placement started by then, one not ended before it (a stay may join
    # spells across a gap). Not the stored stay's start: that may be a later stay's.
    def placed(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
        return select(Placement.id).where(Placement.laborer_id == Laborer.id, *conditions).exists()

    laborers = session.execute(
        select(
            Laborer.id,
            Laborer.tenant_id,
            Laborer.poverty_status,
            Laborer.region_code,
            Laborer.township,
        )
        .where(
            Laborer.id.in_(select(Entitlement.laborer_id).where(Entitlement.tenant_id.in_(payers))),
            placed(Placement.started_on <= last),
            placed(or_(Placement.ended_on.is_(None), Placement.ended_on >= period.start)),
        )
        .order_by(Laborer.id)
    ).all()
    out: list[tuple[uuid.UUID, str, int]] = []
    for first in range(0, len(laborers), entitlements.BATCH):
        batch = laborers[first : first + entitlements.BATCH]
        records = entitlements.load_records(session, access, [row.id for row in batch])
        for row in batch:
            person = Person(str(row.poverty_status), row.region_code)
            for versions in grouped.values():
                if versions[0].tenant_id != row.tenant_id:
                    continue  # a bureau pays its own register
                _, result = entitlements.judge(versions, person, records[row.id], last)
                if result.eligible:
                    due = sum(
                        u.amount for u in result.units if u.earned and period.start <= u.due_on
                    )
                    out.append((row.id, row.township, due))
    return out


def _county_cases(access: AccessContext, *conditions: ColumnElement[bool]) -> AnySelect:
    """The county's casework (its offices'), not disputes merely read by an employer's
    bureau."""
    return select(Case.id).where(
        Case.tenant_id.in_(access.read_ids(DataKind.CASE)),
        or_(
            Case.tenant_id == access.tenant_id,
            Case.county_id.in_(access.read_ids(DataKind.LABORER)),
        ),
        *conditions,
    )


def cases(kind: CaseKind) -> Builder:
    def build(access: AccessContext, period: Period) -> Counted:
        query = _county_cases(access, Case.kind == kind, between(Case.occurred_on, period))
        return Counted(query, ROWS)

    return build


def recovered(access: AccessContext, period: Period) -> Counted:
    # closed_on is set when a case is finished (resolved, handed over or closed).
    query = _county_cases(access, Case.kind == CaseKind.DISPUTE, between(Case.closed_on, period))
    return Counted(query, func.coalesce(func.sum(Case.amount_recovered), 0))


def warnings(closed: bool, rule: WarningRule | None = None) -> Builder:
    def build(access: AccessContext, period: Period) -> Counted:
        conditions: list[ColumnElement[bool]] = [
            WarningFlag.tenant_id.in_(access.read_ids(DataKind.WARNING))
        ]
        if rule is not None:
            conditions.append(WarningFlag.rule == rule)
        if closed:
            conditions += [
                WarningFlag.status == WarningStatus.CLOSED,
                between(WarningFlag.closed_on, period),
            ]
        else:
            conditions.append(between(WarningFlag.raised_on, period))
        return Counted(select(WarningFlag.id).where(*conditions), ROWS)

    return build
