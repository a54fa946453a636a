"""What a builder returns (a counted query), the builders' types, and the conditions
and measures they share."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, func
from sqlalchemy.orm import QueryableAttribute, Session

from api.access import AccessContext, DataKind, TenantSet
from api.oversight.statistics_repository.counting_periods import OnRegister, Period
from api.sql_types import AnySelect
from shared_models import Laborer


# A counted query: its FROM, joins and conditions, and what to count or add up. With
# `Laborer` among its FROMs it can be grouped by the laborer's township.
@dataclass(frozen=True)
class Counted:
    query: AnySelect
    measure: ColumnElement[int]
    # Over a tiling period list: each row counted once, in the period it came in; the
    # stock at a period's end is the running sum (Periods.on_register).
    cumulative: bool = False


Builder = Callable[[AccessContext, Period], Counted]
# Figures worked out person by person (a window after an event, each policy's units):
# (laborer, township, what the person adds: 1 or 0 for a count, yuan for a sum).
RowBuilder = Callable[[Session, AccessContext, Period], list[tuple[uuid.UUID, str, int]]]


def county(access: AccessContext) -> TenantSet:
    """The registers whose people the caller counts, placements included."""
    return access.read_ids(DataKind.LABORER) & access.read_ids(DataKind.PLACEMENT)


# A day column of the rows counted (nullable ones too: NULL is never between).
DayColumn = QueryableAttribute[date | None]


def during(column: OnRegister, period: Period) -> ColumnElement[bool]:
    """An instant column within the period's bureau days."""
    return and_(column >= period.since(), column < period.until())


def between(column: DayColumn, period: Period) -> ColumnElement[bool]:
    return column.between(period.start, period.end)


PEOPLE = func.count(func.distinct(Laborer.id))  # its drill-down lists people (records_repository)
ROWS = func.count()
