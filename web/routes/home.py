"""The home page: the role's work queue, then the tenant's pairings and partners."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import DbSession
from api.home import service as work
from api.oversight import supervision
from api.tenancy import service as tenancy
from shared_models.enums import OrgKind
from web.deps import TenantPage
from web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, page: TenantPage, session: DbSession) -> Response:
    access = page.ctx
    if access.tenant_kind is OrgKind.SUPERVISING:
        # No work queue of people: its bureaus, and the way to their figures.
        return render(
            request,
            "home/supervisor.html",
            {"bureaus": supervision.bureaus(session, access)},
        )
    pairings = tenancy.visible_pairings(session, access)
    organizations = tenancy.visible_organizations(session, access)
    partners = {
        kind: [o for o in organizations if o.kind is kind and o.id != access.tenant_id]
        for kind in OrgKind
    }
    me = next((o for o in organizations if o.id == access.tenant_id), None)
    queue = work.work_queue(session, access)
    # A task's link shows only where its page is of use to the role (web/houses.py).
    queue.tasks = [t for t in queue.tasks if page.uses(t.link.split("?", 1)[0])]
    return render(
        request,
        "home/index.html",
        {"pairings": pairings, "partners": partners, "me": me, "queue": queue},
    )
