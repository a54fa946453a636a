"""A laborer's timeline over the JSON API: everything in one list, newest first; the
county and its office see it all, the employer's bureau only its own part, masked."""

from sqlalchemy import func, select

from api import clock
from shared_models import (
    FairIntention,
    FairRegistration,
    Laborer,
    SubsidyClaim,
    TrainingEnrollment,
)
from tests.api.test_casework import dispute, visit
from tests.fixtures.factories import employer_payload, laborer_payload, vacancy_payload

NAME = "谭春燕"


def _ok(response, expect=201):  # type: ignore[no-untyped-def]
    assert response.status_code == expect, response.text
    return response.json()


def _step(user, referral, status, **extra):  # type: ignore[no-untyped-def]
    body = {"status": status, "version": referral["version"], **extra}
    return _ok(user.post(f"/api/v1/referrals/{referral['id']}/steps", json=body), 200)


def _timeline(user, laborer_id, expect=200):  # type: ignore[no-untyped-def]
    return _ok(user.get(f"/api/v1/laborers/{laborer_id}/timeline"), expect)


def _hired_worker(login):  # type: ignore[no-untyped-def]
    """A laborer referred to a 烟台 employer and hired, verified, on leave, with a visit
    and a dispute logged by the 巫山 office in 烟台."""
    wushan, yantai, office = (
        login("wushan.staff"),
        login("yantai.staff"),
        login("wushan.yantai.staff"),
    )
    laborer = _ok(wushan.post("/api/v1/laborers", json=laborer_payload(name=NAME)))
    survey = {
        "surveyed_on": clock.today().isoformat(),
        "surveyor": "江东村 刘书记",
        "employment_status": "unemployed",
        "employment_need": "job",
        "skill_level": "basic",
        "employment_difficulty": "none",
        "assistance_measure": "job_referral",
    }
    _ok(wushan.post(f"/api/v1/laborers/{laborer['id']}/surveys", json=survey))
    employer = _ok(
        yantai.post("/api/v1/employers", json=employer_payload(name="烟台海川食品有限公司"))
    )
    vacancy = _ok(yantai.post("/api/v1/vacancies", json=vacancy_payload(employer["id"])))
    [referral] = _ok(
        wushan.post(
            "/api/v1/referrals",
            json={
                "laborer_ids": [laborer["id"]],
                "vacancy_ids": [vacancy["id"]],
                "note": "家中有老人需照顾",
            },
        )
    )
    referral = _step(yantai, referral, "interviewed")
    referral = _step(yantai, referral, "offered")
    referral = _step(wushan, referral, "hired")
    [placement] = _ok(wushan.get(f"/api/v1/placements?laborer_id={laborer['id']}"), 200)["items"]
    url = f"/api/v1/placements/{placement['id']}"
    _ok(
        wushan.post(
            f"{url}/verifications",
            json={"month": clock.today().strftime("%Y-%m"), "source": "employer"},
        )
    )
    today = clock.today().isoformat()
    _ok(wushan.post(f"{url}/leaves", json={"left_on": today, "expected_return_on": "2099-01-01"}))
    _ok(office.post("/api/v1/cases", json=visit([laborer["id"]], occurred_on=today)))
    _ok(
        office.post(
            "/api/v1/cases",
            json=dispute([laborer["id"]], occurred_on=today, employer_id=employer["id"]),
        )
    )
    return laborer


def test_the_county_and_its_office_see_the_whole_record_newest_first(login):
    laborer = _hired_worker(login)
    seen = _timeline(login("wushan.staff"), laborer["id"])
    assert (seen["name"], seen["masked"]) == (NAME, False)
    kinds = [e["kind"] for e in seen["entries"]]
    assert seen["count"] == len(kinds)
    assert {"survey", "referral", "placement", "verification", "leave", "case"} <= set(kinds)
    assert kinds.count("referral") == 4  # recommended, interviewed, offered, hired
    assert kinds.count("case") == 2
    assert kinds.count("survey") == 2  # entered in the register, then surveyed
    [check] = [e for e in seen["entries"] if e["kind"] == "verification"]
    month = clock.today().replace(day=1)
    assert check["on"] == month.isoformat() and month.strftime("%Y-%m") in check["detail"]
    days = [e["on"] for e in seen["entries"]]
    assert days == sorted(days, reverse=True)
    # Within one day, the later record comes first: the hire before the offer.
    steps = [e["title"] for e in seen["entries"] if e["kind"] == "referral"]
    assert steps[0].endswith("已入职") and steps[-1].endswith("已推荐")
    assert any("家中有老人需照顾" in (e["detail"] or "") for e in seen["entries"])

    office = _timeline(login("wushan.yantai.staff"), laborer["id"])
    assert office["entries"] == seen["entries"]


