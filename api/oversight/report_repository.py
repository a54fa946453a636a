"""All SQL of period reports (周统计、旬分析、月调度) and the snapshots they point at.

A report is its bureau's (DataKind.REPORT): the bureau reads and writes its own; a
supervising organization reads its bureaus' and writes them (accept, return). On
PostgreSQL row-level security says the same; every query here narrows to the caller's
tenant sets as well, so SQLite behaves alike.
"""

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from api.access import AccessContext, DataKind
from shared_models import Organization, PeriodReport, StatSnapshot
from shared_models.enums import ReportStatus


def get(session: Session, access: AccessContext, report_id: uuid.UUID) -> PeriodReport | None:
    return session.scalars(
        select(PeriodReport).where(
            PeriodReport.id == report_id,
            PeriodReport.tenant_id.in_(access.read_ids(DataKind.REPORT)),
        )
    ).first()


def of_period(
    session: Session, access: AccessContext, tenant_id: uuid.UUID, period_code: str
) -> PeriodReport | None:
    """A bureau's report of the period, when the caller reads that bureau's reports."""
    return session.scalars(
        select(PeriodReport).where(
            PeriodReport.tenant_id.in_(access.read_ids(DataKind.REPORT)),
            PeriodReport.tenant_id == tenant_id,
            PeriodReport.period_code == period_code,
        )
    ).first()


def of_periods(
    session: Session, access: AccessContext, tenant_ids: Sequence[uuid.UUID], codes: Sequence[str]
) -> dict[tuple[uuid.UUID, str], PeriodReport]:
    """The reports of these bureaus and periods, by (bureau, period code)."""
    if not tenant_ids or not codes:
        return {}
    rows = session.scalars(
        select(PeriodReport).where(
            PeriodReport.tenant_id.in_(access.read_ids(DataKind.REPORT)),
            PeriodReport.tenant_id.in_(list(tenant_ids)),
            PeriodReport.period_code.in_(list(codes)),
        )
    ).all()
    return {(r.tenant_id, r.period_code): r for r in rows}


def listing(
    session: Session,
    access: AccessContext,
    *,
    kind: str | None,
    period_code: str | None,
    status: ReportStatus | None,
    bureau_id: uuid.UUID | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[PeriodReport], int]:
    """The reports the caller reads, the latest period first, then by bureau."""
    conditions: list[ColumnElement[bool]] = [
        PeriodReport.tenant_id.in_(access.read_ids(DataKind.REPORT))
    ]
    if kind:
        conditions.append(PeriodReport.period_kind == kind)
    if period_code:
        conditions.append(PeriodReport.period_code == period_code)
    if status:
        conditions.append(PeriodReport.status == status)
    if bureau_id:
        conditions.append(PeriodReport.tenant_id == bureau_id)
    total = session.scalar(select(func.count()).select_from(PeriodReport).where(*conditions))
    rows = session.scalars(
        select(PeriodReport)
        .where(*conditions)
        .order_by(
            PeriodReport.period_end.desc(),
            PeriodReport.period_kind,
            PeriodReport.tenant_id,
            PeriodReport.id,
        )
        .offset(offset)
        .limit(limit)
    ).all()
    return rows, total or 0


def add(session: Session, access: AccessContext, report: PeriodReport) -> None:
    session.add(report)
    session.flush()


def snapshot(
    session: Session, access: AccessContext, snapshot_id: uuid.UUID
) -> StatSnapshot | None:
    """A snapshot with its values: the caller's own or a supervised bureau's."""
    return session.scalars(
        select(StatSnapshot)
        .where(
            StatSnapshot.id == snapshot_id,
            StatSnapshot.tenant_id.in_(access.read_ids(DataKind.SNAPSHOT)),
        )
        .options(selectinload(StatSnapshot.values))
    ).first()


def newest_snapshot(
    session: Session, access: AccessContext, tenant_id: uuid.UUID, period_code: str
) -> StatSnapshot | None:
    """A bureau's newest snapshot of the period (any reason), with its values."""
    return session.scalars(
        select(StatSnapshot)
        .where(
            StatSnapshot.tenant_id.in_(access.read_ids(DataKind.SNAPSHOT)),
            StatSnapshot.tenant_id == tenant_id,
            StatSnapshot.period_code == period_code,
        )
        .options(selectinload(StatSnapshot.values))
        .order_by(StatSnapshot.taken_at.desc(), StatSnapshot.id)
        .limit(1)
    ).first()


def organizations(
    session: Session, access: AccessContext, ids: Sequence[uuid.UUID]
) -> list[Organization]:
    """The named organizations the caller may read (its bureaus, for a supervisor), by name."""
    if not ids:
        return []
    return list(
        session.scalars(
            select(Organization)
            .where(
                Organization.id.in_(list(ids)),
                Organization.id.in_(access.read_ids(DataKind.ORGANIZATION) | {access.tenant_id}),
            )
            .order_by(Organization.name)
        ).all()
    )
