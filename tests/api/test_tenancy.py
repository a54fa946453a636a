"""Organizations and pairings: each tenant sees what DESIGN.md's sharing table allows."""

import uuid


def _names(response):
    assert response.status_code == 200, response.text
    return {o["name"] for o in response.json()}


def test_sending_bureau_sees_itself_its_partner_and_its_office(login):
    names = _names(login("wushan.staff").get("/api/v1/organizations"))
    assert names == {"巫山县人社局", "烟台市人社局", "巫山县驻烟台劳务办事处"}


def test_receiving_bureau_sees_its_pairing(login):
    names = _names(login("yantai.staff").get("/api/v1/organizations"))
    assert names == {"巫山县人社局", "烟台市人社局", "巫山县驻烟台劳务办事处"}


def test_liaison_office_sees_its_pairing_and_county(login):
    names = _names(login("wushan.yantai.staff").get("/api/v1/organizations"))
    assert names == {"巫山县人社局", "烟台市人社局", "巫山县驻烟台劳务办事处"}


def test_unpaired_tenants_are_invisible(login, world):
    user = login("kaizhou.staff")
    assert "巫山县人社局" not in _names(user.get("/api/v1/organizations"))
    response = user.get(f"/api/v1/organizations/{world.orgs['wushan']}")
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/not-found"
    # Indistinguishable from an id that does not exist at all.
    missing = user.get(f"/api/v1/organizations/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert missing.json()["title"] == response.json()["title"]


def test_organization_detail(login, world):
    body = login("yantai.admin").get(f"/api/v1/organizations/{world.orgs['wushan_office']}").json()
    assert body["kind"] == "liaison"
    assert body["parent_id"] == str(world.orgs["wushan"])
    assert body["pairing_id"] == str(world.pairings["wushan"])
    assert body["region_code"] == "370600"
    assert body["province"] == "山东省"


def test_pairings_with_targets_and_offices(login, world):
    pairings = login("wushan.admin").get("/api/v1/pairings").json()
    assert len(pairings) == 1
    pairing = pairings[0]
    assert pairing["sending"]["name"] == "巫山县人社局"
    assert pairing["receiving"]["name"] == "烟台市人社局"
    assert pairing["agreement_year"] == 2020
    assert [o["name"] for o in pairing["liaison_offices"]] == ["巫山县驻烟台劳务办事处"]
    targets = {(t["year"], t["metric"]): t["target"] for t in pairing["targets"]}
    assert targets[(2021, "people_trained")] == 300
    detail = login("wushan.yantai.staff").get(f"/api/v1/pairings/{pairing['id']}")
    assert detail.status_code == 200
    assert login("weifang.staff").get(f"/api/v1/pairings/{pairing['id']}").status_code == 404
