"""A supervisor's figures (issue 13): its bureaus' aggregates, computed under each
bureau's own view, suppressed across tenants ("<5", and a second cell where a total
would give a small one away); and a county never sees another county's figures."""

import re

from sqlalchemy import select

from api import clock
from api.oversight.supervision import COMPLEMENT, SMALL, suppress
from shared_models import Laborer
from tests.fixtures.world import ApiUser, World
from tests.web.helpers import sign_in

OFFICES = {"wushan": "wushan.yantai.admin", "kaizhou": "kaizhou.weifang.admin"}


def _laborer(world: World, county: str) -> str:
    with world.superuser_session() as session:
        return str(
            session.scalars(
                select(Laborer.id).where(Laborer.tenant_id == world.orgs[county]).limit(1)
            ).one()
        )


def _visits(world: World, county: str, n: int) -> None:
    """n visits recorded today by the county's liaison office."""
    office = ApiUser(world.client(), OFFICES[county])
    laborer = _laborer(world, county)
    for i in range(n):
        made = office.post(
            "/api/v1/cases",
            json={
                "kind": "visit",
                "occurred_on": clock.today().isoformat(),
                "summary": f"走访 {i}",
                "laborer_ids": [laborer],
            },
        )
        assert made.status_code == 201, made.text


def _month() -> dict[str, str]:
    today = clock.today()
    return {"from": today.replace(day=1).isoformat(), "to": today.isoformat()}


# --- the rule -----------------------------------------------------------------------------


def test_small_counts_and_the_cell_that_would_give_them_away():
    # One row: three bureaus and their total.
    row = {"a": 3, "b": 10, "c": 0, "t": 13}
    assert suppress(row, [list(row)]) == {"a": SMALL, "b": COMPLEMENT}
    # The total itself below 5: everything non-zero is small, nothing more to hide.
    row = {"a": 3, "b": 0, "t": 3}
    assert suppress(row, [list(row)]) == {"a": SMALL, "t": SMALL}
    assert suppress({"a": 7, "b": 8, "t": 15}, [["a", "b", "t"]]) == {}
    assert suppress({"a": 0, "b": 0, "t": 0}, [["a", "b", "t"]]) == {}
    # Two small cells already hide each other: the total is shown.
    assert suppress({"a": 2, "b": 4, "c": 9, "t": 15}, [["a", "b", "c", "t"]]) == {
        "a": SMALL,
        "b": SMALL,
    }
    # Rows and columns: hiding in a row can leave a column with one hidden, and so on
    # until every line holds none or at least two.
    values = {
        (0, 0): 2, (0, 1): 20, (0, "t"): 22,
        (1, 0): 30, (1, 1): 40, (1, "t"): 70,
        ("s", 0): 32, ("s", 1): 60, ("s", "t"): 92,
    }  # fmt: skip
    lines = [[(r, 0), (r, 1), (r, "t")] for r in (0, 1, "s")] + [
        [(0, c), (1, c), ("s", c)] for c in (0, 1, "t")
    ]
    hidden = suppress(values, lines)
    assert hidden[(0, 0)] == SMALL
    for line in lines:
        assert sum(k in hidden for k in line) != 1, line


# --- the supervisor's API and page -----------------------------------------------------------


