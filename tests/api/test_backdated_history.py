"""History entered as it happened (a county moving its 2021 ledgers in): referral steps,
enrollments, attendance and completions take a past date, checked for order and never
ahead of the bureau's today; the laborer's timeline sorts by when things happened."""

from datetime import timedelta

from api import clock
from tests.fixtures.factories import employer_payload, laborer_payload, vacancy_payload


def _ok(response, expect=201):  # type: ignore[no-untyped-def]
    assert response.status_code == expect, response.text
    return response.json()


def _codes(problem) -> set[str]:  # type: ignore[no-untyped-def]
    return {e["code"] for e in problem["errors"]}


def _vacancy(login):  # type: ignore[no-untyped-def]
    yantai = login("yantai.staff")
    employer = _ok(yantai.post("/api/v1/employers", json=employer_payload()))
    body = vacancy_payload(employer["id"], valid_from="2021-01-04")  # posted in 2021
    return _ok(yantai.post("/api/v1/vacancies", json=body))


def _refer(user, laborer, vacancy, on, expect=201):  # type: ignore[no-untyped-def]
    body = {"laborer_ids": [laborer["id"]], "vacancy_ids": [vacancy["id"]], "occurred_on": on}
    return _ok(user.post("/api/v1/referrals", json=body), expect)


def _step(user, referral, status, on, expect=200):  # type: ignore[no-untyped-def]
    body = {"status": status, "version": referral["version"], "occurred_on": on}
    return _ok(user.post(f"/api/v1/referrals/{referral['id']}/steps", json=body), expect)


def test_referral_steps_in_order_are_accepted_and_out_of_order_refused(login):
    wushan = login("wushan.staff")
    vacancy = _vacancy(login)
    first, second = (_ok(wushan.post("/api/v1/laborers", json=laborer_payload())) for _ in "12")
    [referral] = _refer(wushan, first, vacancy, "2021-03-01")
    assert referral["status_on"] == "2021-03-01"
    assert [e["occurred_on"] for e in referral["events"]] == ["2021-03-01"]
    referral = _step(wushan, referral, "interviewed", "2021-03-05")
    # Dated before the interview: refused, and nothing is written.
    early = _step(wushan, referral, "offered", "2021-03-04", 422)
    assert _codes(early) == {"before_previous_step"} and "2021-03-05" in str(early)
    referral = _step(wushan, referral, "offered", "2021-03-10")
    assert referral["version"] == 3
    hired = _step(wushan, referral, "hired", "2021-03-15")
    assert (hired["status"], hired["hired_on"]) == ("hired", "2021-03-15")
    assert [e["occurred_on"] for e in hired["events"]] == [
        "2021-03-01",
        "2021-03-05",
        "2021-03-10",
        "2021-03-15",
    ]
    # A hire dated before the referral itself names the referral's day.
    [other] = _refer(wushan, second, vacancy, "2021-03-10")
    other = _step(wushan, other, "interviewed", "2021-03-10")
    other = _step(wushan, other, "offered", "2021-03-10")
    before = _step(wushan, other, "hired", "2021-03-09", 422)
    assert _codes(before) == {"hire_before_referral"} and "2021-03-10" in str(before)


def test_future_dates_are_refused(login):
    wushan = login("wushan.staff")
    vacancy = _vacancy(login)
    laborer = _ok(wushan.post("/api/v1/laborers", json=laborer_payload()))
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    ahead = _refer(wushan, laborer, vacancy, tomorrow, 422)
    assert _codes(ahead) == {"in_future"} and ahead["errors"][0]["field"] == "occurred_on"
    [referral] = _refer(wushan, laborer, vacancy, clock.today().isoformat())
    assert _codes(_step(wushan, referral, "interviewed", tomorrow, 422)) == {"in_future"}
    url = "/api/v1/trainings"
    course = _ok(wushan.post(url, json=_course()))
    enroll = {"laborer_ids": [laborer["id"]], "enrolled_on": tomorrow}
    refused = _ok(wushan.post(f"{url}/{course['id']}/enrollments", json=enroll), 422)
    assert _codes(refused) == {"in_future"}
    assert wushan.get(f"{url}/{course['id']}/enrollments").json() == []


def _course(**overrides):  # type: ignore[no-untyped-def]
    body = {
        "title": "巫山 中式面点师岗前培训（2021 台账）",
        "occupation": "中式面点师",
        "training_type": "pre_job",
        "provider": "巫山县职业教育中心",
        "location": "巫山县职教中心实训楼",
        "starts_on": "2021-03-01",
        "ends_on": "2021-03-20",
        "capacity": 10,
    }
    body.update(overrides)
    return body


