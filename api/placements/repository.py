"""All SQL of placements, stay verifications and holiday leave."""

import uuid
from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from api.access import AccessContext, DataKind
from api.sort_keys import LeaveSort
from shared_models import HolidayLeave, Laborer, Placement, StayVerification


class ReturnState(StrEnum):
    """Where a leave stands on the return board."""

    OVERDUE = "overdue"
    AWAY = "away"
    BACK = "back"


def visible(access: AccessContext) -> ColumnElement[bool]:
    """The county (and its offices) see its placements; a receiving bureau sees those
    with its own employers."""
    return and_(
        Placement.tenant_id.in_(access.read_ids(DataKind.PLACEMENT)),
        or_(
            Placement.tenant_id.in_(access.read_ids(DataKind.LABORER)),
            Placement.employer_tenant_id == access.tenant_id,
        ),
    )


def add(session: Session, access: AccessContext, *objects: object) -> None:
    access.check_rows(*objects)
    session.add_all(objects)
    session.flush()


def lock_laborer(session: Session, access: AccessContext, laborer_id: uuid.UUID) -> None:
    """Serialise changes to one laborer's spells (PostgreSQL; SQLite locks the file).
    The caller has checked the laborer under `access`; the lock filters nothing more, so
    a placement's receiving bureau serialises on the same row as the county."""
    session.execute(select(Laborer.id).where(Laborer.id == laborer_id).with_for_update())


def get(session: Session, access: AccessContext, placement_id: uuid.UUID) -> Placement | None:
    return session.scalars(
        select(Placement)
        .options(
            joinedload(Placement.laborer),
            selectinload(Placement.verifications),
            selectinload(Placement.leaves),
        )
        .where(Placement.id == placement_id, visible(access))
    ).first()


def of_laborer(session: Session, access: AccessContext, laborer_id: uuid.UUID) -> list[Placement]:
    return list(
        session.scalars(
            select(Placement)
            .options(selectinload(Placement.verifications), selectinload(Placement.leaves))
            .where(Placement.laborer_id == laborer_id, visible(access))
            .order_by(Placement.started_on, Placement.id)
        )
    )


def overlapping(
    session: Session,
    access: AccessContext,
    laborer_id: uuid.UUID,
    start: date,
    end: date | None,
    exclude: uuid.UUID | None = None,
) -> Placement | None:
    """A spell of the laborer sharing a day with [start, end] (end None: open). Of a
    laborer the caller has checked; every spell counts, whoever's employer it is with,
    so nothing more is filtered by `access` (on PostgreSQL RLS still binds)."""
    conditions = [
        Placement.laborer_id == laborer_id,
        or_(Placement.ended_on.is_(None), Placement.ended_on >= start),
    ]
    if end is not None:
        conditions.append(Placement.started_on <= end)
    if exclude is not None:
        conditions.append(Placement.id != exclude)
    return session.scalars(select(Placement).where(*conditions).limit(1)).first()


