"""The purge: what each kind keeps, and the counts of what went.

Ages are in days from the moment a record stopped serving (a session's end or expiry,
a token's expiry or revocation) or was made (attempts, keys, staged imports).
"""

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from api import clock
from api.access import DataKind, operator_access
from api.db import apply_access
from api.retention import repository
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
STAGING_DIRS = (Path("uploads") / "imports", Path("uploads") / "jobs")


def purge(session: Session, data_dir: Path, ages: Ages) -> Purged:
    now = clock.now()

    def cutoff(days: int):  # type: ignore[no-untyped-def]
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
        staged_files=purge_staged_files(data_dir, ages.staged_days),
    )


def purge_staged_files(data_dir: Path, days: int) -> int:
    """Sealed uploads and job results older than the age (the stores remove them only
    when another upload comes, so a quiet week would keep them)."""
    oldest = time.time() - days * 86400
    count = 0
    for sub in STAGING_DIRS:
        for path in (data_dir / sub).glob("*.bin"):
            if path.stat().st_mtime < oldest:
                path.unlink(missing_ok=True)
                count += 1
    return count
