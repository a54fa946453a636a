"""Recording a scheduled command's run, in a short transaction of its own after the
work: a run counts as a success only when the command finished without an error."""

from api.db import Database
from api.scheduled import repository
from api.settings import Settings
from shared_models.base import utcnow


def record(settings: Settings, command: str, *, ok: bool, seconds: float = 0) -> None:
    database = Database(settings, as_owner=True)
    try:
        with database.transaction() as session:
            if ok:
                repository.record(session, command, succeeded_at=utcnow(), duration_seconds=seconds)
            else:
                repository.record(session, command, failed_at=utcnow())
    finally:
        database.dispose()
