"""A case attachment as a download, and the app's attachment store: shared by the case
router and the case pages, so pages import no router."""

from urllib.parse import quote

from fastapi import Request, Response

from api.casework.storage import ALLOWED, AttachmentStore, StoredAttachmentMissing
from api.errors import NotFound
from shared_models import CaseAttachment

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def get_attachment_store(request: Request) -> AttachmentStore:
    store: AttachmentStore = request.app.state.attachments
    return store


def download(store: AttachmentStore, row: CaseAttachment) -> Response:
    try:
        data = store.load(row.id)
    except StoredAttachmentMissing:
        raise NotFound() from None
    ascii_name = "attachment" + ALLOWED.get(row.content_type, ".bin")
    return Response(
        data,
        media_type=row.content_type,
        headers={
            "Content-Disposition": (
                f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(row.display_name)}"
            ),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
