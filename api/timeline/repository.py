"""All SQL of a laborer's timeline: one query per kind of record, each under the
visibility rule of the domain that owns the record.

`bureau` narrows a query to what concerns one receiving bureau: referrals to its
vacancies, intentions at its booths, placements with its employers (and their
verifications and leave). Kinds a bureau never reads (surveys, trainings, subsidy
claims) are simply not asked for on its behalf.
"""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session, selectinload

from api.access import AccessContext, DataKind
from api.casework import repository as cases
from api.fairs import repository as fairs
from api.placements import repository as placements
from api.referrals import repository as referrals
from api.subsidies import claims_repository as claims
from api.trainings import repository as trainings
from shared_models import (
    Case,
    CaseLaborer,
    Employer,
    Fair,
    FairIntention,
    FairRegistration,
    HolidayLeave,
    Laborer,
    LaborerSurvey,
    Placement,
    Referral,
    ReferralEvent,
    StayVerification,
    SubsidyClaim,
    SubsidyPolicy,
    Training,
    TrainingEnrollment,
    Vacancy,
)


def laborer_name(session: Session, access: AccessContext, laborer_id: uuid.UUID) -> str | None:
    """The name, for a receiving bureau already shown to be concerned (it is masked
    before it leaves the service). On PostgreSQL row security still decides: a laborer
    placed with the bureau's employer without a referral stays unnamed there."""
    return session.scalar(select(Laborer.name).where(Laborer.id == laborer_id))


def surveys(
    session: Session, access: AccessContext, laborer_id: uuid.UUID
) -> Sequence[LaborerSurvey]:
    return session.scalars(
        select(LaborerSurvey).where(
            LaborerSurvey.laborer_id == laborer_id,
            LaborerSurvey.tenant_id.in_(access.read_ids(DataKind.LABORER)),
        )
    ).all()


def referral_steps(
    session: Session, access: AccessContext, laborer_id: uuid.UUID, bureau: uuid.UUID | None
) -> Sequence[Row[ReferralEvent, uuid.UUID, str, str]]:
    """Every step of every referral: (event, referral id, vacancy title, employer name)."""
    query = (
        select(ReferralEvent, Referral.id, Vacancy.title, Employer.name)
        .join(Referral, ReferralEvent.referral_id == Referral.id)
        .join(Vacancy, Referral.vacancy_id == Vacancy.id)
        .join(Employer, Referral.employer_id == Employer.id)
        .where(Referral.laborer_id == laborer_id, referrals.visible(access))
    )
    if bureau is not None:
        query = query.where(Referral.vacancy_tenant_id == bureau)
    return session.execute(query).all()


def fair_registrations(
    session: Session, access: AccessContext, laborer_id: uuid.UUID
) -> Sequence[Row[FairRegistration, str]]:
    """(registration, fair title)."""
    return session.execute(
        select(FairRegistration, Fair.title)
        .join(Fair, FairRegistration.fair_id == Fair.id)
        .where(FairRegistration.laborer_id == laborer_id, fairs.visible(access))
    ).all()


def fair_intentions(
    session: Session, access: AccessContext, laborer_id: uuid.UUID, bureau: uuid.UUID | None
) -> Sequence[Row[FairIntention, str, str, str]]:
    """(intention, fair title, vacancy title, employer name)."""
    query = (
        select(FairIntention, Fair.title, Vacancy.title, Employer.name)
        .join(FairRegistration, FairIntention.registration_id == FairRegistration.id)
        .join(Fair, FairIntention.fair_id == Fair.id)
        .join(Vacancy, FairIntention.vacancy_id == Vacancy.id)
        .join(Employer, Vacancy.employer_id == Employer.id)
        .where(FairRegistration.laborer_id == laborer_id, fairs.visible(access))
    )
    if bureau is not None:
        query = query.where(Vacancy.tenant_id == bureau)
    return session.execute(query).all()


def training_enrollments(
    session: Session, access: AccessContext, laborer_id: uuid.UUID
) -> Sequence[Row[TrainingEnrollment, str]]:
    """(enrollment, training title)."""
    return session.execute(
        select(TrainingEnrollment, Training.title)
        .join(Training, TrainingEnrollment.training_id == Training.id)
        .where(
            TrainingEnrollment.laborer_id == laborer_id,
            trainings.visible(access),
            trainings.roster_visible(access),
        )
    ).all()


def _placements(
    access: AccessContext, laborer_id: uuid.UUID, bureau: uuid.UUID | None
) -> list[Any]:
    conditions = [Placement.laborer_id == laborer_id, placements.visible(access)]
    if bureau is not None:
        conditions.append(Placement.employer_tenant_id == bureau)
    return conditions


def placement_spells(
    session: Session, access: AccessContext, laborer_id: uuid.UUID, bureau: uuid.UUID | None
) -> Sequence[Placement]:
    return session.scalars(select(Placement).where(*_placements(access, laborer_id, bureau))).all()


def verifications(
    session: Session, access: AccessContext, laborer_id: uuid.UUID, bureau: uuid.UUID | None
) -> Sequence[Row[StayVerification, str]]:
    """(verification, employer name)."""
    return session.execute(
        select(StayVerification, Placement.employer_name)
        .join(Placement, StayVerification.placement_id == Placement.id)
        .where(*_placements(access, laborer_id, bureau))
    ).all()


def leaves(
    session: Session, access: AccessContext, laborer_id: uuid.UUID, bureau: uuid.UUID | None
) -> Sequence[Row[HolidayLeave, str]]:
    """(leave, employer name)."""
    return session.execute(
        select(HolidayLeave, Placement.employer_name)
        .join(Placement, HolidayLeave.placement_id == Placement.id)
        .where(*_placements(access, laborer_id, bureau))
    ).all()


def subsidy_claims(
    session: Session, access: AccessContext, laborer_id: uuid.UUID
) -> Sequence[Row[SubsidyClaim, str]]:
    """(claim, policy name)."""
    return session.execute(
        select(SubsidyClaim, SubsidyPolicy.name)
        .join(SubsidyPolicy, SubsidyClaim.policy_id == SubsidyPolicy.id)
        .where(SubsidyClaim.laborer_id == laborer_id, claims.visible(access))
    ).all()


def cases_about(session: Session, access: AccessContext, laborer_id: uuid.UUID) -> Sequence[Case]:
    """Cases naming the laborer; a receiving bureau's rule (disputes with its employers)
    is already part of `cases.visible`."""
    return session.scalars(
        select(Case)
        .options(selectinload(Case.laborers))
        .join(CaseLaborer, CaseLaborer.case_id == Case.id)
        .where(CaseLaborer.laborer_id == laborer_id, cases.visible(access))
    ).all()
