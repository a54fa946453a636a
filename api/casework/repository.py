"""All SQL of casework: cases, their laborers, notes, attachments and the figures."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, case, extract, func, literal, or_, select
from sqlalchemy.orm import Session, selectinload

from api import bulk
from api.access import AccessContext, DataKind
from api.sort_keys import CaseSort
from shared_models import Case, CaseAttachment, CaseLaborer, CaseNote, Employer
from shared_models import EmployerDisputeCount as Count
from shared_models.base import utcnow
from shared_models.enums import CaseKind, CaseStatus, DisputeKind

OPEN_DISPUTE = (CaseStatus.OPEN, CaseStatus.IN_PROGRESS)


def county_side(access: AccessContext) -> ColumnElement[bool]:
    """The office that keeps the case, and the county it works for."""
    return or_(
        Case.tenant_id == access.tenant_id,
        Case.county_id.in_(access.read_ids(DataKind.LABORER)),
    )


def visible(access: AccessContext) -> ColumnElement[bool]:
    """The office and its county read its cases; the employer's bureau reads disputes
    with its own employers (it is given the pairing's offices in `read_ids(CASE)`)."""
    return and_(
        Case.tenant_id.in_(access.read_ids(DataKind.CASE)),
        or_(
            county_side(access),
            and_(Case.kind == CaseKind.DISPUTE, Case.employer_tenant_id == access.tenant_id),
        ),
    )


def add(session: Session, access: AccessContext, *objects: object) -> None:
    access.check_rows(*objects)
    session.add_all(objects)
    session.flush()


def get(session: Session, access: AccessContext, case_id: uuid.UUID) -> Case | None:
    return session.scalars(
        select(Case)
        .options(selectinload(Case.laborers), selectinload(Case.notes))
        .where(Case.id == case_id, visible(access))
    ).first()


@dataclass(frozen=True)
class CaseFilter:
    kind: CaseKind | None = None
    status: CaseStatus | None = None
    dispute_kind: DisputeKind | None = None
    laborer_id: uuid.UUID | None = None
    employer_id: uuid.UUID | None = None


def _conditions(access: AccessContext, f: CaseFilter) -> list[ColumnElement[bool]]:
    conditions = [visible(access)]
    if f.kind is not None:
        conditions.append(Case.kind == f.kind)
    if f.status is not None:
        conditions.append(Case.status == f.status)
    if f.dispute_kind is not None:
        conditions.append(Case.dispute_kind == f.dispute_kind)
    if f.employer_id is not None:
        conditions.append(Case.employer_id == f.employer_id)
    if f.laborer_id is not None:
        conditions.append(
            Case.id.in_(select(CaseLaborer.case_id).where(CaseLaborer.laborer_id == f.laborer_id))
        )
    return conditions


def listing(
    session: Session,
    access: AccessContext,
    f: CaseFilter,
    *,
    offset: int = 0,
    limit: int = 50,
    sort: CaseSort | None = None,
    descending: bool = False,
) -> tuple[Sequence[Case], int]:
    """Latest first, or by `sort` with that order breaking ties."""
    conditions = _conditions(access, f)
    column = {
        None: None,
        CaseSort.OCCURRED: Case.occurred_on,
        CaseSort.KIND: Case.kind,
        CaseSort.STATUS: Case.status,
        CaseSort.DEADLINE: Case.deadline,
    }[sort]
    chosen = [] if column is None else [column.desc() if descending else column.asc()]
    rows = session.scalars(
        select(Case)
        .options(selectinload(Case.laborers))
        .where(*conditions)
        .order_by(*chosen, Case.occurred_on.desc(), Case.created_at.desc(), Case.id)
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.scalar(select(func.count()).select_from(Case).where(*conditions)) or 0
    return rows, total


def status_counts(session: Session, access: AccessContext, kind: CaseKind | None) -> dict[str, int]:
    conditions = [visible(access)]
    if kind is not None:
        conditions.append(Case.kind == kind)
    rows = session.execute(
        select(Case.status, func.count()).where(*conditions).group_by(Case.status)
    ).all()
    return {CaseStatus(status).value: count for status, count in rows}


# A case's notes and files are read through the case the caller loaded under the context.


def attachments(session: Session, access: AccessContext, case: Case) -> Sequence[CaseAttachment]:
    return session.scalars(
        select(CaseAttachment)
        .where(CaseAttachment.case_id == case.id)
        .order_by(CaseAttachment.created_at, CaseAttachment.id)
    ).all()


def attachment(
    session: Session, access: AccessContext, case: Case, attachment_id: uuid.UUID
) -> CaseAttachment | None:
    return session.scalars(
        select(CaseAttachment).where(
            CaseAttachment.id == attachment_id, CaseAttachment.case_id == case.id
        )
    ).first()


def note(
    session: Session, access: AccessContext, case: Case, note_id: uuid.UUID
) -> CaseNote | None:
    return session.scalars(
        select(CaseNote).where(CaseNote.id == note_id, CaseNote.case_id == case.id)
    ).first()


def recount_disputes(
    session: Session, access: AccessContext, employer_ids: Sequence[uuid.UUID]
) -> None:
    """Store the open and total disputes of these employers (those among the caller's
    own), in one INSERT ... SELECT that also writes the zeros."""
    if not employer_ids:
        return
    disputes = and_(Case.employer_id == Employer.id, Case.kind == CaseKind.DISPUTE, visible(access))
    counted = (
        select(
            Employer.id,
            Employer.tenant_id,
            func.count(case((Case.status.in_(OPEN_DISPUTE), Case.id))),
            func.count(Case.id),
            literal(utcnow(), Count.updated_at.type),
        )
        .select_from(Employer)
        .outerjoin(Case, disputes)
        .where(
            Employer.id.in_(employer_ids),
            Employer.tenant_id.in_(access.write_ids(DataKind.DEMAND)),
        )
        .group_by(Employer.id, Employer.tenant_id)
    )
    statement = bulk.upsert_insert(session, Count).from_select(
        ["employer_id", "tenant_id", "open_count", "total_count", "updated_at"], counted
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[Count.employer_id],
            set_={
                name: statement.excluded[name]
                for name in ("open_count", "total_count", "updated_at")
            },
        )
    )


@dataclass(frozen=True)
class FigureRow:
    month: int
    kind: CaseKind
    dispute_kind: DisputeKind | None
    status: CaseStatus
    cases: int
    aid: int
    disputed: int
    recovered: int


def figure_rows(
    session: Session, access: AccessContext, year: int, month: int | None
) -> list[FigureRow]:
    """Cases of the county side by month, kind, dispute kind and status, with sums."""
    month_of = extract("month", Case.occurred_on)
    conditions = _period(access, year, month)
    rows = session.execute(
        select(
            month_of,
            Case.kind,
            Case.dispute_kind,
            Case.status,
            func.count(),
            func.coalesce(func.sum(Case.aid_amount), 0),
            func.coalesce(func.sum(Case.amount_disputed), 0),
            func.coalesce(func.sum(Case.amount_recovered), 0),
        )
        .where(*conditions)
        .group_by(month_of, Case.kind, Case.dispute_kind, Case.status)
    ).all()
    return [
        FigureRow(
            month=int(m),
            kind=CaseKind(kind),
            dispute_kind=DisputeKind(dk) if dk else None,
            status=CaseStatus(status),
            cases=n,
            # coalesce(…, 0) never gives NULL; its type does not say so.
            aid=int(aid or 0),
            disputed=int(disputed or 0),
            recovered=int(recovered or 0),
        )
        for m, kind, dk, status, n, aid, disputed, recovered in rows
    ]


def people_helped(
    session: Session, access: AccessContext, year: int, month: int | None
) -> tuple[dict[int, int], int]:
    """Distinct laborers on the period's cases: per month, and over the whole period."""
    month_of = extract("month", Case.occurred_on)
    base = (
        select(month_of, func.count(func.distinct(CaseLaborer.laborer_id)))
        .join(Case, Case.id == CaseLaborer.case_id)
        .where(*_period(access, year, month))
        .group_by(month_of)
    )
    per_month = {int(m): n for m, n in session.execute(base).all()}
    total = (
        session.scalar(
            select(func.count(func.distinct(CaseLaborer.laborer_id)))
            .join(Case, Case.id == CaseLaborer.case_id)
            .where(*_period(access, year, month))
        )
        or 0
    )
    return per_month, total


def _period(access: AccessContext, year: int, month: int | None) -> list[ColumnElement[bool]]:
    if month is None:
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
    else:
        start = date(year, month, 1)
        end = date(year + month // 12, month % 12 + 1, 1)
    return [
        Case.tenant_id.in_(access.read_ids(DataKind.CASE)),
        county_side(access),
        Case.occurred_on >= start,
        Case.occurred_on < end,
    ]
