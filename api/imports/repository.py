"""All SQL about import batches."""

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access import AccessContext, DataKind
from shared_models import ImportBatch


def get(
    session: Session, access: AccessContext, batch_id: uuid.UUID, kind: str
) -> ImportBatch | None:
    return session.scalars(
        select(ImportBatch)
        .where(
            ImportBatch.id == batch_id,
            ImportBatch.kind == kind,
            ImportBatch.tenant_id == access.tenant_id,
            ImportBatch.tenant_id.in_(access.read_ids(DataKind.IMPORT)),
        )
        .with_for_update()
    ).first()


def add(session: Session, access: AccessContext, batch: ImportBatch) -> None:
    access.check_rows(batch)
    session.add(batch)
    session.flush()
