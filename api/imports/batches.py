"""What every spreadsheet import shares: its batch record, the stored upload it commits
from, and the errors it reports."""

import hashlib
import uuid
from typing import Any

from api.access import AccessContext
from api.errors import Conflict, FieldError
from api.i18n import _
from api.imports.storage import StoredUploadMissing, UploadStore
from shared_models import ImportBatch
from shared_models.enums import ImportStatus


def new_batch(
    access: AccessContext,
    kind: str,
    data: bytes,
    filename: str,
    *,
    ok: bool,
    rows: int,
    summary: dict[str, Any],
) -> ImportBatch:
    return ImportBatch(
        id=uuid.uuid4(),
        tenant_id=access.tenant_id,
        kind=kind,
        filename=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        status=ImportStatus.PREVIEWED if ok else ImportStatus.REJECTED,
        rows=rows,
        summary=summary,
        created_by=access.user_id,
        created_by_label=access.actor_label,
    )


def stored_upload(store: UploadStore, batch: ImportBatch) -> bytes:
    """The previewed file, if this batch may still be committed."""
    if batch.status is ImportStatus.COMMITTED:
        raise Conflict(_("This import was committed already."))
    if batch.status is ImportStatus.REJECTED:
        raise Conflict(_("This file has errors; correct it and upload it again."))
    try:
        return store.load(batch.id)
    except StoredUploadMissing:
        raise Conflict(_("The uploaded file has expired; upload it again.")) from None


def rendered_errors(batch: ImportBatch) -> list[FieldError]:
    return [
        FieldError(
            e["field"],
            e["message"],
            e["code"],
            e.get("params") or {},
            row=e["row"],
            column=e["column"],
        )
        for e in (batch.summary or {}).get("errors", [])
    ]
