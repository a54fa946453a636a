"""The pairing's shared calendar page: fairs and training sessions, by day."""

from itertools import groupby

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.calendar import service
from api.calendar.service import ItemType, Side
from api.deps import AppSettings, DbSession
from api.security.feed_keys import feed_key
from web.deps import TenantPage
from web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/calendar")
def calendar_page(
    request: Request,
    page: TenantPage,
    session: DbSession,
    settings: AppSettings,
    side: Side | None = None,
    type: ItemType | None = None,
) -> Response:
    access = page.ctx
    found = service.items(session, access, side=side, item_type=type)
    days = [(day, list(group)) for day, group in groupby(found, key=lambda i: i.starts.date())]
    query = "&".join(f"{k}={v.value}" for k, v in (("side", side), ("type", type)) if v)
    key = feed_key(settings, access.tenant_id)
    return render(
        request,
        "fairs/calendar.html",
        {
            "days": days,
            "side": side,
            "type": type,
            "feed_url": f"/calendar/{access.tenant_id}.ics?key={key}"
            + (f"&{query}" if query else ""),
        },
    )
