"""Placements over the JSON API: spells, overlap, the hire that starts one, separation by
the employer's bureau, verification (one by one and from a list), holiday leave."""

from datetime import timedelta

from api import clock
from tests.fixtures.factories import (
    employer_payload,
    laborer_payload,
    placement_payload,
    vacancy_payload,
)
from tests.fixtures.ledgers import xlsx


def _post(user, url, payload, expect=201):  # type: ignore[no-untyped-def]
    response = user.post(url, json=payload)
    assert response.status_code == expect, response.text
    return response.json()


def _laborer(login, **overrides):  # type: ignore[no-untyped-def]
    return _post(login("wushan.staff"), "/api/v1/laborers", laborer_payload(**overrides))


def test_one_job_at_a_time(login):
    wushan = login("wushan.staff")
    laborer = _laborer(login)
    first = _post(wushan, "/api/v1/placements", placement_payload(laborer["id"]))
    assert (first["city"], first["laborer_name"]) == ("烟台", laborer["name"])
    # A second open spell, or one overlapping a closed one, is refused and names the first.
    clash = _post(
        wushan,
        "/api/v1/placements",
        placement_payload(laborer["id"], started_on="2021-05-01"),
        expect=422,
    )
    [error] = clash["errors"]
    assert error["code"] == "overlap" and "烟台某电子有限公司" in error["message"]
    ended = wushan.patch(
        f"/api/v1/placements/{first['id']}",
        json={"version": 1, "ended_on": "2021-06-30", "separation_reason": "quit"},
    )
    assert ended.status_code == 200, ended.text
    inside = _post(
        wushan,
        "/api/v1/placements",
        placement_payload(laborer["id"], started_on="2021-06-30"),
        expect=422,
    )
    assert inside["errors"][0]["code"] == "overlap"
    after = _post(
        wushan, "/api/v1/placements", placement_payload(laborer["id"], started_on="2021-07-01")
    )
    listing = wushan.get("/api/v1/placements", params={"laborer_id": laborer["id"]}).json()
    assert [p["id"] for p in listing["items"]] == [after["id"], first["id"]]
    bad = _post(
        wushan,
        "/api/v1/placements",
        placement_payload(
            laborer["id"], started_on=(clock.today() + timedelta(days=1)).isoformat()
        ),
        expect=422,
    )
    assert {e["code"] for e in bad["errors"]} >= {"future_date"}


def test_a_hire_starts_the_placement_and_the_employer_side_records_separation(login):
    yantai, wushan = login("yantai.staff"), login("wushan.staff")
    employer = _post(yantai, "/api/v1/employers", employer_payload())
    vacancy = _post(yantai, "/api/v1/vacancies", vacancy_payload(employer["id"]))
    laborer = _laborer(login)
    [referral] = _post(
        wushan,
        "/api/v1/referrals",
        {"laborer_ids": [laborer["id"]], "vacancy_ids": [vacancy["id"]]},
    )
    for status in ("interviewed", "offered", "hired"):
        current = yantai.get(f"/api/v1/referrals/{referral['id']}").json()
        _post(
            yantai,
            f"/api/v1/referrals/{referral['id']}/steps",
            {"status": status, "version": current["version"]},
            expect=200,
        )
    [placement] = wushan.get("/api/v1/placements", params={"laborer_id": laborer["id"]}).json()[
        "items"
    ]
    assert placement["referral_id"] == referral["id"]
    assert placement["employer_id"] == employer["id"]
    assert placement["started_on"] == clock.today().isoformat()
    assert placement["channel"] == "organized"
    # The employer's bureau sees the placement (its own employer) and records the end...
    seen = yantai.get(f"/api/v1/placements/{placement['id']}")
    assert seen.status_code == 200
    refused = yantai.patch(
        f"/api/v1/placements/{placement['id']}", json={"version": 1, "channel": "self_found"}
    )
    assert refused.status_code == 403
    ended = yantai.patch(
        f"/api/v1/placements/{placement['id']}",
        json={
            "version": 1,
            "ended_on": clock.today().isoformat(),
            "separation_reason": "contract_ended",
        },
    )
    assert ended.status_code == 200, ended.text
    # ...but other bureaus' placements stay out of its sight.
    other = _laborer(login)
    theirs = _post(wushan, "/api/v1/placements", placement_payload(other["id"]))
    assert yantai.get(f"/api/v1/placements/{theirs['id']}").status_code == 404


