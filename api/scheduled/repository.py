"""All SQL about scheduled runs (a platform table: no tenant, no access context)."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared_models import ScheduledRun


def record(
    session: Session,
    command: str,
    *,
    succeeded_at: datetime | None = None,
    duration_seconds: float | None = None,
    failed_at: datetime | None = None,
) -> None:
    run = session.get(ScheduledRun, command, with_for_update=True)
    if run is None:
        run = ScheduledRun(command=command)
        session.add(run)
    if succeeded_at is not None:
        run.last_success_at, run.last_duration_seconds = succeeded_at, duration_seconds
    if failed_at is not None:
        run.last_failure_at = failed_at
    session.flush()


def all_runs(session: Session) -> list[ScheduledRun]:
    return list(session.scalars(select(ScheduledRun).order_by(ScheduledRun.command)))
