"""Keyset paging of the vacancy pool and capped counts of the roster and the pool
(issue 15, plans on hot paths)."""

import base64
import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from api.i18n import translate_in
from shared_models import Vacancy
from tests.fixtures.world import ApiUser
from tests.web.helpers import sign_in

NIL = b"00000000-0000-0000-0000-000000000000"
BAD_CURSOR = (
    "This page link is no longer valid (it belongs to another sort or list). Start again"
    " from the first page."
)


def _make_ties(world) -> int:
    """Every vacancy gets one of two creation times, one of two wages and one of two end
    dates (a third of them none): pages must break the ties by id."""
    with world.superuser_session() as session:
        rows = session.scalars(select(Vacancy).order_by(Vacancy.title)).all()
        for n, v in enumerate(rows):
            v.created_at = datetime(2026, 1, 1 + n % 2, tzinfo=UTC)
            v.wage_min, v.wage_max = 3000, 4000 + 1000 * (n % 2)
            v.valid_until = None if n % 3 == 0 else date(2030, 1, 1 + n % 2)
        session.commit()
        return len(rows)


def _walk(api: ApiUser, sort: str, size: int) -> list[str]:
    """Every id of the pool in `sort` order, a keyset page at a time."""
    params: dict[str, str | int] = {"open_only": "false", "sort": sort, "page_size": size}
    seen: list[str] = []
    while True:
        body = api.get("/api/v1/vacancies", params=params).json()
        seen += [v["id"] for v in body["items"]]
        if body["next_after"] is None:
            assert len(body["items"]) <= size
            return seen
        assert len(body["items"]) == size
        params["after"] = body["next_after"]


def test_keyset_pages_follow_each_order_without_repeats_or_gaps(world, login):
    stored = _make_ties(world)
    api = login("wushan.admin")
    for sort in ("newest", "wage", "closing"):
        whole = api.get(
            "/api/v1/vacancies", params={"open_only": "false", "sort": sort, "page_size": 200}
        ).json()
        order = [v["id"] for v in whole["items"]]
        assert 6 <= len(order) <= stored and whole["next_after"] is None
        for size in (1, 4):
            walked = _walk(api, sort, size)
            assert walked == order, (sort, size)  # the same order, nothing twice or missed
        # Offset pages agree with keyset pages.
        second = api.get(
            "/api/v1/vacancies",
            params={"open_only": "false", "sort": sort, "page_size": 4, "page": 2},
        ).json()
        assert [v["id"] for v in second["items"]] == order[4:8]


def test_a_bad_cursor_is_a_422_in_both_languages(world, login):
    api = login("wushan.admin")
    first = api.get("/api/v1/vacancies", params={"open_only": "false", "page_size": 1}).json()
    newest_cursor = first["next_after"]  # a cursor of the newest-first order
    forged = [
        base64.urlsafe_b64encode(raw).decode()
        for raw in (
            b'["pool:newest",["yesterday","x"]]',
            b'["pool:newest",["2026-01-01T00:00:00","' + NIL + b'"]]',  # no time zone
            b'["pool:newest",["0001-01-01T00:00:00+01:00","' + NIL + b'"]]',  # before year 1
        )
    ]
    for bad in ("not a cursor", "e30", *forged, "x" * 300):
        for language in ("en", "zh-CN"):
            answer = api.get(
                "/api/v1/vacancies",
                params={"after": bad},
                headers={"Accept-Language": language},
            )
            assert answer.status_code == 422, (bad, answer.text)
            [error] = answer.json()["errors"]
            assert (error["field"], error["code"]) == ("after", "bad_cursor")
            locale = "en" if language == "en" else "zh_CN"
            assert error["message"] == translate_in(locale, BAD_CURSOR)
            if language == "zh-CN":
                assert re.search("[\u4e00-\u9fff]", answer.json()["title"])
    too_big = base64.urlsafe_b64encode(b'["pool:wage",[10000000000,0,"' + NIL + b'"]]').decode()
    assert (
        api.get("/api/v1/vacancies", params={"sort": "wage", "after": too_big}).status_code == 422
    )
    other_sort = api.get("/api/v1/vacancies", params={"sort": "wage", "after": newest_cursor})
    assert other_sort.status_code == 422  # a cursor belongs to its order
    empty = api.get("/api/v1/vacancies", params={"after": ""})
    assert empty.status_code == 200  # an empty field is no cursor (GET forms)


def test_counts_stop_at_the_cap(world):
    client = world.client(list_count_cap=2)
    api = ApiUser(client, "wushan.admin")
    capped = api.get("/api/v1/laborers", params={"page_size": 1}).json()
    assert (capped["total"], capped["total_capped"]) == (2, True)
    deep = api.get("/api/v1/laborers", params={"page_size": 1, "page": 4}).json()
    assert (deep["total"], deep["total_capped"]) == (4, True)  # counted to this page's end
    one = api.get("/api/v1/laborers", params={"q": deep["items"][0]["name"]}).json()
    assert one["total_capped"] is False and one["total"] == len(one["items"])
    exact = api.get("/api/v1/laborers/rosters")
    assert exact.json()["all"] > 2  # the API's roster counts stay exact
    pool = api.get("/api/v1/vacancies", params={"open_only": "false", "page_size": 1}).json()
    assert (pool["total"], pool["total_capped"]) == (2, True)
    assert pool["next_after"]

    sign_in(client, "wushan.admin")
    page = client.get("/laborers", params={"page_size": 1, "with_counts": "1"}).text
    assert 'data-total="2"' in page
    assert 'rel="next"' in page and 'rel="last"' not in page  # no last page to name
    counts = re.findall(r'<span class="count">([^<]*)</span>', page)
    assert len(counts) == 6
    assert all(re.sub(r"\D", "", c) in ("0", "1", "2") for c in counts), counts
    assert any(not c.strip().isdigit() for c in counts)  # "more than 2" somewhere


def test_the_pool_page_links_to_the_next_page_by_cursor(world, client):
    sign_in(client, "wushan.admin")
    first = client.get("/vacancies", params={"open_only": "false", "page_size": 2})
    assert first.status_code == 200
    next_href = re.search(r'href="([^"]*)" rel="next"', first.text)
    assert next_href and "after=" in next_href.group(1) and "page=2" in next_href.group(1)
    second = client.get(next_href.group(1).replace("&amp;", "&"))
    assert second.status_code == 200
    offset = client.get("/vacancies", params={"open_only": "false", "page_size": 2, "page": 2})
    rows = re.compile(r'href="/vacancies/([0-9a-f-]{36})"')
    assert rows.findall(second.text) == rows.findall(offset.text)
    assert set(rows.findall(second.text)).isdisjoint(rows.findall(first.text))
    # The cursor is the next link's alone: sort links and the page-size form drop it.
    assert second.text.count("after=") <= 1
