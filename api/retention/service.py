"""The purge: what each kind keeps, and the counts of what went.

Ages are in days from the moment a record stopped serving (a session's end or expiry,
a token's expiry or revocation) or was made (attempts, keys, staged imports).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from api import clock
from api.access import DataKind, operator_access
from api.blobs import IMPORTS, JOBS, blobs
from api.db import apply_access
from api.retention import repository
from api.settings import Settings
from api.tenancy import repository as tenancy_repository


@dataclass(frozen=True)
class Ages:
    sessions_days: int = 30
    tokens_days: int = 30
    sign_in_attempts_days: int = 90
    idempotency_days: int = 30
    staged_days: int = 1


@dataclass(frozen=True)
class Purged:
    web_sessions: int
    api_tokens: int
    sign_in_attempts: int
    idempotency_keys: int
    uncommitted_imports: int
    staged_files: int


# Where uploads wait between preview and commit (api/imports/storage.py, api/jobs/files.py).
STAGING = (IMPORTS, JOBS)


def purge(session: Session, settings: Settings, ages: Ages) -> Purged:
    now = clock.now()

    def cutoff(days: int) -> datetime:
        return now - timedelta(days=days)

    imports = 0
    for org in tenancy_repository.all_organizations(session):
        access = operator_access(session, org.id, read=[DataKind.IMPORT], write=[DataKind.IMPORT])
        apply_access(session, access)
        imports += repository.delete_uncommitted_imports(session, access, cutoff(ages.staged_days))
    return Purged(
        web_sessions=repository.delete_web_sessions(session, cutoff(ages.sessions_days)),
        api_tokens=repository.delete_api_tokens(session, cutoff(ages.tokens_days)),
        sign_in_attempts=repository.delete_sign_in_attempts(
            session, cutoff(ages.sign_in_attempts_days)
        ),
        idempotency_keys=repository.delete_idempotency_records(
            session, cutoff(ages.idempotency_days)
        ),
        uncommitted_imports=imports,
        staged_files=purge_staged_files(settings, ages.staged_days),
    )


def purge_staged_files(settings: Settings, days: int) -> int:
    """Sealed uploads and job results older than the age, on disk or in the bucket (the
    stores remove them only when another upload comes, so a quiet week would keep them)."""
    return sum(blobs(settings, folder).purge_older_than(days * 86400) for folder in STAGING)
