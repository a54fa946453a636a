"""Vacancy list imports: preview, commit, or both at once (all rows or none), through
the one import pipeline (api/imports/batched.py)."""

import uuid

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.demand.importer import Plan, VacancyList
from api.demand.service import require_poster
from api.imports import batched
from api.imports.batches import rendered_errors
from api.imports.storage import UploadStore
from shared_models import ImportBatch

__all__ = ["Plan", "commit", "get_batch", "rendered_errors", "run"]

MAX_BYTES = 20 * 1024 * 1024


def run(
    session: Session,
    access: AccessContext,
    store: UploadStore | None,
    data: bytes,
    filename: str,
    *,
    dry_run: bool,
) -> tuple[ImportBatch, Plan]:
    """Check a vacancy list; unless `dry_run`, save it when every row is right."""
    require_poster(access)
    kind = VacancyList(access.tenant_region_code)
    return batched.Batches(kind, session, access, store).run(data, filename, dry_run=dry_run)


def commit(
    session: Session, access: AccessContext, store: UploadStore, batch_id: uuid.UUID
) -> tuple[ImportBatch, Plan]:
    batch = get_batch(session, access, batch_id)
    require_poster(access)
    kind = VacancyList(access.tenant_region_code)
    return batched.Batches(kind, session, access, store).commit(batch)


def get_batch(session: Session, access: AccessContext, batch_id: uuid.UUID) -> ImportBatch:
    return batched.get_batch(session, access, VacancyList.batch_kind, batch_id)
