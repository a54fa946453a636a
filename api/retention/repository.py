"""All SQL of the purge.

Sessions, tokens and sign-in attempts are platform tables (no tenant, no row security):
they are purged across the platform at once. Import batches are tenant data, deleted
under each tenant's own operator view. Idempotency keys have no delete policy (the app
never deletes one), so the owner lifts the forced row security for its one DELETE and
puts it back in the same transaction, as the migrations do: no other transaction ever
sees the table unforced (ALTER TABLE holds its lock until the commit).
"""

from datetime import datetime

from sqlalchemy import Delete, delete, or_, text
from sqlalchemy.orm import Session

from api.access import AccessContext, DataKind
from api.db import is_postgres
from shared_models import ApiToken, IdempotencyRecord, ImportBatch, SignInAttempt, WebSession
from shared_models.enums import ImportStatus


def _delete(session: Session, statement: Delete) -> int:
    """A bulk delete; nothing of these is loaded in the session to keep in step."""
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return int(getattr(result, "rowcount", 0) or 0)


def delete_web_sessions(session: Session, before: datetime) -> int:
    """Sessions that ended, expired or went unseen before the cutoff (an idle session
    ends after minutes, so one unseen for days is over)."""
    return _delete(
        session,
        delete(WebSession).where(
            or_(
                WebSession.ended_at < before,
                WebSession.expires_at < before,
                WebSession.last_seen_at < before,
            )
        ),
    )


def delete_api_tokens(session: Session, before: datetime) -> int:
    """Tokens expired or revoked before the cutoff; a personal token without an expiry
    stays until it is revoked."""
    return _delete(
        session,
        delete(ApiToken).where(or_(ApiToken.expires_at < before, ApiToken.revoked_at < before)),
    )


def delete_sign_in_attempts(session: Session, before: datetime) -> int:
    return _delete(session, delete(SignInAttempt).where(SignInAttempt.attempted_at < before))


def delete_idempotency_records(session: Session, before: datetime) -> int:
    """Every tenant's keys older than the cutoff (see the module's note on row security)."""
    postgres = is_postgres(session)
    if postgres:
        session.execute(text("ALTER TABLE idempotency_records NO FORCE ROW LEVEL SECURITY"))
    count = _delete(session, delete(IdempotencyRecord).where(IdempotencyRecord.created_at < before))
    if postgres:
        session.execute(text("ALTER TABLE idempotency_records FORCE ROW LEVEL SECURITY"))
    return count


def delete_uncommitted_imports(session: Session, access: AccessContext, before: datetime) -> int:
    """This tenant's previews never committed and rejected files, older than the cutoff;
    committed batches stay, the record of what was imported."""
    return _delete(
        session,
        delete(ImportBatch).where(
            ImportBatch.tenant_id == access.tenant_id,
            ImportBatch.tenant_id.in_(access.write_ids(DataKind.IMPORT)),
            ImportBatch.status != ImportStatus.COMMITTED,
            ImportBatch.created_at < before,
        ),
    )