def test_the_employers_bureau_sees_only_its_part_masked(login):
    laborer = _hired_worker(login)
    yantai = login("yantai.staff")
    seen = _timeline(yantai, laborer["id"])
    assert seen["masked"] and seen["name"] == "谭*燕"
    assert NAME not in yantai.get(f"/api/v1/laborers/{laborer['id']}/timeline").text
    kinds = {e["kind"] for e in seen["entries"]}
    assert kinds == {"referral", "placement", "verification", "leave", "case"}
    [case] = [e for e in seen["entries"] if e["kind"] == "case"]
    assert case["title"].endswith("工资纠纷") and case["by"] is None
    assert "拖欠三个月工资" not in (case["detail"] or "")  # the summary stays with the office
    assert all("家中有老人需照顾" not in (e["detail"] or "") for e in seen["entries"])


def test_outsiders_and_unconcerned_bureaus_get_404(login):
    laborer = _hired_worker(login)
    for outsider in ("kaizhou.staff", "weifang.staff", "kaizhou.weifang.staff"):
        _timeline(login(outsider), laborer["id"], expect=404)
    # Registered but never referred to or placed with a 烟台 employer.
    untouched = _ok(login("wushan.staff").post("/api/v1/laborers", json=laborer_payload()))
    _timeline(login("yantai.staff"), untouched["id"], expect=404)
    assert _timeline(login("wushan.staff"), untouched["id"])["count"] >= 1


def _steps(world, laborer_id) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Counted by hand from the rows: one entry per dated step of each record."""
    with world.superuser_session() as session:
        claims = session.scalars(
            select(SubsidyClaim).where(SubsidyClaim.laborer_id == laborer_id)
        ).all()
        enrollments = session.scalars(
            select(TrainingEnrollment).where(TrainingEnrollment.laborer_id == laborer_id)
        ).all()
        registrations = session.scalars(
            select(FairRegistration).where(FairRegistration.laborer_id == laborer_id)
        ).all()
        intentions = session.scalar(
            select(func.count())
            .select_from(FairIntention)
            .join(FairRegistration, FairIntention.registration_id == FairRegistration.id)
            .where(FairRegistration.laborer_id == laborer_id)
        )
    return {
        "claim": sum(
            1 + sum(x is not None for x in (c.verified_at, c.approved_at, c.paid_on, c.rejected_at))
            for c in claims
        ),
        "paid": sum(c.paid_on is not None for c in claims),
        "training": sum(
            1 + (e.withdrawn_on is not None) + (e.completed_on is not None) for e in enrollments
        ),
        "fair": len(registrations)
        + sum(r.checked_in_at is not None for r in registrations)
        + (intentions or 0),
    }


def test_fairs_trainings_and_claims_appear_as_recorded(world, login):
    """On the demo register: 巫山 laborers with subsidy claims, a training, a fair: one entry
    per recorded step of each, as a hand count of the rows says."""
    with world.superuser_session() as session:
        picks = {
            kind: session.scalar(
                select(column)
                .join(Laborer, Laborer.id == column)
                .where(Laborer.tenant_id == world.orgs["wushan"])
                .order_by(column)
                .limit(1)
            )
            for kind, column in (
                ("claim", SubsidyClaim.laborer_id),
                ("training", TrainingEnrollment.laborer_id),
                ("fair", FairRegistration.laborer_id),
            )
        }
    assert all(picks.values()), picks  # the demo has each
    wushan, yantai = login("wushan.staff"), login("yantai.staff")
    for kind, laborer_id in picks.items():
        expected = _steps(world, laborer_id)
        seen = _timeline(wushan, laborer_id)
        kinds = [e["kind"] for e in seen["entries"]]
        assert expected[kind] > 0
        for counted in ("claim", "training", "fair"):
            assert kinds.count(counted) == expected[counted], (kind, counted)
        paid = [e for e in seen["entries"] if e["kind"] == "claim" and e["title"] == "补贴已发放"]
        assert len(paid) == expected["paid"]
        # The receiving bureau reads none of the county's claims, trainings or surveys.
        response = yantai.get(f"/api/v1/laborers/{laborer_id}/timeline")
        assert response.status_code in (200, 404)
        if response.status_code == 200:
            hidden = {"claim", "training", "survey"} & {
                e["kind"] for e in response.json()["entries"]
            }
            assert not hidden