def test_statistics_by_bureau_are_suppressed(world):
    supervisor = ApiUser(world.client(), "chongqing.admin")
    query = {"indicator": "cases_visit", **_month(), "by": "bureau"}

    def figures() -> tuple[dict, dict[str, dict]]:
        response = supervisor.get("/api/v1/statistics", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        return body, {b["bureau"]: b for b in body["by_bureau"]}

    body, bureaus = figures()
    assert body["bureaus"] == 2 and set(bureaus) == {"巫山县人社局", "开州区就业和人才中心"}
    assert (body["value"], body["suppressed"]) == (0, False)

    _visits(world, "wushan", 2)
    body, bureaus = figures()
    wushan, kaizhou = bureaus["巫山县人社局"], bureaus["开州区就业和人才中心"]
    assert (wushan["value"], wushan["suppressed"], wushan["reason"]) == (None, True, "small")
    assert (kaizhou["value"], kaizhou["suppressed"]) == (0, False)  # 0 shows as 0
    assert (body["value"], body["suppressed"], body["reason"]) == (None, True, "small")

    _visits(world, "kaizhou", 6)
    body, bureaus = figures()
    wushan, kaizhou = bureaus["巫山县人社局"], bureaus["开州区就业和人才中心"]
    assert (body["value"], body["suppressed"]) == (8, False)
    # 8 − 6 would be 巫山's 2: so 开州's 6 is withheld too.
    assert (wushan["value"], wushan["reason"]) == (None, "small")
    assert (kaizhou["value"], kaizhou["suppressed"], kaizhou["reason"]) == (
        None,
        True,
        "complement",
    )
    # Without by=bureau: the total alone; by township is not for a supervisor.
    total_only = {k: v for k, v in query.items() if k != "by"}
    alone = supervisor.get("/api/v1/statistics", params=total_only)
    assert alone.json()["value"] == 8 and alone.json()["by_bureau"] is None
    by_township = supervisor.get("/api/v1/statistics", params={**query, "by": "township"})
    assert by_township.status_code == 422
    # With periods: each period's total and bureaus, suppressed the same way.
    months = supervisor.get("/api/v1/statistics", params={**query, "period": "month"}).json()
    last = months["values"][-1]
    assert last["value"] == 8
    assert [b["reason"] for b in last["by_bureau"]] == ["small", "complement"] or [
        b["reason"] for b in last["by_bureau"]
    ] == ["complement", "small"]
    # A bureau may not ask for other bureaus.
    county = ApiUser(world.client(), "wushan.admin")
    assert county.get("/api/v1/statistics", params=query).status_code == 422


def test_the_figures_equal_each_bureaus_own(world):
    """Above 4 nothing is hidden, and each bureau's figure is the one it sees itself."""
    supervisor = ApiUser(world.client(), "chongqing.admin")
    query = {"indicator": "registered", **_month(), "by": "bureau"}
    body = supervisor.get("/api/v1/statistics", params=query).json()
    total = 0
    for county in ("wushan", "kaizhou"):
        own = ApiUser(world.client(), f"{county}.admin").get(
            "/api/v1/statistics", params={"indicator": "registered", **_month()}
        )
        mine = next(b for b in body["by_bureau"] if b["bureau_id"] == str(world.orgs[county]))
        assert own.json()["value"] >= 5
        assert mine["value"] == own.json()["value"] and not mine["suppressed"]
        total += mine["value"]
    assert body["value"] == total


def _chart_data(html: str, section: str) -> list:
    import json

    part = html.split(f'<section id="{section}">')[1].split("</section>")[0]
    raw = re.search(r"data-chart='([^']*)'", part).group(1)
    return json.loads(raw.replace("&#39;", "'").replace("&amp;", "&"))["series"]


def test_the_dashboard_shows_marks_never_the_small_counts(world):
    _visits(world, "wushan", 3)
    web = world.client()
    sign_in(web, "chongqing.admin")
    year = clock.today().year
    page = web.get(
        "/oversight", params={"year": year, "indicator": "cases_visit", "period": "month"}
    )
    assert page.status_code == 200
    html = page.text
    table = html.split('id="bureau-table"')[1].split("</table>")[0]
    wushan = re.search(
        rf'data-bureau-id="{world.orgs["wushan"]}"><td>[^<]+</td><td class="num">(.*?)</td>',
        table,
    ).group(1)
    assert 'data-suppressed="small"' in wushan and "&lt;5" in wushan
    kaizhou = re.search(
        rf'data-bureau-id="{world.orgs["kaizhou"]}"><td>[^<]+</td><td class="num">(.*?)</td>',
        table,
    ).group(1)
    assert kaizhou == "0"
    # The chart gets null with the mark as its label, never the 3.
    (series,) = _chart_data(html, "by-bureau")
    marks = [d for d in series["data"] if isinstance(d, dict)]
    assert marks == [
        {"value": None, "label": {"show": True, "formatter": "<5"}, "suppressed": "<5"}
    ]
    trend = _chart_data(html, "trend")
    assert all(d is None or isinstance(d, dict) or d == 0 for s in trend for d in s["data"]), trend
    # Targets against actual of the pairings of both bureaus.
    assert 'data-metric="laborers_transferred"' in web.get("/oversight", params={"year": 2021}).text


# --- a county never sees another's --------------------------------------------------------


def test_a_county_never_sees_another_countys_figures(world):
    """开州's figures, API and dashboard, stay as they were when 巫山's records change,
    and the other way round."""
    indicators = ("cases_visit", "registered", "transfers")

    def snapshot(county: str) -> tuple[list, str]:
        api = ApiUser(world.client(), f"{county}.admin")
        values = [
            api.get(
                "/api/v1/statistics", params={"indicator": code, **_month(), "period": "month"}
            ).json()
            for code in indicators
        ]
        web = world.client()
        sign_in(web, f"{county}.admin")
        page = web.get(
            "/oversight",
            params={"year": clock.today().year, "indicator": "cases_visit", "period": "xun"},
        ).text
        return values, page.split('<section id="trend">')[1].split("</section>")[0]

    for changed, other in (("wushan", "kaizhou"), ("kaizhou", "wushan")):
        before_other = snapshot(other)
        before_changed = snapshot(changed)
        _visits(world, changed, 2)
        laborer = ApiUser(world.client(), f"{changed}.staff").post(
            "/api/v1/laborers",
            json={**_new_laborer(), "name": f"隔离测试{changed}"},
        )
        assert laborer.status_code == 201, laborer.text
        assert snapshot(other) == before_other
        # The change is real: the changed county's own figures moved.
        assert snapshot(changed) != before_changed


def _new_laborer() -> dict:
    from tests.fixtures.factories import laborer_payload

    return laborer_payload()


def test_the_workbook_holds_the_marks(world):
    import io

    from python_calamine import CalamineWorkbook

    _visits(world, "wushan", 2)
    web = world.client()
    sign_in(web, "chongqing.admin")
    params = {"year": clock.today().year, "indicator": "cases_visit", "period": "month"}
    assert "/oversight/figures?" in web.get("/oversight", params=params).text
    response = web.get("/oversight/figures", params=params)
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_name("分县区").to_python()
    header = rows[2]
    wushan = header.index("巫山县人社局")
    this_month = next(r for r in rows if r[0] == f"{clock.today().year}年{clock.today().month}月")
    assert this_month[wushan] == "<5" and this_month[-1] == "<5"
    assert 2 not in this_month and 2.0 not in this_month
    assert "目标进度" in book.sheet_names
    # A bureau has its own pack, not this.
    county = world.client()
    sign_in(county, "wushan.admin")
    assert county.get("/oversight/figures", params=params).status_code == 404
