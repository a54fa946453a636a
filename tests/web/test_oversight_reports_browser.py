"""The reporting cycle in Chromium with the app's CSP on: a bureau submits this 旬's
report with a comment, its supervisor returns it with a reason, the bureau resubmits and
the supervisor accepts it; no console error or CSP refusal on the way, and the report
prints without the menu or the forms."""

import pytest

from api import clock
from api.oversight.periods import PeriodKind, period_of
from tests.fixtures.live_server import live_server
from tests.web.test_print_and_phone import _sign_in, _watch

pytestmark = pytest.mark.browser


def test_a_xun_report_is_submitted_returned_resubmitted_and_accepted(world, browser):
    xun = period_of(PeriodKind.XUN, clock.today()).code  # under way: begun, not over
    wushan = str(world.orgs["wushan"])
    with live_server(world.app()) as base:
        bureau = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        county = bureau.new_page()
        county_problems = _watch(county)
        _sign_in(county, base, "wushan.staff", "/oversight")
        county.click("a[href='/oversight/reports']")
        county.wait_for_url(f"{base}/oversight/reports")
        county.click(f"tr[data-period='{xun}'] a")
        county.wait_for_url(f"{base}/oversight/reports/{xun}")
        county.fill("#f-comment", "本旬转移就业平稳，返岗人数略增。")
        county.check("#f-confirm")
        county.click("#submit-form button[type=submit]")
        county.wait_for_selector("#standing[data-state=submitted]")
        assert county.locator(".flash").is_visible()
        assert "本旬转移就业平稳" in county.locator(".report-comment").inner_text()
        assert county.locator("table.report-figures tr[data-indicator]").count() > 10

        above = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        city = above.new_page()
        city_problems = _watch(city)
        _sign_in(city, base, "chongqing.staff", f"/oversight/reports?period={xun}")
        row = city.locator(f"#completeness tr[data-bureau='{wushan}']")
        assert row.get_attribute("data-state") == "submitted"
        row.locator("a").click()
        city.wait_for_selector("#return-form")
        city.fill("#f-reason", "请补充返岗人员的分析。")
        city.click("#return-form button[type=submit]")
        city.wait_for_selector("#standing[data-state=returned]")
        assert "请补充返岗人员的分析" in city.locator(".return-reason").inner_text()

        county.goto(f"{base}/oversight/reports/{xun}")
        assert "请补充返岗人员的分析" in county.locator(".return-reason").inner_text()
        county.fill("#f-comment", "本旬转移就业平稳；返岗人员以制造业为主。")
        county.check("#f-confirm")
        county.click("#submit-form button[type=submit]")
        county.wait_for_selector("#standing[data-state=submitted]")

        city.goto(f"{base}/oversight/reports/{xun}?bureau={wushan}")
        city.click("#accept-form button[type=submit]")
        city.wait_for_selector("#standing[data-state=accepted]")
        assert city.locator(".flash").is_visible()
        city.goto(f"{base}/oversight/reports?period={xun}")
        row = city.locator(f"#completeness tr[data-bureau='{wushan}']")
        assert row.get_attribute("data-state") == "accepted"

        # Printed, the report is the page alone: no menu, no forms, no buttons.
        county.goto(f"{base}/oversight/reports/{xun}")
        county.click("[data-print]")
        assert county.evaluate("document.documentElement.dataset.printed") == "yes"
        county.emulate_media(media="print")
        assert not county.locator(".site-header").is_visible()
        assert not county.locator(".page-head .actions").is_visible()
        assert county.locator("table.report-figures").is_visible()

        assert not county_problems, county_problems
        assert not city_problems, city_problems
        bureau.close()
        above.close()
