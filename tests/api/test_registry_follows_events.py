"""The registry follows what happened (api/supply/derived.py): hires, job changes and
separations move the employment status, employer, place and transfer scope; surveys and
placements take turns by date; a certified training adds skill, certificate and level and
clears the need; `laborers reconcile` is idempotent and repairs a row broken on purpose."""

import re
import uuid

import pytest
from sqlalchemy import update

from api.supply.derived import certificate_level, work_scope
from shared_models import Laborer
from shared_models.enums import SkillLevel, WorkScope
from tests.fixtures.factories import (
    employer_payload,
    laborer_payload,
    placement_payload,
    vacancy_payload,
)

WUSHAN = "500237"  # 巫山县, 重庆
OFFICE = "wushan.yantai.staff"


def _ok(response, expect=(200, 201)):  # type: ignore[no-untyped-def]
    assert response.status_code in expect, response.text
    return response.json()


def _laborer(login, **overrides):  # type: ignore[no-untyped-def]
    return _ok(login("wushan.staff").post("/api/v1/laborers", json=laborer_payload(**overrides)))


def _get(login, laborer_id, user="wushan.staff"):  # type: ignore[no-untyped-def]
    return _ok(login(user).get(f"/api/v1/laborers/{laborer_id}"))


def _survey(login, laborer_id, day, status, need="none"):  # type: ignore[no-untyped-def]
    body = {
        "surveyed_on": day,
        "surveyor": "谭明",
        "employment_status": status,
        "employment_need": need,
        "skill_level": "basic",
        "employment_difficulty": "none",
        "assistance_measure": "none",
    }
    return _ok(login("wushan.staff").post(f"/api/v1/laborers/{laborer_id}/surveys", json=body))


def _job(lab):  # type: ignore[no-untyped-def]
    return (
        lab["employment_status"],
        lab["employment_source"],
        lab["employment_as_of"],
        lab["employer_name"],
        lab["work_city"],
        lab["work_scope"],
    )


@pytest.mark.parametrize(
    ("home", "work", "scope"),
    [
        (WUSHAN, WUSHAN, WorkScope.IN_DISTRICT),
        (WUSHAN, "500154", WorkScope.IN_CITY),  # 开州: still 重庆 (a municipality)
        (WUSHAN, "370602", WorkScope.OUT_OF_CITY),  # 烟台
        ("522630", "522601", WorkScope.IN_CITY),  # 台江 → 凯里, both 黔东南州
        ("522630", "520102", WorkScope.OUT_OF_CITY),  # 台江 → 贵阳
    ],
)
def test_transfer_scope_from_the_work_region_against_the_household_county(home, work, scope):
    assert work_scope(home, work) is scope


def test_certificate_level_from_the_assessment():
    assert certificate_level("合格", "S-1") is SkillLevel.BASIC
    assert certificate_level("合格（四级/中级工）", "S-1") is SkillLevel.INTERMEDIATE
    assert certificate_level("优秀", "高级工 S-1") is SkillLevel.ADVANCED


def test_hire_job_change_and_separation(login):
    wushan = login("wushan.staff")
    lab = _laborer(login)
    assert (lab["employment_status"], lab["employment_source"]) == ("unemployed", "record")
    first = _ok(wushan.post("/api/v1/placements", json=placement_payload(lab["id"])))
    now = _get(login, lab["id"])
    assert _job(now) == (
        "employed", "placement", "2021-03-01", "烟台某电子有限公司", "烟台", "out_of_city"
    )  # fmt: skip
    assert now["employment_source_id"] == first["id"]
    # Hired: the need for a job is met, so matching no longer offers vacancies.
    assert now["employment_need"] == "none"
    # Job change: the first ends, a job at home starts the next day.
    _ok(
        wushan.patch(
            f"/api/v1/placements/{first['id']}",
            json={"version": 1, "ended_on": "2021-06-30", "separation_reason": "quit"},
        )
    )
    assert _get(login, lab["id"])["employment_status"] == "unemployed"
    second = _ok(
        wushan.post(
            "/api/v1/placements",
            json=placement_payload(
                lab["id"],
                employer_name="巫山县扶贫车间",
                region_code=WUSHAN,
                channel="workshop",
                started_on="2021-07-01",
            ),
        )
    )
    assert _job(_get(login, lab["id"])) == (
        "employed", "placement", "2021-07-01", "巫山县扶贫车间", "巫山", "in_district"
    )  # fmt: skip
    # Separation with no job after it: unemployed from that day, no employer.
    _ok(
        wushan.patch(
            f"/api/v1/placements/{second['id']}",
            json={"version": 1, "ended_on": "2021-11-15", "separation_reason": "contract_ended"},
        )
    )
    assert _job(_get(login, lab["id"])) == (
        "unemployed", "placement", "2021-11-15", None, None, None
    )  # fmt: skip


