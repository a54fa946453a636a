"""One page of the records behind a figure, table by table: what each is, the person it
is about, the day it counts on and the amount it adds (drill.py finds their ids)."""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, Table, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from shared_models import (
    Case,
    Fair,
    FairIntention,
    FairRegistration,
    Laborer,
    Placement,
    Referral,
    SubsidyClaim,
    Training,
    TrainingEnrollment,
    Vacancy,
    WarningFlag,
)

# The ids of the records counted (a subquery of the figure's own statement).
Ids = Select[Any]


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


def _page(
    session: Session,
    model: type[Any],
    ids: Ids,
    day: InstrumentedAttribute[Any],
    offset: int,
    limit: int,
) -> Sequence[Any]:
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


def _about_people(
    session: Session,
    kind: str,
    found: Sequence[Any],
    title: Callable[[Any], str],
    day: Callable[[Any], date | None],
    amount: Callable[[Any], int | None] = lambda _r: None,
) -> list[Row]:
    """Rows of records about one laborer each (or none), with the people read at once."""
    people = _laborers(session, {r.laborer_id for r in found if r.laborer_id})
    return [
        Row(
            kind,
            r.id,
            people.get(r.laborer_id) if r.laborer_id else None,
            title(r),
            day(r),
            amount(r),
            r.tenant_id,
            laborer_id=r.laborer_id,
        )
        for r in found
    ]


def _placements(session: Session, ids: Ids, offset: int, limit: int) -> list[Row]:
    found = _page(session, Placement, ids, Placement.started_on, offset, limit)
    return _about_people(
        session, "placements", found, lambda p: p.employer_name, lambda p: p.started_on
    )


def _enrollments(session: Session, ids: Ids, offset: int, limit: int) -> list[Row]:
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


def _vacancies(session: Session, ids: Ids, offset: int, limit: int) -> list[Row]:
    found = _page(session, Vacancy, ids, Vacancy.valid_from, offset, limit)
    return [
        Row("vacancies", v.id, None, v.title, v.valid_from, v.headcount, v.tenant_id) for v in found
    ]


def _fairs(session: Session, ids: Ids, offset: int, limit: int) -> list[Row]:
    found = _page(session, Fair, ids, Fair.held_on, offset, limit)
    return [Row("fairs", f.id, None, f.title, f.held_on, None, f.tenant_id) for f in found]


def _at_fairs(
    session: Session,
    model: type[FairRegistration | FairIntention],
    ids: Ids,
    offset: int,
    limit: int,
) -> Sequence[Any]:
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


def _registrations(session: Session, ids: Ids, offset: int, limit: int) -> list[Row]:
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


def _intentions(session: Session, ids: Ids, offset: int, limit: int) -> list[Row]:
    found = _at_fairs(session, FairIntention, ids, offset, limit)
    return [
        Row("intentions", i.id, None, title, held, None, i.tenant_id, parent_id=i.fair_id)
        for i, title, held in found
    ]


def _referrals(session: Session, ids: Ids, offset: int, limit: int) -> list[Row]:
    found = _page(session, Referral, ids, Referral.status_on, offset, limit)
    return _about_people(
        session, "referrals", found, lambda _r: "", lambda r: r.hired_on or r.status_on
    )


def _claims(session: Session, ids: Ids, offset: int, limit: int) -> list[Row]:
    found = _page(session, SubsidyClaim, ids, SubsidyClaim.created_at, offset, limit)
    return _about_people(
        session, "claims", found, lambda _c: "", lambda c: c.paid_on, lambda c: c.amount
    )


def _cases(session: Session, ids: Ids, offset: int, limit: int) -> list[Row]:
    found = _page(session, Case, ids, Case.occurred_on, offset, limit)
    return [
        Row("cases", c.id, None, c.summary, c.occurred_on, c.amount_recovered, c.tenant_id)
        for c in found
    ]


def _warnings(session: Session, ids: Ids, offset: int, limit: int) -> list[Row]:
    found = _page(session, WarningFlag, ids, WarningFlag.raised_on, offset, limit)
    return _about_people(session, "warnings", found, lambda w: w.reason, lambda w: w.raised_on)


# Each listable table, and how a page of its records is read.
ROWS_OF: dict[Table, Callable[[Session, Ids, int, int], list[Row]]] = {
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
