"""Period reports in the pages: a bureau's list and report page (submit with a
confirmation, refused forms shown again with the reason), the supervisor's completeness
board and its accept and return forms, the report's Excel pack, and who sees the pages."""

import io
import re
from datetime import date, datetime, time

import time_machine
from python_calamine import CalamineWorkbook

from api import clock
from tests.web.helpers import csrf_from, sign_in

XUN = "2025-03-1"


def _at(day: str, hour: int = 10):  # type: ignore[no-untyped-def]
    moment = datetime.combine(date.fromisoformat(day), time(hour), tzinfo=clock.zone())
    return time_machine.travel(moment, tick=True)


def _state(html: str, key: str, value: str) -> str:
    found = re.search(rf'<tr {key}="{re.escape(value)}" data-state="([a-z_]+)"', html)
    assert found, (key, value)
    return found.group(1)


def test_a_bureau_submits_and_the_supervisor_returns_then_accepts(world, client):
    supervisor = world.client()
    with _at("2025-03-11"):
        assert sign_in(client, "wushan.staff").status_code == 303
        listing = client.get("/oversight/reports")
        assert listing.status_code == 200
        assert _state(listing.text, "data-period", XUN) == "not_yet"
        assert _state(listing.text, "data-period", "2025-W11") == "not_yet"

        page = client.get(f"/oversight/reports/{XUN}")
        assert page.status_code == 200 and 'id="submit-form"' in page.text
        token = csrf_from(page.text)
        # Without the confirmation ticked: the form again, the comment kept.
        refused = client.post(
            f"/oversight/reports/{XUN}/submit",
            data={"csrf_token": token, "comment": "上旬情况说明"},
        )
        assert refused.status_code == 422
        assert "Tick the box" in refused.text or "勾选" in refused.text
        assert "上旬情况说明" in refused.text
        done = client.post(
            f"/oversight/reports/{XUN}/submit",
            data={"csrf_token": token, "comment": "上旬情况说明", "confirm": "on"},
            follow_redirects=False,
        )
        assert done.status_code == 303 and done.headers["location"] == f"/oversight/reports/{XUN}"
        shown = client.get(done.headers["location"]).text
        assert 'class="flash"' in shown
        assert '<section id="standing" data-state="submitted">' in shown
        assert "上旬情况说明" in shown and 'id="submit-form"' not in shown
        assert 'data-indicator="transfers"' in shown

        pack = client.get(f"/oversight/reports/{XUN}/pack")
        assert pack.status_code == 200
        book = CalamineWorkbook.from_filelike(io.BytesIO(pack.content))
        assert book.sheet_names == ["本期指标", "修订", "报送情况"]
        figures = book.get_sheet_by_name("本期指标").to_python()
        assert figures[0][0].startswith("巫山县人社局2025年3月上旬旬分析表")
        assert figures[2] == ["指标", "单位", "本期（报送时）", "上期", "变化", "现值（修订后）"]
        standing = {row[0]: row[1] for row in book.get_sheet_by_name("报送情况").to_python()}
        assert standing["分析说明"] == "上旬情况说明"
        assert standing["是否按时"] == "按时报送"

        assert sign_in(supervisor, "chongqing.staff").status_code == 303
        board = supervisor.get("/oversight/reports", params={"period": XUN}).text
        wushan, kaizhou = str(world.orgs["wushan"]), str(world.orgs["kaizhou"])
        assert _state(board, "data-bureau", wushan) == "submitted"
        assert _state(board, "data-bureau", kaizhou) == "not_yet"
        report = supervisor.get(f"/oversight/reports/{XUN}", params={"bureau": wushan})
        assert report.status_code == 200 and 'id="return-form"' in report.text
        action = re.search(r'action="(/oversight/reports/[0-9a-f-]+)/return"', report.text)
        base = action.group(1)
        token = csrf_from(report.text)
        # Returning asks a reason: without one, the page again with the reason why.
        empty = supervisor.post(f"{base}/return", data={"csrf_token": token, "reason": " "})
        assert empty.status_code == 422 and 'id="e-reason"' in empty.text
        sent = supervisor.post(
            f"{base}/return",
            data={"csrf_token": token, "reason": "请补充返岗分析"},
            follow_redirects=False,
        )
        assert sent.status_code == 303
        after = supervisor.get(sent.headers["location"]).text
        assert 'class="flash"' in after and "请补充返岗分析" in after
        assert 'id="return-form"' not in after

        back = client.get(f"/oversight/reports/{XUN}").text
        assert '<section id="standing" data-state="returned">' in back
        assert "请补充返岗分析" in back and 'id="submit-form"' in back
        again = client.post(
            f"/oversight/reports/{XUN}/submit",
            data={"csrf_token": csrf_from(back), "comment": "已补充", "confirm": "on"},
            follow_redirects=False,
        )
        assert again.status_code == 303

        report = supervisor.get(f"/oversight/reports/{XUN}", params={"bureau": wushan}).text
        accepted = supervisor.post(
            f"{base}/accept", data={"csrf_token": csrf_from(report)}, follow_redirects=False
        )
        assert accepted.status_code == 303
        board = supervisor.get("/oversight/reports", params={"period": XUN}).text
        assert _state(board, "data-bureau", wushan) == "accepted"
        # The bureau cannot decide its own report: the service refuses (403).
        own = client.post(f"{base}/accept", data={"csrf_token": csrf_from(back)})
        assert own.status_code == 403


