"""The shared calendar as an iCalendar feed: with a bearer token, or by a tenant's
subscription link (a signed URL calendar apps can poll without signing in)."""

import uuid

from fastapi import APIRouter, Request, Response

from api.access import build_access_context
from api.calendar import service
from api.calendar.service import ItemType, Side
from api.db import apply_access
from api.deps import Access, AppSettings, DbSession
from api.errors import NotFound
from api.routing import JsonRoute, file_download
from api.security.feed_keys import feed_key_matches
from shared_models.enums import Role

router = APIRouter(route_class=JsonRoute, tags=["calendar"])
ICS = "text/calendar; charset=utf-8"


def _response(body: bytes) -> Response:
    return Response(
        body, media_type=ICS, headers={"Content-Disposition": "inline; filename=laborbridge.ics"}
    )


@router.get("/api/v1/calendar.ics", **file_download("text/calendar", description="RFC 5545"))
def calendar_feed(
    request: Request,
    access: Access,
    session: DbSession,
    side: Side | None = None,
    type: ItemType | None = None,
) -> Response:
    """Fairs and training sessions of the caller's pairings; `side` (sending, receiving)
    and `type` (fair, training) filter."""
    found = service.items(session, access, side=side, item_type=type)
    base = str(request.base_url).rstrip("/")
    return _response(service.ics(found, name=access.tenant_name, base_url=base))


@router.get("/calendar/{tenant_id}.ics", include_in_schema=False)
def subscription(
    tenant_id: uuid.UUID,
    key: str,
    request: Request,
    session: DbSession,
    settings: AppSettings,
    side: Side | None = None,
    type: ItemType | None = None,
) -> Response:
    """A tenant's feed for calendar apps: read-only, as a viewer of that tenant."""
    if not feed_key_matches(settings, tenant_id, key):
        raise NotFound()
    access = build_access_context(
        session,
        tenant_id=tenant_id,
        role=Role.VIEWER,
        can_reveal_pii=False,
        user_id=None,
        actor_label="calendar feed",
    )
    apply_access(session, access)
    found = service.items(session, access, side=side, item_type=type)
    base = str(request.base_url).rstrip("/")
    return _response(service.ics(found, name=access.tenant_name, base_url=base))
