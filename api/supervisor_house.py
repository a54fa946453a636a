"""What a supervising organization may open, web and API alike (issue 13).

A supervisor (重庆市人社局, a 鲁渝协作 office) reads its bureaus' figures and reports and
never a person's record. Its access context reads no personal kind, so the
repositories would show it nothing anyway; on top of that every route outside the short
list below answers 404 to it, lists and details, reads and writes, before its handler
runs. It is an allow-list on purpose: a route added later (a new roster, a new export)
is closed to supervisors until someone adds it here, and
tests/test_supervisor_routes.py fails for any route with a personal path parameter
that is open to them.

Checked once per request, in the web's tenant-page dependency (web/deps.py) and the
API's access dependency (api/deps.py), against the matched route's path template.
"""

from api.access import AccessContext
from api.errors import NotFound
from shared_models.enums import OrgKind

# Path template (or its prefix, whole segments) → open to a supervisor. The longest
# matching entry wins, so an exception can sit under an open prefix.
SUPERVISOR_ROUTES: dict[str, bool] = {
    "/": True,  # its home page: the way to the dashboard
    "/oversight": True,  # its dashboard: suppressed aggregates of its bureaus
    "/oversight/pack": False,  # the county's 月调度 pack, unsuppressed: a bureau's
    "/oversight/reports": True,
    # The drill-down lists people and records, and splits below a bureau: a bureau's own.
    "/oversight/breakdown": False,
    "/oversight/records": False,  # the bureaus' period reports, to accept or return
    "/account": True,  # its own API tokens
    "/admin": True,  # its own members and audit log
    "/switch-tenant": True,
    "/api/v1/me": True,
    "/api/v1/auth": True,
    "/api/v1/members": True,
    "/api/v1/audit": True,
    "/api/v1/organizations": True,  # itself and the bureaus it supervises
    "/api/v1/indicators": True,
    "/api/v1/statistics": True,  # suppressed aggregates (api/oversight/supervision.py)
    "/api/v1/statistics/snapshots": False,  # a bureau's frozen figures, unsuppressed
    "/api/v1/statistics/breakdown": False,  # the drill-down, as on the pages
    "/api/v1/statistics/records": False,
    "/api/v1/reports": True,
    "/api/v1/reports/monthly-dispatch": False,  # the county's pack, unsuppressed
}


def supervisor_may_use(path: str) -> bool:
    """True when a supervisor may open the route with this path template (or path)."""
    probe = path.rstrip("/")
    if not probe:
        return SUPERVISOR_ROUTES["/"]
    # "/" opens the home page only, not every path under it: the walk stops above it.
    while probe:
        found = SUPERVISOR_ROUTES.get(probe)
        if found is not None:
            return found
        probe = probe.rsplit("/", 1)[0]
    return False


def serves(access: AccessContext | None, path: str) -> bool:
    """False only for a supervisor outside its short list; every other tenant passes."""
    if access is None or access.tenant_kind is not OrgKind.SUPERVISING:
        return True
    return supervisor_may_use(path)


def check(access: AccessContext, route_path: str) -> None:
    """404 for a supervisor on any route outside its list, as for a record outside its
    tenant sets: it learns nothing, not even that the route holds something."""
    if not serves(access, route_path):
        raise NotFound()
