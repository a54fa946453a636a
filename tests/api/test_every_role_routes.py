"""Every list and detail route, as every demo role, answers without a server error
(and every problem it answers carries the HTTP code as its `status`).

The routes come from the OpenAPI document, so a new GET route is walked as soon as it
exists. Path ids are the ids the lists answered (each role's own, and other roles': a
404 is a fine answer, a 5xx never). One world for the whole walk keeps it fast.
"""

import re
import uuid
from collections import defaultdict

from api.demo.data import ACCOUNTS, BUREAUS, EXTRA_MEMBERSHIPS, PAIRINGS
from tests.fixtures.factories import laborer_payload, placement_payload
from tests.fixtures.world import ApiUser, World

PARAM = re.compile(r"\{([a-z_]+)\}")
# How many of its own ids per parameter a role tries (and one another role saw): enough to
# meet its own rows and a stranger's without calling each detail route hundreds of times.
IDS_PER_ROLE = 1


def demo_roles(world: World) -> list[tuple[str, dict[str, str]]]:
    """(username, headers) for every demo account and every extra membership."""
    names = {o.key: o.name for o in BUREAUS} | {p.liaison.key: p.liaison.name for p in PAIRINGS}
    ids = _org_ids(world)
    roles = [(f"{key}.{suffix}", {}) for key in names for suffix, *_rest in ACCOUNTS]
    for username, org_key, _role in EXTRA_MEMBERSHIPS:
        roles.append((username, {"X-Tenant-ID": str(ids[names[org_key]])}))
    return roles


def _org_ids(world: World) -> dict[str, uuid.UUID]:
    from tests.fixtures.world import ORG_KEYS

    return {ORG_KEYS[key]: org_id for key, org_id in world.orgs.items()}


def get_routes(app) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """The API's GET routes: lists (no path parameter) and details (with one or more)."""
    lists, details = [], []
    for path, operations in app.openapi()["paths"].items():
        if "get" in operations and path.startswith("/api/"):
            (details if PARAM.search(path) else lists).append(path)
    return sorted(lists), sorted(details, key=lambda p: (p.count("{"), p))


def _harvest(found: dict[str, list[str]], param: str | None, body: object) -> None:
    """Ids in a JSON answer: `id` of a list's items under the list's parameter name, and
    every `<thing>_id` member under its own name."""
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "id" and param and isinstance(value, str):
                found[param].append(value)
            elif key.endswith("_id") and isinstance(value, str):
                found[key].append(value)
            else:
                _harvest(found, param, value)
    elif isinstance(body, list):
        for item in body:
            _harvest(found, param, item)


def _list_param(details: list[str], list_path: str) -> str | None:
    """The parameter a list's items fill: `/cases` → `case_id` (from `/cases/{case_id}`)."""
    for path in details:
        match = re.fullmatch(re.escape(list_path) + r"/\{([a-z_]+)\}", path)
        if match:
            return match.group(1)
    return None


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _fill(path: str, found: dict[str, list[str]], seen: dict[str, list[str]]) -> list[str]:
    """URLs for a detail path: the role's first known ids of each parameter, taken in
    step, then one id another role saw; an unknown parameter gets a random id (404)."""
    params = PARAM.findall(path)
    choices = {}
    for name in params:
        own = _unique(found.get(name, []))[:IDS_PER_ROLE]
        foreign = [i for i in _unique(seen.get(name, [])) if i not in own][:1]
        choices[name] = own + foreign or [str(uuid.uuid4())]
    urls = []
    for index in range(max(len(c) for c in choices.values())):
        url = path
        for name, known in choices.items():
            url = url.replace("{" + name + "}", known[min(index, len(known) - 1)])
        urls.append(url)
    return urls


def _seed_every_kind(world: World, client) -> None:  # type: ignore[no-untyped-def]
    """The demo has no referrals, cases or fresh flags: add one of each, on the side of
    巫山 ⇄ 烟台, so the receiving bureau's narrowed views are walked too."""
    county = ApiUser(client, "wushan.admin")
    office = ApiUser(client, "wushan.yantai.staff")
    laborer = county.post("/api/v1/laborers", json=laborer_payload()).json()["id"]
    params = {"owner": str(world.orgs["yantai"])}
    vacancy = county.get("/api/v1/vacancies", params=params).json()["items"]
    body = {"laborer_ids": [laborer], "vacancy_ids": [vacancy[0]["id"]]}
    assert county.post("/api/v1/referrals", json=body).status_code == 201
    employer = vacancy[0]["employer"]["id"]
    placement = placement_payload(laborer, employer_id=employer, employer_name=None)
    placement.pop("region_code")
    assert county.post("/api/v1/placements", json=placement).status_code == 201
    case = {
        "kind": "dispute",
        "occurred_on": "2026-01-20",
        "summary": "欠薪",
        "laborer_ids": [laborer],
        "dispute_kind": "unpaid_wages",
        "employer_id": employer,
    }
    response = office.post("/api/v1/cases", json=case)
    assert response.status_code == 201, response.text
    case_id = response.json()["id"]
    office.post(f"/api/v1/cases/{case_id}/notes", json={"body": "已联系企业"})
    png = b"\x89PNG\r\n\x1a\n" + bytes(32)
    office.post(f"/api/v1/cases/{case_id}/attachments", files={"file": ("a.png", png)})


def test_every_role_reads_every_list_and_detail_without_server_error(world, client):
    _seed_every_kind(world, client)
    lists, details = get_routes(world.app())
    assert lists and details, "the API lists GET routes"
    failures: list[tuple[str, str, int]] = []
    seen: dict[str, list[str]] = defaultdict(list)  # ids every role walked so far saw
    for username, headers in demo_roles(world):
        user = ApiUser(client, username)
        found: dict[str, list[str]] = defaultdict(list)

        def call(url: str) -> object:
            response = user.get(url, headers=headers)  # noqa: B023 - called in this loop
            if response.status_code >= 500:
                failures.append((username, url, response.status_code))  # noqa: B023
            if response.headers.get("content-type") == "application/problem+json":
                # A problem's `status` is always the HTTP code.
                assert response.json()["status"] == response.status_code, url
            is_json = response.headers.get("content-type", "").startswith("application/json")
            return response.json() if response.status_code == 200 and is_json else None

        # A nested detail (`/cases/{case_id}/attachments/{attachment_id}`) takes its ids
        # from the answers of its own list under the same parent, walked before it.
        children: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
        for path in lists + details:
            parent = path.rsplit("/", 1)[0]
            if parent in children and PARAM.search(parent):
                urls = [f"{url}/{i}" for url, ids in children[parent] for i in ids[:IDS_PER_ROLE]]
            else:
                urls = _fill(path, found, seen) if PARAM.search(path) else [path]
            param = _list_param(details, path)
            for url in urls:
                answer = call(url)
                own: dict[str, list[str]] = defaultdict(list)
                _harvest(own, param, answer)
                for key, values in own.items():
                    found[key].extend(values)
                if param:
                    children[path].append((url, _unique(own.get(param, []))))
        for key, values in found.items():
            seen[key].extend(values)
    assert not failures, failures
