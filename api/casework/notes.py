"""Notes and attachments on a case: dated notes by named staff, and photos or scans
checked in full before anything is stored. Written by the office that keeps the case;
read by whoever sees the case in full (the office and its county)."""

import uuid
from datetime import date

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext
from api.audit import service as audit
from api.casework import repository
from api.casework.service import full_view, get, require_office
from api.casework.storage import AttachmentStore, check
from api.errors import FieldError, NotFound, ValidationFailed
from api.i18n import _
from api.ids import new_id
from shared_models import CaseAttachment, CaseNote


def add_note(
    session: Session,
    access: AccessContext,
    case_id: uuid.UUID,
    *,
    body: str,
    written_on: date | None = None,
    author: str | None = None,
    today: date | None = None,
) -> CaseNote:
    today = today or clock.today()
    case = get(session, access, case_id)
    require_office(access, case.tenant_id)
    written_on = written_on or today
    if written_on > today:
        raise ValidationFailed(
            errors=[FieldError("written_on", _("A note is dated today or earlier."), "future_date")]
        )
    note = CaseNote(
        id=new_id(),
        case_id=case.id,
        tenant_id=case.tenant_id,
        written_on=written_on,
        author=(author or access.actor_label)[:60],
        body=body,
        recorded_by_label=access.recorded_as,
    )
    repository.add(session, access, note)
    audit.record(
        session,
        access,
        action="case.note",
        entity_type="case",
        entity_id=case.id,
        after={
            "note_id": str(note.id),
            "written_on": written_on.isoformat(),
            "author": note.author,
        },
        tenant_id=case.tenant_id,
    )
    return note


def add_attachment(
    session: Session,
    access: AccessContext,
    store: AttachmentStore,
    case_id: uuid.UUID,
    *,
    data: bytes,
    filename: str | None,
    limit: int,
    note_id: uuid.UUID | None = None,
) -> CaseAttachment:
    """Checked in full (size, real type, name) before anything is written."""
    case = get(session, access, case_id)
    require_office(access, case.tenant_id)
    checked = check(data, filename, limit)
    if note_id is not None and repository.note(session, access, case, note_id) is None:
        raise ValidationFailed(
            errors=[FieldError("note_id", _("No such note on this case."), "note_not_found")]
        )
    row = CaseAttachment(
        id=new_id(),
        case_id=case.id,
        note_id=note_id,
        tenant_id=case.tenant_id,
        display_name=checked.display_name,
        content_type=checked.content_type,
        size_bytes=len(checked.data),
        sha256=checked.sha256,
        uploaded_by_label=access.recorded_as,
    )
    repository.add(session, access, row)
    audit.record(
        session,
        access,
        action="case.attach",
        entity_type="case",
        entity_id=case.id,
        after={
            "attachment_id": str(row.id),
            "name": row.display_name,
            "content_type": row.content_type,
            "size_bytes": row.size_bytes,
        },
        tenant_id=case.tenant_id,
    )
    store.save(row.id, checked.data)  # last: a failure above leaves no file behind
    return row


def attachment(
    session: Session, access: AccessContext, case_id: uuid.UUID, attachment_id: uuid.UUID
) -> CaseAttachment:
    case = get(session, access, case_id)
    row = repository.attachment(session, access, case, attachment_id)
    if row is None or not full_view(access, case):
        raise NotFound()
    return row
