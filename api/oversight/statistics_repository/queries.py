"""The statistics queries: an indicator's value, its spread by township, its values
over many periods at once, and the early-warning and retention figures."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from itertools import accumulate, pairwise
from typing import Any

from sqlalchemy import (
    SQLColumnExpression,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, DataKind
from api.oversight.indicators import BY_CODE
from api.oversight.statistics_repository.builders import BUILDERS, GROUPED, ROW_BUILDERS
from api.oversight.statistics_repository.counted import Counted
from api.oversight.statistics_repository.counting_periods import Period, Periods
from api.oversight.statistics_repository.people_builders import placements
from api.oversight.statistics_repository.sql_functions import MonthsAfter
from api.sql_types import AnySelect
from shared_models import Laborer, Placement, WarningFlag
from shared_models.enums import WarningStatus


@dataclass(frozen=True)
class Value:
    numerator: int
    denominator: int | None = None


def value(
    session: Session,
    access: AccessContext,
    code: str,
    start: date,
    end: date,
    *,
    today: date | None = None,
) -> Value:
    """The indicator's value for [start, end]: a count or sum, or for a rate its
    numerator and denominator. `today` (default: the bureau's) bounds milestones."""
    period = Period(start, end, today or clock.today())
    indicator = BY_CODE[code]
    if indicator.numerator and indicator.denominator:
        top = _count(session, access, indicator.numerator, period)
        return Value(top, _count(session, access, indicator.denominator, period))
    return Value(_count(session, access, code, period))


def _count(session: Session, access: AccessContext, code: str, period: Period) -> int:
    if code in ROW_BUILDERS:
        rows = ROW_BUILDERS[code](session, access, period)
        return sum(counted for _laborer, _township, counted in rows)
    counted = BUILDERS[code](access, period)
    return int(session.scalar(counted.query.with_only_columns(counted.measure)) or 0)


def by_township(
    session: Session,
    access: AccessContext,
    code: str,
    start: date,
    end: date,
    *,
    today: date | None = None,
) -> dict[str, int]:
    """A person-based indicator's count per laborer township (a rate: its numerator)."""
    period = Period(start, end, today or clock.today())
    indicator = BY_CODE[code]
    if not indicator.by_township:
        raise ValueError(f"{code} is not counted by township")
    code = indicator.numerator or code
    if code in ROW_BUILDERS:
        spread: Counter[str] = Counter()
        for _laborer, township, counted in ROW_BUILDERS[code](session, access, period):
            spread[township] += counted
        return {township: n for township, n in spread.items() if n}
    counted = BUILDERS[code](access, period)
    rows = session.execute(
        counted.query.with_only_columns(Laborer.township, counted.measure).group_by(
            Laborer.township
        )
    ).all()
    return {township: int(n) for township, n in rows if n}


_spread = by_township  # values_by_period's flag shadows the name


def values_by_period(
    session: Session,
    access: AccessContext,
    code: str,
    bounds: list[tuple[date, date]],
    *,
    by_township: bool = False,
    today: date | None = None,
) -> list[tuple[Value, dict[str, int] | None]]:
    """value() (and by_township() if asked) for each [start, end] of `bounds`, in one
    grouped statement per figure (numerator, denominator, township spread) instead of
    one per period: the period list joined to the rows, grouped by period."""
    if not bounds:
        return []
    indicator = BY_CODE[code]
    codes = [c for c in (indicator.numerator, indicator.denominator) if c] or [code]
    if not all(c in GROUPED for c in codes):
        return [
            (
                value(session, access, code, start, end, today=today),
                _spread(session, access, code, start, end, today=today) if by_township else None,
            )
            for start, end in bounds
        ]
    periods = Periods(bounds, today or clock.today())
    counts = [_counts(session, access, c, periods) for c in codes]
    townships: list[dict[str, int]] | None = None
    if by_township:
        if not indicator.by_township:
            raise ValueError(f"{code} is not counted by township")
        counted = BUILDERS[codes[0]](access, periods)  # type: ignore[arg-type]  # Periods stands in for Period
        rows = session.execute(_grouped(counted, periods, Laborer.township, counted.measure)).all()
        townships = [{} for _ in bounds]
        for i, township, n in rows:
            if n:
                townships[i][township] = int(n)
        if counted.cumulative:
            for before, now in pairwise(townships):
                for township, n in before.items():
                    now[township] = now.get(township, 0) + n
    out = []
    for i in range(len(bounds)):
        v = Value(counts[0][i], counts[1][i]) if len(counts) == 2 else Value(counts[0][i])
        out.append((v, townships[i] if townships is not None else None))
    return out


def _grouped(counted: Counted, periods: Periods, *columns: SQLColumnExpression[Any]) -> AnySelect:
    """The counted query by period: the period list joined, or for a stock that only
    grows, each row in the period it came in."""
    # The last column is the measure; the ones before it (the period's index, then any
    # of `columns`) the groups.
    if counted.cumulative:
        # Grouped by its name: the bucket's bounds are parameters, which PostgreSQL
        # would not match between the select list and a repeated GROUP BY expression.
        bucket = periods.bucket().label("period_index")
        query = counted.query.with_only_columns(bucket, *columns)
        return query.group_by(literal_column("period_index"), *columns[:-1])
    query = periods.joined(counted.query.with_only_columns(periods.index, *columns))
    return query.group_by(periods.index, *columns[:-1])


def _counts(session: Session, access: AccessContext, code: str, periods: Periods) -> list[int]:
    counted = BUILDERS[code](access, periods)  # type: ignore[arg-type]  # Periods stands in for Period
    found: dict[int, int | None] = dict(
        session.execute(_grouped(counted, periods, counted.measure)).all()
    )
    counts = [int(found.get(i) or 0) for i in range(len(periods.periods))]
    return list(accumulate(counts)) if counted.cumulative else counts


def warnings_by_rule(
    session: Session, access: AccessContext, start: date, end: date
) -> list[tuple[str, date, int]]:
    """(rule, day raised, flags) for the flags the caller reads raised in [start, end]:
    one grouped query for the early-warning analysis, bucketed into periods by the caller."""
    rows = session.execute(
        select(WarningFlag.rule, WarningFlag.raised_on, func.count())
        .where(
            WarningFlag.tenant_id.in_(access.read_ids(DataKind.WARNING)),
            WarningFlag.raised_on.between(start, end),
        )
        .group_by(WarningFlag.rule, WarningFlag.raised_on)
    ).all()
    return [(str(rule), day, n) for rule, day, n in rows]


def open_warnings_by_rule(session: Session, access: AccessContext) -> dict[str, int]:
    """Flags still open (or acknowledged) now, by rule: who is at risk today."""
    rows = session.execute(
        select(WarningFlag.rule, func.count())
        .where(
            WarningFlag.tenant_id.in_(access.read_ids(DataKind.WARNING)),
            WarningFlag.status != WarningStatus.CLOSED,
        )
        .group_by(WarningFlag.rule)
    ).all()
    return {str(rule): n for rule, n in rows}


def placement_spans(
    session: Session, access: AccessContext, start: date, end: date
) -> list[tuple[date, date | None]]:
    """(started, ended) of the county's placements started in [start, end]: the cohort
    a retention curve follows."""
    return [
        (started, ended)
        for started, ended in session.execute(
            placements(access, Placement.started_on.between(start, end)).with_only_columns(
                Placement.started_on, Placement.ended_on
            )
        ).all()
    ]


def retention(
    session: Session, access: AccessContext, start: date, end: date, today: date, months: int
) -> list[tuple[int, int]]:
    """For n = 1 .. `months`: of the county's placements started in [start, end], how
    many have reached their n-th month mark by today, and how many of those were still
    in post that day; one statement (the rows stay in the database)."""
    columns = []
    for n in range(1, months + 1):
        mark = MonthsAfter(Placement.started_on, n)
        reached = mark <= today
        stayed = and_(reached, or_(Placement.ended_on.is_(None), Placement.ended_on >= mark))
        columns += [
            func.coalesce(func.sum(case((reached, 1), else_=0)), 0),
            func.coalesce(func.sum(case((stayed, 1), else_=0)), 0),
        ]
    row = session.execute(
        placements(access, Placement.started_on.between(start, end)).with_only_columns(*columns)
    ).one()
    return [(int(row[2 * i]), int(row[2 * i + 1])) for i in range(months)]
