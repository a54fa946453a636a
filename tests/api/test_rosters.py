"""Rosters (花名册): live views with filters, search, sorting, pagination and counts;
and the possible-duplicate flag across counties of one pairing."""

from datetime import date

import pytest

from api import clock
from api.auth import accounts
from api.security.passwords import Passwords
from api.tenancy import service as tenancy
from tests.fixtures.factories import id_number, laborer_payload
from tests.fixtures.world import PASSWORD, ApiUser


@pytest.fixture
def county(login):
    return login("wushan.staff")


def _ids(response):
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_counts_per_roster_match_the_lists(county):
    counts = county.get("/api/v1/laborers/rosters").json()
    assert counts["all"] == 300
    for roster, count in counts.items():
        page = county.get("/api/v1/laborers", params={"roster": roster, "page_size": 1}).json()
        assert page["total"] == count, roster
    assert counts["employed"] + counts["unemployed"] <= counts["all"]


def test_roster_definitions(county):
    def every(roster, predicate):
        items = county.get("/api/v1/laborers", params={"roster": roster, "page_size": 200}).json()[
            "items"
        ]
        assert items and all(predicate(i) for i in items), roster

    every("employed", lambda i: i["employment_status"] in ("employed", "self_employed"))
    every("unemployed", lambda i: i["employment_status"] == "unemployed")
    every("intention", lambda i: i["transfer_willing"] or i["entrepreneurship_intention"])
    every("training_need", lambda i: i["training_needs"])
    every("two_after", lambda i: i["two_after"])


def test_search_by_name_masked_id_full_id_and_phone(county):
    payload = laborer_payload(name="欧阳娜娜", phone="13677778888")
    created = county.post("/api/v1/laborers", json=payload).json()
    assert _ids(county.get("/api/v1/laborers", params={"q": "欧阳"})) == [created["id"]]
    assert created["id"] in _ids(
        county.get("/api/v1/laborers", params={"q": payload["id_number"][-4:]})
    )
    assert created["id"] in _ids(county.get("/api/v1/laborers", params={"q": created["id_number"]}))
    assert _ids(county.get("/api/v1/laborers", params={"q": payload["id_number"]})) == [
        created["id"]
    ]
    assert _ids(county.get("/api/v1/laborers", params={"q": "13677778888"})) == [created["id"]]
    assert (
        _ids(county.get("/api/v1/laborers", params={"q": "%"})) == []
    )  # no wildcards from the search box


def test_filters_combine(county):
    params = {"employment_status": "unemployed", "township": "大昌镇", "education": "junior_high"}
    items = county.get("/api/v1/laborers", params={**params, "page_size": 200}).json()["items"]
    assert items
    for item in items:
        assert (item["employment_status"], item["township"], item["education"]) == (
            "unemployed",
            "大昌镇",
            "junior_high",
        )
    women = county.get(
        "/api/v1/laborers", params={"sex": "female", "age_min": 30, "age_max": 40, "page_size": 200}
    ).json()["items"]
    assert women and all(i["sex"] == "female" and 30 <= i["age"] <= 40 for i in women)
    welders = county.get("/api/v1/laborers", params={"skill": "焊工", "page_size": 200}).json()[
        "items"
    ]
    assert welders and all(any(s["name"] == "焊工" for s in i["skills"]) for i in welders)
    yantai = county.get("/api/v1/laborers", params={"city": "烟台", "page_size": 200}).json()[
        "items"
    ]
    assert yantai and all("烟台" in i["preferred_cities"] for i in yantai)


def test_sorting_and_pagination(county):
    by_age = county.get("/api/v1/laborers", params={"sort": "age", "page_size": 200}).json()[
        "items"
    ]
    births = [i["birth_date"] for i in by_age]
    assert births == sorted(births)
    youngest_first = county.get(
        "/api/v1/laborers", params={"sort": "age", "descending": "true"}
    ).json()
    assert youngest_first["items"][0]["birth_date"] == max(
        [*births, youngest_first["items"][0]["birth_date"]]
    )
    seen = []
    for page in (1, 2, 3, 4, 5, 6, 7):
        seen += _ids(county.get("/api/v1/laborers", params={"page": page, "page_size": 50}))
    assert len(seen) == len(set(seen)) == 300
    assert county.get("/api/v1/laborers", params={"page_size": 500}).status_code == 422
    assert county.get("/api/v1/laborers", params={"sort": "salary"}).status_code == 422


def test_a_laborer_registered_in_two_counties_of_a_pairing_is_flagged_to_both(world, client):
    with world.owner_database().transaction() as session:
        tenancy.create_organization(
            session, kind="sending", name="石柱县人社局", region_code="500240"
        )
        tenancy.create_pairing(
            session, sending_ref="石柱县人社局", receiving_ref="烟台市人社局", year=2021
        )
        accounts.create_user(
            session,
            Passwords(world.settings),
            org_ref="石柱县人社局",
            username="shizhu.staff",
            role="staff",
            password=PASSWORD,
        )
    wushan, shizhu, kaizhou = (
        ApiUser(client, u) for u in ("wushan.staff", "shizhu.staff", "kaizhou.staff")
    )
    number = id_number(region="500240")
    in_wushan = wushan.post("/api/v1/laborers", json=laborer_payload(id_number=number)).json()
    assert in_wushan["possible_duplicate"] is False
    in_shizhu = shizhu.post(
        "/api/v1/laborers",
        json=laborer_payload(
            id_number=number, township="南宾街道", village="城南社区", region_code="500240"
        ),
    ).json()
    assert in_shizhu["possible_duplicate"] is True
    assert wushan.get(f"/api/v1/laborers/{in_wushan['id']}").json()["possible_duplicate"] is True
    listed = wushan.get("/api/v1/laborers", params={"q": number}).json()["items"]
    assert listed[0]["possible_duplicate"] is True
    # Nothing of the other county's record is shown: not even that it exists by id.
    assert shizhu.get(f"/api/v1/laborers/{in_wushan['id']}").status_code == 404
    # 开州 pairs with 潍坊, not 烟台: a registration there is no concern of 巫山's.
    in_kaizhou = kaizhou.post(
        "/api/v1/laborers",
        json=laborer_payload(
            id_number=number, township="中和镇", village="新桥村", region_code="500154"
        ),
    ).json()
    assert in_kaizhou["possible_duplicate"] is False
    office = ApiUser(client, "wushan.yantai.staff")
    assert office.get(f"/api/v1/laborers/{in_wushan['id']}").json()["possible_duplicate"] is True


def test_ages_are_whole_years(county):
    today = clock.today()
    payload = laborer_payload(id_number=id_number(born=today.replace(year=today.year - 30)))
    laborer = county.post("/api/v1/laborers", json=payload).json()
    born = date.fromisoformat(laborer["birth_date"])
    assert laborer["age"] == today.year - born.year - (
        (today.month, today.day) < (born.month, born.day)
    )
    assert laborer["age"] in (29, 30)
