"""The shared demand pool's filters, and when a vacancy counts as open.

A vacancy is open (招聘中) while its status is open, it has started, it has not passed
its end date and it has places left. Past its end date it reads as expired at once,
whether or not the nightly `laborbridge vacancies expire` has stored that yet.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, bindparam, or_, tuple_

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


@dataclass(frozen=True)
class PoolPaging:
    """Which page of the pool: a page number, or the cursor `after` (keyset paging),
    and how far its count goes."""

    page: int
    page_size: int
    after: str | None
    count_cap: int


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


def needs_employer(f: PoolFilter) -> bool:
    """Whether the filter reads the employer's columns (a count joins it only then)."""
    return bool(f.q or f.industry)


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


@dataclass(frozen=True)
class SortColumn:
    column: Any  # a Vacancy attribute
    type: type
    nullable: bool = False  # nulls sort last


# Each order ends with the id, so that ties have one order and a keyset page neither
# repeats nor skips a row. Within one order every column runs the same way, so that
# "after this row" is one row comparison that an index (scanned forwards or backwards)
# can start from: indexes ix_vacancies_open_* (migration 0020) match these orders.
POOL_ORDERS: dict[PoolSort, tuple[bool, tuple[SortColumn, ...]]] = {
    PoolSort.NEWEST: (
        True,
        (SortColumn(Vacancy.created_at, datetime), SortColumn(Vacancy.id, uuid.UUID)),
    ),
    PoolSort.WAGE: (
        True,
        (
            SortColumn(Vacancy.wage_max, int),
            SortColumn(Vacancy.wage_min, int),
            SortColumn(Vacancy.id, uuid.UUID),
        ),
    ),
    PoolSort.CLOSING: (
        False,
        (SortColumn(Vacancy.valid_until, date, nullable=True), SortColumn(Vacancy.id, uuid.UUID)),
    ),
}


def order_by(f: PoolFilter) -> list[SQLColumnExpression[Any]]:
    descending, columns = POOL_ORDERS[f.sort]
    if descending:
        return [c.column.desc() for c in columns]
    return [c.column.asc().nulls_last() if c.nullable else c.column for c in columns]


def sort_values(f: PoolFilter, vacancy: Vacancy) -> list[Any]:
    """The row's values of the pool's order (what a cursor after it holds)."""
    return [getattr(vacancy, c.column.key) for c in POOL_ORDERS[f.sort][1]]


def sort_types(f: PoolFilter) -> list[tuple[type, bool]]:
    return [(c.type, c.nullable) for c in POOL_ORDERS[f.sort][1]]


def after_condition(f: PoolFilter, values: list[Any]) -> ColumnElement[bool]:
    """The rows that come after a row with these sort values, in the pool's order."""
    descending, columns = POOL_ORDERS[f.sort]
    nullable = [c for c, v in zip(columns, values, strict=True) if c.nullable]
    if nullable and values[0] is None:
        # Only the closing order has a nullable (leading) column: nulls come last.
        rest = tuple_(*(c.column for c in columns[1:])) > _bound(columns[1:], values[1:])
        return and_(columns[0].column.is_(None), rest)
    row = tuple_(*(c.column for c in columns))
    bound = _bound(columns, values)
    beyond = row < bound if descending else row > bound
    if nullable:
        return or_(beyond, columns[0].column.is_(None))
    return beyond


def _bound(columns: tuple[SortColumn, ...], values: list[Any]) -> ColumnElement[Any]:
    """The values as parameters of their columns' types (SQLite stores times as text)."""
    return tuple_(
        *(bindparam(None, v, type_=c.column.type) for c, v in zip(columns, values, strict=True))
    )
