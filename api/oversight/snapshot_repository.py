"""All SQL of frozen period figures (stat_snapshots and their values).

A snapshot is the tenant's own (DataKind.SNAPSHOT): read and written only by it, on
PostgreSQL by row-level security as well. Rows are only ever added.
"""

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from api.access import AccessContext, DataKind
from shared_models import StatSnapshot
from shared_models.enums import SnapshotReason


def add(session: Session, access: AccessContext, snapshot: StatSnapshot) -> bool:
    """Store the snapshot with its values. False when a scheduled one of the period is
    already there (a run alongside won the race): nothing is stored then."""
    savepoint = session.begin_nested()
    session.add(snapshot)
    try:
        session.flush()
    except IntegrityError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def scheduled_exists(session: Session, access: AccessContext, period_code: str) -> bool:
    return (
        session.scalar(
            select(StatSnapshot.id).where(
                StatSnapshot.tenant_id.in_(access.write_ids(DataKind.SNAPSHOT)),
                StatSnapshot.tenant_id == access.tenant_id,
                StatSnapshot.period_code == period_code,
                StatSnapshot.reason == SnapshotReason.SCHEDULED,
            )
        )
        is not None
    )


def _own(access: AccessContext, period_code: str) -> Select[StatSnapshot]:
    return (
        select(StatSnapshot)
        .where(
            StatSnapshot.tenant_id.in_(access.read_ids(DataKind.SNAPSHOT)),
            StatSnapshot.tenant_id == access.tenant_id,
            StatSnapshot.period_code == period_code,
        )
        .options(selectinload(StatSnapshot.values))
        .order_by(StatSnapshot.taken_at.desc(), StatSnapshot.id)
    )


def of_period(session: Session, access: AccessContext, period_code: str) -> Sequence[StatSnapshot]:
    """The caller's own snapshots of the period, newest first, with their values."""
    return session.scalars(_own(access, period_code)).all()


def latest(session: Session, access: AccessContext, period_code: str) -> StatSnapshot | None:
    return session.scalars(_own(access, period_code).limit(1)).first()
