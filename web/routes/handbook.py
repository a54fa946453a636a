"""The job handbook page: choose a village or roster, then a printable handbook."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import DbSession
from api.handbook import service
from api.i18n import get_locale, gettext, set_locale
from api.supply.filters import Filter
from api.supply.rosters import ROSTER_FILE_NAMES, ROSTER_TITLES, Roster
from web.deps import TenantPage
from web.rendering import render

router = APIRouter(prefix="/handbook", include_in_schema=False)


@router.get("")
def handbook(
    request: Request, page: TenantPage, session: DbSession, f: Filter, make: bool = False
) -> Response:
    access = page.ctx
    if not make:
        return render(
            request,
            "handbook/choose.html",
            {
                "f": f,
                "rosters": [(r.value, gettext(ROSTER_TITLES[r])) for r in Roster],
            },
        )
    place = "".join(p for p in (f.township, f.village) if p)
    roster = "" if f.roster is Roster.ALL else f"（{ROSTER_FILE_NAMES[f.roster]}）"
    title = f"{access.tenant_name}{place}岗位对接服务手册{roster}"
    book = service.build(session, access, f, title=title)
    # The handbook goes to households: always in Chinese, whatever the screen language.
    screen_locale = get_locale()
    set_locale("zh_CN")
    try:
        return render(request, "handbook/handbook.html", {"book": book, "f": f})
    finally:
        set_locale(screen_locale)
