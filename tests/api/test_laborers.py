"""The laborer registry over the JSON API: register, read, correct, survey, reveal."""

import logging
import uuid
from datetime import date

from sqlalchemy import select

from api.access import DataKind
from api.db import use_operator_access
from shared_models import AuditEntry, Laborer
from tests.fixtures.factories import id_number, laborer_payload


def _count(world, tenant_key):
    with world.owner_database().transaction() as session:
        use_operator_access(session, world.orgs[tenant_key], read=[DataKind.LABORER])
        return len(
            session.scalars(
                select(Laborer.id).where(Laborer.tenant_id == world.orgs[tenant_key])
            ).all()
        )


def _audit(world, tenant_key, action):
    with world.owner_database().transaction() as session:
        use_operator_access(session, world.orgs[tenant_key], read=[DataKind.AUDIT])
        return session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == action, AuditEntry.tenant_id == world.orgs[tenant_key]
            )
        ).all()


def test_register_derives_birth_and_sex_and_masks(login, world):
    user = login("wushan.staff")
    number = id_number(born=date(1988, 2, 29), sex="female")
    response = user.post("/api/v1/laborers", json=laborer_payload(id_number=number, name="谭小红"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["birth_date"] == f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    assert body["sex"] == "female"
    assert body["id_number"] == f"{number[:6]}********{number[-4:]}"
    assert body["phone"] == "138****8000"
    assert body["region_code"] == "500237"  # the county's, when not given
    assert body["skills"] == [{"name": "焊工", "code": "6-18-02-04"}]
    assert body["version"] == 1 and body["possible_duplicate"] is False
    created = _audit(world, "wushan", "laborer.create")
    entry = next(e for e in created if e.entity_id == body["id"])
    assert entry.after["id_number"] == body["id_number"]  # masked in the log too
    assert entry.after["phone"] == "138****8000"
    assert number not in str(entry.after)


def _wrong_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number.endswith("0") else "0")


def test_bad_input_is_refused_with_nothing_saved(login, world):
    user = login("wushan.staff")
    before = _count(world, "wushan")
    cases = {
        "id_checksum": {"id_number": _wrong_check_digit(id_number())},
        "id_format": {"id_number": "50023719900101"},
        "region_unknown": {"region_code": "500299"},
        "phone": {"phone": "12345"},
        "disability_level": {"disability_level": 2},
        "occupation_code": {"skills": [{"name": "焊工", "code": "welder"}]},
    }
    for code, overrides in cases.items():
        response = user.post("/api/v1/laborers", json=laborer_payload(**overrides))
        assert response.status_code == 422, (code, response.text)
        assert code in {e["code"] for e in response.json()["errors"]}, (code, response.json())
    missing = user.post(
        "/api/v1/laborers", json={k: v for k, v in laborer_payload().items() if k != "village"}
    )
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "village"
    assert _count(world, "wushan") == before


def test_same_id_twice_in_a_county_points_at_the_first(login):
    user = login("wushan.staff")
    payload = laborer_payload()
    first = user.post("/api/v1/laborers", json=payload).json()
    again = user.post("/api/v1/laborers", json={**payload, "name": "另一人"})
    assert again.status_code == 409
    assert again.json()["existing_id"] == first["id"]


def test_only_the_county_registers(login):
    for username in ("yantai.admin", "wushan.yantai.admin"):
        response = login(username).post("/api/v1/laborers", json=laborer_payload())
        assert response.status_code == 403, username
    viewer_membership = login("wushan.admin")  # viewer in the liaison office
    response = viewer_membership.post(
        "/api/v1/laborers",
        json=laborer_payload(),
        headers={
            "X-Tenant-ID": viewer_membership.get("/api/v1/me").json()["memberships"][1]["tenant_id"]
        },
    )
    assert response.status_code == 403


def test_who_sees_a_county_laborer(login, world):
    laborer_id = login("wushan.staff").post("/api/v1/laborers", json=laborer_payload()).json()["id"]
    assert login("wushan.yantai.staff").get(f"/api/v1/laborers/{laborer_id}").status_code == 200
    for outsider in ("yantai.admin", "kaizhou.admin", "weifang.staff", "kaizhou.weifang.staff"):
        user = login(outsider)
        assert user.get(f"/api/v1/laborers/{laborer_id}").status_code == 404, outsider
        assert all(
            item["id"] != laborer_id for item in user.get("/api/v1/laborers").json()["items"]
        )
    assert login("yantai.admin").get("/api/v1/laborers").json()["total"] == 0  # none referred yet


def test_update_with_optimistic_concurrency(login, world):
    user = login("wushan.staff")
    laborer = user.post("/api/v1/laborers", json=laborer_payload()).json()
    url = f"/api/v1/laborers/{laborer['id']}"
    first = user.patch(
        url, json={"version": 1, "village": "早阳村", "preferred_cities": ["烟台", "威海"]}
    )
    assert first.status_code == 200, first.text
    assert first.json()["version"] == 2
    assert first.json()["preferred_cities"] == ["烟台", "威海"]
    assert first.headers["ETag"] == 'W/"2"'
    stale = user.patch(url, json={"version": 1, "village": "龙水村"})
    assert stale.status_code == 409
    assert stale.json()["type"] == "/problems/stale-version"
    assert stale.json()["current_version"] == 2
    assert user.get(url).json()["village"] == "早阳村"
    update = next(
        e for e in _audit(world, "wushan", "laborer.update") if e.entity_id == laborer["id"]
    )
    assert update.before == {"village": "江东村", "preferred_cities": ["烟台"]}
    assert update.after == {"village": "早阳村", "preferred_cities": ["烟台", "威海"]}


def test_correcting_the_id_number(login):
    user = login("wushan.staff")
    laborer = user.post("/api/v1/laborers", json=laborer_payload()).json()
    corrected = id_number(born=date(1975, 1, 1), sex="female")
    response = user.patch(
        f"/api/v1/laborers/{laborer['id']}", json={"version": 1, "id_number": corrected}
    )
    assert response.status_code == 200, response.text
    assert response.json()["birth_date"].startswith("1975-01")
    assert response.json()["sex"] == "female"
    revealed = user.post(f"/api/v1/laborers/{laborer['id']}/reveal")
    assert revealed.status_code == 403  # staff has no pii.reveal
    admin = login("wushan.admin")
    assert admin.post(f"/api/v1/laborers/{laborer['id']}/reveal").json()["id_number"] == corrected


def test_liaison_office_updates_contact_and_status_only(login):
    county = login("wushan.staff")
    laborer = county.post("/api/v1/laborers", json=laborer_payload()).json()
    office = login("wushan.yantai.staff")
    url = f"/api/v1/laborers/{laborer['id']}"
    ok = office.patch(
        url, json={"version": 1, "phone": "13900001111", "employment_status": "employed"}
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["phone"] == "139****1111"
    refused = office.patch(url, json={"version": 2, "name": "改名"})
    assert refused.status_code == 403
    assert county.get(url).json()["name"] == "测试人"


def test_surveys_keep_history_and_the_latest_is_current(login):
    user = login("wushan.staff")
    laborer = user.post("/api/v1/laborers", json=laborer_payload()).json()
    url = f"/api/v1/laborers/{laborer['id']}/surveys"
    survey = {
        "surveyor": "向红梅",
        "employment_need": "none",
        "skill_level": "basic",
        "employment_difficulty": "none",
        "assistance_measure": "none",
    }
    assert (
        user.post(
            url, json={**survey, "surveyed_on": "2026-10-10", "employment_status": "employed"}
        ).status_code
        == 201
    )
    older = user.post(
        url, json={**survey, "surveyed_on": "2026-03-01", "employment_status": "farming"}
    )
    assert older.status_code == 201
    history = user.get(url).json()
    assert [s["surveyed_on"] for s in history] == ["2026-10-10", "2026-03-01"]
    current = user.get(f"/api/v1/laborers/{laborer['id']}").json()
    assert current["employment_status"] == "employed"  # the older survey does not override
    assert current["last_surveyed_on"] == "2026-10-10" and current["last_surveyor"] == "向红梅"
    future = user.post(
        url, json={**survey, "surveyed_on": "2099-01-01", "employment_status": "employed"}
    )
    assert future.status_code == 422


def test_reveal_needs_the_permission_and_is_audited(login, world):
    staff, admin = login("wushan.staff"), login("wushan.admin")
    payload = laborer_payload()
    laborer = staff.post("/api/v1/laborers", json=payload).json()
    assert staff.post(f"/api/v1/laborers/{laborer['id']}/reveal").status_code == 403
    revealed = admin.post(f"/api/v1/laborers/{laborer['id']}/reveal").json()
    assert revealed == {"id_number": payload["id_number"], "phone": payload["phone"]}
    entries = [e for e in _audit(world, "wushan", "laborer.reveal") if e.entity_id == laborer["id"]]
    assert len(entries) == 1 and entries[0].actor_label == "wushan.admin"


def test_personal_data_never_reaches_logs(login, caplog):
    caplog.set_level(logging.DEBUG)
    payload = laborer_payload()
    user = login("wushan.admin")
    laborer = user.post("/api/v1/laborers", json=payload).json()
    user.post(f"/api/v1/laborers/{laborer['id']}/reveal")
    user.get("/api/v1/laborers", params={"q": payload["id_number"]})
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert payload["id_number"] not in logged and payload["phone"] not in logged


def test_stored_encrypted(login, world):
    payload = laborer_payload()
    laborer = login("wushan.staff").post("/api/v1/laborers", json=payload).json()
    with world.owner_database().transaction() as session:
        use_operator_access(session, world.orgs["wushan"], read=[DataKind.LABORER])
        stored = session.get(Laborer, uuid.UUID(laborer["id"]))
        assert payload["id_number"].encode() not in stored.id_number_cipher
        assert payload["phone"].encode() not in (stored.phone_cipher or b"")
        assert stored.id_number_hash != payload["id_number"]


def test_unknown_or_malformed_ids(login):
    user = login("wushan.staff")
    assert user.get(f"/api/v1/laborers/{uuid.uuid4()}").status_code == 404
    assert user.get("/api/v1/laborers/not-an-id").status_code == 404
