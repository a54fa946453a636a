"""All SQL of fairs: the fair, employers and vacancies at it, registrations, intentions."""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from api.access import AccessContext, DataKind
from api.sort_keys import FairSort
from shared_models import (
    Employer,
    Fair,
    FairEmployer,
    FairIntention,
    FairRegistration,
    FairVacancy,
    LaborerIdentity,
    Organization,
    Placement,
    Referral,
    StayVerification,
    SubsidyPolicy,
    Vacancy,
)
from shared_models.enums import ReferralStatus


def visible(access: AccessContext) -> ColumnElement[bool]:
    """Fairs of the caller's pairings (organized by a tenant the caller may read)."""
    return and_(
        Fair.pairing_id.in_(access.pairing_ids),
        Fair.tenant_id.in_(access.read_ids(DataKind.EVENT)),
    )


def _checked(access: AccessContext, fair: Fair) -> uuid.UUID:
    """The id of a fair the caller loaded under its context (get()), checked again here,
    so that the reads of the rows under it never serve a fair the caller cannot see."""
    if fair.pairing_id not in access.pairing_ids or not access.can_read(
        DataKind.EVENT, fair.tenant_id
    ):
        raise PermissionError(f"fair {fair.id} is not one the caller reads")
    return fair.id


def add(session: Session, access: AccessContext, *objects: object) -> None:
    access.check_rows(*objects)
    session.add_all(objects)
    session.flush()


def get(session: Session, access: AccessContext, fair_id: uuid.UUID) -> Fair | None:
    return session.scalars(select(Fair).where(Fair.id == fair_id, visible(access))).first()


def listing(
    session: Session, access: AccessContext, *, since: date | None = None
) -> Sequence[Fair]:
    conditions = [visible(access)]
    if since is not None:
        conditions.append(Fair.held_on >= since)
    return session.scalars(select(Fair).where(*conditions).order_by(Fair.held_on.desc())).all()


