"""Each role's oversight dashboard in Chromium with the app's CSP on: the charts drawn
(ECharts canvases), no console error or CSP refusal, in Chinese at desktop width and in
English at phone width, no wider than the screen."""

import pytest

from api import clock
from api.i18n import LOCALE_COOKIE
from tests.fixtures.live_server import live_server
from tests.web.test_print_and_phone import PHONE, _sign_in, _watch

pytestmark = pytest.mark.browser

# The supervising organization's dashboard is its own (its bureaus' suppressed figures).
ROLES = ["wushan.staff", "yantai.staff", "wushan.yantai.staff", "chongqing.staff"]


def test_every_roles_dashboard_draws_its_charts(world, browser):
    with live_server(world.app()) as base:
        for role in ROLES:
            for lang, viewport in (("zh_CN", {"width": 1366, "height": 900}), ("en", PHONE)):
                context = browser.new_context(viewport=viewport)
                page = context.new_page()
                problems = _watch(page)
                _sign_in(page, base, role)
                context.add_cookies([{"name": LOCALE_COOKIE, "value": lang, "url": base}])
                page.goto(f"{base}/oversight?indicator=registered&year=2021")
                page.wait_for_selector("[data-chart][data-drawn]", timeout=15_000)
                charts = page.locator("[data-chart]")
                drawn = page.locator("[data-chart][data-drawn=true] canvas")
                assert charts.count() >= 1, (role, lang)
                assert drawn.count() == charts.count(), (role, lang)  # every chart drawn
                assert page.locator("[data-chart][data-drawn=failed]").count() == 0
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"], (role, lang, width)
                assert not problems, (role, lang, problems)
                context.close()


def test_the_drill_down_draws_and_opens_the_records(world, browser):
    """From the dashboard's township figures to the village split (its chart drawn) and
    on to the people, by clicking, at phone width in Chinese."""
    with live_server(world.app()) as base:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        problems = _watch(page)
        _sign_in(page, base, "wushan.staff")
        year = clock.today().year  # the demo's people were registered this year
        page.goto(f"{base}/oversight?indicator=registered&year={year}&period=month")
        page.locator("#townships a[href^='/oversight/breakdown']").click()
        page.wait_for_selector("#breakdown")
        page.locator("#breakdown a", has_text="按村（社区）").first.click()
        page.wait_for_selector("[data-chart][data-drawn=true] canvas", timeout=15_000)
        village = page.locator("#breakdown tbody tr").first
        count = int(village.locator("td.num a").inner_text().replace(",", ""))
        village.locator("td.num a").click()
        page.wait_for_selector("#records")
        total = int(page.locator("[data-total]").get_attribute("data-total"))
        assert total == count and total > 0
        assert page.locator("#records tbody tr").count() == min(total, 50)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width
        assert not problems, problems
        context.close()


def test_the_supervisors_dashboard_this_year(world, browser):
    """This year's figures (few, so some marked <5) as the supervisor: charts drawn,
    no console error, at phone and desktop width."""
    with live_server(world.app()) as base:
        for viewport in ({"width": 1366, "height": 900}, PHONE):
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            problems = _watch(page)
            _sign_in(page, base, "chongqing.admin")
            page.goto(f"{base}/oversight?indicator=cases_visit&period=xun")
            page.wait_for_selector("[data-chart][data-drawn]", timeout=15_000)
            charts = page.locator("[data-chart]")
            assert charts.count() >= 2  # the trend and the bar by bureau
            assert page.locator("[data-chart][data-drawn=true] canvas").count() == charts.count()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], (viewport, width)
            assert not problems, problems
            context.close()
