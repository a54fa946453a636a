"""Tenant isolation over every page route with an id, as the API has it
(tests/api/test_isolation.py): a tenant of the other pairing, signed in to the pages,
gets 404 for every method on the owner's ids (or, for a form refused before its object
is looked up, the very answer a made-up id gets), and nothing changes (the audit log stays
as it was). The routes come from the app's page routers, so a new page with an id is
covered as soon as it exists; a new kind of id fails here until it has an owner's object.
"""

import re
import uuid
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import PAGE_ROUTERS
from shared_models import AuditEntry
from tests.api.test_isolation import OWNED_OBJECTS
from tests.fixtures.world import ApiUser, World
from tests.web.helpers import csrf_from, sign_in

PARAM = re.compile(r"\{([a-z_]+)\}")
# Path parameters that are not ids: the value a real link carries.
NOT_IDS = {"step": "verify"}
# Routes whose parameter names no object (a language, a picker's kind, a report's
# period: each caller's own report of it; another bureau's is asked for with ?bureau=,
# tested in tests/web/test_oversight_report_pages.py).
NO_OBJECT = {"code", "kind", "period_code"}


def _wushan_job(world: World, owner: ApiUser) -> str:
    """A background job (a ledger preview) queued through the pages by the owner."""
    from tests.fixtures.jobs import job_path
    from tests.fixtures.ledgers import ledger_row, xlsx

    pages = world.client()
    assert sign_in(pages, "wushan.admin").status_code == 303
    token = csrf_from(pages.get("/laborers/import").text)
    response = pages.post(
        "/laborers/import",
        data={"csrf_token": token},
        files={"file": ("ledger.xlsx", xlsx([ledger_row()]))},
        follow_redirects=False,
    )
    return job_path(response).rsplit("/", 1)[1]


# Objects only the pages make, beside the API's.
PAGE_OBJECTS: dict[str, Callable[[World, ApiUser], str]] = {"job_id": _wushan_job}
OWNED = {**OWNED_OBJECTS, **PAGE_OBJECTS}


def page_object_routes() -> list[tuple[str, str]]:
    routes = set()
    for router in PAGE_ROUTERS:
        for route in router.routes:
            params = set(PARAM.findall(route.path))
            if not params or params & NO_OBJECT:
                continue
            for method in route.methods - {"HEAD"}:
                routes.add((method, route.path))
    return sorted(routes)


def _answer(pages: TestClient, token: str, method: str, url: str) -> int:
    if method == "GET":
        return pages.get(url, follow_redirects=False).status_code
    data = {"csrf_token": token, "version": "1"}
    headers = {"X-CSRF-Token": token}
    response = pages.request(method, url, data=data, headers=headers, follow_redirects=False)
    return response.status_code


def _audit_count(world: World) -> int:
    with world.owner_database().sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def test_every_page_id_has_an_owned_object():
    params = {p for _m, path in page_object_routes() for p in PARAM.findall(path)}
    missing = params - OWNED.keys() - NOT_IDS.keys()
    assert not missing, f"add an owned object for {missing} (OWNED_OBJECTS or PAGE_OBJECTS)"


@pytest.mark.parametrize(
    "outsider_user",
    [
        "kaizhou.admin",  # another county's bureau
        "weifang.admin",  # an unpaired receiving bureau
        "kaizhou.weifang.admin",  # another county's liaison office
    ],
)
def test_outsiders_get_404_on_pages_and_change_nothing(world, client, outsider_user):
    owner = ApiUser(client, "wushan.admin")
    routes = page_object_routes()
    needed = {p for _m, path in routes for p in PARAM.findall(path)} - NOT_IDS.keys()
    ids = {name: OWNED[name](world, owner) for name in sorted(needed)}
    # Server errors become 500 answers, so every wrong route is listed at once.
    pages = TestClient(world.app(), base_url="http://testserver", raise_server_exceptions=False)
    assert sign_in(pages, outsider_user).status_code == 303
    token = csrf_from(pages.get("/").text)
    before = _audit_count(world)
    wrong = []
    for method, path in routes:
        url = path
        for name in PARAM.findall(path):
            url = url.replace("{" + name + "}", NOT_IDS.get(name) or ids[name])
        status = _answer(pages, token, method, url)
        if status == 404:
            continue
        # A form refused before its object is looked up (400, 422) tells nothing, as
        # long as a made-up id gets the very same answer; every GET must be a 404.
        stranger = PARAM.sub(lambda m: NOT_IDS.get(m.group(1)) or str(uuid.uuid4()), path)
        if method == "GET" or status >= 500 or status != _answer(pages, token, method, stranger):
            wrong.append((method, path, status))
    assert not wrong, wrong
    assert _audit_count(world) == before
    # The owner still sees its laborer and case unchanged.
    laborer = owner.get(f"/api/v1/laborers/{ids['laborer_id']}").json()
    assert (laborer["version"], laborer["note"]) == (1, None)
    case = owner.get(f"/api/v1/cases/{ids['case_id']}").json()
    assert (case["version"], case["status"]) == (1, "open")
