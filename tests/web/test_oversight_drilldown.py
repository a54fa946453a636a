"""Drill-down: a figure split down the region hierarchy (township → village), by the
district of work and by organization, and the people or records behind each number,
which always add up to it."""

import re
from urllib.parse import urlencode

from api import clock
from tests.fixtures.factories import laborer_payload, placement_payload
from tests.web.helpers import sign_in

ROW = (
    r'<tr data-key="([^"]+)">\s*<td>[^<]*</td>\s*'
    r'<td class="num"><a href="([^"]+)">([\d,]+)</a>'
)


def _rows(html: str) -> dict[str, tuple[int, str]]:
    """key → (count, link to its records) of the breakdown table."""
    table = html.split('id="breakdown"')[1].split("</table>")[0]
    return {
        key: (int(n.replace(",", "")), link.replace("&amp;", "&"))
        for key, link, n in re.findall(ROW, table)
    }


def _record_ids(html: str) -> list[str]:
    table = html.split('id="records"')[1].split("</table>")[0]
    return re.findall(r'<tr data-id="([^"]+)">', table)


def test_a_county_drills_from_township_to_village_to_people(client, login):
    county = login("wushan.staff")
    made = {}
    for name, village in (("钻取甲", "上村"), ("钻取乙", "上村"), ("钻取丙", "下村")):
        answer = county.post(
            "/api/v1/laborers",
            json=laborer_payload(name=name, township="钻取镇", village=village),
        )
        assert answer.status_code == 201, answer.text
        made[name] = answer.json()["id"]
    today = clock.today()
    sign_in(client, "wushan.staff")
    period = {"from": today.replace(month=1, day=1).isoformat(), "to": today.isoformat()}

    page = client.get(
        "/oversight/breakdown", params={"indicator": "registered", "by": "township", **period}
    )
    assert page.status_code == 200, page.text
    townships = _rows(page.text)
    assert townships["钻取镇"][0] == 3
    assert "data-chart=" in page.text  # the chart beside its table
    row = page.text.split('<tr data-key="钻取镇">')[1].split("</tr>")[0]
    assert "by=village" in row and "township=%E9%92%BB%E5%8F%96%E9%95%87" in row
    villages = client.get(
        "/oversight/breakdown",
        params={"indicator": "registered", "by": "village", "township": "钻取镇", **period},
    )
    assert villages.status_code == 200
    assert {k: n for k, (n, _link) in _rows(villages.text).items()} == {"上村": 2, "下村": 1}

    people = client.get(_rows(villages.text)["上村"][1])
    assert people.status_code == 200
    assert sorted(_record_ids(people.text)) == sorted([made["钻取甲"], made["钻取乙"]])
    assert 'data-total="2"' in people.text
    assert f'href="/laborers/{made["钻取甲"]}"' in people.text
    # The whole township's people: three, whatever the page size.
    everyone = client.get(townships["钻取镇"][1] + "&page_size=20")
    assert len(_record_ids(everyone.text)) == 3


def test_transfers_by_district_of_work_list_the_placements(client, login):
    county = login("wushan.staff")
    today = clock.today()
    laborer = county.post(
        "/api/v1/laborers", json=laborer_payload(name="去向甲", township="去向镇")
    ).json()
    placed = county.post(
        "/api/v1/placements",
        json=placement_payload(
            laborer["id"], region_code="370613", started_on=today.replace(day=1).isoformat()
        ),
    )
    assert placed.status_code == 201, placed.text
    sign_in(client, "wushan.staff")
    params = {
        "indicator": "transfers",
        "by": "district",
        "from": today.replace(day=1).isoformat(),
        "to": today.isoformat(),
    }
    page = client.get("/oversight/breakdown", params=params)
    assert page.status_code == 200, page.text
    districts = _rows(page.text)
    assert districts["370613"][0] >= 1
    assert "莱山区" in page.text  # the district's name, not only its code
    listed = client.get(districts["370613"][1])
    # A count of people lists the people, each opening on their record.
    assert f'href="/laborers/{laborer["id"]}"' in listed.text
    assert "莱山区" in listed.text  # the limit, named
    # The records add up to the number they were opened from.
    assert f'data-total="{districts["370613"][0]}"' in listed.text


def test_a_receiving_bureau_splits_the_pool_by_organization_and_counts_no_people(client):
    sign_in(client, "yantai.staff")
    today = clock.today()
    period = {"from": "2000-01-01", "to": today.isoformat()}
    page = client.get(
        "/oversight/breakdown", params={"indicator": "vacancies", "by": "organization", **period}
    )
    assert page.status_code == 200, page.text
    parts = _rows(page.text)
    assert parts and "烟台市人社局" in page.text
    first = next(iter(parts.values()))
    listed = client.get(first[1])
    assert re.search(r'href="/vacancies/[0-9a-f-]+"', listed.text)
    # It reads no register: a person count lists nobody.
    people = client.get("/oversight/records?" + urlencode({"indicator": "registered", **period}))
    assert people.status_code == 200 and 'data-total="0"' in people.text


def test_a_rate_drills_through_its_numerator_and_bad_dimensions_are_refused(client):
    sign_in(client, "wushan.staff")
    bad = client.get("/oversight/breakdown", params={"indicator": "registered", "by": "nowhere"})
    # An unknown split falls back to the first the figure has.
    assert bad.status_code == 200 and 'value="township" selected' in bad.text
    reversed_period = client.get(
        "/oversight/records",
        params={"indicator": "registered", "from": "2026-02-01", "to": "2026-01-01"},
    )
    assert reversed_period.status_code == 422
    assert "开始" in reversed_period.text or "after it ends" in reversed_period.text
    unknown = client.get("/oversight/records", params={"indicator": "nothing"})
    assert unknown.status_code == 422