def test_enrollment_attendance_and_completion_follow_the_enrollment(login):
    wushan = login("wushan.staff")
    course = _ok(wushan.post("/api/v1/trainings", json=_course()))
    base = f"/api/v1/trainings/{course['id']}"
    early, late = (_ok(wushan.post("/api/v1/laborers", json=laborer_payload())) for _ in "12")
    [on_time] = _ok(
        wushan.post(
            f"{base}/enrollments", json={"laborer_ids": [early["id"]], "enrolled_on": "2021-02-25"}
        )
    )
    [latecomer] = _ok(
        wushan.post(
            f"{base}/enrollments", json={"laborer_ids": [late["id"]], "enrolled_on": "2021-03-08"}
        )
    )
    assert (on_time["enrolled_on"], latecomer["enrolled_on"]) == ("2021-02-25", "2021-03-08")
    day = {"held_on": "2021-03-05", "starts_at": "08:30", "ends_at": "11:30"}
    session = _ok(wushan.post(f"{base}/sessions", json=day))
    sheet = f"{base}/sessions/{session['id']}/attendance"
    # The latecomer enrolled after this session: their mark is refused, with the index.
    marks = [
        {"enrollment_id": on_time["id"], "present": True},
        {"enrollment_id": latecomer["id"], "present": True},
    ]
    refused = _ok(wushan.request("PUT", sheet, json=marks), 422)
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        ("1.enrollment_id", "before_enrollment")
    ]
    assert wushan.request("PUT", sheet, json=[]).json() == []  # nothing was written
    assert len(_ok(wushan.request("PUT", sheet, json=marks[:1]), 200)) == 1
    # Completion: not before the enrollment, not ahead of today; on the day it is fine.
    complete = f"{base}/enrollments/{latecomer['id']}/complete"
    body = {"assessment_result": "合格", "completed_on": "2021-03-07"}
    assert _codes(_ok(wushan.post(complete, json=body), 422)) == {"before_enrollment"}
    ahead = {**body, "completed_on": (clock.today() + timedelta(days=1)).isoformat()}
    assert "in_future" in _codes(_ok(wushan.post(complete, json=ahead), 422))
    done = _ok(wushan.post(complete, json={**body, "completed_on": "2021-03-08"}), 200)
    assert (done["status"], done["completed_on"]) == ("completed", "2021-03-08")


def test_a_session_not_yet_held_takes_no_attendance(login):
    wushan = login("wushan.staff")
    today = clock.today()
    course = _course(starts_on=today.isoformat(), ends_on=(today + timedelta(days=9)).isoformat())
    base = f"/api/v1/trainings/{_ok(wushan.post('/api/v1/trainings', json=course))['id']}"
    laborer = _ok(wushan.post("/api/v1/laborers", json=laborer_payload()))
    [row] = _ok(wushan.post(f"{base}/enrollments", json={"laborer_ids": [laborer["id"]]}))
    assert row["enrolled_on"] == today.isoformat()
    later = {"held_on": (today + timedelta(days=2)).isoformat(), "starts_at": "08:30"}
    session = _ok(wushan.post(f"{base}/sessions", json={**later, "ends_at": "11:30"}))
    marks = [{"enrollment_id": row["id"], "present": True}]
    refused = _ok(
        wushan.request("PUT", f"{base}/sessions/{session['id']}/attendance", json=marks), 422
    )
    assert _codes(refused) == {"in_future"}


def test_the_timeline_sorts_by_when_things_happened(login):
    """Typed in today, in an order of its own: the 2021 enrollment, then a 2021 referral
    typed after it but dated before it. Newest first by occurred date."""
    wushan = login("wushan.staff")
    laborer = _ok(wushan.post("/api/v1/laborers", json=laborer_payload()))
    course = _ok(wushan.post("/api/v1/trainings", json=_course()))
    enroll = {"laborer_ids": [laborer["id"]], "enrolled_on": "2021-02-25"}
    _ok(wushan.post(f"/api/v1/trainings/{course['id']}/enrollments", json=enroll))
    [referral] = _refer(wushan, laborer, _vacancy(login), "2021-01-20")
    _step(wushan, referral, "interviewed", "2021-03-02")
    timeline = wushan.get(f"/api/v1/laborers/{laborer['id']}/timeline").json()
    dated = [(e["on"], e["kind"]) for e in timeline["entries"] if e["on"] < "2022-01-01"]
    assert dated == [
        ("2021-03-02", "referral"),
        ("2021-02-25", "training"),
        ("2021-01-20", "referral"),
    ]