def listing_page(
    session: Session,
    access: AccessContext,
    *,
    offset: int = 0,
    limit: int = 50,
    sort: FairSort | None = None,
    descending: bool = False,
) -> tuple[Sequence[Fair], int]:
    """A page of the fairs, latest first (or by `sort`, that order breaking ties), and
    the true count."""
    column = {
        None: None,
        FairSort.HELD_ON: Fair.held_on,
        FairSort.TITLE: Fair.title,
        FairSort.STATUS: Fair.status,
    }[sort]
    chosen = [] if column is None else [column.desc() if descending else column.asc()]
    rows = session.scalars(
        select(Fair)
        .where(visible(access))
        .order_by(*chosen, Fair.held_on.desc(), Fair.title, Fair.id)
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.scalar(select(func.count()).select_from(Fair).where(visible(access))) or 0
    return rows, total


def employers(session: Session, access: AccessContext, fair: Fair) -> Sequence[Row[Any]]:
    """Each employer at the fair with its bureau's kind and the positions it brings."""
    fair_id = _checked(access, fair)
    positions = (
        select(func.coalesce(func.sum(FairVacancy.positions), 0))
        .where(FairVacancy.fair_employer_id == FairEmployer.id)
        .scalar_subquery()
    )
    return session.execute(
        select(FairEmployer, Employer.name, Organization.kind, positions.label("positions"))
        .join(Employer, Employer.id == FairEmployer.employer_id)
        .join(Organization, Organization.id == Employer.tenant_id)
        .where(FairEmployer.fair_id == fair_id)
        .order_by(FairEmployer.booth, Employer.name)
    ).all()


def fair_employer(
    session: Session, access: AccessContext, fair: Fair, employer_id: uuid.UUID
) -> FairEmployer | None:
    return session.scalars(
        select(FairEmployer).where(
            FairEmployer.fair_id == _checked(access, fair), FairEmployer.employer_id == employer_id
        )
    ).first()


def fair_vacancy_ids(session: Session, access: AccessContext, fair: Fair) -> set[uuid.UUID]:
    fair_id = _checked(access, fair)
    return set(
        session.scalars(select(FairVacancy.vacancy_id).where(FairVacancy.fair_id == fair_id))
    )


def registration_by_code(
    session: Session, access: AccessContext, fair: Fair, code: str
) -> FairRegistration | None:
    return session.scalars(
        select(FairRegistration)
        .where(FairRegistration.fair_id == _checked(access, fair), FairRegistration.code == code)
        .with_for_update()
    ).first()


def code_elsewhere(session: Session, access: AccessContext, code: str) -> Fair | None:
    return session.scalars(
        select(Fair)
        .join(FairRegistration, FairRegistration.fair_id == Fair.id)
        .where(FairRegistration.code == code, visible(access))
        .limit(1)
    ).first()


def registration(
    session: Session, access: AccessContext, fair: Fair, registration_id: uuid.UUID
) -> FairRegistration | None:
    return session.scalars(
        select(FairRegistration).where(
            FairRegistration.id == registration_id,
            FairRegistration.fair_id == _checked(access, fair),
        )
    ).first()


def registrations(
    session: Session, access: AccessContext, fair: Fair, *, offset: int = 0, limit: int = 200
) -> tuple[Sequence[FairRegistration], int]:
    fair_id = _checked(access, fair)
    rows = session.scalars(
        select(FairRegistration)
        .where(FairRegistration.fair_id == fair_id)
        .order_by(FairRegistration.registered_at, FairRegistration.id)
        .offset(offset)
        .limit(limit)
    ).all()
    total = (
        session.scalar(
            select(func.count())
            .select_from(FairRegistration)
            .where(FairRegistration.fair_id == fair_id)
        )
        or 0
    )
    return rows, total


def registered(
    session: Session, access: AccessContext, fair: Fair, id_hashes: Sequence[str]
) -> set[str]:
    fair_id = _checked(access, fair)
    if not id_hashes:
        return set()
    return set(
        session.scalars(
            select(FairRegistration.id_number_hash).where(
                FairRegistration.fair_id == fair_id, FairRegistration.id_number_hash.in_(id_hashes)
            )
        )
    )


def identity(session: Session, access: AccessContext, id_hash: str) -> LaborerIdentity | None:
    """Which county registered this ID number (no more than that)."""
    return session.scalars(
        select(LaborerIdentity).where(
            LaborerIdentity.id_number_hash == id_hash,
            LaborerIdentity.tenant_id.in_(access.read_ids(DataKind.IDENTITY)),
        )
    ).first()


def intentions(session: Session, access: AccessContext, fair: Fair) -> Sequence[FairIntention]:
    return session.scalars(
        select(FairIntention)
        .where(FairIntention.fair_id == _checked(access, fair))
        .order_by(FairIntention.created_at)
    ).all()


def open_intentions_of(
    session: Session, access: AccessContext, fair: Fair, county_ids: Sequence[uuid.UUID]
) -> Sequence[tuple[FairIntention, FairRegistration]]:
    """Intentions reached, not yet referred, of registrants from the given counties."""
    return session.execute(
        select(FairIntention, FairRegistration)
        .join(FairRegistration, FairRegistration.id == FairIntention.registration_id)
        .where(
            FairIntention.fair_id == _checked(access, fair),
            FairIntention.outcome == "agreed",
            FairIntention.referral_id.is_(None),
            FairRegistration.laborer_tenant_id.in_(county_ids),
        )
    ).all()


# --- results -----------------------------------------------------------------------------------


def counts(session: Session, access: AccessContext, fair: Fair) -> dict[str, int]:
    fair_id = _checked(access, fair)

    def one(statement: Select[int]) -> int:
        return int(session.scalar(statement) or 0)

    return {
        "registrants": one(select(func.count()).where(FairRegistration.fair_id == fair_id)),
        "walk_ins": one(
            select(func.count()).where(
                FairRegistration.fair_id == fair_id, FairRegistration.walk_in.is_(True)
            )
        ),
        "attendees": one(
            select(func.count()).where(
                FairRegistration.fair_id == fair_id, FairRegistration.checked_in_at.is_not(None)
            )
        ),
        "interviews": one(select(func.count()).where(FairIntention.fair_id == fair_id)),
        "intentions": one(
            select(func.count(func.distinct(FairIntention.registration_id))).where(
                FairIntention.fair_id == fair_id, FairIntention.outcome == "agreed"
            )
        ),
        "positions": one(
            select(func.coalesce(func.sum(FairVacancy.positions), 0)).where(
                FairVacancy.fair_id == fair_id
            )
        ),
    }


def referral_outcomes(
    session: Session, access: AccessContext, fair_id: uuid.UUID
) -> Sequence[Row[ReferralStatus, uuid.UUID, date, date | None]]:
    """The referrals made from the fair's intentions, with their placements."""
    return session.execute(
        select(Referral.status, Placement.id, Placement.started_on, Placement.ended_on)
        .join(FairIntention, FairIntention.referral_id == Referral.id)
        .outerjoin(Placement, Placement.referral_id == Referral.id)
        .where(FairIntention.fair_id == fair_id)
    ).all()


def vacancies_of(
    session: Session, access: AccessContext, employer_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> Sequence[Vacancy]:
    return session.scalars(
        select(Vacancy).where(
            Vacancy.employer_id == employer_id,
            Vacancy.id.in_(ids),
            Vacancy.tenant_id.in_(access.read_ids(DataKind.DEMAND)),
        )
    ).all()


def months_in_post(
    session: Session, access: AccessContext, placement_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, set[date]]:
    """Per placement, the calendar months verified in post (在岗核实)."""
    out: dict[uuid.UUID, set[date]] = {i: set() for i in placement_ids}
    if not placement_ids:
        return out
    rows = session.execute(
        select(StayVerification.placement_id, StayVerification.month).where(
            StayVerification.placement_id.in_(placement_ids),
            StayVerification.in_post.is_(True),
            StayVerification.tenant_id.in_(access.read_ids(DataKind.PLACEMENT)),
        )
    ).all()
    for placement_id, month in rows:
        out[placement_id].add(month)
    return out


def verification_required(session: Session, access: AccessContext, fair: Fair) -> bool:
    """Whether a policy in force that the caller reads, for the fair's pairing or for
    every pairing of its payer, counts only verified months."""
    return (
        session.scalar(
            select(func.count())
            .select_from(SubsidyPolicy)
            .where(
                SubsidyPolicy.tenant_id.in_(access.read_ids(DataKind.SUBSIDY)),
                SubsidyPolicy.superseded.is_(False),
                SubsidyPolicy.requires_verification.is_(True),
                or_(
                    SubsidyPolicy.pairing_id.is_(None), SubsidyPolicy.pairing_id == fair.pairing_id
                ),
            )
        )
        or 0
    ) > 0
