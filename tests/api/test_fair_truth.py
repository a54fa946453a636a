"""Fairs and returns tell the truth: check-in only within the fair's days (the desk may
open the day before), "under way" only from the fair's day in Beijing, the funnel's
"still in post" verified and unverified side by side against a hand count, and an
overdue returner on the board however long ago they left."""

from datetime import UTC, date, datetime, time, timedelta

import time_machine

from api import clock
from api.subsidies.stay import add_months
from tests.api.test_fairs import fair_payload
from tests.fixtures.factories import (
    WUSHAN_POLICIES,
    employer_payload,
    laborer_payload,
    placement_payload,
    vacancy_payload,
)

# 07:30 on 7 December in Beijing, still the 6th in UTC.
EARLY_ON_THE_7TH = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)


def _ok(response, expect=201):  # type: ignore[no-untyped-def]
    assert response.status_code == expect, response.text
    return response.json()


def _at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=clock.zone())


def _published_fair(admin, held_on: date, **overrides):  # type: ignore[no-untyped-def]
    body = fair_payload(
        held_on=held_on.isoformat(), registration_deadline=held_on.isoformat(), **overrides
    )
    fair = _ok(admin.post("/api/v1/fairs", json=body))
    status = {"status": "published", "version": 1}
    return _ok(admin.post(f"/api/v1/fairs/{fair['id']}/status", json=status), 200)


def _registered(staff, fair, count):  # type: ignore[no-untyped-def]
    ids = [_ok(staff.post("/api/v1/laborers", json=laborer_payload()))["id"] for _ in range(count)]
    url = f"/api/v1/fairs/{fair['id']}/registrations"
    return _ok(staff.post(url, json={"laborer_ids": ids}))


def test_check_in_the_day_before_and_on_the_day_not_two_before_nor_after(login):
    held_on = clock.today() + timedelta(days=2)
    fair = _published_fair(login("wushan.admin"), held_on)
    regs = _registered(login("wushan.staff"), fair, 4)
    url = f"/api/v1/fairs/{fair['id']}/checkins"
    for day, reg, expect in (
        (held_on - timedelta(days=2), regs[0], 409),
        (held_on - timedelta(days=1), regs[1], 200),  # LB_CHECKIN_OPENS_DAYS_BEFORE=1
        (held_on, regs[2], 200),
        (held_on + timedelta(days=1), regs[3], 409),
    ):
        with time_machine.travel(_at_noon(day), tick=True):
            answer = _ok(login("wushan.admin").post(url, json={"code": reg["code"]}), expect)
        if expect == 409:
            assert answer["code"] == "checkin_closed" and held_on.isoformat() in answer["detail"]
        else:
            assert clock.day_of(datetime.fromisoformat(answer["checked_in_at"])) == day
    board = login("wushan.staff").get(f"/api/v1/fairs/{fair['id']}/results").json()
    assert board["attendees"] == 2


def test_backdated_check_in_within_the_fairs_days_only(login):
    today = clock.today()
    fair = _published_fair(login("wushan.admin"), today)
    regs = _registered(login("wushan.staff"), fair, 2)
    door, url = login("wushan.admin"), f"/api/v1/fairs/{fair['id']}/checkins"
    earlier = _at_noon(today) - timedelta(days=2)
    outside = _ok(
        door.post(url, json={"code": regs[0]["code"], "checked_in_at": str(earlier)}), 422
    )
    assert outside["errors"][0]["code"] == "outside_fair_days"
    ahead = clock.now() + timedelta(hours=2)
    refused = _ok(door.post(url, json={"code": regs[0]["code"], "checked_in_at": str(ahead)}), 422)
    assert "in_future" in {e["code"] for e in refused["errors"]}
    moment = datetime.combine(today, time(0, 5), tzinfo=clock.zone())
    done = _ok(door.post(url, json={"code": regs[1]["code"], "checked_in_at": str(moment)}), 200)
    assert datetime.fromisoformat(done["checked_in_at"]) == moment
    assert done["check_in_recorded_at"] is not None


def test_under_way_only_from_the_fairs_day_in_beijing(login):
    with time_machine.travel(EARLY_ON_THE_7TH, tick=True):
        assert clock.today() == date(2026, 12, 7)
        admin = login("wushan.admin")
        today = _published_fair(admin, date(2026, 12, 7))
        tomorrow = _published_fair(admin, date(2026, 12, 8), title="次日场")
        started = {"status": "ongoing", "version": 2}
        early = _ok(admin.post(f"/api/v1/fairs/{tomorrow['id']}/status", json=started), 409)
        assert early["code"] == "not_yet_held" and "2026-12-08" in early["detail"]
        now = _ok(admin.post(f"/api/v1/fairs/{today['id']}/status", json=started), 200)
        assert now["status"] == "ongoing"
        # The desk: the 7th is the fair's day, the 8th's fair opens its desk today too.
        staff = login("wushan.staff")
        for fair in (today, tomorrow):
            [reg] = _registered(staff, fair, 1)
            url = f"/api/v1/fairs/{fair['id']}/checkins"
            _ok(admin.post(url, json={"code": reg["code"]}), 200)
        later = _published_fair(admin, date(2026, 12, 9), title="两天后")
        [reg] = _registered(staff, later, 1)
        _ok(admin.post(f"/api/v1/fairs/{later['id']}/checkins", json={"code": reg["code"]}), 409)


