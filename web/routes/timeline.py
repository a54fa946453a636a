"""A laborer's timeline page: every record about one person, newest first."""

import uuid
from collections import Counter

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import clock
from api.deps import DbSession
from api.timeline import service
from web.deps import TenantPage
from web.rendering import render

router = APIRouter(include_in_schema=False)


def _link(entry: service.Entry, laborer_id: uuid.UUID, masked: bool) -> str | None:
    """Where an entry's record is shown to this reader (a bureau has no laborer pages)."""
    ref = entry.ref_id
    pages = {
        "fair": f"/fairs/{ref}",
        "training": f"/trainings/{ref}",
        "case": f"/cases/{ref}",
        "referral": "/referrals" if masked else f"/laborers/{laborer_id}/referrals",
        "placement": None if masked else f"/laborers/{laborer_id}/stay",
        "claim": None if masked else f"/laborers/{laborer_id}/stay",
        "laborer": None if masked else f"/laborers/{laborer_id}",
    }
    return pages.get(entry.ref_type)


@router.get("/laborers/{laborer_id}/timeline")
def timeline_page(
    laborer_id: uuid.UUID,
    request: Request,
    page: TenantPage,
    session: DbSession,
    kind: service.EntryKind | None = None,
) -> Response:
    found = service.timeline(session, page.ctx, laborer_id)
    counts = Counter(e.kind for e in found.entries)
    shown = [e for e in found.entries if kind is None or e.kind is kind]
    return render(
        request,
        "laborers/timeline.html",
        {
            "found": found,
            "lab": found.laborer,
            "tab": "timeline",
            "today": clock.today(),
            "kinds": [
                (k, service.kind_label(k), counts[k]) for k in service.EntryKind if counts[k]
            ],
            "kind": kind,
            "rows": [
                (e, service.kind_label(e.kind), _link(e, laborer_id, found.masked)) for e in shown
            ],
        },
    )
