"""Imports kept as a batch: previewed, then committed by id from the stored upload, or
checked and committed at once (laborer ledgers, vacancy lists).

The preview and the commit run the same pipeline; the commit re-reads the stored upload,
so what is saved is exactly what was previewed, checked again against the register as
it is at that moment.
"""

import uuid
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.audit import service as audit
from api.errors import NotFound, ValidationFailed
from api.i18n import _
from api.imports import pipeline
from api.imports import repository as batches
from api.imports.batches import new_batch, stored_upload
from api.imports.storage import UploadStore
from api.progress import Progress, quiet
from shared_models import ImportBatch
from shared_models.base import utcnow
from shared_models.enums import ImportStatus

RowT = TypeVar("RowT")
PlanT = TypeVar("PlanT", bound=pipeline.Plan)


class BatchedKind(pipeline.ImportKind[RowT, PlanT], Protocol):
    batch_kind: str  # ImportBatch.kind
    audit_action: str  # the audit entry of a committed file


def get_batch(
    session: Session, access: AccessContext, batch_kind: str, batch_id: uuid.UUID
) -> ImportBatch:
    """The caller's batch of this kind, locked for its commit; 404 for any other."""
    if batch := batches.get(session, access, batch_id, batch_kind):
        return batch
    raise NotFound()


@dataclass
class Batches(Generic[RowT, PlanT]):
    """One kind's batches, for one caller (whose rights the domain has checked)."""

    kind: BatchedKind[RowT, PlanT]
    session: Session
    access: AccessContext
    store: UploadStore | None

    def run(
        self, data: bytes, filename: str, *, dry_run: bool, progress: Progress = quiet
    ) -> tuple[ImportBatch, PlanT]:
        """Check a file; unless `dry_run`, commit it when every row is right.
        A dry run that passes keeps the (encrypted) upload so it can be committed by id."""
        plan = pipeline.preview(self.kind, self.session, self.access, data, filename, progress)
        batch = new_batch(
            self.access,
            self.kind.batch_kind,
            data,
            filename,
            ok=plan.ok,
            rows=plan.rows,
            summary=plan.summary(),
        )
        if not plan.ok or dry_run:
            batches.add(self.session, self.access, batch)
            if plan.ok and self.store is not None:
                self.store.save(batch.id, data)
            return batch, plan
        self._commit(batch, plan)
        batches.add(self.session, self.access, batch)
        return batch, plan

    def commit(self, batch: ImportBatch, progress: Progress = quiet) -> tuple[ImportBatch, PlanT]:
        """Commit a previewed batch from its stored upload, checked again."""
        if self.store is None:
            raise ValueError("a batch is committed from the stored upload")
        data = stored_upload(self.store, batch)
        plan = pipeline.preview(
            self.kind, self.session, self.access, data, batch.filename, progress
        )
        if not plan.ok:
            # The register changed since the preview; nothing is written.
            raise ValidationFailed(
                _("The file no longer passes the checks; nothing was saved."),
                errors=plan.errors[:1000],
            )
        self._commit(batch, plan)
        self.store.delete(batch.id)
        return batch, plan

    def _commit(self, batch: ImportBatch, plan: PlanT) -> None:
        pipeline.write(self.kind, self.session, self.access, plan, batch.id)
        batch.status = ImportStatus.COMMITTED
        batch.committed_at = utcnow()
        batch.summary = plan.summary()
        audit.record(
            self.session,
            self.access,
            action=self.kind.audit_action,
            entity_type="import_batch",
            entity_id=batch.id,
            after={
                "filename": batch.filename,
                "sha256": batch.sha256,
                "rows": plan.rows,
                **plan.counts(),
            },
        )
