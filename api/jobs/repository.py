"""All SQL about background jobs."""

import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from api.access import AccessContext, DataKind
from shared_models import BackgroundJob
from shared_models.base import utcnow
from shared_models.enums import JobStatus

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


def add(session: Session, access: AccessContext, job: BackgroundJob) -> None:
    """A job of the caller's own tenant (RLS holds it to `app.write_import`)."""
    session.add(job)
    session.flush()


def get(session: Session, access: AccessContext, job_id: uuid.UUID) -> BackgroundJob | None:
    return session.scalars(
        select(BackgroundJob).where(
            BackgroundJob.id == job_id,
            BackgroundJob.tenant_id.in_(access.read_ids(DataKind.IMPORT)),
        )
    ).first()


def claim_next(session: Session, access: AccessContext, worker: str) -> BackgroundJob | None:
    """Take the oldest queued job. PostgreSQL: the row is locked and skipped by other
    workers; SQLite (one writer at a time): a conditional update wins or loses."""
    query = (
        select(BackgroundJob)
        .where(
            BackgroundJob.status == JobStatus.QUEUED,
            BackgroundJob.tenant_id.in_(access.read_ids(DataKind.IMPORT)),
        )
        .order_by(BackgroundJob.created_at)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        job = session.scalars(query.with_for_update(skip_locked=True)).first()
        if job is None:
            return None
        job.status, job.worker, job.started_at = JobStatus.RUNNING, worker, utcnow()
        session.flush()
        return job
    job = session.scalars(query).first()
    if job is None:
        return None
    taken = cast(
        CursorResult[Any],
        session.execute(
            update(BackgroundJob)
            .where(BackgroundJob.id == job.id, BackgroundJob.status == JobStatus.QUEUED)
            .values(status=JobStatus.RUNNING, worker=worker, started_at=utcnow())
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    if not taken:
        return None
    session.refresh(job)
    return job


def set_fields(session: Session, access: AccessContext, job_id: uuid.UUID, **values: Any) -> bool:
    """Update a job of the caller's tenants; returns its cancel flag afterwards."""
    row = session.execute(
        update(BackgroundJob)
        .where(
            BackgroundJob.id == job_id,
            BackgroundJob.tenant_id.in_(access.write_ids(DataKind.IMPORT)),
        )
        .values(**values)
        .returning(BackgroundJob.cancel_requested)
        .execution_options(synchronize_session=False)
    ).first()
    return bool(row and row[0])


def _update_active(
    session: Session,
    access: AccessContext,
    job_id: uuid.UUID,
    condition: ColumnElement[bool],
    **values: Any,
) -> int:
    """Update a job of the caller's tenants if the condition holds; rows updated."""
    statement = (
        update(BackgroundJob)
        .where(
            BackgroundJob.id == job_id,
            BackgroundJob.tenant_id.in_(access.write_ids(DataKind.IMPORT)),
            condition,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], session.execute(statement)).rowcount


def request_cancel(session: Session, access: AccessContext, job_id: uuid.UUID) -> int:
    return _update_active(
        session, access, job_id, BackgroundJob.status.in_(ACTIVE), cancel_requested=True
    )


def cancel_queued(session: Session, access: AccessContext, job_id: uuid.UUID) -> int:
    """A job no worker has taken yet ends at once."""
    return _update_active(
        session,
        access,
        job_id,
        BackgroundJob.status == JobStatus.QUEUED,
        status=JobStatus.CANCELLED,
        finished_at=utcnow(),
    )


def recent(
    session: Session, access: AccessContext, user_id: uuid.UUID, limit: int = 20
) -> Sequence[BackgroundJob]:
    return session.scalars(
        select(BackgroundJob)
        .where(
            BackgroundJob.tenant_id.in_(access.read_ids(DataKind.IMPORT)),
            BackgroundJob.created_by == user_id,
        )
        .order_by(BackgroundJob.created_at.desc())
        .limit(limit)
    ).all()
