"""All SQL of referrals and their steps."""

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.sql.base import ExecutableOption

from api.access import AccessContext, DataKind
from api.referrals.transitions import LIVE
from shared_models import Laborer, Referral, ReferralEvent, Vacancy
from shared_models.enums import ReferralStatus


def visible(access: AccessContext) -> ColumnElement[bool]:
    """The laborer's county (and its liaison offices) and the vacancy's bureau."""
    return or_(
        Referral.tenant_id.in_(access.read_ids(DataKind.REFERRAL)),
        Referral.vacancy_tenant_id.in_(access.read_ids(DataKind.REFERRAL_VACANCY)),
    )


def _loaded() -> tuple[ExecutableOption, ...]:
    return (
        joinedload(Referral.laborer).selectinload(Laborer.tags),
        joinedload(Referral.vacancy).joinedload(Vacancy.employer),
        selectinload(Referral.events),
    )


def get(session: Session, access: AccessContext, referral_id: uuid.UUID) -> Referral | None:
    return session.scalars(
        select(Referral).options(*_loaded()).where(Referral.id == referral_id, visible(access))
    ).first()


def live_pairs(
    session: Session, access: AccessContext, pairs: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> dict[tuple[uuid.UUID, uuid.UUID], uuid.UUID]:
    """Which (laborer, vacancy) pairs already have a live referral, and its id."""
    if not pairs:
        return {}
    laborers = {p[0] for p in pairs}
    vacancies = {p[1] for p in pairs}
    rows = session.execute(
        select(Referral.laborer_id, Referral.vacancy_id, Referral.id).where(
            visible(access),
            Referral.laborer_id.in_(laborers),
            Referral.vacancy_id.in_(vacancies),
            Referral.status.in_([s.value for s in LIVE]),
        )
    ).all()
    wanted = set(pairs)
    return {(r[0], r[1]): r[2] for r in rows if (r[0], r[1]) in wanted}


def listing(
    session: Session,
    access: AccessContext,
    *,
    vacancy_id: uuid.UUID | None = None,
    laborer_id: uuid.UUID | None = None,
    status: ReferralStatus | None = None,
    offset: int = 0,
    limit: int = 100,
) -> tuple[Sequence[Referral], int, dict[str, int]]:
    """A board: the referrals, their total and their count per status."""
    conditions = [visible(access)]
    if vacancy_id is not None:
        conditions.append(Referral.vacancy_id == vacancy_id)
    if laborer_id is not None:
        conditions.append(Referral.laborer_id == laborer_id)
    counts = dict(
        session.execute(
            select(Referral.status, func.count()).where(*conditions).group_by(Referral.status)
        ).all()
    )
    if status is not None:
        conditions.append(Referral.status == status)
    rows = session.scalars(
        select(Referral)
        .options(*_loaded())
        .where(*conditions)
        .order_by(Referral.updated_at.desc(), Referral.id)
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.scalar(select(func.count()).select_from(Referral).where(*conditions)) or 0
    return rows, total, {str(k): int(v) for k, v in counts.items()}


def add(session: Session, access: AccessContext, *objects: object) -> None:
    access.check_rows(*objects)
    session.add_all(objects)
    session.flush()


def add_event(session: Session, access: AccessContext, event: ReferralEvent) -> None:
    access.check_rows(event)
    session.add(event)
    session.flush()
