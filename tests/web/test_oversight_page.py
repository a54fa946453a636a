"""The oversight dashboard: the pairing's targets against actual with the schedule, an
indicator's trend by week, 旬 or month, and by township; each chart with its table."""

import io
import json
import re
from urllib.parse import quote

from python_calamine import CalamineWorkbook

from api import clock
from api.oversight import packs
from tests.fixtures.factories import laborer_payload, placement_payload
from tests.web.helpers import sign_in


def _chart(html: str, section: str) -> dict:
    part = html.split(f'<section id="{section}">')[1].split("</section>")[0]
    raw = re.search(r"data-chart='([^']*)'", part).group(1)
    return json.loads(raw.replace("&#39;", "'").replace("&amp;", "&"))


def test_targets_trend_and_townships_agree_with_the_records(client, login):
    county = login("wushan.staff")
    for name in ("统计页甲", "统计页乙", "统计页丙"):
        made = county.post(
            "/api/v1/laborers", json=laborer_payload(name=name, township="统计页测试镇")
        )
        assert made.status_code == 201, made.text
    sign_in(client, "wushan.staff")
    page = client.get("/oversight").text
    # The demo's agreement targets are for 2021: shown by default as the latest year.
    assert 'name="year"' in page and '<option value="2021" selected>' in page
    rows = re.findall(r'<tr data-metric="([a-z_]+)" data-behind="(true|false)">', page)
    assert rows and {m for m, _b in rows} >= {"laborers_transferred", "fairs_held"}
    # 2021 is long over: expected 100 %, so behind means below the target.
    targets = page.split('<section id="targets">')[1].split("</section>")[0]
    assert "100.0" in targets
    chart = _chart(page, "targets")
    assert chart["series"][1]["data"] == [100.0] * len(chart["series"][1]["data"])

    year = clock.today().year
    this_year = client.get(
        "/oversight",
        params={"year": year, "indicator": "registered", "period": "month"},
    ).text
    trend = _chart(this_year, "trend")
    months = trend["xAxis"]["data"]
    assert months[0] == f"{year}-01" and months[-1] == clock.today().strftime("%Y-%m")
    shown = trend["series"][0]["data"][-1]
    api = login("wushan.staff").get(
        "/api/v1/statistics",
        params={
            "indicator": "registered",
            "from": clock.today().replace(day=1).isoformat(),
            "to": clock.today().isoformat(),
        },
    )
    assert shown == api.json()["value"] >= 3  # the API's figure for this month
    table_last = re.findall(
        r'<tr data-period="[^"]+">.*?<td class="num">([\d,]+)</td>', this_year, re.S
    )[-1]
    assert int(table_last.replace(",", "")) == shown  # the table says what the chart draws
    townships = this_year.split('<section id="townships">')[1]
    link = re.search(
        r'<td>统计页测试镇</td><td class="num"><a href="([^"]+)">3</a></td>', townships
    )
    assert link, townships[:2000]
    roster = client.get(link.group(1).replace("&amp;", "&")).text  # the people behind it
    assert all(n in roster for n in ("统计页甲", "统计页乙", "统计页丙"))
    assert re.search(r'data-total="3"', roster)
    # The funnel's steps are the indicators' own figures for the year so far.
    funnel = _chart(this_year, "funnel")["series"][0]["data"]
    assert (
        funnel[0]["value"]
        == login("wushan.staff")
        .get(
            "/api/v1/statistics",
            params={
                "indicator": "registered",
                "from": f"{year}-01-01",
                "to": clock.today().isoformat(),
            },
        )
        .json()["value"]
    )
    assert len(funnel) == 5
    # By 旬: three a month.
    xun = client.get(
        "/oversight", params={"year": year - 1, "indicator": "transfers", "period": "xun"}
    ).text
    assert len(_chart(xun, "trend")["xAxis"]["data"]) == 36


def test_other_counties_and_the_receiving_bureau_see_no_register_figures(client, login):
    county = login("wushan.staff")
    made = county.post(
        "/api/v1/laborers", json=laborer_payload(name="统计页丁", township="统计页隔离镇")
    )
    assert made.status_code == 201, made.text
    for other in ("kaizhou.staff", "yantai.staff"):
        client.cookies.clear()
        sign_in(client, other)
        page = client.get("/oversight", params={"indicator": "registered"})
        assert page.status_code == 200
        assert "统计页隔离镇" not in page.text, other


