"""The demo's demand pool: loaded once with the rest, valid, shared within a pairing,
and good enough that matching finds work for the demo laborers."""

from datetime import timedelta

from sqlalchemy import select

from api import clock
from api.access import DataKind
from api.db import use_operator_access
from shared_models import Employer, Laborer, LaborerTag, Vacancy
from shared_models.enums import Education, EmploymentStatus, TagKind, TransferScope, VacancyStatus
from shared_models.validators.credit_code import validate_credit_code

BUREAUS = ("wushan", "yantai", "kaizhou", "weifang")


def test_every_bureau_posts_a_valid_pool(world):
    today = clock.today()
    employers, vacancies = [], []
    with world.owner_database().transaction() as session:
        for key in BUREAUS:
            tenant = world.orgs[key]
            use_operator_access(session, tenant, read=[DataKind.DEMAND])
            own = session.scalars(select(Employer).where(Employer.tenant_id == tenant)).all()
            assert own, f"{key} posted no employers"
            employers += [(e.name, e.credit_code, e.region_code, e.is_employment_base) for e in own]
            vacancies += [
                (v.headcount, v.status, v.valid_until)
                for v in session.scalars(select(Vacancy).where(Vacancy.tenant_id == tenant))
            ]
    assert 30 <= len(employers) <= 70  # 44 in the pool, 17 more came to the 2021 fair
    assert 120 <= len(vacancies) <= 200
    assert 3_000 <= sum(headcount for headcount, _, _ in vacancies) <= 6_000
    for name, code, region, _ in employers:
        assert validate_credit_code(code) == code, name
        assert code[2:8] == region, name  # registered where the employer is
    assert len({code for _, code, _, _ in employers}) == len(employers)
    # Something for the pages' filters and for `laborbridge vacancies expire`.
    assert any(status == VacancyStatus.PAUSED for _, status, _ in vacancies)
    assert any(until is not None and until < today for _, _, until in vacancies)
    assert sum(until is None or until >= today for _, _, until in vacancies) > 100


def test_the_pairing_shares_the_pool_and_no_one_else(login, world):
    # 紫建电子 is one of the near-home employment bases 潍坊 and 开州 chose (the seeds).
    weifang = login("weifang.staff")
    found = weifang.get("/api/v1/employers", params={"q": "紫建电子"}).json()["items"]
    assert [(e["tenant_id"], e["is_employment_base"]) for e in found] == [
        (str(world.orgs["kaizhou"]), True)
    ]
    assert (
        login("yantai.staff").get("/api/v1/employers", params={"q": "紫建电子"}).json()["items"]
        == []
    )

    wushan = login("wushan.staff")
    in_yantai = wushan.get("/api/v1/vacancies", params={"city": "烟台"}).json()
    assert in_yantai["total"] > 20
    assert {v["city"] for v in in_yantai["items"]} == {"烟台"}
    kaizhou = login("kaizhou.staff")
    assert kaizhou.get("/api/v1/vacancies", params={"city": "烟台"}).json()["total"] == 0


def _skilled_wushan_job_seekers(world):
    """巫山 demo laborers out of work, willing to go anywhere, with a trade, 18 to 50."""
    today = clock.today()
    with world.owner_database().transaction() as session:
        use_operator_access(session, world.orgs["wushan"], read=[DataKind.LABORER])
        return session.scalars(
            select(Laborer.id)
            .join(LaborerTag, LaborerTag.laborer_id == Laborer.id)
            .where(
                Laborer.tenant_id == world.orgs["wushan"],
                Laborer.employment_status == EmploymentStatus.UNEMPLOYED,
                Laborer.transfer_scope == TransferScope.OUT_OF_PROVINCE,
                Laborer.education != Education.PRIMARY,
                Laborer.birth_date.between(
                    today - timedelta(days=50 * 365), today - timedelta(days=18 * 366)
                ),
                LaborerTag.kind == TagKind.SKILL,
            )
            .distinct()
        ).all()


def test_demo_laborers_are_matched_to_the_demo_pool(login, world):
    seekers = _skilled_wushan_job_seekers(world)
    assert len(seekers) >= 3
    wushan = login("wushan.staff")
    trade_matched = 0
    for laborer_id in seekers:
        response = wushan.get(f"/api/v1/laborers/{laborer_id}/matches", params={"limit": 50})
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        assert len(items) >= 5 and items[0]["score"] >= 50
        # Only the pairing's jobs: 烟台's and 巫山's own.
        regions = {m["vacancy"]["region_code"] for m in items}
        assert all(r == "500237" or r.startswith("3706") for r in regions), regions
        skill = [c for m in items for c in m["explanation"]["criteria"] if c["key"] == "skill"]
        trade_matched += any(c["reason"] == "occupation" for c in skill)
    assert trade_matched * 2 >= len(seekers)  # most find their own trade wanted
