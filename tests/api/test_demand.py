"""The demand pool over the JSON API: employers, vacancies, who sees them, expiry."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from api import clock
from api.access import DataKind
from api.db import use_operator_access
from shared_models import AuditEntry, Vacancy
from tests.fixtures.factories import credit_code, employer_payload, vacancy_payload


def _employer(user, **overrides):
    response = user.post("/api/v1/employers", json=employer_payload(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


def _vacancy(user, employer_id, **overrides):
    response = user.post("/api/v1/vacancies", json=vacancy_payload(employer_id, **overrides))
    assert response.status_code == 201, response.text
    return response.json()


def _pool_ids(user, **params):
    response = user.get("/api/v1/vacancies", params={"page_size": 200, **params})
    assert response.status_code == 200, response.text
    return {v["id"] for v in response.json()["items"]}


def test_employer_is_registered_once_per_credit_code(login, world):
    yantai = login("yantai.staff")
    code = credit_code()
    first = _employer(yantai, credit_code=code.lower(), name="烟台紫建电子科技有限公司")
    assert first["credit_code"] == code  # normalised to capitals
    assert first["tenant_id"] == str(world.orgs["yantai"])

    again = yantai.post("/api/v1/employers", json=employer_payload(credit_code=code))
    assert again.status_code == 409
    body = again.json()
    assert body["existing_id"] == first["id"]
    assert "烟台紫建电子科技有限公司" in body["detail"]

    # Another bureau keeps its own employer records: the same company may be on both lists.
    weifang = login("weifang.staff")
    assert (
        weifang.post("/api/v1/employers", json=employer_payload(credit_code=code)).status_code
        == 201
    )


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("91370602MA3C4XYZ1", "credit_code_format"),  # 17 characters
        ("91370602000000011X", "credit_code_checksum"),
        ("91990000000000001X", "credit_code_region"),
    ],
)
def test_bad_credit_codes_are_rejected_in_both_languages(login, code, expected):
    yantai = login("yantai.staff")
    if expected == "credit_code_region":
        from shared_models.validators.credit_code import with_check_character

        code = with_check_character(code[:17])
    english = yantai.post(
        "/api/v1/employers",
        json=employer_payload(credit_code=code),
        headers={"Accept-Language": "en"},
    )
    assert english.status_code == 422
    [error] = english.json()["errors"]
    assert (error["field"], error["code"]) == ("credit_code", expected)
    chinese = yantai.post(
        "/api/v1/employers",
        json=employer_payload(credit_code=code),
        headers={"Accept-Language": "zh-CN"},
    )
    assert chinese.json()["errors"][0]["message"] != error["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese.json()["errors"][0]["message"])


def test_pool_is_shared_across_the_pairing_only(login, world):
    yantai = login("yantai.staff")
    employer = _employer(yantai)
    vacancy = _vacancy(yantai, employer["id"])
    path = f"/api/v1/vacancies/{vacancy['id']}"

    for username in ("wushan.staff", "wushan.yantai.staff", "yantai.admin"):
        reader = login(username)
        assert reader.get(path).status_code == 200, username
        assert vacancy["id"] in _pool_ids(reader), username
        assert reader.get(f"/api/v1/employers/{employer['id']}").status_code == 200

    for username in ("kaizhou.staff", "weifang.staff", "kaizhou.weifang.staff"):
        outsider = login(username)
        assert outsider.get(path).status_code == 404, username
        assert vacancy["id"] not in _pool_ids(outsider), username
        assert outsider.get(f"/api/v1/employers/{employer['id']}").status_code == 404


def test_a_county_posts_local_workshop_vacancies_for_its_pairing(login, world):
    kaizhou = login("kaizhou.staff")
    workshop = _employer(
        kaizhou,
        name="重庆市勇华鞋业有限责任公司",
        credit_code=credit_code("500154"),
        region_code="500154",
        industry="制造业",
        is_workshop=True,
        is_model_workshop=True,
    )
    vacancy = _vacancy(
        kaizhou, workshop["id"], title="胶鞋制作工", occupation_name="制鞋工", threshold="none"
    )
    assert vacancy["city"] == "开州"
    assert vacancy["offers_housing"] is True  # the employer's benefits by default
    assert vacancy["valid_from"] == clock.today().isoformat()
    assert vacancy["id"] in _pool_ids(login("weifang.staff"))
    assert vacancy["id"] not in _pool_ids(login("yantai.staff"))


def test_liaison_offices_and_viewers_do_not_post(login, world):
    office = login("wushan.yantai.admin")
    response = office.post("/api/v1/employers", json=employer_payload())
    assert response.status_code == 403
    yantai = login("yantai.admin")
    employer = _employer(yantai)
    # The other bureau of the pairing reads the employer but does not change it.
    wushan = login("wushan.admin")
    refused = wushan.patch(
        f"/api/v1/employers/{employer['id']}", json={"version": 1, "name": "改名"}
    )
    assert refused.status_code == 403
    refused = wushan.post("/api/v1/vacancies", json=vacancy_payload(employer["id"]))
    assert refused.status_code == 403


def test_pool_filters(login, world):
    yantai = login("yantai.staff")
    base = _employer(yantai, industry="电子", offers_housing=True)
    food = _employer(yantai, name="烟台鲁花食品有限公司", industry="食品加工", offers_housing=False)
    welder = _vacancy(yantai, base["id"], title="电焊工", wage_min=6000, wage_max=8000)
    packer = _vacancy(
        yantai,
        food["id"],
        title="包装工",
        occupation_name="包装工",
        occupation_code=None,
        skills=[],
        threshold="none",
        wage_min=3800,
        wage_max=4500,
        region_code="370687",  # 海阳市, a county-level city of 烟台
    )
    reader = login("wushan.staff")
    assert {welder["id"], packer["id"]} <= _pool_ids(reader)
    # The demo pool has food processors of its own: look at these two only.
    assert _pool_ids(reader, industry="食品加工") & {welder["id"], packer["id"]} == {packer["id"]}
    assert welder["id"] in _pool_ids(reader, wage=7000)
    assert packer["id"] not in _pool_ids(reader, wage=7000)
    assert _pool_ids(reader, threshold="none") >= {packer["id"]}
    assert welder["id"] not in _pool_ids(reader, threshold="none")
    housing = _pool_ids(reader, benefit="housing")
    assert welder["id"] in housing and packer["id"] not in housing
    assert _pool_ids(reader, q="鲁花") == {packer["id"]}
    assert welder["id"] in _pool_ids(reader, q="焊")
    assert packer["city"] == "烟台" and packer["id"] in _pool_ids(reader, city="烟台")
    assert _pool_ids(reader, q="100%") == set()  # wildcards are text, not patterns


def test_vacancy_expires_after_its_end_date(login, world, cli):
    yantai = login("yantai.staff")
    employer = _employer(yantai)
    yesterday = clock.today() - timedelta(days=1)
    old = _vacancy(
        yantai,
        employer["id"],
        valid_from=(yesterday - timedelta(days=30)).isoformat(),
        valid_until=yesterday.isoformat(),
    )
    current = _vacancy(
        yantai, employer["id"], title="装配工", valid_until=clock.today().isoformat()
    )
    assert old["status"] == "expired"  # read as expired at once
    assert current["status"] == "open"
    reader = login("wushan.staff")
    assert old["id"] not in _pool_ids(reader)
    assert old["id"] in _pool_ids(reader, open_only="false")

    result = cli("vacancies", "expire")
    assert result.exit_code == 0, result.output
    with world.owner_database().transaction() as session:
        use_operator_access(session, world.orgs["yantai"], read=[DataKind.DEMAND, DataKind.AUDIT])
        stored = session.get(Vacancy, uuid.UUID(old["id"]))
        assert stored is not None and stored.status == "expired"
        assert session.get(Vacancy, uuid.UUID(current["id"])).status == "open"
        entries = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "vacancy.expire", AuditEntry.tenant_id == world.orgs["yantai"]
            )
        ).all()
        assert len(entries) == 1 and entries[0].after["count"] >= 1

    # A later end date reopens it.
    reopened = yantai.patch(
        f"/api/v1/vacancies/{old['id']}",
        json={
            "version": old["version"] + 1,
            "valid_until": (clock.today() + timedelta(days=30)).isoformat(),
        },
    )
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "open"


def test_vacancy_updates_check_version_and_rules(login, world):
    yantai = login("yantai.staff")
    employer = _employer(yantai)
    vacancy = _vacancy(yantai, employer["id"])
    path = f"/api/v1/vacancies/{vacancy['id']}"
    paused = yantai.patch(path, json={"version": vacancy["version"], "status": "paused"})
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    stale = yantai.patch(path, json={"version": vacancy["version"], "headcount": 3})
    assert stale.status_code == 409 and stale.json()["current_version"] == vacancy["version"] + 1
    bad = yantai.patch(
        path, json={"version": vacancy["version"] + 1, "wage_min": 9000, "status": "filled"}
    )
    assert bad.status_code == 422
    assert {e["code"] for e in bad.json()["errors"]} == {"wage_order", "status_derived"}
    ages = yantai.post(
        "/api/v1/vacancies", json=vacancy_payload(employer["id"], age_min=50, age_max=20)
    )
    assert ages.status_code == 422 and ages.json()["errors"][0]["code"] == "age_order"
