"""A supervising organization never opens a person's record (issue 13): every route
outside its short list (api/supervisor_house.py) answers 404 to it, web and API, lists
and details, reads and writes, with real ids of the bureaus it supervises.

The routes come from the app itself, so a new route is walked as soon as it exists;
and every path parameter must be classified below, so a new kind of record cannot slip
in unclassified. Only the supervisor's own pages may open, and none of them takes a
personal parameter.
"""

import re
import uuid

from fastapi.routing import APIRoute
from sqlalchemy import select

from api.security.feed_keys import feed_key
from api.supervisor_house import supervisor_may_use
from shared_models import (
    BackgroundJob,
    Case,
    CaseAttachment,
    Employer,
    Fair,
    HolidayLeave,
    ImportBatch,
    Laborer,
    PaymentBatch,
    Placement,
    Referral,
    SubsidyClaim,
    SubsidyPolicy,
    Training,
    TrainingEnrollment,
    TrainingSession,
    Vacancy,
    WarningFlag,
)
from tests.fixtures.world import ApiUser, World
from tests.web.helpers import csrf_from, sign_in

PARAM = re.compile(r"\{([a-z_]+)\}")

# Parameters naming a person's record, or a set of people (a fair's registrants, a
# training's roster, an import, a payment batch, a background job's file).
PERSONAL = {
    "laborer_id": Laborer,
    "placement_id": Placement,
    "leave_id": HolidayLeave,
    "case_id": Case,
    "attachment_id": CaseAttachment,
    "claim_id": SubsidyClaim,
    "batch_id": PaymentBatch,
    "referral_id": Referral,
    "warning_id": WarningFlag,
    "fair_id": Fair,
    "training_id": Training,
    "enrollment_id": TrainingEnrollment,
    "session_id": TrainingSession,
    "import_id": ImportBatch,
    "job_id": BackgroundJob,
}
# Parameters of no person: the supervisor still gets 404 outside its list, but a route
# with only these may be opened to it.
OTHER = {
    "employer_id": Employer,
    "vacancy_id": Vacancy,
    "policy_id": SubsidyPolicy,
    "token_id": None,
    "membership_id": None,
    "organization_id": None,
    "pairing_id": None,
    "tenant_id": None,
    "code": None,
    "kind": None,
    "slug": None,
    "step": None,
    # The period reports (another branch brings their routes): figures, no person.
    "report_id": None,
    "snapshot_id": None,
    "period_code": None,  # 2026-W49: a period, not a record
}
FIXED = {
    "code": "en",
    "kind": "laborer",
    "slug": "not-found",
    "step": "approve",
    "period_code": "2026-W01",
}
# Routes no tenant dependency guards, each with its reason: they are not records.
UNGUARDED = {
    "/lang/{code}",  # the language cookie
    "/problems/{slug}",  # the problem types' documentation
    "/calendar/{tenant_id}.ics",  # a signed feed of fairs and trainings: see below
    # Blank spreadsheets: the column headings of an import, no row of anyone's.
    "/api/v1/laborers/import/template",
    "/api/v1/vacancies/import/template",
}


def _routes(routes) -> list[APIRoute]:  # type: ignore[no-untyped-def]
    out = []
    for route in routes:
        if isinstance(route, APIRoute):
            out.append(route)
        included = getattr(route, "original_router", None)
        if included is not None:
            out += _routes(included.routes)
    return out


def _ids(world: World) -> dict[str, str]:
    """A real id for each parameter: the supervised 巫山's rows where it has any."""
    wushan = world.orgs["wushan"]
    out = {"tenant_id": str(wushan), "organization_id": str(wushan)}
    with world.superuser_session() as session:
        for param, model in {**PERSONAL, **OTHER}.items():
            if model is None:
                continue
            query = select(model.id)
            if hasattr(model, "tenant_id"):
                own = session.scalars(query.where(model.tenant_id == wushan).limit(1)).first()
                if own is not None:
                    out[param] = str(own)
                    continue
            found = session.scalars(query.limit(1)).first()
            if found is not None:
                out[param] = str(found)
    return out


def _url(path: str, ids: dict[str, str]) -> str:
    return PARAM.sub(
        lambda m: FIXED.get(m.group(1)) or ids.get(m.group(1)) or str(uuid.uuid4()), path
    )


