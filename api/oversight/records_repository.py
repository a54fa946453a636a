"""The records behind a figure, and a figure's spread over a dimension (issue 13's
drill-down).

Both reuse the figure's own builder (statistics_repository.BUILDERS): the list opened
from a number is the rows that number counted, so it always adds up to it, with the
same tenancy. A person count (distinct laborers) lists the people; any other count or
sum lists the records it counted (vacancies, fairs, claims, cases, flags...).
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Join, Table, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.access import AccessContext
from api.oversight import statistics_repository as stats
from api.oversight.indicators import BY_CODE, Unit
from api.sql_types import AnySelect
from shared_models import (
    Case,
    Fair,
    FairIntention,
    FairRegistration,
    Laborer,
    Organization,
    Pairing,
    Placement,
    Referral,
    SubsidyClaim,
    Training,
    TrainingEnrollment,
    Vacancy,
    WarningFlag,
)


class NotListable(LookupError):
    """The indicator is worked out row by row, or cannot be split as asked."""


@dataclass(frozen=True)
class Share:
    key: str
    count: int


@dataclass(frozen=True)
class Row:
    """One record behind a figure: what it is, the person it is about (if any), the
    day it counts on, the amount it adds (a sum's), and the page to open it on."""

    kind: str  # the table: laborers, placements, vacancies...
    id: uuid.UUID
    laborer: Laborer | None
    title: str
    day: date | None
    amount: int | None
    tenant_id: uuid.UUID
    # Ids for the page link (api.oversight.drilldown builds it).
    laborer_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None


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
    if table not in _ROWS_OF:
        raise NotListable(code)
    ids = query.with_only_columns(entity.label("id")).distinct().subquery()
    total = int(session.scalar(select(func.count()).select_from(ids)) or 0)
    return total, _ROWS_OF[table](session, select(ids.c.id), offset, limit)


def _people_page(session: Session, ids, offset: int, limit: int) -> Sequence[Laborer]:  # type: ignore[no-untyped-def]
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


def _page(session: Session, model, ids, day, offset: int, limit: int):  # type: ignore[no-untyped-def]
    return session.scalars(
        select(model)
        .where(model.id.in_(ids))
        .order_by(day.desc(), model.id)
        .offset(offset)
        .limit(limit)
    ).all()


def _laborers(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, Laborer]:
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Laborer).where(Laborer.id.in_(ids)))}


def _placements(session: Session, ids, offset: int, limit: int) -> list[Row]:  # type: ignore[no-untyped-def]
    found = _page(session, Placement, ids, Placement.started_on, offset, limit)
    people = _laborers(session, {p.laborer_id for p in found})
    return [
        Row(
            "placements",
            p.id,
            people.get(p.laborer_id),
            p.employer_name,
            p.started_on,
            None,
            p.tenant_id,
            laborer_id=p.laborer_id,
        )
        for p in found
    ]


def _enrollments(session: Session, ids, offset: int, limit: int) -> list[Row]:  # type: ignore[no-untyped-def]
    found = session.execute(
        select(TrainingEnrollment, Training.title)
        .join(Training, Training.id == TrainingEnrollment.training_id)
        .where(TrainingEnrollment.id.in_(ids))
        .order_by(Training.starts_on.desc(), TrainingEnrollment.id)
        .offset(offset)
        .limit(limit)
    ).all()
    people = _laborers(session, {e.laborer_id for e, _t in found})
    return [
        Row(
            "enrollments",
            e.id,
            people.get(e.laborer_id),
            title,
            e.completed_on,
            None,
            e.tenant_id,
            laborer_id=e.laborer_id,
            parent_id=e.training_id,
        )
        for e, title in found
    ]


def _vacancies(session: Session, ids, offset: int, limit: int) -> list[Row]:  # type: ignore[no-untyped-def]
    found = _page(session, Vacancy, ids, Vacancy.valid_from, offset, limit)
    return [
        Row("vacancies", v.id, None, v.title, v.valid_from, v.headcount, v.tenant_id) for v in found
    ]


