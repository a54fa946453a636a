"""Fair pages: planning, registering from the roster, printable slips with QR codes, and
the check-in desk (typed or scanned codes, walk-ins)."""

import re
from datetime import timedelta

from api import clock
from tests.fixtures.factories import laborer_payload
from tests.web.helpers import csrf_from, sign_in

TODAY = clock.today()


def _plan(client) -> str:  # type: ignore[no-untyped-def]
    form = client.get("/fairs/new")
    data = {
        "csrf_token": csrf_from(form.text),
        "title": "页面测试招聘会",
        "mode": "offline",
        "venue": "巫山县人力资源市场",
        "held_on": (TODAY + timedelta(days=1)).isoformat(),  # the desk opens the day before
        "starts_at": "09:00",
        "ends_at": "12:00",
        "registration_deadline": (TODAY + timedelta(days=1)).isoformat(),
        "with_partner": "on",
    }
    bad = client.post("/fairs/new", data={**data, "venue": ""})
    assert bad.status_code == 422 and 'aria-describedby="e-venue"' in bad.text
    made = client.post("/fairs/new", data=data, follow_redirects=False)
    assert made.status_code == 303
    fair_id = made.headers["location"].rsplit("/", 1)[1]
    page = client.get(f"/fairs/{fair_id}").text
    published = client.post(
        f"/fairs/{fair_id}/status",
        data={"csrf_token": csrf_from(page), "status": "published", "version": "1"},
        follow_redirects=False,
    )
    assert published.status_code == 303, published.text
    return fair_id


def test_plan_register_print_and_check_in(client, login):
    wushan = login("wushan.staff")
    laborer = wushan.post("/api/v1/laborers", json=laborer_payload(name="页面报名人")).json()
    sign_in(client, "wushan.admin")
    fair_id = _plan(client)
    page = client.get(f"/fairs/{fair_id}", params={"q": "页面报名"}).text
    assert f'name="laborer_ids" value="{laborer["id"]}"' in page
    client.post(
        f"/fairs/{fair_id}/registrations",
        data={"csrf_token": csrf_from(page), "laborer_ids": laborer["id"]},
    )
    page = client.get(f"/fairs/{fair_id}").text
    code = re.search(r'<tr data-code="([A-Z0-9]{8})"><td>页面报名人', page).group(1)
    slips = client.get(f"/fairs/{fair_id}/slips").text
    assert f'data-code="{code}"' in slips and "<svg" in slips
    desk = client.get(f"/fairs/{fair_id}/desk").text
    assert "autofocus" in desk
    token = csrf_from(desk)
    ok = client.post(f"/fairs/{fair_id}/desk", data={"csrf_token": token, "code": code.lower()})
    assert ok.status_code == 200 and 'id="desk-result"' in ok.text and "页面报名人" in ok.text
    twice = client.post(f"/fairs/{fair_id}/desk", data={"csrf_token": token, "code": code})
    assert twice.status_code == 409 and 'id="desk-error"' in twice.text
    walk = client.post(
        f"/fairs/{fair_id}/desk",
        data={
            "csrf_token": token,
            "name": "门口登记人",
            "id_number": laborer_payload()["id_number"],
        },
    )
    assert walk.status_code == 200 and "门口登记人" in walk.text
    assert re.search(r'id="attendees">2<', client.get(f"/fairs/{fair_id}").text)


def test_bring_an_employer_and_see_the_calendar(client):
    sign_in(client, "yantai.admin")  # the co-organizer brings its own employer
    admin_fair = None
    for link in re.findall(r'href="/fairs/([0-9a-f-]{36})"', client.get("/fairs").text):
        admin_fair = link
        break
    assert admin_fair is not None  # the demo's 2021 fair at least
    client.cookies.clear()
    sign_in(client, "wushan.admin")
    fair_id = _plan(client)
    client.cookies.clear()
    sign_in(client, "yantai.admin")
    # The pool's employers are searched for in the picker (no JavaScript: the query).
    page = client.get(f"/fairs/{fair_id}", params={"employer_id__q": "公司"}).text
    employer = re.search(r'type="radio" name="employer_id" value="([0-9a-f-]+)"', page)
    assert employer, "the pool's employers are found"
    brought = client.post(
        f"/fairs/{fair_id}/employers",
        data={"csrf_token": csrf_from(page), "employer_id": employer.group(1), "booth": "C3"},
        follow_redirects=False,
    )
    assert brought.status_code == 303
    assert "C3" in client.get(f"/fairs/{fair_id}").text
    calendar = client.get("/calendar").text
    assert "页面测试招聘会" in calendar and 'id="calendar-feed"' in calendar
    assert "页面测试招聘会" not in client.get("/calendar?type=training").text
