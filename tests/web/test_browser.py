"""The main path in a real browser: sign in as a demo user, see the home page in Chinese."""

import uuid
from datetime import date

import pytest

from api import clock
from tests.api.test_warnings import _evaluate, _flags
from tests.fixtures.factories import (
    WUSHAN_POLICIES,
    employer_payload,
    laborer_payload,
    placement_payload,
    vacancy_payload,
)
from tests.fixtures.ledgers import ledger_row, xlsx
from tests.fixtures.live_server import live_server
from tests.fixtures.world import PASSWORD

pytestmark = pytest.mark.browser


def test_sign_in_and_see_the_home_page_in_chinese(world, page, tmp_path):
    with live_server(world.app()) as base:
        page.goto(f"{base}/")
        assert page.url.startswith(f"{base}/login")
        assert page.locator("h1").inner_text() == "登录"
        page.fill("#username", "wushan.staff")
        page.fill("#password", "wrong-password!")
        page.click("button[type=submit]")
        assert page.locator("#login-error").inner_text() == "用户名或密码错误"
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        assert page.locator("h1").inner_text() == "巫山县人社局"
        # The role's work queue comes first, then its pairings.
        assert page.locator("h2").first.inner_text() == "待办事项"
        assert page.locator("h2").nth(1).inner_text() == "协作关系"
        assert "烟台市人社局" in page.locator(".pairing").inner_text()
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
        page.click("text=English")
        assert page.locator("h2").first.inner_text() == "Waiting for you"
        assert page.locator("h2").nth(1).inner_text() == "Pairings"


def test_import_wizard_shows_a_row_error(world, page, tmp_path):
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(xlsx([ledger_row(), ledger_row(身份证号码="50023719900101123X")]))
    with live_server(world.app()) as base:
        page.goto(f"{base}/login?next=/laborers/import")
        page.fill("#username", "wushan.staff")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/laborers/import")
        page.set_input_files("#file", str(ledger))
        page.click("main form button[type=submit]")
        page.wait_for_selector("#job[data-status=succeeded]")  # checked in the background
        page.click("#job-outcome")
        page.wait_for_selector("#import-errors")
        row = page.locator("#import-errors tbody tr").first
        assert row.locator("td").nth(0).inner_text() == "3"
        assert row.locator("td").nth(1).inner_text() == "身份证号码"
        assert "校验位错误" in row.locator("td").nth(2).inner_text()
        assert "未保存任何数据" in page.locator("#import-errors-summary").inner_text()


def test_refer_from_the_matches_page_and_see_it_on_the_board(world, page, login):
    laborer = login("wushan.staff").post(
        "/api/v1/laborers", json=laborer_payload(name="浏览器测试人")
    )
    assert laborer.status_code == 201, laborer.text
    laborer_id = laborer.json()["id"]
    yantai = login("yantai.staff")
    employer = yantai.post("/api/v1/employers", json=employer_payload()).json()
    vacancy = yantai.post(
        "/api/v1/vacancies", json=vacancy_payload(employer["id"], title="浏览器测试焊工")
    ).json()
    with live_server(world.app()) as base:
        page.goto(f"{base}/login?next=/laborers/{laborer_id}/matches")
        page.fill("#username", "wushan.staff")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/laborers/{laborer_id}/matches")
        row = page.locator(f'tr[data-vacancy-id="{vacancy["id"]}"]')
        assert "浏览器测试焊工" in row.inner_text()
        row.locator("details.explanation summary").click()
        assert "焊工" in row.locator("ul.criteria").inner_text()
        row.locator('input[name="vacancy_ids"]').check()
        page.fill('#refer-form input[name="note"]', "持焊工证")
        page.click("#refer-form button[type=submit]")
        page.wait_for_url(f"{base}/laborers/{laborer_id}/referrals")
        board_row = page.locator("table.referral-board tbody tr").first
        assert board_row.get_attribute("data-status") == "recommended"
        assert "浏览器测试焊工" in board_row.inner_text()
        page.goto(f"{base}/referrals")
        assert "浏览器测试人" in page.locator("table.referral-board").inner_text()


def _sign_in(page, base, username, next_path):  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{base}/login?next={next_path}")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{next_path}")


