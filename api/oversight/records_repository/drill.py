"""Which records a figure counted, and a figure's spread over a dimension: both reuse
the figure's own builder (statistics_repository.BUILDERS)."""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Join, Select, Table, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.access import AccessContext
from api.oversight import statistics_repository as stats
from api.oversight.indicators import BY_CODE, Unit
from api.oversight.records_repository.rows import ROWS_OF, Row
from api.sql_types import AnySelect
from shared_models import (
    Case,
    Fair,
    Laborer,
    Organization,
    Pairing,
    Placement,
    Referral,
    SubsidyClaim,
    Training,
    Vacancy,
    WarningFlag,
)


class NotListable(LookupError):
    """The indicator is worked out row by row, or cannot be split as asked."""


@dataclass(frozen=True)
class Share:
    key: str
    count: int


def _tables(query: AnySelect) -> set[Table]:
    found: set[Table] = set()

    def walk(item: object) -> None:
        if isinstance(item, Join):
            walk(item.left)
            walk(item.right)
        elif isinstance(item, Table):
            found.add(item)

    for item in query.get_final_froms():
        walk(item)
    return found


# A dimension is a column of one of the query's tables; the first whose table the
# figure's query has is used (a placement's work place before a vacancy's).
_DIMENSIONS: dict[str, tuple[InstrumentedAttribute[Any], ...]] = {
    "township": (Laborer.township,),
    "village": (Laborer.village,),
    # Where the work is: the receiving city's districts.
    "district": (Placement.region_code, Vacancy.region_code),
    # Whose record it is: a county's liaison offices, a receiving bureau's partners.
    "organization": (
        Case.tenant_id,
        Placement.tenant_id,
        Vacancy.tenant_id,
        Fair.tenant_id,
        WarningFlag.tenant_id,
        SubsidyClaim.tenant_id,
        Referral.tenant_id,
    ),
    "pairing": (Fair.pairing_id, Training.pairing_id),
}
DIMENSIONS = tuple(_DIMENSIONS)
ID_DIMENSIONS = ("organization", "pairing")  # keyed by a row id


def _column(query: AnySelect, dimension: str) -> InstrumentedAttribute[Any]:
    tables = _tables(query)
    for column in _DIMENSIONS[dimension]:
        if column.table in tables:
            return column
    raise NotListable(dimension)


def _counted(
    access: AccessContext, code: str, start: date, end: date, today: date, within: dict[str, str]
) -> stats.Counted:
    builder = stats.BUILDERS.get(code)
    if builder is None:
        raise NotListable(code)
    counted = builder(access, stats.Period(start, end, today))
    query = counted.query
    for dimension, value in within.items():
        key = uuid.UUID(value) if dimension in ID_DIMENSIONS else value
        query = query.where(_column(query, dimension) == key)
    return stats.Counted(query, counted.measure)


def listable(code: str) -> bool:
    return code in stats.BUILDERS or code in stats.ROW_BUILDERS


# A figure worked out person by person (stats.ROW_BUILDERS) goes down the register's
# places only.
_PERSON_DIMENSIONS = ("township", "village")


def _people(
    session: Session,
    access: AccessContext,
    code: str,
    start: date,
    end: date,
    today: date,
    within: dict[str, str],
) -> dict[uuid.UUID, int]:
    """What each person adds to a figure worked out person by person (1 for a count,
    yuan for a sum), the people adding nothing left out, within the places given."""
    adds: dict[uuid.UUID, int] = {}
    for laborer_id, _township, counted in stats.ROW_BUILDERS[code](
        session, access, stats.Period(start, end, today)
    ):
        adds[laborer_id] = adds.get(laborer_id, 0) + counted
    adds = {i: n for i, n in adds.items() if n}
    if not within or not adds:
        return adds
    query = select(Laborer.id).where(Laborer.id.in_(adds))
    for dimension, value in within.items():
        if dimension not in _PERSON_DIMENSIONS:
            raise NotListable(dimension)
        query = query.where(_DIMENSIONS[dimension][0] == value)
    return {i: adds[i] for i in session.scalars(query)}


def dimensions_of(access: AccessContext, code: str, today: date) -> list[str]:
    """The dimensions the indicator can be split by."""
    if code in stats.ROW_BUILDERS:
        return list(_PERSON_DIMENSIONS)
    if code not in stats.BUILDERS:
        return []
    query = stats.BUILDERS[code](access, stats.Period(today, today, today)).query
    tables = _tables(query)
    return [d for d, columns in _DIMENSIONS.items() if any(c.table in tables for c in columns)]


