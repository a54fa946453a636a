"""Import batches for the laborer ledger: preview, commit, or both at once, through the
one import pipeline (api/imports/batched.py)."""

import uuid

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.imports import batched
from api.imports.batches import rendered_errors
from api.imports.storage import UploadStore
from api.progress import Progress, quiet
from api.security.pii import PiiCipher
from api.supply.importer import LaborerLedger, Plan
from api.supply.service import require_county_writer
from shared_models import ImportBatch

__all__ = ["Plan", "commit", "get_batch", "rendered_errors", "run"]

MAX_BYTES = 60 * 1024 * 1024  # a 100,000-row ledger is about 15 MB


def _kind(access: AccessContext, cipher: PiiCipher, progress: Progress) -> LaborerLedger:
    return LaborerLedger(cipher, access.tenant_region_code, access.user_id, progress)


def run(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    store: UploadStore | None,
    data: bytes,
    filename: str,
    *,
    dry_run: bool,
    progress: Progress = quiet,
) -> tuple[ImportBatch, Plan]:
    """Check a file; unless `dry_run`, commit it when every row is right."""
    require_county_writer(access)
    kind = _kind(access, cipher, progress)
    return batched.Batches(kind, session, access, store).run(
        data, filename, dry_run=dry_run, progress=progress
    )


def commit(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    store: UploadStore,
    batch_id: uuid.UUID,
    *,
    progress: Progress = quiet,
) -> tuple[ImportBatch, Plan]:
    kind = _kind(access, cipher, progress)
    batch = batched.get_batch(session, access, kind.batch_kind, batch_id)
    require_county_writer(access)
    return batched.Batches(kind, session, access, store).commit(batch, progress)


def get_batch(session: Session, access: AccessContext, batch_id: uuid.UUID) -> ImportBatch:
    return batched.get_batch(session, access, LaborerLedger.batch_kind, batch_id)
