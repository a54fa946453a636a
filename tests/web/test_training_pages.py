"""Training pages through their forms: a new course and its edit form (teachers,
co-organizer, a refused field, a stale version), a session (and one outside the dates
refused in the form), the roster with enrolling from the training-need roster, the
waitlist and withdrawal, the attendance sheet and completion."""

import re

from tests.fixtures.factories import laborer_payload
from tests.web.helpers import csrf_from, sign_in


def _post(client, path, data, **kwargs):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/trainings").text)
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def _new_training(client, **overrides) -> str:  # type: ignore[no-untyped-def]
    form = {
        "title": "茶艺师技能提升培训（测试班）",
        "occupation": "茶艺师",
        "occupation_code": "4-03-02-99",
        "training_type": "upgrade",
        "provider": "巫山县茶叶产业协会",
        "location": "巫峡镇",
        "starts_on": "2021-04-01",
        "ends_on": "2021-04-10",
        "capacity": "1",
        "teacher_name": "向春燕",
        "teacher_origin": "巫山县高级茶艺师",
        "subsidy_amount": "800",
    }
    form.update(overrides)
    response = _post(client, "/trainings/new", form, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[1]


def test_plan_enroll_waitlist_withdraw(client, login):
    sign_in(client, "wushan.staff")
    bad = _post(client, "/trainings/new", {"title": "x", "capacity": "0"})
    assert bad.status_code == 422 and "field-error" in bad.text
    training = _new_training(client)
    page = client.get(f"/trainings/{training}")
    assert page.status_code == 200 and "向春燕" in page.text
    ok = _post(
        client,
        f"/trainings/{training}/sessions",
        {"held_on": "2021-04-02", "starts_at": "14:00", "ends_at": "17:00", "topic": "冲泡"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    outside = _post(
        client,
        f"/trainings/{training}/sessions",
        {"held_on": "2021-05-02", "starts_at": "14:00", "ends_at": "17:00"},
    )
    assert outside.status_code == 422 and "2021-04-10" in outside.text
    # Two laborers needing 茶艺师 appear among the suggestions, with a checkbox each.
    api = login("wushan.staff")
    need = [{"name": "茶艺师", "code": "4-03-02-99"}]
    ids = [
        api.post("/api/v1/laborers", json=laborer_payload(training_needs=need)).json()["id"]
        for _ in range(2)
    ]
    roster = client.get(f"/trainings/{training}/roster")
    for laborer_id in ids:
        assert f'name="laborer_id" value="{laborer_id}"' in roster.text
    enrolled = _post(
        client,
        f"/trainings/{training}/roster",
        {"laborer_id": ids},
        follow_redirects=False,
    )
    assert enrolled.status_code == 303
    roster = client.get(f"/trainings/{training}/roster").text
    assert roster.count('data-status="enrolled"') == 1
    assert roster.count('data-status="waitlisted"') == 1
    nothing = _post(client, f"/trainings/{training}/roster", {})
    assert nothing.status_code == 422
    first = re.search(r'id="enrollment-([0-9a-f-]+)" data-status="enrolled"', roster).group(1)
    out = _post(
        client,
        f"/trainings/{training}/roster/{first}/withdraw",
        {"reason": "家中有事"},
        follow_redirects=False,
    )
    assert out.status_code == 303
    roster = client.get(f"/trainings/{training}/roster").text
    assert 'data-status="withdrawn"' in roster and 'data-status="waitlisted"' not in roster
    assert "家中有事" in roster


def test_attendance_sheet_and_completion(client, login):
    sign_in(client, "wushan.staff")
    training = _new_training(client, capacity="5")
    _post(
        client,
        f"/trainings/{training}/sessions",
        {"held_on": "2021-04-03", "starts_at": "14:00", "ends_at": "17:00"},
    )
    api = login("wushan.staff")
    session_id = api.get(f"/api/v1/trainings/{training}/sessions").json()[0]["id"]
    need = [{"name": "茶艺师"}]
    ids = [
        api.post("/api/v1/laborers", json=laborer_payload(training_needs=need)).json()["id"]
        for _ in range(2)
    ]
    enrolled = {"laborer_ids": ids, "enrolled_on": "2021-03-25"}  # as it happened
    rows = api.post(f"/api/v1/trainings/{training}/enrollments", json=enrolled).json()
    url = f"/trainings/{training}/sessions/{session_id}/attendance"
    sheet = client.get(url)
    assert sheet.status_code == 200 and sheet.text.count('name="present"') == 2
    saved = _post(
        client,
        url,
        {"enrollment_id": [r["id"] for r in rows], "present": [rows[0]["id"]]},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    marks = {
        m["enrollment_id"]: m["present"]
        for m in api.request(
            "PUT", f"/api/v1/trainings/{training}/sessions/{session_id}/attendance", json=[]
        ).json()
    }
    assert marks == {rows[0]["id"]: True, rows[1]["id"]: False}
    done = _post(
        client,
        f"/trainings/{training}/roster/{rows[0]['id']}/complete",
        {"assessment_result": "合格", "certificate_number": "CY2021-001"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    roster = client.get(f"/trainings/{training}/roster").text
    assert "CY2021-001" in roster and 'data-status="completed"' in roster
    assert client.get("/trainings").status_code == 200


def test_edit_a_course_in_its_form(client, login, world):
    sign_in(client, "wushan.staff")
    training = _new_training(client, with_partner="on")
    api = login("wushan.staff")
    stored = api.get(f"/api/v1/trainings/{training}").json()
    assert stored["co_organizer_id"] == str(world.orgs["yantai"])  # the partner, ticked
    form = client.get(f"/trainings/{training}/edit")
    assert form.status_code == 200 and "向春燕" in form.text
    assert f'href="/trainings/{training}/edit"' in client.get(f"/trainings/{training}").text
    changed = {
        "version": str(stored["version"]),
        "title": "茶艺师技能提升培训（第二期）",
        "occupation": "茶艺师",
        "training_type": "upgrade",
        "provider": "巫山县茶叶产业协会",
        "location": "巫峡镇",
        "starts_on": "2021-04-01",
        "ends_on": "2021-04-12",
        "capacity": "30",
        "teacher_name": ["向春燕", "潘志刚"],
        "teacher_origin": ["巫山县高级茶艺师", ""],
    }
    # An emptied required field is refused in the form, and nothing changes.
    refused = _post(client, f"/trainings/{training}/edit", {**changed, "title": ""})
    assert refused.status_code == 422 and "field-error" in refused.text
    assert api.get(f"/api/v1/trainings/{training}").json()["title"] == stored["title"]
    saved = _post(client, f"/trainings/{training}/edit", changed, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    now = api.get(f"/api/v1/trainings/{training}").json()
    assert (now["title"], now["capacity"], now["ends_on"]) == (
        "茶艺师技能提升培训（第二期）",
        30,
        "2021-04-12",
    )
    assert [t["name"] for t in now["teachers"]] == ["向春燕", "潘志刚"]
    assert now["co_organizer_id"] is None and now["subsidy_amount"] is None  # unticked, emptied
    assert now["occupation_code"] is None
    # The form of an older version is refused with the reason, not saved over the new one.
    stale = _post(client, f"/trainings/{training}/edit", {**changed, "capacity": "5"})
    assert stale.status_code == 409 and "form-error" in stale.text
    assert api.get(f"/api/v1/trainings/{training}").json()["capacity"] == 30
    # Another bureau of the pairing reads the course but may not change it.
    sign_in(client, "yantai.staff")
    assert client.get(f"/trainings/{training}").status_code == 200
    assert client.get(f"/trainings/{training}/edit").status_code == 403