def spread(
    session: Session,
    access: AccessContext,
    code: str,
    start: date,
    end: date,
    dimension: str,
    *,
    today: date,
    within: dict[str, str],
) -> list[Share]:
    """The figure's value per value of `dimension`, largest first (zeros left out)."""
    if code in stats.ROW_BUILDERS:
        if dimension not in _PERSON_DIMENSIONS:
            raise NotListable(dimension)
        adds = _people(session, access, code, start, end, today, within)
        column = _DIMENSIONS[dimension][0]
        totals: dict[str, int] = {}
        for key, laborer_id in session.execute(
            select(column, Laborer.id).where(Laborer.id.in_(adds))
        ).all():
            if key is not None:
                totals[str(key)] = totals.get(str(key), 0) + adds[laborer_id]
        return sorted((Share(k, n) for k, n in totals.items()), key=lambda s: (-s.count, s.key))
    counted = _counted(access, code, start, end, today, within)
    column = _column(counted.query, dimension)
    rows = session.execute(
        counted.query.with_only_columns(column, counted.measure).group_by(column)
    ).all()
    shares = [Share(str(key), int(n)) for key, n in rows if n and key is not None]
    return sorted(shares, key=lambda s: (-s.count, s.key))


def organization_names(
    session: Session, access: AccessContext, ids: Sequence[str]
) -> dict[str, str]:
    """Names of the organizations a spread by organization shows (a directory read)."""
    if not ids:
        return {}
    rows = session.execute(
        select(Organization.id, Organization.name).where(
            Organization.id.in_([uuid.UUID(i) for i in ids])
        )
    ).all()
    return {str(i): name for i, name in rows}


def pairing_names(session: Session, access: AccessContext, ids: Sequence[str]) -> dict[str, str]:
    """'sending ⇄ receiving' for the caller's pairings among `ids`."""
    sending = Organization.__table__.alias("sending")
    receiving = Organization.__table__.alias("receiving")
    rows = session.execute(
        select(Pairing.id, sending.c.name, receiving.c.name)
        .join(sending, sending.c.id == Pairing.sending_org_id)
        .join(receiving, receiving.c.id == Pairing.receiving_org_id)
        .where(Pairing.id.in_(access.pairing_ids))
    ).all()
    wanted = set(ids)
    return {str(i): f"{s} ⇄ {r}" for i, s, r in rows if str(i) in wanted}


def records(
    session: Session,
    access: AccessContext,
    code: str,
    start: date,
    end: date,
    *,
    today: date,
    within: dict[str, str],
    offset: int,
    limit: int,
) -> tuple[int, list[Row]]:
    """(how many, one page of them): the people a person count counted, by township,
    village and name; otherwise the records counted, newest first. A figure worked out
    person by person lists its people, each with what they add to a sum."""
    if code in stats.ROW_BUILDERS:
        adds = _people(session, access, code, start, end, today, within)
        is_sum = BY_CODE[code].unit == Unit.YUAN
        return len(adds), [
            _person_row(p, adds[p.id] if is_sum else None)
            for p in _people_page(session, adds, offset, limit)
        ]
    counted = _counted(access, code, start, end, today, within)
    query = counted.query
    entity = query.selected_columns[0]
    table = entity.table
    # People: distinct laborers counted, or rows of the register itself.
    if counted.measure is stats.PEOPLE or table is Laborer.__table__:
        ids = query.with_only_columns(Laborer.id).distinct().subquery()
        total = int(session.scalar(select(func.count()).select_from(ids)) or 0)
        return total, [
            _person_row(p, None) for p in _people_page(session, select(ids.c.id), offset, limit)
        ]
    if table not in ROWS_OF:
        raise NotListable(code)
    ids = query.with_only_columns(entity.label("id")).distinct().subquery()
    total = int(session.scalar(select(func.count()).select_from(ids)) or 0)
    return total, ROWS_OF[table](session, select(ids.c.id), offset, limit)


def _people_page(
    session: Session, ids: Select[Any] | Iterable[uuid.UUID], offset: int, limit: int
) -> Sequence[Laborer]:
    """One page of the people among `ids`, by township, village and name."""
    return session.scalars(
        select(Laborer)
        .where(Laborer.id.in_(ids))
        .order_by(Laborer.township, Laborer.village, Laborer.name, Laborer.id)
        .offset(offset)
        .limit(limit)
    ).all()


def _person_row(p: Laborer, adds: int | None) -> Row:
    return Row("laborers", p.id, p, p.name, None, adds, p.tenant_id, laborer_id=p.id)
