"""Journeys through the pickers and the bulk confirmation in Chromium, with the app's
own CSP on: a person chosen by typing, never by id; a dispute against an employer of
the pool that reaches 烟台's board and the pool's count; a bulk claim confirmed first."""

import re

import pytest

from tests.fixtures.factories import employer_payload, laborer_payload
from tests.fixtures.live_server import live_server
from tests.fixtures.world import PASSWORD
from tests.web.test_bulk_confirmation import _due

pytestmark = pytest.mark.browser


def _watch(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Console errors (a CSP violation is one) and uncaught page errors."""
    problems: list[str] = []

    def console(message) -> None:  # type: ignore[no-untyped-def]
        # The browser's own favicon request is not the page's doing.
        if message.type == "error" and "favicon" not in message.location.get("url", ""):
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def _sign_in(page, base: str, username: str, target: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{base}/login?next={target}")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{target}")


def _choose(page, field: str, text: str, label: str) -> None:  # type: ignore[no-untyped-def]
    """Type into a picker and tick what htmx brings back (no Enter, no search button)."""
    page.fill(f"#picker-{field} input[type=search]", text)
    option = page.locator(f"#picker-{field}-results label", has_text=label)
    option.wait_for()
    option.locator("input").check()


def test_register_choose_in_the_picker_and_log_a_visit(world, page, login):
    problems = _watch(page)
    body = laborer_payload(name="谭浏览", village="双龙村")
    laborer = login("wushan.staff").post("/api/v1/laborers", json=body).json()
    with live_server(world.app()) as base:
        _sign_in(page, base, "wushan.yantai.staff", "/cases/new")
        page.select_option("#f-kind", "visit")
        _choose(page, "laborer_ids", body["id_number"][-4:], "谭浏览")  # last digits of the ID
        page.fill("#f-summary", "走访宿舍，生活正常")
        page.click("main form button[type=submit]:not([name=_pick])")
        page.wait_for_url(re.compile(r".*/cases/[0-9a-f-]{36}$"))
        assert "走访宿舍" in page.locator(".flash").inner_text()
        assert "谭浏览" in page.locator("main").inner_text()
        page.reload()
        assert page.locator(".flash").count() == 0  # shown once
        # From the person's page: log a visit with the person already chosen.
        page.goto(f"{base}/laborers/{laborer['id']}")
        page.click("a[href^='/cases/new?kind=visit']")
        checked = page.locator(f"#picker-laborer_ids input[value='{laborer['id']}']")
        assert checked.is_checked()
        page.fill("#f-summary", "第二次走访")
        page.click("main form button[type=submit]:not([name=_pick])")
        page.wait_for_url(re.compile(r".*/cases/[0-9a-f-]{36}$"))
    assert problems == []


def test_a_dispute_against_a_pool_employer_reaches_yantai(world, page, login):
    problems = _watch(page)
    login("wushan.staff").post("/api/v1/laborers", json=laborer_payload(name="冉纠纷"))
    employer = login("yantai.staff").post(
        "/api/v1/employers", json=employer_payload(name="烟台浏览器纠纷电子有限公司")
    )
    employer_id = employer.json()["id"]
    with live_server(world.app()) as base:
        _sign_in(page, base, "wushan.yantai.staff", "/cases/new")
        page.select_option("#f-kind", "dispute")
        _choose(page, "laborer_ids", "冉纠", "冉纠纷")
        page.fill("#f-summary", "拖欠工资三个月")
        page.select_option("#f-dispute_kind", "unpaid_wages")
        _choose(page, "employer_id", "浏览器纠纷", "烟台浏览器纠纷电子有限公司")
        page.fill("#f-amount_disputed", "12000")
        page.click("main form button[type=submit]:not([name=_pick])")
        page.wait_for_url(re.compile(r".*/cases/[0-9a-f-]{36}$"))
        _sign_in(page, base, "yantai.staff", "/disputes")
        assert "烟台浏览器纠纷电子有限公司" in page.locator("main").inner_text()
        page.goto(f"{base}/employers/{employer_id}")
        assert "1" in page.locator("mark.disputes").inner_text()
    assert problems == []


def test_raise_all_due_with_the_confirmation_and_the_summary(world, page, client, login):
    problems = _watch(page)
    _due(client, login)
    with live_server(world.app()) as base:
        _sign_in(page, base, "wushan.staff", "/claims")
        page.click("a[href='/claims/raise-due']")
        page.wait_for_url(f"{base}/claims/raise-due")
        summary = page.locator(".confirm-summary").inner_text()
        assert "向春花" in page.locator("main table").inner_text()
        claims = page.locator("input[name=confirm]").get_attribute("value").split(":")[0]
        assert claims in summary
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{base}/claims?status=raised")
        assert claims in page.locator(".flash").inner_text()
    assert problems == []