def _fairs(session: Session, ids, offset: int, limit: int) -> list[Row]:  # type: ignore[no-untyped-def]
    found = _page(session, Fair, ids, Fair.held_on, offset, limit)
    return [Row("fairs", f.id, None, f.title, f.held_on, None, f.tenant_id) for f in found]


def _at_fairs(session: Session, model, ids, offset: int, limit: int):  # type: ignore[no-untyped-def]
    """One page of `model` rows of fairs (registrations, intentions), with the fair's
    title and day, the latest fairs first."""
    return session.execute(
        select(model, Fair.title, Fair.held_on)
        .join(Fair, Fair.id == model.fair_id)
        .where(model.id.in_(ids))
        .order_by(Fair.held_on.desc(), model.id)
        .offset(offset)
        .limit(limit)
    ).all()


def _registrations(session: Session, ids, offset: int, limit: int) -> list[Row]:  # type: ignore[no-untyped-def]
    found = _at_fairs(session, FairRegistration, ids, offset, limit)
    return [
        Row(
            "registrations",
            r.id,
            None,
            f"{title} · {r.name}",
            held,
            None,
            r.tenant_id,
            laborer_id=r.laborer_id,
            parent_id=r.fair_id,
        )
        for r, title, held in found
    ]


def _intentions(session: Session, ids, offset: int, limit: int) -> list[Row]:  # type: ignore[no-untyped-def]
    found = _at_fairs(session, FairIntention, ids, offset, limit)
    return [
        Row("intentions", i.id, None, title, held, None, i.tenant_id, parent_id=i.fair_id)
        for i, title, held in found
    ]


def _referrals(session: Session, ids, offset: int, limit: int) -> list[Row]:  # type: ignore[no-untyped-def]
    found = _page(session, Referral, ids, Referral.status_on, offset, limit)
    people = _laborers(session, {r.laborer_id for r in found})
    return [
        Row(
            "referrals",
            r.id,
            people.get(r.laborer_id),
            "",
            r.hired_on or r.status_on,
            None,
            r.tenant_id,
            laborer_id=r.laborer_id,
        )
        for r in found
    ]


def _claims(session: Session, ids, offset: int, limit: int) -> list[Row]:  # type: ignore[no-untyped-def]
    found = _page(session, SubsidyClaim, ids, SubsidyClaim.created_at, offset, limit)
    people = _laborers(session, {c.laborer_id for c in found})
    return [
        Row(
            "claims",
            c.id,
            people.get(c.laborer_id),
            "",
            c.paid_on,
            c.amount,
            c.tenant_id,
            laborer_id=c.laborer_id,
        )
        for c in found
    ]


def _cases(session: Session, ids, offset: int, limit: int) -> list[Row]:  # type: ignore[no-untyped-def]
    found = _page(session, Case, ids, Case.occurred_on, offset, limit)
    return [
        Row("cases", c.id, None, c.summary, c.occurred_on, c.amount_recovered, c.tenant_id)
        for c in found
    ]


def _warnings(session: Session, ids, offset: int, limit: int) -> list[Row]:  # type: ignore[no-untyped-def]
    found = _page(session, WarningFlag, ids, WarningFlag.raised_on, offset, limit)
    people = _laborers(session, {w.laborer_id for w in found if w.laborer_id})
    return [
        Row(
            "warnings",
            w.id,
            people.get(w.laborer_id) if w.laborer_id else None,
            w.reason,
            w.raised_on,
            None,
            w.tenant_id,
            laborer_id=w.laborer_id,
        )
        for w in found
    ]


_ROWS_OF = {
    Placement.__table__: _placements,
    TrainingEnrollment.__table__: _enrollments,
    Vacancy.__table__: _vacancies,
    Fair.__table__: _fairs,
    FairRegistration.__table__: _registrations,
    FairIntention.__table__: _intentions,
    Referral.__table__: _referrals,
    SubsidyClaim.__table__: _claims,
    Case.__table__: _cases,
    WarningFlag.__table__: _warnings,
}