def test_a_hire_of_someone_still_in_a_job_is_refused_with_nothing_changed(login):
    yantai, wushan = login("yantai.staff"), login("wushan.staff")
    employer = _post(yantai, "/api/v1/employers", employer_payload())
    vacancy = _post(yantai, "/api/v1/vacancies", vacancy_payload(employer["id"], headcount=3))
    laborer = _laborer(login)
    _post(wushan, "/api/v1/placements", placement_payload(laborer["id"]))
    [referral] = _post(
        wushan,
        "/api/v1/referrals",
        {"laborer_ids": [laborer["id"]], "vacancy_ids": [vacancy["id"]]},
    )
    for status in ("interviewed", "offered"):
        current = wushan.get(f"/api/v1/referrals/{referral['id']}").json()
        _post(
            wushan,
            f"/api/v1/referrals/{referral['id']}/steps",
            {"status": status, "version": current["version"]},
            expect=200,
        )
    current = wushan.get(f"/api/v1/referrals/{referral['id']}").json()
    refused = _post(
        wushan,
        f"/api/v1/referrals/{referral['id']}/steps",
        {"status": "hired", "version": current["version"]},
        expect=422,
    )
    assert "烟台某电子有限公司" in refused["detail"]
    assert wushan.get(f"/api/v1/vacancies/{vacancy['id']}").json()["filled"] == 0
    assert wushan.get(f"/api/v1/referrals/{referral['id']}").json()["status"] == "offered"


def test_verification_month_by_month_and_from_a_list(login):
    wushan = login("wushan.staff")
    payload = laborer_payload(name="冉秀兰")
    laborer = _post(wushan, "/api/v1/laborers", payload)
    placement = _post(wushan, "/api/v1/placements", placement_payload(laborer["id"]))
    url = f"/api/v1/placements/{placement['id']}/verifications"
    _post(wushan, url, {"month": "2021-03", "source": "liaison_visit"})
    again = _post(wushan, url, {"month": "2021-03", "in_post": False, "source": "payroll"})
    assert again["in_post"] is False  # a later record for the month replaces the first
    outside = _post(wushan, url, {"month": "2021-02", "source": "payroll"}, expect=422)
    assert outside["errors"][0]["code"] == "month_outside"
    assert len(wushan.get(url).json()) == 1

    stranger = laborer_payload()["id_number"]
    headers = ["身份证号码", "姓名", "核实月份"]
    listing = xlsx(
        [
            {"身份证号码": payload["id_number"], "姓名": "冉秀兰", "核实月份": "2021-04"},
            {"身份证号码": stranger, "姓名": "路人甲", "核实月份": "2021-04"},
        ],
        headers=headers,
    )
    preview = wushan.post(
        "/api/v1/verifications/import",
        files={"file": ("社保缴费名单.xlsx", listing)},
        data={"source": "social_insurance", "dry_run": "true"},
    )
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert (body["rows"], body["saved"], body["applied"]) == (2, False, 0)
    assert body["unmatched"] == [{"row": 3, "reason": "not_registered", "month": "2021-04"}]
    saved = wushan.post(
        "/api/v1/verifications/import",
        files={"file": ("社保缴费名单.xlsx", listing)},
        data={"source": "social_insurance", "dry_run": "false"},
    ).json()
    assert (saved["saved"], saved["applied"]) == (True, 1)
    months = {v["month"]: v["source"] for v in wushan.get(url).json()}
    assert months == {"2021-03-01": "payroll", "2021-04-01": "social_insurance"}
    # A bad row stops the whole file: nothing is saved.
    broken = xlsx(
        [
            {"身份证号码": payload["id_number"], "核实月份": "2021-05"},
            {"身份证号码": "500237199001011230", "核实月份": "2021-05"},
        ],
        headers=headers,
    )
    refused = wushan.post(
        "/api/v1/verifications/import",
        files={"file": ("名单.xlsx", broken)},
        data={"source": "employer", "dry_run": "false"},
    )
    assert refused.status_code == 422
    assert refused.json()["type"] == "/problems/import-rejected"
    assert (refused.json()["errors"][0]["row"], refused.json()["saved"]) == (3, False)
    assert "2021-05-01" not in {v["month"] for v in wushan.get(url).json()}


def test_holiday_leave_and_the_return_board(login):
    wushan = login("wushan.staff")
    today = clock.today()
    people = [_laborer(login) for _ in range(3)]
    placements = [_post(wushan, "/api/v1/placements", placement_payload(p["id"])) for p in people]
    leaves = []
    for placement, expected in zip(placements, (5, -3, 10), strict=True):
        leaves.append(
            _post(
                wushan,
                f"/api/v1/placements/{placement['id']}/leaves",
                {
                    "left_on": (today - timedelta(days=20)).isoformat(),
                    "expected_return_on": (today + timedelta(days=expected)).isoformat(),
                    "trip": "巫山—烟台返岗包车",
                },
            )
        )
    twice = _post(
        wushan,
        f"/api/v1/placements/{placements[0]['id']}/leaves",
        {"left_on": today.isoformat(), "expected_return_on": today.isoformat()},
        expect=422,
    )
    assert twice["errors"][0]["code"] == "already_away"
    _post(
        wushan,
        f"/api/v1/leaves/{leaves[2]['id']}/return",
        {"version": 1, "returned_on": today.isoformat()},
        expect=200,
    )
    board = wushan.get("/api/v1/leaves").json()
    ids = {key: {v["id"] for v in board[key]} for key in ("away", "overdue", "back")}
    assert leaves[0]["id"] in ids["away"]
    assert leaves[1]["id"] in ids["overdue"]
    assert leaves[2]["id"] in ids["back"]