def test_every_listable_number_opens_records_that_add_up_to_it(world, login):
    """Every indicator, for a county, its liaison office and a receiving bureau: the
    records page answers, and its total (or, for a sum, its amounts) is the figure."""
    from api.oversight import drilldown
    from api.oversight.indicators import BUILT_IN, Unit

    period = {"from": "2000-01-01", "to": clock.today().isoformat()}
    for username in ("wushan.staff", "wushan.yantai.staff", "yantai.staff"):
        api = login(username)
        browser = world.client()
        sign_in(browser, username)
        for found in BUILT_IN:
            if not drilldown.listable(found.code):
                continue
            code = found.numerator or found.code
            figure = api.get("/api/v1/statistics", params={"indicator": code, **period})
            assert figure.status_code == 200, figure.text
            value = figure.json()["value"]
            page = browser.get(
                "/oversight/records", params={"indicator": code, "page_size": 200, **period}
            )
            assert page.status_code == 200, (username, code, page.text[-500:])
            total = int(re.search(r'data-total="(\d+)"', page.text).group(1))
            if found.unit is Unit.YUAN or code == "positions":
                if total <= 200:
                    amounts = re.findall(r'<td class="num">([\d,]+)</td>\s*</tr>', page.text)
                    assert sum(int(a.replace(",", "")) for a in amounts) == value, code
            else:
                assert total == value, (username, code)


def test_the_api_splits_and_lists_as_the_pages_do(login):
    county = login("wushan.staff")
    for name, village in (("接口甲", "东村"), ("接口乙", "西村"), ("接口丙", "西村")):
        made = county.post(
            "/api/v1/laborers", json=laborer_payload(name=name, township="接口镇", village=village)
        )
        assert made.status_code == 201, made.text
    period = {"from": "2000-01-01", "to": clock.today().isoformat()}
    split = county.get(
        "/api/v1/statistics/breakdown",
        params={"indicator": "registered", "by": "village", "township": "接口镇", **period},
    )
    assert split.status_code == 200, split.text
    assert [(p["key"], p["count"]) for p in split.json()] == [("西村", 2), ("东村", 1)]
    listed = county.get(
        "/api/v1/statistics/records",
        params={"indicator": "registered", "township": "接口镇", "village": "西村", **period},
    ).json()
    assert listed["total"] == 2 and {r["kind"] for r in listed["items"]} == {"laborers"}
    assert "name" not in listed["items"][0]  # ids only: details stay on the register
    refused = county.get(
        "/api/v1/statistics/breakdown",
        params={"indicator": "registered", "by": "planet", **period},
    )
    assert refused.status_code == 422
    not_split = county.get(
        "/api/v1/statistics/breakdown",
        params={"indicator": "fairs_held", "by": "village", **period},
    )
    assert not_split.status_code == 422
    assert not_split.json()["errors"][0]["code"] == "not_split"


def test_figures_worked_out_person_by_person_drill_down_too(login):
    """trained_employed_90_days and subsidies_due are judged person by person in
    Python (the 90 days after a completion; each policy's units): their spreads add up
    to the figure, and their records are the people, with the yuan each is due."""
    from tests.api.test_oversight_statistics import _course, _on, _place

    county = login("wushan.staff")
    # Two trained in March 2025 and hired within 90 days, in two villages.
    trained = []
    for name, village in (("培训甲", "上村"), ("培训乙", "下村")):
        made = county.post(
            "/api/v1/laborers",
            json=laborer_payload(name=name, township="培训钻取镇", village=village),
        )
        assert made.status_code == 201, made.text
        trained.append(made.json()["id"])
    for laborer_id in trained:
        with _on("2025-03-14"):
            _course(county, "2025-03-03", "2025-03-14", [laborer_id], (laborer_id, "2025-03-14"))
        with _on("2025-04-01"):
            _place(county, laborer_id, "2025-04-01")
    period = {"from": "2000-01-01", "to": clock.today().isoformat()}
    for code in ("trained_employed_90_days", "subsidies_due"):
        figure = county.get("/api/v1/statistics", params={"indicator": code, **period})
        value = figure.json()["value"]
        assert value > 0, f"the demo has people counted in {code}"
        split = county.get(
            "/api/v1/statistics/breakdown", params={"indicator": code, "by": "township", **period}
        ).json()
        assert sum(p["count"] for p in split) == value, code
        township = split[0]
        villages = county.get(
            "/api/v1/statistics/breakdown",
            params={"indicator": code, "by": "village", "township": township["key"], **period},
        ).json()
        assert sum(p["count"] for p in villages) == township["count"], code
        listed = county.get(
            "/api/v1/statistics/records", params={"indicator": code, "page_size": 200, **period}
        ).json()
        assert {r["kind"] for r in listed["items"]} == {"laborers"}
        if code == "subsidies_due":
            assert sum(r["amount"] for r in listed["items"]) == value
            assert listed["total"] <= value  # people, each due some yuan
        else:
            assert listed["total"] == value
        within = county.get(
            "/api/v1/statistics/records",
            params={"indicator": code, "township": township["key"], **period},
        ).json()
        if code == "subsidies_due":
            assert sum(r["amount"] for r in within["items"]) == township["count"]
        else:
            assert within["total"] == township["count"]
        refused = county.get(
            "/api/v1/statistics/breakdown", params={"indicator": code, "by": "district", **period}
        )
        assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "not_split"
