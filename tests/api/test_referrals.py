"""Referrals over the JSON API: refer, the pipeline and its rules, the boards, headcount."""

import uuid
from datetime import timedelta

from api import clock
from tests.fixtures.factories import employer_payload, laborer_payload, vacancy_payload


def _post(user, url, payload, expect=201):
    response = user.post(url, json=payload)
    assert response.status_code == expect, response.text
    return response.json()


def _vacancy(login, **overrides):
    yantai = login("yantai.staff")
    employer = _post(yantai, "/api/v1/employers", employer_payload(name="烟台紫建电子科技有限公司"))
    return _post(yantai, "/api/v1/vacancies", vacancy_payload(employer["id"], **overrides))


def _laborers(login, count, **overrides):
    wushan = login("wushan.staff")
    return [
        _post(
            wushan,
            "/api/v1/laborers",
            laborer_payload(name=f"谭秀英{'甲乙丙丁戊'[i]}", **overrides),
        )
        for i in range(count)
    ]


def _step(user, referral, status, expect=200, **extra):
    response = user.post(
        f"/api/v1/referrals/{referral['id']}/steps",
        json={"status": status, "version": referral["version"], **extra},
    )
    assert response.status_code == expect, response.text
    return response.json()


def test_refer_and_follow_to_a_hire(login):
    vacancy = _vacancy(login, headcount=5)
    [laborer] = _laborers(login, 1)
    wushan, yantai = login("wushan.staff"), login("yantai.staff")
    [referral] = _post(
        wushan,
        "/api/v1/referrals",
        {"laborer_ids": [laborer["id"]], "vacancy_ids": [vacancy["id"]], "note": "本人有焊工证"},
    )
    assert referral["status"] == "recommended"
    assert referral["match_score"] == 100
    assert referral["laborer"]["name"] == laborer["name"] and not referral["laborer"]["masked"]
    assert referral["next_steps"] == ["interviewed", "declined", "withdrawn"]

    # The receiving bureau records the interview and the offer for its employer.
    seen = yantai.get(f"/api/v1/referrals/{referral['id']}").json()
    assert seen["laborer"]["masked"] and seen["laborer"]["name"].startswith("谭")
    assert "*" in seen["laborer"]["name"]
    assert seen["next_steps"] == ["interviewed", "declined"]  # it does not withdraw
    interviewed = _step(yantai, seen, "interviewed", occurred_on=clock.today().isoformat())
    offered = _step(yantai, interviewed, "offered", note="试用期一个月")
    hired = _step(wushan, offered, "hired")
    assert hired["status"] == "hired" and hired["hired_on"] == clock.today().isoformat()
    assert hired["next_steps"] == []
    steps = [(e["from_status"], e["to_status"]) for e in hired["events"]]
    assert steps == [
        (None, "recommended"),
        ("recommended", "interviewed"),
        ("interviewed", "offered"),
        ("offered", "hired"),
    ]
    recorders = [e["recorded_by_label"] for e in hired["events"]]
    assert "烟台市人社局" in recorders[1] and "巫山县人社局" in recorders[3]
    assert wushan.get(f"/api/v1/vacancies/{vacancy['id']}").json()["filled"] == 1


def test_illegal_steps_are_refused_with_the_allowed_ones(login):
    vacancy = _vacancy(login)
    [laborer] = _laborers(login, 1)
    wushan, yantai = login("wushan.staff"), login("yantai.staff")
    [referral] = _post(
        wushan,
        "/api/v1/referrals",
        {"laborer_ids": [laborer["id"]], "vacancy_ids": [vacancy["id"]]},
    )
    skipped = _step(wushan, referral, "hired", expect=409)
    assert skipped["type"] == "/problems/invalid-transition"
    assert skipped["allowed"] == ["interviewed", "declined", "withdrawn"]
    refused = _step(yantai, referral, "withdrawn", expect=403)
    assert refused["type"] == "/problems/forbidden"
    future = (clock.today() + timedelta(days=1)).isoformat()
    assert (
        _step(wushan, referral, "interviewed", expect=422, occurred_on=future)["errors"][0]["code"]
        == "in_future"
    )
    withdrawn = _step(wushan, referral, "withdrawn", note="本人改变主意")
    final = _step(wushan, withdrawn, "interviewed", expect=409)
    assert final["allowed"] == []
    stale = _step(wushan, referral, "interviewed", expect=409)
    assert stale["type"] == "/problems/stale-version"
    # A withdrawn referral may be made again.
    again = _post(
        wushan,
        "/api/v1/referrals",
        {"laborer_ids": [laborer["id"]], "vacancy_ids": [vacancy["id"]]},
    )
    assert again[0]["id"] != referral["id"]


