"""Trainings over the JSON API: visibility across the pairing, capacity and waitlist,
withdrawal promoting the first waiting, sessions within the dates, attendance,
completion, outcomes counted from placements, and the subsidy list for finance."""

from api.spreadsheets.reader import read_table
from tests.fixtures.factories import laborer_payload, placement_payload


def _ok(response, expect=201):  # type: ignore[no-untyped-def]
    assert response.status_code == expect, response.text
    return response.json()


def _course(**overrides):  # type: ignore[no-untyped-def]
    body = {
        "title": "巫山—烟台 中式面点师岗前培训",
        "occupation": "中式面点师",
        "occupation_code": "4-03-02-02",
        "training_type": "pre_job",
        "provider": "巫山县职业教育中心",
        "location": "巫山县职教中心实训楼",
        "starts_on": "2021-03-01",
        "ends_on": "2021-03-20",
        "capacity": 2,
        "teachers": [{"name": "王建华", "origin": "烟台面点大师"}],
        "subsidy_amount": 1200,
    }
    body.update(overrides)
    return body


def _training(world, login, **overrides):  # type: ignore[no-untyped-def]
    wushan = login("wushan.staff")
    body = _course(subsidy_payer_id=str(world.orgs["wushan"]), **overrides)
    return _ok(wushan.post("/api/v1/trainings", json=body))


def _laborers(login, count):  # type: ignore[no-untyped-def]
    wushan = login("wushan.staff")
    return [
        _ok(wushan.post("/api/v1/laborers", json=laborer_payload()))["id"] for _ in range(count)
    ]


def test_visible_to_both_sides_of_the_pairing_and_not_to_others(world, login):
    training = _training(world, login, co_organizer_id=str(world.orgs["yantai"]))
    url = f"/api/v1/trainings/{training['id']}"
    for user in ("wushan.admin", "yantai.staff", "wushan.yantai.staff"):
        assert login(user).get(url).status_code == 200, user
        ids = [t["id"] for t in login(user).get("/api/v1/trainings").json()["items"]]
        assert training["id"] in ids, user
    for user in ("kaizhou.admin", "weifang.admin", "kaizhou.weifang.admin"):
        assert login(user).get(url).status_code == 404, user
        ids = [t["id"] for t in login(user).get("/api/v1/trainings").json()["items"]]
        assert training["id"] not in ids, user
    # A co-organizer must be the other bureau of the same pairing.
    bad = login("wushan.staff").post(
        "/api/v1/trainings", json=_course(co_organizer_id=str(world.orgs["weifang"]))
    )
    assert _ok(bad, 422)["errors"][0]["field"] == "co_organizer_id"
    # Only the organizer changes the course.
    patch = login("yantai.staff").patch(url, json={"version": 1, "capacity": 5})
    assert patch.status_code == 403


def test_sessions_within_the_dates(world, login):
    training = _training(world, login)
    wushan = login("wushan.staff")
    url = f"/api/v1/trainings/{training['id']}/sessions"
    inside = {"held_on": "2021-03-02", "starts_at": "08:30", "ends_at": "11:30", "topic": "和面"}
    _ok(wushan.post(url, json=inside))
    outside = _ok(wushan.post(url, json={**inside, "held_on": "2021-03-21"}), 422)
    [error] = outside["errors"]
    assert error["field"] == "held_on" and error["code"] == "outside_training_dates"
    assert "2021-03-01" in error["message"] and "2021-03-20" in error["message"]
    assert [s["held_on"] for s in wushan.get(url).json()] == ["2021-03-02"]
    # Dates that would leave a session outside are refused too.
    moved = wushan.patch(
        f"/api/v1/trainings/{training['id']}", json={"version": 1, "starts_on": "2021-03-05"}
    )
    assert _ok(moved, 422)["errors"][0]["code"] == "sessions_outside"


def test_capacity_waitlist_and_promotion_on_withdrawal(world, login):
    training = _training(world, login)
    wushan = login("wushan.staff")
    base = f"/api/v1/trainings/{training['id']}"
    first, second, third, fourth = _laborers(login, 4)
    suggested = {s["laborer_id"] for s in wushan.get(f"{base}/suggestions").json()}
    assert {first, second, third, fourth} <= suggested  # their need is 中式面点师
    rows = _ok(wushan.post(f"{base}/enrollments", json={"laborer_ids": [first, second, third]}))
    assert [r["status"] for r in rows] == ["enrolled", "enrolled", "waitlisted"]
    rows += _ok(wushan.post(f"{base}/enrollments", json={"laborer_ids": [fourth]}))
    assert rows[3]["status"] == "waitlisted"
    assert first not in {s["laborer_id"] for s in wushan.get(f"{base}/suggestions").json()}
    # The same laborer again is a conflict, alone or in a batch.
    again = wushan.post(f"{base}/enrollments", json={"laborer_ids": [fourth, second]})
    assert again.status_code == 409
    # Withdrawal with a reason: the first waiting (third, not fourth) takes the seat.
    out = _ok(
        wushan.post(f"{base}/enrollments/{rows[0]['id']}/withdraw", json={"reason": "外出务工"}),
        200,
    )
    assert (out["status"], out["withdrawal_reason"]) == ("withdrawn", "外出务工")
    roster = {r["laborer_id"]: r["status"] for r in wushan.get(f"{base}/enrollments").json()}
    assert roster == {
        first: "withdrawn",
        second: "enrolled",
        third: "enrolled",
        fourth: "waitlisted",
    }
    counts = wushan.get(base).json()["counts"]
    assert counts == {"withdrawn": 1, "enrolled": 2, "waitlisted": 1}
    # Another county's laborer is not in this county's register.
    kaizhou = login("kaizhou.staff")
    theirs = kaizhou.get("/api/v1/laborers", params={"page_size": 1}).json()["items"][0]["id"]
    refused = wushan.post(f"{base}/enrollments", json={"laborer_ids": [theirs]})
    assert _ok(refused, 422)["errors"][0]["code"] == "laborer_not_found"