def listing(
    session: Session,
    access: AccessContext,
    *,
    laborer_id: uuid.UUID | None = None,
    open_only: bool = False,
    offset: int = 0,
    limit: int = 100,
) -> tuple[Sequence[Placement], int]:
    conditions = [visible(access)]
    if laborer_id is not None:
        conditions.append(Placement.laborer_id == laborer_id)
    if open_only:
        conditions.append(Placement.ended_on.is_(None))
    rows = session.scalars(
        select(Placement)
        .options(joinedload(Placement.laborer))
        .where(*conditions)
        .order_by(Placement.started_on.desc(), Placement.id)
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.scalar(select(func.count()).select_from(Placement).where(*conditions)) or 0
    return rows, total


def in_post_during(
    session: Session, access: AccessContext, laborer_ids: Sequence[uuid.UUID], month: date
) -> dict[uuid.UUID, Placement]:
    """For each laborer, the visible spell running at some time in the month."""
    if not laborer_ids:
        return {}
    month_end = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    rows = session.scalars(
        select(Placement).where(
            visible(access),
            Placement.laborer_id.in_(laborer_ids),
            Placement.started_on < month_end,
            or_(Placement.ended_on.is_(None), Placement.ended_on >= month),
        )
    ).all()
    return {p.laborer_id: p for p in rows}


def verification(
    session: Session, access: AccessContext, placement: Placement, month: date
) -> StayVerification | None:
    """A month's verification of a placement the caller loaded under `access`."""
    return session.scalars(
        select(StayVerification).where(
            StayVerification.placement_id == placement.id, StayVerification.month == month
        )
    ).first()


def month_sheet(
    session: Session, access: AccessContext, month: date, *, offset: int, limit: int
) -> tuple[Sequence[Placement], int]:
    """The spells running in a month, for the verification sheet."""
    month_end = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    conditions = [
        visible(access),
        Placement.started_on < month_end,
        or_(Placement.ended_on.is_(None), Placement.ended_on >= month),
    ]
    rows = session.scalars(
        select(Placement)
        .options(joinedload(Placement.laborer), selectinload(Placement.verifications))
        .where(*conditions)
        .order_by(Placement.employer_name, Placement.id)
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.scalar(select(func.count()).select_from(Placement).where(*conditions)) or 0
    return rows, total


def leaves_board(session: Session, access: AccessContext, since: date) -> Sequence[HolidayLeave]:
    """Every leave not yet returned from, however long ago it started (an overdue
    returner is never dropped), and those returned since a day, with their placements."""
    return session.scalars(
        select(HolidayLeave)
        .join(Placement, Placement.id == HolidayLeave.placement_id)
        .options(joinedload(HolidayLeave.placement).joinedload(Placement.laborer))
        .where(
            visible(access),
            or_(HolidayLeave.returned_on.is_(None), HolidayLeave.returned_on >= since),
        )
        .order_by(HolidayLeave.expected_return_on, HolidayLeave.id)
    ).all()


def _leave_state(today: date) -> ColumnElement[str]:
    """A leave's place on the return board, as the board reads it: back once returned,
    overdue past the expected day, away until then."""
    return case(
        (HolidayLeave.returned_on.is_not(None), ReturnState.BACK.value),
        (HolidayLeave.expected_return_on < today, ReturnState.OVERDUE.value),
        else_=ReturnState.AWAY.value,
    )


def leaves_page(
    session: Session,
    access: AccessContext,
    *,
    since: date,
    today: date,
    state: ReturnState | None = None,
    offset: int = 0,
    limit: int = 50,
    sort: LeaveSort | None = None,
    descending: bool = False,
) -> tuple[Sequence[HolidayLeave], int, dict[str, int]]:
    """A page of the return board (the leaves of `leaves_board`, in one state or all),
    overdue first, then away, then back, each by expected return (or by `sort`, that
    order breaking ties); the true total, and the count in each state."""
    state_of = _leave_state(today)
    rank = case(
        (state_of == ReturnState.OVERDUE.value, 0),
        (state_of == ReturnState.AWAY.value, 1),
        else_=2,
    )
    conditions = [
        visible(access),
        or_(HolidayLeave.returned_on.is_(None), HolidayLeave.returned_on >= since),
    ]
    counts = {
        str(k): int(n)
        for k, n in session.execute(
            select(state_of, func.count())
            .select_from(HolidayLeave)
            .join(Placement, Placement.id == HolidayLeave.placement_id)
            .where(*conditions)
            .group_by(state_of)
        ).all()
    }
    if state is not None:
        conditions.append(state_of == state.value)
    column = {
        None: None,
        LeaveSort.STATE: rank,
        LeaveSort.NAME: Laborer.name,
        LeaveSort.LEFT: HolidayLeave.left_on,
        LeaveSort.EXPECTED: HolidayLeave.expected_return_on,
    }[sort]
    chosen = [] if column is None else [column.desc() if descending else column.asc()]
    rows = (
        session.scalars(
            select(HolidayLeave)
            .join(Placement, Placement.id == HolidayLeave.placement_id)
            .outerjoin(Laborer, Laborer.id == HolidayLeave.laborer_id)
            .options(joinedload(HolidayLeave.placement).joinedload(Placement.laborer))
            .where(*conditions)
            .order_by(*chosen, rank, HolidayLeave.expected_return_on, HolidayLeave.id)
            .offset(offset)
            .limit(limit)
        )
        .unique()
        .all()
    )
    total = (
        session.scalar(
            select(func.count())
            .select_from(HolidayLeave)
            .join(Placement, Placement.id == HolidayLeave.placement_id)
            .where(*conditions)
        )
        or 0
    )
    return rows, total, counts


def leave(session: Session, access: AccessContext, leave_id: uuid.UUID) -> HolidayLeave | None:
    return session.scalars(
        select(HolidayLeave)
        .join(Placement, Placement.id == HolidayLeave.placement_id)
        .options(joinedload(HolidayLeave.placement))
        .where(HolidayLeave.id == leave_id, visible(access))
    ).first()


def unverified_in_month(session: Session, access: AccessContext, month: date) -> int:
    """Spells running in a month with no verification recorded for it: the sheet's rows
    still to do (the home page's work queue)."""
    month_end = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    recorded = (
        select(StayVerification.id)
        .where(StayVerification.placement_id == Placement.id, StayVerification.month == month)
        .exists()
    )
    conditions = [
        visible(access),
        Placement.started_on < month_end,
        or_(Placement.ended_on.is_(None), Placement.ended_on >= month),
        ~recorded,
    ]
    return session.scalar(select(func.count()).select_from(Placement).where(*conditions)) or 0
