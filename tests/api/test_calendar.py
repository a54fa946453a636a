"""The shared calendar: fairs (and training sessions) of the pairing as iCalendar, read
back with the icalendar parser; filters; the subscription link."""

import re

from icalendar import Calendar

from api import clock
from tests.api.test_fairs import fair_payload


def _events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def _published_fair(login, **overrides):  # type: ignore[no-untyped-def]
    admin = login("wushan.admin")
    fair = admin.post("/api/v1/fairs", json=fair_payload(**overrides)).json()
    admin.post(f"/api/v1/fairs/{fair['id']}/status", json={"status": "published", "version": 1})
    return fair


def test_the_feed_parses_and_follows_the_pairing(login, client):
    fair = _published_fair(login, title="日历测试招聘会")
    draft = (
        login("wushan.admin").post("/api/v1/fairs", json=fair_payload(title="草稿招聘会")).json()
    )
    for user in ("wushan.staff", "yantai.staff", "wushan.yantai.staff"):
        response = login(user).get("/api/v1/calendar.ics")
        assert response.status_code == 200 and response.headers["content-type"].startswith(
            "text/calendar"
        )
        events = _events(response.content)
        assert "日历测试招聘会" in events, user
        assert draft["title"] not in events  # drafts are not announced
        event = events["日历测试招聘会"]
        assert event["dtstart"].dt.isoformat().startswith(fair["held_on"] + "T09:00:00+08:00")
        assert str(event["location"]) == "巫山县人力资源市场"
    assert "日历测试招聘会" not in _events(
        login("kaizhou.admin").get("/api/v1/calendar.ics").content
    )
    only_trainings = login("wushan.staff").get("/api/v1/calendar.ics", params={"type": "training"})
    assert "日历测试招聘会" not in _events(only_trainings.content)
    receiving_side = login("wushan.staff").get("/api/v1/calendar.ics", params={"side": "receiving"})
    assert "日历测试招聘会" not in _events(receiving_side.content)  # 巫山 (sending) organized it


def test_the_subscription_link_needs_its_key(login, client):
    from tests.web.helpers import sign_in

    _published_fair(login, title="订阅测试招聘会")
    sign_in(client, "yantai.staff")
    page = client.get("/fairs").text
    url = re.search(r'href="(/calendar/[0-9a-f-]+\.ics\?key=[^"]+)"', page).group(1)
    client.cookies.clear()
    feed = client.get(url.replace("&amp;", "&"))
    assert feed.status_code == 200 and "订阅测试招聘会" in _events(feed.content)
    forged = client.get(url.split("?")[0] + "?key=forged")
    assert forged.status_code == 404


def test_training_sessions_are_in_the_feed(login):
    from datetime import timedelta

    admin = login("wushan.admin")
    start = clock.today() + timedelta(days=5)
    training = admin.post(
        "/api/v1/trainings",
        json={
            "title": "日历测试面点班",
            "occupation": "中式面点师",
            "training_type": "pre_job",
            "provider": "巫山县职业教育中心",
            "location": "巫山县职教中心实训楼",
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=10)).isoformat(),
            "capacity": 20,
        },
    )
    assert training.status_code == 201, training.text
    session = admin.post(
        f"/api/v1/trainings/{training.json()['id']}/sessions",
        json={
            "held_on": start.isoformat(),
            "starts_at": "08:30",
            "ends_at": "11:30",
            "topic": "发面",
        },
    )
    assert session.status_code == 201, session.text
    feed = _events(
        login("yantai.staff").get("/api/v1/calendar.ics", params={"type": "training"}).content
    )
    event = feed["日历测试面点班：发面"]
    assert str(event["location"]) == "巫山县职教中心实训楼"
    assert event["dtend"].dt.isoformat() == f"{start.isoformat()}T11:30:00+08:00"
    assert "日历测试面点班：发面" not in _events(
        login("kaizhou.admin").get("/api/v1/calendar.ics").content
    )


def test_the_feed_carries_its_vtimezone(login, client):
    """RFC 5545 3.2.19: each TZID a time names is defined by a VTIMEZONE in the feed."""
    _published_fair(login, title="时区测试招聘会")
    calendar = Calendar.from_ical(login("yantai.staff").get("/api/v1/calendar.ics").content)
    zones = {str(z["tzid"]): z for z in calendar.walk("VTIMEZONE")}
    assert set(zones) == {"Asia/Shanghai"}
    assert str(calendar["x-wr-timezone"]) == "Asia/Shanghai"
    event = next(e for e in calendar.walk("VEVENT") if str(e["summary"]) == "时区测试招聘会")
    for prop in ("dtstart", "dtend"):
        assert event[prop].params["TZID"] == "Asia/Shanghai"
    # The zone as written says +08:00 today (no daylight time since 1991).
    assert str(zones["Asia/Shanghai"].walk("STANDARD")[-1]["tzoffsetto"].to_ical()) == "+0800"
    # An empty feed (a filter that matches nothing) still names the bureau's zone.
    empty = login("kaizhou.admin").get("/api/v1/calendar.ics", params={"side": "receiving"})
    assert [str(z["tzid"]) for z in Calendar.from_ical(empty.content).walk("VTIMEZONE")] == [
        "Asia/Shanghai"
    ]
