"""Printing and phones in Chromium with the app's own CSP on: slips and a handbook saved
as PDF with the print media type (page counts checked), every main page of each role at
390 px no wider than the screen with its menu opening, and the visit queue → log a visit
→ attach a photo journey at phone width."""

import math
import re
import uuid
from datetime import date

import pytest

from tests.api.test_fairs import fair_payload
from tests.api.test_warnings import _evaluate, _flags
from tests.fixtures.factories import (
    employer_payload,
    laborer_payload,
    placement_payload,
    vacancy_payload,
)
from tests.fixtures.live_server import live_server
from tests.fixtures.world import PASSWORD

pytestmark = pytest.mark.browser

NUMERALS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未"  # names carry no digits
PHONE = {"width": 390, "height": 844}
# Chromium's PDFs keep one uncompressed page dictionary per page.
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
# What the attachment check reads of a JPEG: its first bytes (a camera would send a photo).
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200) + b"\xff\xd9"


def _watch(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Console errors (a CSP refusal is one) and uncaught script errors on the page."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP: ' + e.violatedDirective + ' ' + e.blockedURI));"
        "window.print = () => { document.documentElement.dataset.printed = 'yes'; };"
    )
    return problems


def _sign_in(page, base: str, username: str, next_path: str = "/") -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{base}/login?next={next_path}")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{next_path}")


def _pdf_pages(page) -> int:  # type: ignore[no-untyped-def]
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    page.emulate_media(media="screen")
    return len(PAGE_OBJECT.findall(pdf))


def _print_button_works(page) -> None:  # type: ignore[no-untyped-def]
    """The button is bound by actions.js (no inline handler), so the CSP lets it print."""
    page.click("button[data-print]")
    page.wait_for_function("document.documentElement.dataset.printed === 'yes'")


@pytest.mark.parametrize("registrants", [8, 11])
def test_slips_print_eight_to_an_a4_sheet(world, page, login, registrants):
    admin, staff = login("wushan.admin"), login("wushan.staff")
    fair = admin.post("/api/v1/fairs", json=fair_payload(title="打印凭条测试招聘会")).json()
    admin.post(f"/api/v1/fairs/{fair['id']}/status", json={"status": "published", "version": 1})
    ids = [
        staff.post("/api/v1/laborers", json=laborer_payload(name=f"凭条{NUMERALS[i]}")).json()["id"]
        for i in range(registrants)
    ]
    made = staff.post(f"/api/v1/fairs/{fair['id']}/registrations", json={"laborer_ids": ids})
    assert made.status_code == 201, made.text
    problems = _watch(page)
    with live_server(world.app()) as base:
        _sign_in(page, base, "wushan.admin", f"/fairs/{fair['id']}/slips")
        assert page.locator(".slip").count() == registrants
        _print_button_works(page)
        assert _pdf_pages(page) == math.ceil(registrants / 8)
        # On paper: two slips side by side, every slip the same size, inside A4's width.
        page.emulate_media(media="print")
        boxes = [page.locator(".slip").nth(i).bounding_box() for i in range(2)]
        assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]
        assert boxes[0]["width"] == pytest.approx(boxes[1]["width"], abs=1)
    assert problems == []


def test_a_handbook_prints_one_household_to_a_page(world, page, login):
    staff, yantai = login("wushan.staff"), login("yantai.staff")
    village = "打印手册村"
    heads = ["甲一户", "乙二户", "丙三户"]
    for head in heads:
        for name in (head, f"{head}之妻"):
            body = laborer_payload(name=name, household_head=head, village=village)
            assert staff.post("/api/v1/laborers", json=body).status_code == 201
    employer = yantai.post("/api/v1/employers", json=employer_payload()).json()
    for n in range(6):
        body = vacancy_payload(employer["id"], title=f"打印手册焊工{NUMERALS[n]}")
        assert yantai.post("/api/v1/vacancies", json=body).status_code == 201
    problems = _watch(page)
    path = f"/handbook?make=true&village={village}"
    with live_server(world.app()) as base:
        _sign_in(page, base, "wushan.staff", "/handbook")
        page.goto(f"{base}{path}")
        assert page.locator("section.household").count() == len(heads)
        _print_button_works(page)
        assert _pdf_pages(page) == len(heads)
        page.emulate_media(media="print")
        heads_shown = page.locator("section.household .running-head")
        assert heads_shown.nth(1).is_visible() and "巫山县人社局" in heads_shown.nth(1).inner_text()
        assert page.locator(".screen-only").first.is_hidden()
    assert problems == []


