"""Vacancy list imports: preview, commit, or both at once (all rows or none)."""

import uuid

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.audit import service as audit
from api.demand.importer import Plan, apply_plan, plan_import
from api.demand.service import require_poster
from api.errors import NotFound, ValidationFailed
from api.i18n import _
from api.imports import repository as batches
from api.imports.batches import new_batch, rendered_errors, stored_upload
from api.imports.storage import UploadStore
from shared_models import ImportBatch
from shared_models.base import utcnow
from shared_models.enums import ImportStatus

__all__ = ["Plan", "commit", "get_batch", "rendered_errors", "run"]

KIND = "vacancies"
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
    plan = plan_import(session, access, data, filename)
    batch = new_batch(
        access, KIND, data, filename, ok=plan.ok, rows=plan.rows, summary=plan.summary()
    )
    if not plan.ok or dry_run:
        batches.add(session, access, batch)
        if plan.ok and store is not None:
            store.save(batch.id, data)
        return batch, plan
    _commit(session, access, batch, plan)
    batches.add(session, access, batch)
    return batch, plan


def commit(
    session: Session, access: AccessContext, store: UploadStore, batch_id: uuid.UUID
) -> tuple[ImportBatch, Plan]:
    batch = get_batch(session, access, batch_id)
    require_poster(access)
    data = stored_upload(store, batch)
    plan = plan_import(session, access, data, batch.filename)
    if not plan.ok:
        raise ValidationFailed(
            _("The file no longer passes the checks; nothing was saved."), errors=plan.errors[:1000]
        )
    _commit(session, access, batch, plan)
    store.delete(batch.id)
    return batch, plan


def _commit(session: Session, access: AccessContext, batch: ImportBatch, plan: Plan) -> None:
    apply_plan(session, access, plan)
    batch.status = ImportStatus.COMMITTED
    batch.committed_at = utcnow()
    batch.summary = plan.summary()
    audit.record(
        session,
        access,
        action="vacancy.import",
        entity_type="import_batch",
        entity_id=batch.id,
        after={
            "filename": batch.filename,
            "sha256": batch.sha256,
            "rows": plan.rows,
            "new": len(plan.new),
            "updated": len(plan.updated),
            "unchanged": plan.unchanged,
            "new_employers": len(plan.new_employers),
        },
    )


def get_batch(session: Session, access: AccessContext, batch_id: uuid.UUID) -> ImportBatch:
    batch = batches.get(session, access, batch_id, KIND)
    if batch is None:
        raise NotFound()
    return batch
