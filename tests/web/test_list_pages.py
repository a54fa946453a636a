"""Every list page pages, sorts and filters from the URL: each page route of the app (taken
from the app's routes, not a hand list) answers every GET form of its own with all fields
left empty or at "—"; page, size and sort round-trip through the links; the total is a
true count; a bad sort key is a clear 422, in Chinese and in English."""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

from sqlalchemy import func, select

from api.app import PAGE_ROUTERS
from shared_models import Laborer
from tests.api.test_warnings import _flagged
from tests.web.helpers import sign_in

ROLES = ("wushan.admin", "wushan.yantai.staff", "yantai.admin")
# Not lists: sign-in and sign-out, forms for a new record, downloads, htmx fragments.
SKIP = re.compile(r"^/(login|logout|oidc)|/new$|export|/counts$|\.ics$|^/pickers|^/jobs")


class GetForms(HTMLParser):
    """The GET forms of a page: action, and each field with its kind and value."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "get":
                self._form = {"action": a.get("action", ""), "fields": []}
                self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea") and a.get("name"):
            kind = a.get("type", "text") if tag == "input" else tag
            self._form["fields"].append((a["name"], kind, a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def get_forms(html: str) -> list[dict]:
    parser = GetForms()
    parser.feed(html)
    return parser.forms


def blank(form: dict) -> dict[str, str]:
    """What a browser sends with every filter left alone: hidden fields as they are,
    every text, number, date and select empty ("—"), boxes unticked."""
    data: dict[str, str] = {}
    for name, kind, value in form["fields"]:
        if kind == "hidden":
            data.setdefault(name, value)
        elif kind not in ("checkbox", "radio", "submit", "button", "file"):
            data[name] = ""
    return data


def list_routes() -> list[str]:
    paths = set()
    for route in [r for router in PAGE_ROUTERS for r in router.routes]:
        path = getattr(route, "path", "")
        if (
            "GET" in (getattr(route, "methods", None) or ())
            and "{" not in path
            and not path.startswith(("/api/", "/static", "/docs", "/openapi", "/redoc"))
            and not SKIP.search(path)
        ):
            paths.add(path)
    return sorted(paths)


def test_every_page_answers_its_filters_left_empty(world, client):
    paths = list_routes()
    assert {"/laborers", "/vacancies", "/cases", "/warnings/queue"} <= set(paths)
    submitted = 0
    for username in ROLES:
        client.cookies.clear()
        sign_in(client, username)
        for path in paths:
            page = client.get(path)
            assert page.status_code in (200, 403, 404), (username, path, page.status_code)
            if page.status_code != 200:  # not this role's house, or an admin's page
                continue
            for form in get_forms(page.text):
                action = form["action"] or path
                if SKIP.search(action) or not action.startswith("/"):
                    continue
                answer = client.get(action, params=blank(form))
                # Never a 422 for "any"; a role refused the result (403) is not a filter bug.
                assert answer.status_code in (200, 403), (username, action, answer.text[:400])
                submitted += 1
    assert submitted >= 5  # the roster, the pool, cases, figures, the verification month ...


def test_a_number_left_empty_is_any_not_422(world, client):
    sign_in(client, "wushan.admin")
    everyone = client.get("/laborers")
    empty = client.get(
        "/laborers?q=&age_min=&age_max=&education=&sex=&poverty_status=&sort=&page_size="
    )
    assert empty.status_code == 200
    assert _total(empty.text) == _total(everyone.text)
    assert client.get("/casework/figures?year=&month=").status_code == 200


def _total(html: str) -> int:
    match = re.search(r'class="result-count" data-total="(\d+)"', html)
    assert match, "no total on the page"
    return int(match.group(1))


def _link(html: str, rel: str) -> str:
    match = re.search(rf'href="([^"]+)" rel="{rel}"', html)
    assert match, f"no {rel} link"
    return match.group(1).replace("&amp;", "&")


def test_page_size_and_sort_round_trip_and_the_total_is_true(world, client, login):
    sign_in(client, "wushan.admin")
    with world.superuser_session() as session:
        counted = session.scalar(
            select(func.count())
            .select_from(Laborer)
            .where(Laborer.tenant_id == world.orgs["wushan"])
        )
    first = client.get("/laborers?page_size=20&sort=age&descending=true")
    assert first.status_code == 200
    assert _total(first.text) == counted > 20  # a true count, not "more than ..."
    assert 'aria-sort="descending"' in first.text and "selected>20</option>" in first.text
    next_url = _link(first.text, "next")
    assert parse_qs(urlsplit(next_url).query) == {
        "sort": ["age"],
        "descending": ["true"],
        "page_size": ["20"],
        "page": ["2"],
    }
    second = client.get(next_url)
    assert 'data-page="2"' in second.text
    # The page shows the rows the API gives for the same page, size and sort.
    api = login("wushan.admin").get(
        "/api/v1/laborers?" + urlencode({"sort": "age", "descending": "true", "page_size": 20})
    )
    body = api.json()
    assert set(body) >= {"items", "total", "page", "page_size"} and body["total"] == counted
    births = [item["birth_date"] for item in body["items"]]
    # The roster's age key sorts by birth date (api/supply/rosters.py): descending, the
    # latest birth first.
    assert births == sorted(births, reverse=True)
    ids = re.findall(r'href="/laborers/([0-9a-f-]{36})"', first.text)
    assert ids == [item["id"] for item in body["items"]]
    last = client.get(_link(first.text, "last"))
    assert f'data-pages="{-(-counted // 20)}"' in last.text
    assert 'rel="next"' not in last.text


def test_the_visit_queue_pages_and_sorts(world, client, login):
    _flagged(world, login)
    sign_in(client, "wushan.yantai.staff")
    queue = client.get("/warnings/queue?page_size=20&sort=name")
    assert queue.status_code == 200 and _total(queue.text) >= 1
    assert 'aria-sort="ascending"' in queue.text
    api = login("wushan.yantai.staff").get("/api/v1/warnings?open=true&sort=age&page_size=1")
    assert api.status_code == 200 and api.json()["page_size"] == 1


def test_a_bad_sort_key_is_a_clear_422(world, client, login):
    sign_in(client, "wushan.yantai.staff")
    chinese = client.get("/cases?sort=drop_table")
    assert chinese.status_code == 422
    assert "请从以下选项中选择" in chinese.text and "occurred_on" in chinese.text
    client.cookies.set("lb_lang", "en")
    english = client.get("/warnings/queue?sort=drop_table")
    assert english.status_code == 422 and "severity" in english.text
    assert "Some fields are not valid" in english.text
    api = login("wushan.yantai.staff")
    for url in ("/api/v1/cases?sort=x", "/api/v1/warnings?sort=x", "/api/v1/laborers?sort=x"):
        answer = api.get(url, headers={"Accept-Language": "en"})
        assert answer.status_code == 422, url
        assert any(e["field"].endswith("sort") for e in answer.json()["errors"]), answer.json()
    assert api.get("/api/v1/cases?page_size=201").status_code == 422
