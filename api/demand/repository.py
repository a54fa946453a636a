"""All SQL of employers and vacancies (the demand pool)."""

import uuid
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, case, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from api.access import AccessContext, DataKind
from api.demand.pool import (
    PoolFilter,
    after_condition,
    filter_conditions,
    needs_employer,
    open_condition,
    order_by,
)
from api.supply.repository import capped_count
from shared_models import Employer, Vacancy, VacancySkill
from shared_models.enums import VacancyStatus


def employer_visible(access: AccessContext) -> ColumnElement[bool]:
    """The pool is read by every tenant of the owner's pairings (DESIGN.md)."""
    return Employer.tenant_id.in_(access.read_ids(DataKind.DEMAND))


def vacancy_visible(access: AccessContext) -> ColumnElement[bool]:
    return Vacancy.tenant_id.in_(access.read_ids(DataKind.DEMAND))


def add(session: Session, access: AccessContext, obj: object) -> None:
    access.check_rows(obj)
    session.add(obj)
    session.flush()


# --- employers ---------------------------------------------------------------------------------


def _escaped(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def employers(
    session: Session,
    access: AccessContext,
    *,
    q: str | None,
    owner_id: uuid.UUID | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[Employer], int]:
    conditions = [employer_visible(access)]
    if q:
        conditions.append(
            or_(
                Employer.name.ilike(_escaped(q), escape="\\"),
                Employer.credit_code == q.strip().upper(),
            )
        )
    if owner_id is not None:
        conditions.append(Employer.tenant_id == owner_id)
    rows = session.scalars(
        select(Employer)
        .where(*conditions)
        .order_by(Employer.name, Employer.id)
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.scalar(select(func.count()).select_from(Employer).where(*conditions)) or 0
    return rows, total


def get_employer(
    session: Session, access: AccessContext, employer_id: uuid.UUID
) -> Employer | None:
    return session.scalars(
        select(Employer).where(Employer.id == employer_id, employer_visible(access))
    ).first()


def employer_by_code(
    session: Session, access: AccessContext, tenant_id: uuid.UUID, credit_code: str
) -> Employer | None:
    """The employer this bureau registered under the code (one per code per bureau)."""
    return session.scalars(
        select(Employer).where(
            employer_visible(access),
            Employer.tenant_id == tenant_id,
            Employer.credit_code == credit_code,
        )
    ).first()


def employers_by_code(
    session: Session, access: AccessContext, codes: Sequence[str]
) -> dict[str, Employer]:
    if not codes:
        return {}
    rows = session.scalars(
        select(Employer).where(
            employer_visible(access),
            Employer.tenant_id == access.tenant_id,
            Employer.credit_code.in_(codes),
        )
    ).all()
    return {e.credit_code: e for e in rows}


def open_vacancy_counts(
    session: Session, access: AccessContext, employer_ids: Sequence[uuid.UUID], today: date
) -> dict[uuid.UUID, int]:
    if not employer_ids:
        return {}
    rows = session.execute(
        select(Vacancy.employer_id, func.count())
        .where(
            vacancy_visible(access), Vacancy.employer_id.in_(employer_ids), open_condition(today)
        )
        .group_by(Vacancy.employer_id)
    ).all()
    return {employer_id: int(count) for employer_id, count in rows}


# --- vacancies ---------------------------------------------------------------------------------


def _pool_query(
    access: AccessContext, f: PoolFilter, today: date, *, employer: bool
) -> Select[Vacancy]:
    """Vacancies matching the filter; joined to their employer when `employer` (the rows
    read it) or when the filter looks at it. One join: the rows' employers come from it."""
    query = select(Vacancy)
    if employer or needs_employer(f):
        query = query.join(Employer, Employer.id == Vacancy.employer_id)
    return query.where(vacancy_visible(access), *filter_conditions(f, today))


def vacancies(
    session: Session,
    access: AccessContext,
    f: PoolFilter,
    today: date,
    *,
    offset: int,
    limit: int,
    after: list[Any] | None = None,
) -> Sequence[Vacancy]:
    """A page in pool order: from `offset`, or (keyset) after the row whose sort values
    are `after`."""
    query = _pool_query(access, f, today, employer=True)
    if after is not None:
        query = query.where(after_condition(f, after))
        offset = 0
    return session.scalars(
        query.options(contains_eager(Vacancy.employer), selectinload(Vacancy.skills))
        .order_by(*order_by(f))
        .offset(offset)
        .limit(limit)
    ).all()


def count_vacancies(
    session: Session, access: AccessContext, f: PoolFilter, today: date, cap: int | None = None
) -> int:
    """The true count, or at most `cap` + 1."""
    query = _pool_query(access, f, today, employer=False).with_only_columns(Vacancy.id)
    return capped_count(session, access, query, cap)


def stream_vacancies(
    session: Session, access: AccessContext, f: PoolFilter, today: date, batch: int = 2000
) -> Iterator[Sequence[Vacancy]]:
    """The whole filtered pool, in pool order, a batch at a time (exports)."""
    offset = 0
    while True:
        rows = vacancies(session, access, f, today, offset=offset, limit=batch)
        if not rows:
            return
        yield rows
        offset += batch


def get_vacancy(session: Session, access: AccessContext, vacancy_id: uuid.UUID) -> Vacancy | None:
    return session.scalars(
        select(Vacancy)
        .options(joinedload(Vacancy.employer), selectinload(Vacancy.skills))
        .where(Vacancy.id == vacancy_id, vacancy_visible(access))
    ).first()


def vacancies_by_key(
    session: Session, access: AccessContext, employer_ids: Sequence[uuid.UUID]
) -> dict[tuple[uuid.UUID, str], Vacancy]:
    """The caller's own vacancies of these employers by (employer, title): an imported
    row with the same employer and title updates that vacancy instead of adding one."""
    if not employer_ids:
        return {}
    rows = session.scalars(
        select(Vacancy)
        .options(selectinload(Vacancy.skills))
        .where(
            vacancy_visible(access),
            Vacancy.tenant_id == access.tenant_id,
            Vacancy.employer_id.in_(employer_ids),
            Vacancy.status != VacancyStatus.EXPIRED,
        )
        .order_by(Vacancy.created_at)
    ).all()
    return {(v.employer_id, v.title): v for v in rows}


def replace_skills(
    session: Session, access: AccessContext, vacancy: Vacancy, names: Sequence[str]
) -> None:
    access.check_rows(vacancy)
    vacancy.skills.clear()
    session.flush()
    vacancy.skills.extend(
        VacancySkill(id=uuid.uuid4(), tenant_id=vacancy.tenant_id, name=name, position=index)
        for index, name in enumerate(names)
    )
    session.flush()


def expire(session: Session, access: AccessContext, today: date) -> int:
    """Store `expired` on the caller's vacancies past their end date."""
    result = cast(
        CursorResult[Any],
        session.execute(
            update(Vacancy)
            .where(
                Vacancy.tenant_id.in_(access.write_ids(DataKind.DEMAND)),
                Vacancy.status.in_([VacancyStatus.OPEN, VacancyStatus.PAUSED]),
                Vacancy.valid_until < today,
            )
            .values(status=VacancyStatus.EXPIRED, version=Vacancy.version + 1)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount or 0


def take_place(session: Session, access: AccessContext, vacancy_id: uuid.UUID) -> bool:
    """One place of the vacancy taken, if one is left: a single conditional UPDATE, so
    two hires racing for the last place cannot both get it (the row lock serialises
    them and the second sees `filled = headcount`)."""
    result = cast(
        CursorResult[Any],
        session.execute(
            update(Vacancy)
            .where(
                Vacancy.id == vacancy_id,
                Vacancy.filled < Vacancy.headcount,
                vacancy_visible(access),
            )
            .values(
                filled=Vacancy.filled + 1,
                status=case(
                    (Vacancy.filled + 1 >= Vacancy.headcount, VacancyStatus.FILLED.value),
                    else_=Vacancy.status,
                ),
                version=Vacancy.version + 1,
            )
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1