def test_the_latest_fact_by_date_wins_between_surveys_and_placements(login):
    wushan = login("wushan.staff")
    lab = _laborer(login)
    _ok(wushan.post("/api/v1/placements", json=placement_payload(lab["id"])))  # from 2021-03-01
    # A survey from before the hire does not undo it...
    _survey(login, lab["id"], "2021-02-01", "unemployed", "job")
    now = _get(login, lab["id"])
    assert (now["employment_status"], now["employment_source"]) == ("employed", "placement")
    assert now["employer_name"] == "烟台某电子有限公司"
    # ...a later one saying they came home does, and the employer goes with it.
    _survey(login, lab["id"], "2021-05-10", "farming")
    now = _get(login, lab["id"])
    assert _job(now) == ("farming", "survey", "2021-05-10", None, None, None)
    # A later survey finding them at the job, wanting a change: employed, offered vacancies.
    _survey(login, lab["id"], "2021-08-01", "employed", "job")
    now = _get(login, lab["id"])
    assert _job(now) == (
        "employed", "survey", "2021-08-01", "烟台某电子有限公司", "烟台", "out_of_city"
    )  # fmt: skip
    assert now["employment_need"] == "job"
    assert _ok(wushan.get(f"/api/v1/laborers/{lab['id']}/matches"))["reason"] is None


def test_a_hand_edit_of_the_status_is_a_fact_of_its_day(login):
    wushan = login("wushan.staff")
    lab = _laborer(login)
    _ok(wushan.post("/api/v1/placements", json=placement_payload(lab["id"])))
    current = _get(login, lab["id"])
    edited = _ok(
        wushan.patch(
            f"/api/v1/laborers/{lab['id']}",
            json={"version": current["version"], "employment_status": "self_employed"},
        )
    )
    assert (edited["employment_status"], edited["employment_source"]) == (
        "self_employed",
        "record",
    )
    assert edited["employer_name"] is None


def test_a_certified_training_adds_skill_certificate_level_and_clears_the_need(world, login):
    wushan, yantai = login("wushan.staff"), login("yantai.staff")
    lab = _laborer(login, skill_level="none", surveyed_on="2021-01-10", surveyor="谭明")
    assert [t["name"] for t in lab["training_needs"]] == ["中式面点师"]
    course = {
        "title": "巫山—烟台 中式面点师培训",
        "occupation": "中式面点师",
        "occupation_code": "4-03-02-02",
        "training_type": "pre_job",
        "provider": "巫山县职业教育中心",
        "location": "巫山县职教中心",
        "starts_on": "2021-03-01",
        "ends_on": "2021-03-20",
        "capacity": 5,
        "co_organizer_id": str(world.orgs["yantai"]),
    }
    training = _ok(wushan.post("/api/v1/trainings", json=course))
    base = f"/api/v1/trainings/{training['id']}"
    [row] = _ok(
        wushan.post(
            f"{base}/enrollments", json={"laborer_ids": [lab["id"]], "enrolled_on": "2021-02-20"}
        )
    )
    # The co-organizer (a receiving bureau) records the completion: the county's register
    # follows, though the bureau may not write it.
    _ok(
        yantai.post(
            f"{base}/enrollments/{row['id']}/complete",
            json={
                "assessment_result": "合格（中级）",
                "certificate_number": "CQ2021-0001",
                "completed_on": "2021-03-20",
            },
        )
    )
    now = _get(login, lab["id"])
    assert [s["name"] for s in now["skills"]] == ["焊工", "中式面点师"]
    assert now["certificates"] == ["中式面点师（CQ2021-0001）"]
    assert now["training_needs"] == []
    assert (now["skill_level"], now["skill_level_source"], now["skill_level_as_of"]) == (
        "intermediate",
        "training",
        "2021-03-20",
    )
    assert {(t["kind"], t["source"], t["source_id"]) for t in now["derived_tags"]} == {
        ("skill", "training", row["id"]),
        ("certificate", "training", row["id"]),
    }
    # A later survey's assessment of the level stands (latest by date).
    _survey(login, lab["id"], "2021-04-01", "unemployed", "job")
    now = _get(login, lab["id"])
    assert (now["skill_level"], now["skill_level_source"]) == ("basic", "survey")
    assert [s["name"] for s in now["skills"]] == ["焊工", "中式面点师"]
    # The need entered again after the course stays: it is newer than the completion.
    _ok(
        wushan.patch(
            f"/api/v1/laborers/{lab['id']}",
            json={"version": now["version"], "training_needs": [{"name": "中式面点师"}]},
        )
    )
    _survey(login, lab["id"], "2021-05-01", "unemployed", "job")
    assert [t["name"] for t in _get(login, lab["id"])["training_needs"]] == ["中式面点师"]


