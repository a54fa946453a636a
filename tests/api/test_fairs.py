"""Joint recruitment fairs over the JSON API: visibility across the pairing, employers
with their vacancies, registration and check-in rules with their errors, booth
intentions turned into referrals, and results counted from the records."""

from datetime import timedelta

import pytest

from api import clock
from tests.fixtures.factories import employer_payload, laborer_payload, vacancy_payload

TODAY = clock.today()


def _post(user, url, payload, expect=201):  # type: ignore[no-untyped-def]
    response = user.post(url, json=payload)
    assert response.status_code == expect, response.text
    return response.json()


def fair_payload(**overrides):  # type: ignore[no-untyped-def]
    payload = {
        "title": "巫山—烟台东西部劳务协作专场招聘会",
        "mode": "offline",
        "venue": "巫山县人力资源市场",
        "region_code": "500237",
        # Tomorrow: the desk opens the day before (LB_CHECKIN_OPENS_DAYS_BEFORE=1).
        "held_on": (TODAY + timedelta(days=1)).isoformat(),
        "starts_at": "09:00",
        "ends_at": "12:00",
        "registration_deadline": (TODAY + timedelta(days=1)).isoformat(),
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def fair(login):  # type: ignore[no-untyped-def]
    """A published 巫山 fair co-organized with 烟台, with one 烟台 employer bringing a
    welding vacancy."""
    wushan, yantai = login("wushan.admin"), login("yantai.staff")
    partner = next(
        o for o in wushan.get("/api/v1/organizations").json() if o["name"] == "烟台市人社局"
    )
    created = _post(wushan, "/api/v1/fairs", fair_payload(co_organizer_id=partner["id"]))
    published = _post(
        wushan, f"/api/v1/fairs/{created['id']}/status", {"status": "published", "version": 1}, 200
    )
    employer = _post(yantai, "/api/v1/employers", employer_payload())
    vacancy = _post(yantai, "/api/v1/vacancies", vacancy_payload(employer["id"], headcount=30))
    _post(
        yantai,
        f"/api/v1/fairs/{created['id']}/employers",
        {"employer_id": employer["id"], "vacancy_ids": [vacancy["id"]], "booth": "A01"},
    )
    return {"fair": published, "employer": employer, "vacancy": vacancy}


def test_both_sides_of_the_pairing_see_the_fair_and_nobody_else(login, fair):
    fair_id = fair["fair"]["id"]
    for user in ("wushan.staff", "yantai.staff", "wushan.yantai.staff"):
        assert login(user).get(f"/api/v1/fairs/{fair_id}").status_code == 200, user
    for user in ("kaizhou.admin", "weifang.admin", "kaizhou.weifang.admin"):
        outsider = login(user)
        assert outsider.get(f"/api/v1/fairs/{fair_id}").status_code == 404, user
        assert fair_id not in {f["id"] for f in outsider.get("/api/v1/fairs").json()}
    employers = login("wushan.staff").get(f"/api/v1/fairs/{fair_id}/employers").json()
    assert [(e["side"], e["positions"], e["booth"]) for e in employers] == [
        ("receiving", 30, "A01")
    ]


def test_registration_check_in_and_their_errors(login, fair):
    fair_id = fair["fair"]["id"]
    wushan = login("wushan.staff")
    people = [
        _post(wushan, "/api/v1/laborers", laborer_payload(name=n)) for n in ("谭大勇", "冉小琴")
    ]
    regs = _post(
        wushan, f"/api/v1/fairs/{fair_id}/registrations", {"laborer_ids": [p["id"] for p in people]}
    )
    assert len({r["code"] for r in regs}) == 2 and all(len(r["code"]) == 8 for r in regs)
    twice = _post(
        wushan, f"/api/v1/fairs/{fair_id}/registrations", {"laborer_ids": [people[0]["id"]]}, 409
    )
    assert "谭大勇" in twice["detail"]
    # At the door (the organizers): typed with spaces and lower case still works, once.
    door = login("wushan.admin")
    code = regs[0]["code"]
    messy = f" {code[:4].lower()} {code[4:]} "
    checked = _post(door, f"/api/v1/fairs/{fair_id}/checkins", {"code": messy}, 200)
    assert checked["checked_in_at"] is not None
    again = _post(door, f"/api/v1/fairs/{fair_id}/checkins", {"code": code}, 409)
    assert again["code"] == "used_twice" and "谭大勇" in again["detail"]
    unknown = _post(door, f"/api/v1/fairs/{fair_id}/checkins", {"code": "ZZZZZZZZ"}, 404)
    assert unknown["type"] == "/problems/not-found"
    # A county registers; it does not run the door.
    assert (
        login("wushan.yantai.staff")
        .post(f"/api/v1/fairs/{fair_id}/checkins", json={"code": regs[1]["code"]})
        .status_code
        == 403
    )
    # A code of another fair is named as such.
    other = _post(door, "/api/v1/fairs", fair_payload(title="第二场"))
    _post(door, f"/api/v1/fairs/{other['id']}/status", {"status": "published", "version": 1}, 200)
    wrong = _post(door, f"/api/v1/fairs/{other['id']}/checkins", {"code": regs[1]["code"]}, 422)
    assert wrong["code"] == "other_fair" and fair["fair"]["title"] in wrong["detail"]


def test_walk_ins_are_matched_to_the_registry_by_id_number(login, fair):
    fair_id = fair["fair"]["id"]
    payload = laborer_payload(name="向小芳")
    registered = _post(login("wushan.staff"), "/api/v1/laborers", payload)
    door = login("yantai.staff")  # the co-organizer's desk
    walk = _post(
        door,
        f"/api/v1/fairs/{fair_id}/registrations",
        {"name": "向小芳", "id_number": payload["id_number"]},
    )
    [row] = walk
    assert row["walk_in"] and row["checked_in_at"] is not None
    assert row["laborer_id"] == registered["id"]
    assert "*" in row["id_number_masked"]
    stranger = _post(
        door,
        f"/api/v1/fairs/{fair_id}/registrations",
        {"name": "外县人", "id_number": laborer_payload()["id_number"]},
    )
    assert stranger[0]["laborer_id"] is None
    bad = _post(
        door,
        f"/api/v1/fairs/{fair_id}/registrations",
        {"name": "某人", "id_number": "500237199001011230"},
        422,
    )
    assert bad["errors"][0]["field"] == "id_number"


def test_deadline_and_cancelled_fairs_refuse_registration(login):
    admin, staff = login("wushan.admin"), login("wushan.staff")
    laborer = _post(staff, "/api/v1/laborers", laborer_payload())
    past = _post(
        admin,
        "/api/v1/fairs",
        fair_payload(registration_deadline=(TODAY - timedelta(days=1)).isoformat()),
    )
    _post(admin, f"/api/v1/fairs/{past['id']}/status", {"status": "published", "version": 1}, 200)
    late = _post(
        staff, f"/api/v1/fairs/{past['id']}/registrations", {"laborer_ids": [laborer["id"]]}, 409
    )
    assert (TODAY - timedelta(days=1)).isoformat() in late["detail"]
    cancelled = _post(admin, "/api/v1/fairs", fair_payload())
    _post(
        admin, f"/api/v1/fairs/{cancelled['id']}/status", {"status": "cancelled", "version": 1}, 200
    )
    refused = _post(
        staff,
        f"/api/v1/fairs/{cancelled['id']}/registrations",
        {"laborer_ids": [laborer["id"]]},
        409,
    )
    assert refused["type"] == "/problems/conflict"
    back = _post(
        admin, f"/api/v1/fairs/{cancelled['id']}/status", {"status": "published", "version": 2}, 409
    )
    assert back["allowed"] == []
    bad = _post(
        admin,
        "/api/v1/fairs",
        fair_payload(
            ends_at="08:00", registration_deadline=(TODAY + timedelta(days=9)).isoformat()
        ),
        422,
    )
    assert {e["code"] for e in bad["errors"]} == {"hours", "deadline_after_fair"}


def test_intentions_become_referrals_and_results_add_up(login, fair):
    fair_id, vacancy = fair["fair"]["id"], fair["vacancy"]
    wushan, door = login("wushan.staff"), login("wushan.admin")
    people = [_post(wushan, "/api/v1/laborers", laborer_payload()) for _ in range(4)]
    regs = _post(
        wushan, f"/api/v1/fairs/{fair_id}/registrations", {"laborer_ids": [p["id"] for p in people]}
    )
    for reg in regs[:3]:
        _post(door, f"/api/v1/fairs/{fair_id}/checkins", {"code": reg["code"]}, 200)
    not_in = _post(
        door,
        f"/api/v1/fairs/{fair_id}/intentions",
        {"registration_id": regs[3]["id"], "vacancy_id": vacancy["id"]},
        422,
    )
    assert not_in["errors"][0]["code"] == "not_checked_in"
    _post(
        door,
        f"/api/v1/fairs/{fair_id}/intentions",
        {"registration_id": regs[0]["id"], "vacancy_id": vacancy["id"], "outcome": "interviewed"},
    )
    for reg in regs[1:3]:
        _post(
            door,
            f"/api/v1/fairs/{fair_id}/intentions",
            {"registration_id": reg["id"], "vacancy_id": vacancy["id"]},
        )
    made = _post(wushan, f"/api/v1/fairs/{fair_id}/intentions/referrals", {}, 200)
    assert made["referrals_made"] == 2
    assert (
        _post(wushan, f"/api/v1/fairs/{fair_id}/intentions/referrals", {}, 200)["referrals_made"]
        == 0
    )
    results = wushan.get(f"/api/v1/fairs/{fair_id}/results").json()
    assert results == {
        "employers_receiving": 1,
        "employers_sending": 0,
        "positions": 30,
        "registrants": 4,
        "walk_ins": 0,
        "attendees": 3,
        "interviews": 3,
        "intentions": 2,
        "referrals": 2,
        "hires": 0,
        "in_post_3_months": 0,
        "in_post_6_months": 0,
        "verification_required": False,
        "in_post_3_months_verified": 0,
        "in_post_3_months_unverified": 0,
        "in_post_6_months_verified": 0,
        "in_post_6_months_unverified": 0,
    }


def test_the_demo_has_the_2021_wushan_fair_as_reported(login):
    staff = login("wushan.staff")
    [demo] = [f for f in staff.get("/api/v1/fairs").json() if f["held_on"] == "2021-03-18"]
    results = staff.get(f"/api/v1/fairs/{demo['id']}/results").json()
    assert results["employers_receiving"] + results["employers_sending"] == 40
    assert results["positions"] == 4827
    assert results["attendees"] >= 600 and results["intentions"] >= 150