def test_from_a_laborers_stay_to_an_approved_claim(world, page, login):
    admin, staff = login("wushan.admin"), login("wushan.staff")
    created = {
        k: admin.post("/api/v1/subsidy-policies", json=v) for k, v in WUSHAN_POLICIES.items()
    }
    family = created["stability"].json()["family_id"]
    laborer = staff.post(
        "/api/v1/laborers", json=laborer_payload(name="浏览器补贴人", poverty_status="lifted")
    ).json()
    placed = staff.post("/api/v1/placements", json=placement_payload(laborer["id"]))
    assert placed.status_code == 201, placed.text
    stay = f"/laborers/{laborer['id']}/stay"
    with live_server(world.app()) as base:
        _sign_in(page, base, "wushan.staff", stay)
        card = page.locator(f'article.entitlement[data-family="{family}"]')
        assert "6,000" in card.locator("dd.earned").inner_text()
        card.locator("button.raise-claim").click()
        page.wait_for_url(f"{base}{stay}#entitlements")
        _sign_in(page, base, "wushan.yantai.staff", "/claims")
        row = page.locator("table.claims tbody tr", has_text="浏览器补贴人").filter(has_text="稳岗")
        row.locator("button.verify").click()
        page.wait_for_url(f"{base}/claims?status=raised")
        _sign_in(page, base, "wushan.admin", "/claims?status=verified")
        row = page.locator("table.claims tbody tr", has_text="浏览器补贴人").filter(has_text="稳岗")
        row.locator("button.approve").click()
        page.wait_for_url(f"{base}/claims?status=verified")
        page.goto(f"{base}/claims?status=approved")
        approved = page.locator("table.claims tbody tr", has_text="浏览器补贴人").filter(
            has_text="稳岗"
        )
        assert approved.get_attribute("data-status") == "approved"
        assert "6,000" in approved.inner_text()


def test_the_check_in_desk_takes_a_scanned_code(world, page, login):
    from tests.api.test_fairs import fair_payload

    admin, staff = login("wushan.admin"), login("wushan.staff")
    fair = admin.post("/api/v1/fairs", json=fair_payload(title="浏览器签到测试")).json()
    admin.post(f"/api/v1/fairs/{fair['id']}/status", json={"status": "published", "version": 1})
    laborer = staff.post("/api/v1/laborers", json=laborer_payload(name="扫码签到人")).json()
    [registration] = staff.post(
        f"/api/v1/fairs/{fair['id']}/registrations", json={"laborer_ids": [laborer["id"]]}
    ).json()
    desk = f"/fairs/{fair['id']}/desk"
    with live_server(world.app()) as base:
        _sign_in(page, base, "wushan.admin", desk)
        # A scanner types the code and presses Enter into the focused field; typing
        # before the page has focused it would lose keys, as it would at a real desk.
        page.wait_for_function("document.activeElement && document.activeElement.id === 'code'")
        page.keyboard.type(registration["code"].lower())
        page.keyboard.press("Enter")
        page.wait_for_selector("#desk-result")
        assert "扫码签到人" in page.locator("#desk-result").inner_text()
        assert page.evaluate("document.activeElement.id") == "code"  # ready for the next
        page.keyboard.type(registration["code"])
        page.keyboard.press("Enter")
        page.wait_for_selector("#desk-error")
        assert "扫码签到人" in page.locator("#desk-error").inner_text()
        page.set_viewport_size({"width": 375, "height": 700})  # a phone at the door
        assert page.locator("#code").is_visible()


def test_from_the_visit_queue_to_a_logged_visit(world, page, login):
    staff, office = login("wushan.staff"), login("wushan.yantai.staff")
    body = laborer_payload(name="浏览器预警人", employment_status="employed")
    laborer = staff.post("/api/v1/laborers", json=body).json()
    placed = staff.post(
        "/api/v1/placements", json=placement_payload(laborer["id"], started_on="2026-01-10")
    )
    assert placed.status_code == 201, placed.text
    # Not verified in post for more than the county's 60 days.
    _evaluate(world, date(2026, 6, 1), [uuid.UUID(laborer["id"])])
    assert _flags(world, laborer["id"]) == [("unverified", "open")]
    with live_server(world.app()) as base:
        _sign_in(page, base, "wushan.yantai.staff", "/warnings/queue")
        row = page.locator("table.visit-queue tbody tr", has_text="浏览器预警人")
        assert row.get_attribute("data-severity") == "medium"
        row.locator("input[name=summary]").fill("走访：在岗正常，住宿良好")
        row.locator("button.log-visit").click()
        page.wait_for_url(f"{base}/warnings/queue")
        assert page.locator("table.visit-queue tbody tr", has_text="浏览器预警人").count() == 0
    assert _flags(world, laborer["id"]) == []
    cases = office.get("/api/v1/cases", params={"kind": "visit"}).json()["items"]
    [case] = [c for c in cases if c["laborers"][0]["laborer_id"] == laborer["id"]]
    assert case["summary"] == "走访：在岗正常，住宿良好"
    assert case["occurred_on"] == clock.today().isoformat()