def test_roster_visibility(world, login):
    training = _training(world, login)
    base = f"/api/v1/trainings/{training['id']}"
    [laborer] = _laborers(login, 1)
    _ok(login("wushan.staff").post(f"{base}/enrollments", json={"laborer_ids": [laborer]}))
    # The county's liaison office sees its laborer on the roster.
    assert len(login("wushan.yantai.staff").get(f"{base}/enrollments").json()) == 1
    # The receiving bureau sees the course, but not who is on it, until it co-organizes.
    assert login("yantai.staff").get(f"{base}/enrollments").status_code == 403
    patch = login("wushan.staff").patch(
        base, json={"version": 1, "co_organizer_id": str(world.orgs["yantai"])}
    )
    _ok(patch, 200)
    assert len(login("yantai.staff").get(f"{base}/enrollments").json()) == 1
    # The receiving bureau cannot enroll (the laborers are the county's).
    refused = login("yantai.staff").post(f"{base}/enrollments", json={"laborer_ids": [laborer]})
    assert refused.status_code == 422


def test_attendance_completion_outcomes_and_subsidy_list(world, login):
    training = _training(world, login, capacity=5, co_organizer_id=str(world.orgs["yantai"]))
    wushan = login("wushan.staff")
    base = f"/api/v1/trainings/{training['id']}"
    day = {"held_on": "2021-03-02", "starts_at": "08:30", "ends_at": "11:30"}
    session = _ok(wushan.post(f"{base}/sessions", json=day))
    ids = _laborers(login, 4)
    enrolled = {"laborer_ids": ids, "enrolled_on": "2021-02-20"}  # the 2021 ledger
    rows = _ok(wushan.post(f"{base}/enrollments", json=enrolled))
    sheet = [{"enrollment_id": r["id"], "present": i != 3} for i, r in enumerate(rows)]
    # The co-organizer (the receiving bureau) runs the class: it takes attendance.
    yantai = login("yantai.staff")
    marks = _ok(
        yantai.request("PUT", f"{base}/sessions/{session['id']}/attendance", json=sheet), 200
    )
    assert sorted(m["present"] for m in marks) == [False, True, True, True]
    again = _ok(
        yantai.request(
            "PUT",
            f"{base}/sessions/{session['id']}/attendance",
            json=[{"enrollment_id": rows[3]["id"], "present": True}],
        ),
        200,
    )
    assert all(m["present"] for m in again)
    # Completion with assessment and certificate; employed within 90 days counts.
    for index, row in enumerate(rows[:3]):
        done = _ok(
            yantai.post(
                f"{base}/enrollments/{row['id']}/complete",
                json={
                    "assessment_result": "合格",
                    "certificate_number": f"S2021-{index}",
                    "completed_on": "2021-03-20",
                },
            ),
            200,
        )
        assert done["status"] == "completed"
    twice = yantai.post(
        f"{base}/enrollments/{rows[0]['id']}/complete", json={"assessment_result": "合格"}
    )
    assert twice.status_code == 409
    # First: placed 30 days after; second: placed 120 days after; third: not placed.
    _ok(wushan.post("/api/v1/placements", json=placement_payload(ids[0], started_on="2021-04-19")))
    _ok(wushan.post("/api/v1/placements", json=placement_payload(ids[1], started_on="2021-07-18")))
    result = _ok(wushan.get(f"{base}/outcomes"), 200)
    assert result["completed"] == 3 and result["employed_within_90_days"] == 1
    assert result["enrolled"] == 1
    assert (result["subsidy_per_completer"], result["subsidy_total"]) == (1200, 3600)
    # The 90th day still counts.
    _ok(wushan.post("/api/v1/placements", json=placement_payload(ids[2], started_on="2021-06-18")))
    assert _ok(wushan.get(f"{base}/outcomes"), 200)["employed_within_90_days"] == 2
    assert (
        _ok(login("wushan.yantai.staff").get(f"{base}/outcomes"), 200)["employed_within_90_days"]
        == 2
    )
    # The receiving bureau counts the jobs with its own employers only (none here).
    theirs = _ok(yantai.get(f"{base}/outcomes"), 200)
    assert (theirs["completed"], theirs["employed_within_90_days"]) == (3, 0)
    # The finance list: one row per completer, masked ID numbers.
    response = wushan.get(f"{base}/subsidy-list")
    assert response.status_code == 200
    table = read_table(response.content, "list.xlsx")
    assert table.headers[2] == "身份证号码"
    values = [cells for _number, cells in table.rows]
    assert len(values) == 3
    assert all("*" in str(cells[2]) for cells in values)
    assert {int(float(cells[8])) for cells in values} == {1200}