def test_many_at_once_all_or_nothing(login, world):
    vacancy = _vacancy(login)
    laborers = _laborers(login, 3)
    wushan = login("wushan.staff")
    ids = [lab["id"] for lab in laborers]
    foreign = _post(
        login("kaizhou.staff"),
        "/api/v1/laborers",
        laborer_payload(township="汉丰街道", village="城东社区", region_code="500154"),
    )
    bad = _post(
        wushan,
        "/api/v1/referrals",
        {"laborer_ids": [*ids, foreign["id"]], "vacancy_ids": [vacancy["id"]]},
        expect=422,
    )
    assert [e["code"] for e in bad["errors"]] == ["laborer_not_found"]
    board = wushan.get("/api/v1/referrals", params={"vacancy_id": vacancy["id"]}).json()
    assert board["total"] == 0  # nothing of the batch was saved

    made = _post(wushan, "/api/v1/referrals", {"laborer_ids": ids, "vacancy_ids": [vacancy["id"]]})
    assert len(made) == 3
    duplicate = _post(
        wushan,
        "/api/v1/referrals",
        {"laborer_ids": [ids[0]], "vacancy_ids": [vacancy["id"]]},
        expect=409,
    )
    assert duplicate["existing_ids"] == [made[0]["id"]]
    both_many = _post(
        wushan,
        "/api/v1/referrals",
        {"laborer_ids": ids[:2], "vacancy_ids": [vacancy["id"], str(uuid.uuid4())]},
        expect=422,
    )
    assert "多名" in both_many["detail"]  # Chinese unless the request asks otherwise


def test_boards_per_vacancy_and_per_laborer(login):
    vacancy = _vacancy(login)
    other = _vacancy(login, title="装配工", occupation_name="电子设备装接工", occupation_code=None)
    laborers = _laborers(login, 2)
    wushan, yantai = login("wushan.staff"), login("yantai.staff")
    _post(
        wushan,
        "/api/v1/referrals",
        {"laborer_ids": [laborers[0]["id"]], "vacancy_ids": [vacancy["id"], other["id"]]},
    )
    _post(
        wushan,
        "/api/v1/referrals",
        {"laborer_ids": [laborers[1]["id"]], "vacancy_ids": [vacancy["id"]]},
    )
    by_vacancy = yantai.get("/api/v1/referrals", params={"vacancy_id": vacancy["id"]}).json()
    assert by_vacancy["total"] == 2 and by_vacancy["counts"] == {"recommended": 2}
    assert all(r["laborer"]["masked"] for r in by_vacancy["items"])
    by_laborer = wushan.get("/api/v1/referrals", params={"laborer_id": laborers[0]["id"]}).json()
    assert {r["vacancy_title"] for r in by_laborer["items"]} == {"电焊工", "装配工"}
    # The receiving bureau reads candidates through referrals, never the register.
    assert yantai.get(f"/api/v1/laborers/{laborers[0]['id']}").status_code == 404
    # Another pairing sees none of it.
    kaizhou = login("kaizhou.staff")
    assert (
        kaizhou.get("/api/v1/referrals", params={"vacancy_id": vacancy["id"]}).json()["total"] == 0
    )
    referral_id = by_vacancy["items"][0]["id"]
    assert kaizhou.get(f"/api/v1/referrals/{referral_id}").status_code == 404
    assert login("weifang.staff").get(f"/api/v1/referrals/{referral_id}").status_code == 404


def test_headcount_is_never_exceeded(login):
    vacancy = _vacancy(login, headcount=1)
    laborers = _laborers(login, 2)
    wushan = login("wushan.staff")
    referrals = _post(
        wushan,
        "/api/v1/referrals",
        {"laborer_ids": [lab["id"] for lab in laborers], "vacancy_ids": [vacancy["id"]]},
    )
    offered = []
    for referral in referrals:
        offered.append(_step(wushan, _step(wushan, referral, "interviewed"), "offered"))
    _step(wushan, offered[0], "hired")
    full = _step(wushan, offered[1], "hired", expect=409)
    assert full["type"] == "/problems/conflict"
    assert "电焊工" in full["detail"]
    after = wushan.get(f"/api/v1/referrals/{offered[1]['id']}").json()
    assert after["status"] == "offered"  # nothing changed
    vacancy_now = wushan.get(f"/api/v1/vacancies/{vacancy['id']}").json()
    assert (vacancy_now["filled"], vacancy_now["status"]) == (1, "filled")
    # A filled vacancy takes no new referrals.
    [extra] = _laborers(login, 1)
    closed = _post(
        wushan,
        "/api/v1/referrals",
        {"laborer_ids": [extra["id"]], "vacancy_ids": [vacancy["id"]]},
        expect=422,
    )
    assert closed["errors"][0]["code"] == "vacancy_not_open"