def test_every_path_parameter_is_classified(world):
    app = world.app()
    params = {p for route in _routes(app.routes) for p in PARAM.findall(route.path)}
    assert params <= set(PERSONAL) | set(OTHER), params - set(PERSONAL) - set(OTHER)
    # No route with a personal parameter is open to a supervisor.
    open_personal = [
        route.path
        for route in _routes(app.routes)
        if supervisor_may_use(route.path) and set(PARAM.findall(route.path)) & set(PERSONAL)
    ]
    assert open_personal == []


def test_supervisor_gets_404_on_every_route_outside_its_own(world):
    app = world.app()
    ids = _ids(world)
    # A case of the county's liaison office about one of its laborers, as the office
    # records it (the demo world has none).
    office = ApiUser(world.client(), "wushan.yantai.admin")
    created = office.post(
        "/api/v1/cases",
        json={
            "kind": "visit",
            "occurred_on": "2026-01-20",
            "summary": "春节前走访慰问",
            "laborer_ids": [ids["laborer_id"]],
        },
    )
    assert created.status_code == 201, created.text
    ids["case_id"] = created.json()["id"]
    # The world has the people and records these ids name (the walk means something).
    for param in ("laborer_id", "placement_id", "case_id", "training_id"):
        assert param in ids, param
    web = world.client()
    assert sign_in(web, "chongqing.admin").status_code == 303
    token = csrf_from(web.get("/").text)
    api = ApiUser(world.client(), "chongqing.admin")

    walked: list[str] = []
    wrong: list[str] = []
    for route in _routes(app.routes):
        if supervisor_may_use(route.path) or route.path in UNGUARDED:
            continue
        if route.path.startswith(("/login", "/logout", "/auth/oidc", "/healthz", "/readyz")):
            continue  # before or beside a tenant: signing in and out, liveness
        if route.path.startswith(("/api/v1/openapi", "/api/docs", "/docs")):
            continue
        url = _url(route.path, ids)
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            if route.path.startswith("/api/"):
                response = api.request(method, url)
            elif method == "GET":
                response = web.get(url, follow_redirects=False)
            else:
                response = web.request(
                    method, url, data={"csrf_token": token}, follow_redirects=False
                )
            walked.append(f"{method} {route.path}")
            if response.status_code != 404:
                wrong.append(f"{method} {url} -> {response.status_code}")
    assert wrong == [], wrong
    # Lists and details of people, web and API, were all among them.
    for must in (
        "GET /laborers",
        "GET /laborers/{laborer_id}",
        "GET /api/v1/laborers",
        "GET /api/v1/laborers/{laborer_id}",
        "GET /cases/{case_id}",
        "GET /api/v1/placements/{placement_id}",
        "POST /laborers/{laborer_id}/edit",
        "GET /trainings/{training_id}/roster",
        "GET /laborers/export",
        "GET /handbook",
        "GET /oversight/pack",
        "GET /api/v1/statistics/snapshots",
        "GET /oversight/records",
        "GET /api/v1/statistics/records",
    ):
        assert must in walked, must


def test_the_calendar_feed_of_a_supervisor_has_no_event(world):
    """The feed is keyed per tenant, not a session: a supervisor's own has no event, and
    a supervised bureau's needs that bureau's key."""
    web = world.client()
    me = world.orgs["chongqing"]
    own = web.get(f"/calendar/{me}.ics", params={"key": feed_key(world.settings, me)})
    assert own.status_code == 200
    assert "BEGIN:VEVENT" not in own.text
    wushan = world.orgs["wushan"]
    other = web.get(f"/calendar/{wushan}.ics", params={"key": feed_key(world.settings, me)})
    assert other.status_code == 404


def test_the_supervisor_opens_its_own_pages(world):
    web = world.client()
    sign_in(web, "chongqing.staff")
    for url in ("/", "/oversight", "/account/tokens"):
        response = web.get(url, follow_redirects=False)
        assert response.status_code == 200, url
    home = web.get("/").text
    assert 'href="/oversight"' in home
    # The nav offers nothing of people.
    for href in ("/laborers", "/referrals", "/fairs", "/trainings", "/calendar", "/cases"):
        assert f'href="{href}"' not in home, href
    api = ApiUser(world.client(), "chongqing.admin")
    for url in ("/api/v1/me", "/api/v1/indicators", "/api/v1/organizations"):
        assert api.get(url).status_code == 200, url
