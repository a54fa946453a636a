"""The job handbook page: choose a village or roster, then a printable handbook; a whole
county's is made in the background (web/handbook_job.py)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import DbSession
from api.handbook import service
from api.i18n import gettext
from api.jobs import service as jobs
from api.supply.filters import Filter
from api.supply.rosters import ROSTER_TITLES, Roster
from web.deps import PostedForm, TenantForm, TenantPage
from web.flash import flash
from web.handbook_job import HANDBOOK, filter_of, params_of, render_book, title_of
from web.rendering import render
from web.routes.jobs import started

router = APIRouter(prefix="/handbook", include_in_schema=False)


def _choose(request: Request, f: object) -> Response:
    return render(
        request,
        "handbook/choose.html",
        {
            "f": f,
            "rosters": [(r.value, gettext(ROSTER_TITLES[r])) for r in Roster],
            "page_limit": service.MAX_LABORERS,
        },
    )


@router.get("")
def handbook(
    request: Request, page: TenantPage, session: DbSession, f: Filter, make: bool = False
) -> Response:
    access = page.ctx
    service.require_maker(access)
    if not make:
        return _choose(request, f)
    book = service.build(session, access, f, title=title_of(access.tenant_name, f))
    return Response(render_book(book, access.tenant_name), media_type="text/html")


@router.post("/jobs")
def make_in_background(page: TenantForm, session: DbSession, form: PostedForm) -> Response:
    """A whole county's handbook (tens of thousands of households) takes minutes."""
    service.require_maker(page.ctx)
    try:
        f = filter_of(
            {k: str(form.get(k) or "").strip() for k in ("roster", "township", "village")}
        )
    except ValueError:
        f = filter_of({})
    job = jobs.enqueue(
        session, page.ctx, None, HANDBOOK, params={**params_of(f), "back_url": "/handbook"}
    )
    flash(page, gettext("The handbook is being made; this page shows how far it has got."))
    return started(job.id)