def _changed(output: str) -> int:
    return int(re.search(r"(\d+) laborers changed", output).group(1))  # type: ignore[union-attr]


def test_reconcile_is_idempotent_and_repairs_a_row_made_wrong(world, login, cli):
    wushan = login("wushan.staff")
    lab = _laborer(login)
    _ok(wushan.post("/api/v1/placements", json=placement_payload(lab["id"])))
    first = cli("laborers", "reconcile")
    assert first.exit_code == 0, first.output
    # Every service already wrote what the recomputation says (the seeded world too).
    assert _changed(first.stdout) == 0
    again = cli("laborers", "reconcile")
    assert again.exit_code == 0, again.output
    assert _changed(again.stdout) == 0
    with world.owner_database().transaction() as session:
        from api.access import registry_system_access
        from api.db import apply_access

        apply_access(session, registry_system_access(session, world.orgs["wushan"]))
        session.execute(
            update(Laborer)
            .where(Laborer.id == uuid.UUID(lab["id"]))
            .values(employment_status="unemployed", employer_name=None, work_scope=None)
        )
    fixed = cli("laborers", "reconcile", "--org", "巫山县人社局")
    assert fixed.exit_code == 0, fixed.output
    assert _changed(fixed.stdout) == 1
    assert _job(_get(login, lab["id"]))[0::3] == ("employed", "烟台某电子有限公司")
    assert _changed(cli("laborers", "reconcile").stdout) == 0
    bureau = cli("laborers", "reconcile", "--org", "烟台市人社局")
    assert bureau.exit_code == 1 and "sending" in bureau.stderr


@pytest.mark.postgres_only
def test_a_receiving_bureau_records_the_hire_and_the_separation(world, login):
    """Row security: the bureau cannot write the county's laborer row, yet the register
    follows its hire and separation (computed under the county's own view)."""
    yantai, wushan = login("yantai.staff"), login("wushan.staff")
    employer = _ok(yantai.post("/api/v1/employers", json=employer_payload()))
    vacancy = _ok(yantai.post("/api/v1/vacancies", json=vacancy_payload(employer["id"])))
    lab = _laborer(login)
    [referral] = _ok(
        wushan.post(
            "/api/v1/referrals", json={"laborer_ids": [lab["id"]], "vacancy_ids": [vacancy["id"]]}
        )
    )
    for step in ("interviewed", "offered", "hired"):
        current = _ok(yantai.get(f"/api/v1/referrals/{referral['id']}"))
        _ok(
            yantai.post(
                f"/api/v1/referrals/{referral['id']}/steps",
                json={"status": step, "version": current["version"]},
            )
        )
    now = _get(login, lab["id"])
    assert (now["employment_status"], now["employer_name"]) == ("employed", employer["name"])
    assert now["work_scope"] == "out_of_city"
    [placement] = _ok(wushan.get("/api/v1/placements", params={"laborer_id": lab["id"]}))["items"]
    _ok(
        yantai.patch(
            f"/api/v1/placements/{placement['id']}",
            json={
                "version": placement["version"],
                "ended_on": placement["started_on"],
                "separation_reason": "dismissed",
            },
        )
    )
    now = _get(login, lab["id"])
    assert (now["employment_status"], now["employment_source"], now["employer_name"]) == (
        "unemployed",
        "placement",
        None,
    )
