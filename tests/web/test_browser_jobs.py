"""A 20,000-row ledger in the background, in Chromium with the app's CSP: the progress
bar reaches 100%; the rejected workbook is downloaded, fixed and imported."""

import io
import time
from datetime import date, datetime

import pytest
import python_calamine

from api.jobs.workbook import REASON_HEADER
from tests.fixtures.ledgers import ledger_row, xlsx
from tests.fixtures.live_server import live_server
from tests.fixtures.world import PASSWORD

pytestmark = pytest.mark.browser

ROWS = 20_000
BAD = (7, 9_001, 19_998)  # indexes of rows with a word the ledger does not know


def _wait_for_the_job(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Watch the bar until the job ends; the values it showed on the way."""
    page.wait_for_url("**/jobs/*")
    seen = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        job = page.locator("#job")
        status = job.get_attribute("data-status")
        seen.append(page.locator("#job-progress").get_attribute("value") or "")
        if status in ("succeeded", "failed", "cancelled"):
            assert status == "succeeded", page.locator("#job").inner_text()
            return seen
        page.wait_for_timeout(200)
    raise AssertionError("the job did not end")


def test_a_big_ledger_rejected_fixed_and_imported_in_the_background(world, page, tmp_path):
    rows = [ledger_row() for _ in range(ROWS)]
    for index in BAD:
        rows[index]["就业状态"] = "在家"
    ledger = tmp_path / "全县台账.xlsx"
    ledger.write_bytes(xlsx(rows))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    started = time.monotonic()
    with live_server(world.app()) as base:
        page.goto(f"{base}/login?next=/laborers/import")
        page.fill("#username", "wushan.staff")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/laborers/import")
        page.set_input_files("#file", str(ledger))
        page.click("main form button[type=submit]")
        seen = _wait_for_the_job(page)
        assert seen[-1] == "100" and page.locator("#job-percent").inner_text() == "100%"
        assert "3" in page.locator("#job-message").inner_text()
        page.click("#job-outcome")
        page.wait_for_selector("#import-errors")
        assert page.locator("#import-errors tbody tr").count() == 3
        with page.expect_download() as download:
            page.click("#rejected-workbook")
        rejected = tmp_path / download.value.suggested_filename
        download.value.save_as(rejected)
        assert rejected.name == f"全县台账-{REASON_HEADER}.xlsx"

        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(rejected.read_bytes()))
        table = book.get_sheet_by_index(0).to_python()
        headers = [str(h) for h in table[0]]
        reason = headers.index(REASON_HEADER)
        flagged = [n for n, row in enumerate(table[1:]) if row[reason]]
        assert flagged == list(BAD)
        assert all("在家" in table[n + 1][reason] for n in BAD)
        fixed = []
        for n, row in enumerate(table[1:]):
            values = dict(zip(headers, row, strict=False))
            values = {
                k: (v.date() if isinstance(v, datetime) else v)
                for k, v in values.items()
                if v != ""
            }
            values.pop(REASON_HEADER, None)
            if n in BAD:
                values["就业状态"] = "未就业"  # the clerk's correction
            fixed.append(values)
        assert isinstance(fixed[0]["摸底日期"], date)
        corrected = tmp_path / "全县台账-已改.xlsx"
        corrected.write_bytes(xlsx(fixed, headers=headers))

        page.goto(f"{base}/laborers/import")
        page.set_input_files("#file", str(corrected))
        page.click("main form button[type=submit]")
        _wait_for_the_job(page)
        page.click("#job-outcome")
        assert page.locator("#count-new").inner_text().replace(",", "") == str(ROWS)
        page.click("main form button[type=submit]")  # confirm and save all rows
        seen = _wait_for_the_job(page)
        assert seen[-1] == "100"
        page.click("#job-outcome")
        page.wait_for_selector("#import-done")
    elapsed = time.monotonic() - started
    print(f"20,000-row journey: {elapsed:.1f} s")
    assert not errors, errors