PHONE_ROLES = ["wushan.admin", "wushan.staff", "wushan.yantai.staff", "yantai.admin"]


@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    tab = context.new_page()
    # Some lists (a fair's registrants) are long pages; a busy CI machine needs the time.
    tab.set_default_timeout(60_000)
    yield tab
    context.close()


def _fits(phone, url: str) -> None:  # type: ignore[no-untyped-def]
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{url} is {width} px wide"


def _menu_opens(phone) -> None:  # type: ignore[no-untyped-def]
    links = phone.locator("#site-menu a")
    assert links.first.is_hidden()
    phone.locator(".nav-toggle-label").tap()
    assert links.first.is_visible()
    # Every link of the open menu is a target a thumb can hit, and none runs off the screen.
    for box in (links.nth(i).bounding_box() for i in range(links.count())):
        assert box["height"] >= 40 and box["x"] >= 0 and box["x"] + box["width"] <= 390


@pytest.mark.parametrize("username", PHONE_ROLES)
def test_every_main_page_fits_a_phone_and_its_menu_opens(world, phone, username):
    problems = _watch(phone)
    with live_server(world.app()) as base:
        _sign_in(phone, base, username)
        hrefs = phone.eval_on_selector_all(
            "#site-menu a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
        )
        paths = ["/", *[h for h in hrefs if not h.startswith("/lang/")]]
        # One level down: the first record each list links to (a laborer, a fair, a case...).
        details: list[str] = []
        for path in paths:
            response = phone.goto(f"{base}{path}")
            assert response is not None and response.status < 400, path
            _fits(phone, path)
            _menu_opens(phone)
            _fits(phone, f"{path} (menu open)")
            first = phone.locator("main table tbody a[href^='/']").first
            if first.count():
                href = first.get_attribute("href") or ""
                if "/attachments/" not in href and "export" not in href:
                    details.append(href)
        for path in dict.fromkeys(details):
            response = phone.goto(f"{base}{path}")
            assert response is not None and response.status < 400, path
            _fits(phone, path)
    assert problems == []


def test_visit_queue_to_a_logged_visit_with_a_photo_at_phone_width(world, phone, login, tmp_path):
    staff, office = login("wushan.staff"), login("wushan.yantai.staff")
    body = laborer_payload(name="手机走访人", employment_status="employed")
    laborer = staff.post("/api/v1/laborers", json=body).json()
    placed = staff.post(
        "/api/v1/placements", json=placement_payload(laborer["id"], started_on="2026-01-10")
    )
    assert placed.status_code == 201, placed.text
    _evaluate(world, date(2026, 6, 1), [uuid.UUID(laborer["id"])])
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(JPEG)
    problems = _watch(phone)
    with live_server(world.app()) as base:
        _sign_in(phone, base, "wushan.yantai.staff", "/warnings/queue")
        _fits(phone, "/warnings/queue")
        card = phone.locator("table.visit-queue tbody tr", has_text="手机走访人")
        summary = card.locator("input[name=summary]")
        camera = card.locator("input[type=file][name=photo]")
        assert camera.get_attribute("accept") == "image/*"
        assert camera.get_attribute("capture") == "environment"  # the back camera opens
        button = card.locator("button.log-visit")
        assert button.bounding_box()["height"] >= 40 and button.bounding_box()["width"] >= 200
        summary.tap()
        summary.fill("走访：在岗正常，拍照留存")
        camera.set_input_files(str(photo))
        with phone.expect_navigation(url=f"{base}/warnings/queue"):
            button.tap()  # the form posts, then answers with the queue again
        assert phone.locator("table.visit-queue tbody tr", has_text="手机走访人").count() == 0
    assert _flags(world, laborer["id"]) == []
    cases = office.get("/api/v1/cases", params={"kind": "visit"}).json()["items"]
    [case] = [c for c in cases if c["laborers"][0]["laborer_id"] == laborer["id"]]
    assert case["summary"] == "走访：在岗正常，拍照留存"
    [attachment] = office.get(f"/api/v1/cases/{case['id']}/attachments").json()
    assert attachment["content_type"] == "image/jpeg"
    assert problems == []
