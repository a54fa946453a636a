"""The shared demand pool's filters, and when a vacancy counts as open.

A vacancy is open (招聘中) while its status is open, it has started, it has not passed
its end date and it has places left. Past its end date it reads as expired at once,
whether or not the nightly `laborbridge vacancies expire` has stored that yet.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, or_

from shared_models import Employer, Vacancy
from shared_models.enums import EntryThreshold, VacancyStatus


class PoolSort(StrEnum):
    NEWEST = "newest"
    WAGE = "wage"
    CLOSING = "closing"


class Benefit(StrEnum):
    HOUSING = "housing"  # 包住
    MEALS = "meals"  # 包吃
    TRANSPORT = "transport"  # 交通/包车
    INSURANCE = "insurance"  # 五险


BENEFIT_COLUMNS = {
    Benefit.HOUSING: Vacancy.offers_housing,
    Benefit.MEALS: Vacancy.offers_meals,
    Benefit.TRANSPORT: Vacancy.offers_transport,
    Benefit.INSURANCE: Vacancy.offers_insurance,
}


@dataclass(frozen=True)
class PoolFilter:
    q: str | None = None  # part of the title or the employer's name
    city: str | None = None
    industry: str | None = None
    wage_at_least: int | None = None  # the vacancy can pay at least this much
    threshold: EntryThreshold | None = None
    benefits: tuple[Benefit, ...] = ()
    open_only: bool = True
    owner_id: uuid.UUID | None = None  # the posting bureau
    employer_id: uuid.UUID | None = None
    sort: PoolSort = PoolSort.NEWEST


def open_condition(today: date) -> ColumnElement[bool]:
    return and_(
        Vacancy.status == VacancyStatus.OPEN,
        Vacancy.valid_from <= today,
        or_(Vacancy.valid_until.is_(None), Vacancy.valid_until >= today),
        Vacancy.filled < Vacancy.headcount,
    )


def effective_status(vacancy: Vacancy, today: date) -> VacancyStatus:
    """What the vacancy is today, as people read it."""
    if vacancy.status is VacancyStatus.EXPIRED or (
        vacancy.valid_until is not None and vacancy.valid_until < today
    ):
        return VacancyStatus.EXPIRED
    if vacancy.filled >= vacancy.headcount:
        return VacancyStatus.FILLED
    return vacancy.status


def is_open(vacancy: Vacancy, today: date) -> bool:
    return effective_status(vacancy, today) is VacancyStatus.OPEN and vacancy.valid_from <= today


def _contains(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def filter_conditions(f: PoolFilter, today: date) -> list[ColumnElement[bool]]:
    """Conditions on vacancies joined to their employer."""
    conditions: list[ColumnElement[bool]] = []
    if f.open_only:
        conditions.append(open_condition(today))
    if f.q:
        pattern = _contains(f.q)
        conditions.append(
            or_(
                Vacancy.title.ilike(pattern, escape="\\"),
                Vacancy.occupation_name.ilike(pattern, escape="\\"),
                Employer.name.ilike(pattern, escape="\\"),
            )
        )
    if f.city:
        conditions.append(Vacancy.city == f.city)
    if f.industry:
        conditions.append(Employer.industry == f.industry)
    if f.wage_at_least is not None:
        conditions.append(Vacancy.wage_max >= f.wage_at_least)
    if f.threshold is not None:
        conditions.append(Vacancy.threshold == f.threshold)
    for benefit in f.benefits:
        conditions.append(BENEFIT_COLUMNS[benefit].is_(True))
    if f.owner_id is not None:
        conditions.append(Vacancy.tenant_id == f.owner_id)
    if f.employer_id is not None:
        conditions.append(Vacancy.employer_id == f.employer_id)
    return conditions


def order_by(f: PoolFilter) -> list[SQLColumnExpression[Any]]:
    if f.sort is PoolSort.WAGE:
        return [Vacancy.wage_max.desc(), Vacancy.wage_min.desc(), Vacancy.id]
    if f.sort is PoolSort.CLOSING:
        return [Vacancy.valid_until.asc().nulls_last(), Vacancy.id]
    return [Vacancy.created_at.desc(), Vacancy.id]