def test_who_sees_the_report_pages(world, client):
    with _at("2025-03-11"):
        sign_in(client, "wushan.yantai.staff")
        assert client.get("/oversight/reports").status_code == 404  # a liaison office
        sign_in(client, "yantai.staff")
        assert client.get("/oversight/reports").status_code == 200  # a receiving bureau
        # Another bureau's report page: not the caller's, not one it supervises.
        other = client.get(f"/oversight/reports/{XUN}", params={"bureau": world.orgs["wushan"]})
        assert other.status_code == 404
        assert client.get("/oversight/reports/2025-Q1").status_code == 404  # not a report period
        sign_in(client, "wushan.staff")
        assert 'href="/oversight/reports"' in client.get("/oversight").text
        assert client.get(f"/oversight/reports/{XUN}/pack").status_code == 404  # none yet
        # A period not begun: nothing to submit.
        future = client.get("/oversight/reports/2025-04-1").text
        assert 'id="submit-form"' not in future


def test_weekly_pack_and_the_monthly_report(world, client):
    with _at("2025-03-12"):
        sign_in(client, "wushan.staff")
        page = client.get("/oversight/reports/2025-W11")
        done = client.post(
            "/oversight/reports/2025-W11/submit",
            data={"csrf_token": csrf_from(page.text), "confirm": "on"},
            follow_redirects=False,
        )
        assert done.status_code == 303
        pack = client.get("/oversight/reports/2025-W11/pack")
        assert "%E5%91%A8%E7%BB%9F%E8%AE%A1%E8%A1%A8" in pack.headers["content-disposition"]
        book = CalamineWorkbook.from_filelike(io.BytesIO(pack.content))
        rows = book.get_sheet_by_name("本期指标").to_python()
        assert rows[0][0] == "巫山县人社局2025年第11周周统计表（本期指标）"
        assert "本期：2025年3月10日至2025年3月16日（统计至2025年3月12日）" in rows[1][0]
        # Only the liaison cases add up (one unit, each case of one kind): one 小计 row.
        assert [r[0] for r in rows].count("小计") == 1
        assert "一、登记" in [r[0] for r in rows]
        revisions = book.get_sheet_by_name("修订").to_python()
        assert revisions[3][0] == "报送后无修订"

        # A month's report is the dispatch table: the full 月调度 pack is linked once
        # the month is over.
        february = client.get("/oversight/reports/2025-02")
        done = client.post(
            "/oversight/reports/2025-02/submit",
            data={"csrf_token": csrf_from(february.text), "confirm": "on"},
            follow_redirects=False,
        )
        assert done.status_code == 303
        shown = client.get("/oversight/reports/2025-02").text
        assert 'href="/oversight/pack?period=2025-02"' in shown
        assert 'href="/oversight/reports/2025-02/pack"' in shown
        assert (
            'href="/oversight/pack?period=2025-03"'
            not in client.get("/oversight/reports/2025-03").text
        )