def _hired_from_a_fair(login, held_on: date, count: int) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    """A fair on `held_on`: `count` people checked in, agreed at a booth, referred and
    hired the same day. Returns the fair id and the hired laborers' ids."""
    with time_machine.travel(_at_noon(held_on), tick=True):
        admin, staff, yantai = login("wushan.admin"), login("wushan.staff"), login("yantai.staff")
        fair = _published_fair(admin, held_on)
        employer = _ok(yantai.post("/api/v1/employers", json=employer_payload()))
        vacancy = _ok(yantai.post("/api/v1/vacancies", json=vacancy_payload(employer["id"])))
        brought = {"employer_id": employer["id"], "vacancy_ids": [vacancy["id"]]}
        _ok(yantai.post(f"/api/v1/fairs/{fair['id']}/employers", json=brought))
        base = f"/api/v1/fairs/{fair['id']}"
        regs = _registered(staff, fair, count)
        for reg in regs:
            _ok(admin.post(f"{base}/checkins", json={"code": reg["code"]}), 200)
            agreed = {"registration_id": reg["id"], "vacancy_id": vacancy["id"]}
            _ok(admin.post(f"{base}/intentions", json=agreed))
        assert _ok(staff.post(f"{base}/intentions/referrals", json={}), 200)["referrals_made"] == 3
        for referral in staff.get("/api/v1/referrals", params={"vacancy_id": vacancy["id"]}).json()[
            "items"
        ]:
            for step in ("interviewed", "offered", "hired"):
                body = {"status": step, "version": referral["version"]}
                referral = _ok(
                    staff.post(f"/api/v1/referrals/{referral['id']}/steps", json=body), 200
                )
    return fair["id"], [r["laborer_id"] for r in regs]


def test_funnel_counts_verified_and_unverified_months_side_by_side(login):
    held_on = clock.today() - timedelta(days=250)
    fair_id, laborers = _hired_from_a_fair(login, held_on, 3)
    staff = login("wushan.staff")
    placements = {
        p["laborer_id"]: p["id"]
        for p in staff.get("/api/v1/placements", params={"page_size": 200}).json()["items"]
        if p["laborer_id"] in laborers
    }
    # Month N counts in the calendar month it ends in (the stay arithmetic's rule).
    month = [(add_months(held_on, n) - timedelta(days=1)).replace(day=1) for n in range(1, 7)]
    verified = {laborers[0]: month[:6], laborers[1]: month[:3], laborers[2]: []}
    for laborer, months in verified.items():
        for first in months:
            body = {"month": f"{first:%Y-%m}", "in_post": True, "source": "employer"}
            _ok(staff.post(f"/api/v1/placements/{placements[laborer]}/verifications", json=body))
    # Hand count: all three still in post by the records at 3 and 6 months; verified
    # 3 months: the first two; 6 months: the first alone.
    expected = {
        "hires": 3,
        "verification_required": False,
        "in_post_3_months": 3,
        "in_post_6_months": 3,
        "in_post_3_months_verified": 2,
        "in_post_3_months_unverified": 1,
        "in_post_6_months_verified": 1,
        "in_post_6_months_unverified": 2,
    }
    results = staff.get(f"/api/v1/fairs/{fair_id}/results").json()
    assert {k: results[k] for k in expected} == expected
    # Once a policy in force requires verification, the headline is the verified count.
    policy = {**WUSHAN_POLICIES["stability"], "requires_verification": True}
    _ok(login("wushan.admin").post("/api/v1/subsidy-policies", json=policy))
    results = staff.get(f"/api/v1/fairs/{fair_id}/results").json()
    assert (results["verification_required"], results["in_post_3_months"]) == (True, 2)
    assert (results["in_post_6_months"], results["in_post_6_months_unverified"]) == (1, 2)


def test_an_overdue_returner_from_200_days_ago_is_on_the_board(login):
    staff, today = login("wushan.staff"), clock.today()
    people = [_ok(staff.post("/api/v1/laborers", json=laborer_payload()))["id"] for _ in "12"]
    started = (today - timedelta(days=400)).isoformat()
    gone, back = (
        _ok(staff.post("/api/v1/placements", json=placement_payload(p, started_on=started)))
        for p in people
    )
    leave = {
        "left_on": (today - timedelta(days=200)).isoformat(),
        "expected_return_on": (today - timedelta(days=185)).isoformat(),
    }
    overdue = _ok(staff.post(f"/api/v1/placements/{gone['id']}/leaves", json=leave))
    returned = _ok(staff.post(f"/api/v1/placements/{back['id']}/leaves", json=leave))
    body = {"version": returned["version"], "returned_on": (today - timedelta(days=90)).isoformat()}
    _ok(staff.post(f"/api/v1/leaves/{returned['id']}/return", json=body), 200)
    board = staff.get("/api/v1/leaves").json()  # the window: the last 60 days
    assert overdue["id"] in {v["id"] for v in board["overdue"]}
    assert returned["id"] not in {v["id"] for v in board["back"]}  # back before the window
    wider = staff.get("/api/v1/leaves", params={"since": str(today - timedelta(days=100))}).json()
    assert returned["id"] in {v["id"] for v in wider["back"]}
    assert overdue["id"] in {v["id"] for v in wider["overdue"]}
