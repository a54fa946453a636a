"""Import batches for the laborer ledger: preview, commit, or both at once."""

import uuid

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.audit import service as audit
from api.errors import NotFound, ValidationFailed
from api.i18n import _
from api.imports import repository as batches
from api.imports.batches import new_batch, rendered_errors, stored_upload
from api.imports.storage import UploadStore
from api.progress import Progress, quiet
from api.security.pii import PiiCipher
from api.supply.importer import Plan, apply_plan, plan_import
from api.supply.service import require_county_writer
from shared_models import ImportBatch
from shared_models.base import utcnow
from shared_models.enums import ImportStatus

__all__ = ["Plan", "commit", "get_batch", "rendered_errors", "run"]

KIND = "laborers"
MAX_BYTES = 60 * 1024 * 1024  # a 100,000-row ledger is about 15 MB


def _new_batch(access: AccessContext, data: bytes, filename: str, plan: Plan) -> ImportBatch:
    return new_batch(
        access, KIND, data, filename, ok=plan.ok, rows=plan.rows, summary=plan.summary()
    )


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
    """Check a file; unless `dry_run`, commit it when every row is right.
    A dry run that passes keeps the (encrypted) upload so it can be committed by id."""
    require_county_writer(access)
    plan = plan_import(
        session,
        access,
        cipher,
        data,
        filename,
        default_region=access.tenant_region_code,
        progress=progress,
    )
    batch = _new_batch(access, data, filename, plan)
    if not plan.ok or dry_run:
        batches.add(session, access, batch)
        if plan.ok and store is not None:
            store.save(batch.id, data)
        return batch, plan
    _commit(session, access, cipher, batch, plan, progress)
    batches.add(session, access, batch)
    return batch, plan


def commit(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    store: UploadStore,
    batch_id: uuid.UUID,
    *,
    progress: Progress = quiet,
) -> tuple[ImportBatch, Plan]:
    batch = batches.get(session, access, batch_id, KIND)
    if batch is None:
        raise NotFound()
    require_county_writer(access)
    data = stored_upload(store, batch)
    plan = plan_import(
        session,
        access,
        cipher,
        data,
        batch.filename,
        default_region=access.tenant_region_code,
        progress=progress,
    )
    if not plan.ok:
        # The registry changed since the preview; nothing is written.
        raise ValidationFailed(
            _("The file no longer passes the checks; nothing was saved."), errors=plan.errors[:1000]
        )
    _commit(session, access, cipher, batch, plan, progress)
    store.delete(batch.id)
    return batch, plan


def _commit(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    batch: ImportBatch,
    plan: Plan,
    progress: Progress,
) -> None:
    apply_plan(
        session,
        access,
        cipher,
        plan,
        recorded_by=access.user_id,
        batch_id=batch.id,
        progress=progress,
    )
    batch.status = ImportStatus.COMMITTED
    batch.committed_at = utcnow()
    batch.summary = plan.summary()
    audit.record(
        session,
        access,
        action="laborer.import",
        entity_type="import_batch",
        entity_id=batch.id,
        after={
            "filename": batch.filename,
            "sha256": batch.sha256,
            "rows": plan.rows,
            "new": len(plan.new),
            "updated": len(plan.updated),
            "unchanged": plan.unchanged,
        },
    )


def get_batch(session: Session, access: AccessContext, batch_id: uuid.UUID) -> ImportBatch:
    batch = batches.get(session, access, batch_id, KIND)
    if batch is None:
        raise NotFound()
    return batch
