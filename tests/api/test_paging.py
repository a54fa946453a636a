"""One page type and one paging dependency for every list of the API: the same JSON shape
(items, total, page, page_size), the same bounds, a total that does not change with the
page, whitelisted sort keys."""

from sqlalchemy import func, select

from shared_models import Vacancy

LISTS = [
    "/api/v1/laborers",
    "/api/v1/vacancies",
    "/api/v1/employers",
    "/api/v1/referrals",
    "/api/v1/subsidy-claims",
    "/api/v1/cases",
    "/api/v1/warnings",
    "/api/v1/trainings",
    "/api/v1/placements",
]


def test_every_list_pages_the_same_way(world, login):
    api = login("wushan.admin")
    fairs = api.get("/api/v1/fairs").json()
    fair_lists = [f"/api/v1/fairs/{f['id']}/registrations" for f in fairs[:1]]
    for url in LISTS + fair_lists:
        first = api.get(url, params={"page_size": 1})
        assert first.status_code == 200, (url, first.text)
        body = first.json()
        assert {"items", "total", "page", "page_size"} <= set(body), url
        assert body["page"] == 1 and body["page_size"] == 1 and len(body["items"]) <= 1
        past = api.get(url, params={"page_size": 1, "page": body["total"] + 1}).json()
        assert past["items"] == [] and past["total"] == body["total"], url
        for bad in ({"page": 0}, {"page_size": 0}, {"page_size": 201}, {"page": "x"}):
            answer = api.get(url, params=bad)
            assert answer.status_code == 422, (url, bad)
            assert answer.json()["errors"][0]["field"] in ("page", "page_size"), (url, bad)


def test_the_pool_total_is_a_true_count(world, login):
    api = login("wushan.admin")
    body = api.get("/api/v1/vacancies", params={"open_only": "false", "page_size": 5}).json()
    with world.superuser_session() as session:
        # wushan's pairing: every vacancy of the seeded world is posted by its partners.
        everything = session.scalar(select(func.count()).select_from(Vacancy))
    assert body["total_capped"] is False
    assert 0 < body["total"] <= everything
    seen: set[str] = set()
    for number in range(1, -(-body["total"] // 200) + 1):
        page = api.get(
            "/api/v1/vacancies", params={"open_only": "false", "page_size": 200, "page": number}
        ).json()
        seen |= {v["id"] for v in page["items"]}
    assert len(seen) == body["total"]  # the pages add up to the total, no row twice


def test_sort_keys_are_whitelisted(world, login):
    api = login("wushan.yantai.staff")
    for url, good in (("/api/v1/cases", "deadline"), ("/api/v1/warnings", "age")):
        assert api.get(url, params={"sort": good, "descending": "true"}).status_code == 200
        bad = api.get(
            url, params={"sort": "id; DROP TABLE cases"}, headers={"Accept-Language": "en"}
        )
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["field"] == "sort"
        assert good in bad.json()["errors"][0]["message"]  # the choices, named