def test_the_early_warning_analysis_counts_flags_by_rule_and_leads_to_the_queue(
    client, login, world
):
    from tests.api.test_warnings import _flagged

    _laborer, flag = _flagged(world, login)
    sign_in(client, "wushan.staff")
    page = client.get(
        "/oversight", params={"year": 2026, "period": "month", "indicator": "warnings_raised"}
    ).text
    section = page.split('<section id="warnings">')[1].split("</section>")[0]
    row = re.search(rf'<tr data-rule="{flag["rule"]}">(.*?)</tr>', section, re.S).group(1)
    raised, open_now = re.findall(r'<td class="num">(?:<a href="([^"]+)">)?(\d+)', row)
    assert int(raised[1]) >= 1 and int(open_now[1]) >= 1
    chart = _chart(page, "warnings")
    assert chart["xAxis"]["data"][0] == "2026-01"
    totals = re.findall(r'<tr data-rule="[a-z_]+"><td>[^<]*</td><td class="num">(\d+)', section)
    drawn = sum(sum(s["data"]) for s in chart["series"])
    assert drawn == sum(int(n) for n in totals) >= 1  # the chart draws the table's flags
    queue = client.get(open_now[0].replace("&amp;", "&")).text
    assert f'id="flag-{flag["id"]}"' in queue or flag["id"] in queue
    shown = int(re.search(r'data-total="(\d+)"', queue).group(1))
    assert shown == int(open_now[1])  # the queue filtered to the rule has exactly those
    # The receiving bureau keeps no warnings: no such section.
    client.cookies.clear()
    sign_in(client, "yantai.staff")
    assert '<section id="warnings">' not in client.get("/oversight").text


def test_the_dashboard_exports_the_monthly_dispatch_pack(client):
    sign_in(client, "wushan.staff")
    page = client.get("/oversight").text
    form = page.split('<form method="get" action="/oversight/pack"')[1].split("</form>")[0]
    month = packs.last_complete_month(clock.today())
    assert re.search(rf'type="month" name="period" value="{month.code}"', form)

    chosen = client.get("/oversight/pack", params={"period": "2025-03"})
    assert chosen.status_code == 200
    assert chosen.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = quote("巫山县人社局2025年3月劳务协作调度表.xlsx")
    assert f"filename*=UTF-8''{name}" in chosen.headers["content-disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(chosen.content))
    assert book.sheet_names == ["目标进度", "本月指标", "分乡镇"]

    default = client.get("/oversight/pack")
    assert quote(month.label_zh) in default.headers["content-disposition"]

    refused = client.get("/oversight/pack", params={"period": "2026-13"})
    assert refused.status_code == 422
    assert "text/html" in refused.headers["content-type"]
    assert "月份须在01至12之间" in refused.text and "the month must be 01 to 12" in refused.text


def _curve(client, year: int) -> dict[int, tuple[int, int]]:
    page = client.get("/oversight", params={"year": year}).text
    if '<section id="retention">' not in page:  # no placement of the year has a mark yet
        return {}
    section = page.split('<section id="retention">')[1].split("</section>")[0]
    rows = re.findall(
        r'<tr data-months="(\d+)"><td class="num">\d+</td><td class="num">([\d,]+)</td>'
        r'<td class="num">([\d,]+)</td>',
        section,
    )
    return {int(m): (int(r.replace(",", "")), int(s.replace(",", ""))) for m, r, s in rows}


def test_the_retention_curve_follows_the_years_placements(client, login):
    """Two placements of 2025 by hand: A from 10 January to 20 March (in post at its 1st
    and 2nd month marks, gone by the 3rd), B from 1 February, still there."""
    county = login("wushan.staff")
    sign_in(client, "wushan.staff")
    before = _curve(client, 2025)
    a, b = (
        county.post("/api/v1/laborers", json=laborer_payload(name=name)).json()
        for name in ("留存甲", "留存乙")
    )
    first = county.post(
        "/api/v1/placements", json=placement_payload(a["id"], started_on="2025-01-10")
    ).json()
    ended = county.patch(
        f"/api/v1/placements/{first['id']}",
        json={"version": 1, "ended_on": "2025-03-20", "separation_reason": "quit"},
    )
    assert ended.status_code == 200, ended.text
    made = county.post(
        "/api/v1/placements", json=placement_payload(b["id"], started_on="2025-02-01")
    )
    assert made.status_code == 201, made.text
    after = _curve(client, 2025)
    change = {
        m: (after[m][0] - before.get(m, (0, 0))[0], after[m][1] - before.get(m, (0, 0))[1])
        for m in after
    }
    assert change[1] == (2, 2) and change[2] == (2, 2)  # both in post at months 1 and 2
    assert change[3] == (2, 1) and change[12] == (2, 1)  # A left on 20 March, before 10 April
    chart = _chart(client.get("/oversight", params={"year": 2025}).text, "retention")
    assert chart["series"][0]["data"][0] == round(100 * after[1][1] / after[1][0], 1)


def test_who_is_at_risk_before_a_milestone(client, login, world):
    """In post since 10 Jan with an open flag: on 20 Jun the 6-month mark (10 Jul) is 20
    days off, so the person is listed; on 1 Jun it is 39 days off, so not yet."""
    import time_machine

    from tests.api.test_warnings import _flagged

    laborer, _flag = _flagged(world, login)
    sign_in(client, "wushan.staff")

    def listed(on: str) -> str | None:
        with time_machine.travel(f"{on}T04:00:00+00:00", tick=False):
            page = client.get("/oversight", params={"year": 2026}).text
        row = re.search(rf'<tr data-laborer-id="{laborer["id"]}">(.*?)</tr>', page, re.S)
        return row.group(1) if row else None

    soon = listed("2026-06-20")
    assert soon and "预警人" in soon and ">20</td>" in soon
    assert "2026年7月10日" in soon and "长期未核实在岗" in soon
    assert listed("2026-06-01") is None
    assert listed("2026-07-10") is None  # the mark has come: nothing ahead within 30 days
