"""Tenant isolation over every object route the OpenAPI document lists.

For each path with an id in it, a tenant of the other pairing gets 404 for every method,
and nothing changes (the audit log, the best witness of a change, stays as it was).
A new route with a new kind of id fails here until it is given an owner's object below.
"""

import re
import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from shared_models import AuditEntry
from tests.fixtures.factories import (
    WUSHAN_POLICIES,
    credit_code,
    employer_payload,
    laborer_payload,
    placement_payload,
    vacancy_payload,
)
from tests.fixtures.jobs import wait_for_queued_jobs
from tests.fixtures.world import ApiUser, World

# For each path parameter: how to get an object owned on the 巫山 side (the owner logs in
# as `owner_user`), and a body that would be accepted if the caller could see it.
Factory = Callable[[World, ApiUser], str]


def _wushan_membership(world: World, owner: ApiUser) -> str:
    members = owner.get("/api/v1/members").json()
    return next(m["id"] for m in members if m["username"] == "wushan.staff")


def _wushan_token(world: World, owner: ApiUser) -> str:
    return owner.post("/api/v1/auth/tokens", json={"name": "isolation"}).json()["id"]


def _wushan_laborer(world: World, owner: ApiUser) -> str:
    return owner.get("/api/v1/laborers", params={"page_size": 1}).json()["items"][0]["id"]


def _wushan_employer(world: World, owner: ApiUser) -> str:
    payload = employer_payload(region_code="500237", credit_code=credit_code("500237"))
    response = owner.post("/api/v1/employers", json=payload)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _wushan_vacancy(world: World, owner: ApiUser) -> str:
    employer = _wushan_employer(world, owner)
    response = owner.post("/api/v1/vacancies", json=vacancy_payload(employer))
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _wushan_referral(world: World, owner: ApiUser) -> str:
    body = {
        "laborer_ids": [_wushan_laborer(world, owner)],
        "vacancy_ids": [_wushan_vacancy(world, owner)],
    }
    response = owner.post("/api/v1/referrals", json=body)
    assert response.status_code == 201, response.text
    return response.json()[0]["id"]


def _created(response) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code in (200, 201), response.text
    return response.json()


def _wushan_placement(world: World, owner: ApiUser) -> str:
    laborer = _created(owner.post("/api/v1/laborers", json=laborer_payload()))
    return _created(owner.post("/api/v1/placements", json=placement_payload(laborer["id"])))["id"]


def _wushan_leave(world: World, owner: ApiUser) -> str:
    placement = _wushan_placement(world, owner)
    body = {"left_on": "2026-01-20", "expected_return_on": "2026-02-28"}
    return _created(owner.post(f"/api/v1/placements/{placement}/leaves", json=body))["id"]


def _wushan_policy(world: World, owner: ApiUser) -> str:
    body = WUSHAN_POLICIES["transport"]
    return _created(owner.post("/api/v1/subsidy-policies", json=body))["id"]


def _wushan_claim(world: World, owner: ApiUser) -> dict:
    policy = _created(owner.get(f"/api/v1/subsidy-policies/{_wushan_policy(world, owner)}"))
    laborer = _created(owner.post("/api/v1/laborers", json=laborer_payload()))
    _created(owner.post("/api/v1/placements", json=placement_payload(laborer["id"])))
    body = {"laborer_id": laborer["id"], "family_id": policy["family_id"]}
    return _created(owner.post("/api/v1/subsidy-claims", json=body))[0]


def _wushan_batch(world: World, owner: ApiUser) -> str:
    claim = _wushan_claim(world, owner)
    office = ApiUser(owner.client, "wushan.yantai.staff")
    verified = _created(
        office.post(f"/api/v1/subsidy-claims/{claim['id']}/verify", json={"version": 1})
    )
    second = ApiUser(owner.client, "wushan.staff")
    step = {"version": verified["version"]}
    _created(second.post(f"/api/v1/subsidy-claims/{claim['id']}/approve", json=step))
    batch = owner.post("/api/v1/payment-batches", json={"number": "isolation"})
    return _created(batch)["id"]


def _wushan_import(world: World, owner: ApiUser) -> str:
    ledger = owner.get("/api/v1/laborers/export", params={"roster": "two_after", "reveal": "true"})
    response = owner.post(
        "/api/v1/laborers/import",
        files={"file": ("ledger.xlsx", ledger.content)},
        data={"dry_run": "true"},
    )
    assert response.status_code == 200, response.text
    return response.json()["import_id"]


TRAINING = {
    "title": "隔离测试培训",
    "occupation": "中式面点师",
    "training_type": "pre_job",
    "provider": "巫山县职业教育中心",
    "location": "巫山县",
    "starts_on": "2021-03-01",
    "ends_on": "2021-03-20",
    "capacity": 10,
}
SESSION = {"held_on": "2021-03-02", "starts_at": "08:30", "ends_at": "11:30"}


def _wushan_training(world: World, owner: ApiUser) -> str:
    return _created(owner.post("/api/v1/trainings", json=TRAINING))["id"]


def _wushan_training_session(world: World, owner: ApiUser) -> str:
    training = _wushan_training(world, owner)
    return _created(owner.post(f"/api/v1/trainings/{training}/sessions", json=SESSION))["id"]


def _wushan_enrollment(world: World, owner: ApiUser) -> str:
    training = _wushan_training(world, owner)
    laborer = _created(owner.post("/api/v1/laborers", json=laborer_payload()))
    body = {"laborer_ids": [laborer["id"]]}
    return _created(owner.post(f"/api/v1/trainings/{training}/enrollments", json=body))[0]["id"]


def _wushan_fair(world: World, owner: ApiUser) -> str:
    from tests.api.test_fairs import fair_payload

    fair = _created(owner.post("/api/v1/fairs", json=fair_payload()))
    body = {"status": "published", "version": 1}
    _created(owner.post(f"/api/v1/fairs/{fair['id']}/status", json=body))
    return fair["id"]


def _wushan_case(world: World, owner: ApiUser) -> str:
    # Cases are kept by the liaison office; the owner (the county) reads them.
    office = ApiUser(owner.client, "wushan.yantai.staff")
    body = {
        "kind": "visit",
        "occurred_on": "2026-01-20",
        "summary": "隔离测试走访",
        "laborer_ids": [_wushan_laborer(world, owner)],
    }
    return _created(office.post("/api/v1/cases", json=body))["id"]


def _wushan_attachment(world: World, owner: ApiUser) -> str:
    case = _wushan_case(world, owner)
    office = ApiUser(owner.client, "wushan.yantai.staff")
    png = b"\x89PNG\r\n\x1a\n" + bytes(32)
    response = office.post(
        f"/api/v1/cases/{case}/attachments", files={"file": ("photo.png", png, "image/png")}
    )
    return _created(response)["id"]


def _wushan_warning(world: World, owner: ApiUser) -> str:
    # A placement never verified since 2021 is flagged as soon as it is recorded.
    laborer = _created(owner.post("/api/v1/laborers", json=laborer_payload()))
    _created(owner.post("/api/v1/placements", json=placement_payload(laborer["id"])))
    wait_for_queued_jobs(world)  # the flags are judged after the commit
    flags = _created(owner.get("/api/v1/warnings", params={"laborer_id": laborer["id"]}))
    return flags["items"][0]["id"]


def _wushan_report(world: World, owner: ApiUser) -> str:
    # The county's report of the 旬 under way (a period that has begun).
    from api import clock
    from api.oversight.periods import PeriodKind, period_of

    body = {"period": period_of(PeriodKind.XUN, clock.today()).code, "comment": "隔离测试"}
    return _created(owner.post("/api/v1/reports", json=body))["id"]


OWNED_OBJECTS: dict[str, Factory] = {
    "organization_id": lambda world, _owner: str(world.orgs["wushan"]),
    "pairing_id": lambda world, _owner: str(world.pairings["wushan"]),
    "report_id": _wushan_report,
    "membership_id": _wushan_membership,
    "token_id": _wushan_token,
    "laborer_id": _wushan_laborer,
    "import_id": _wushan_import,
    "employer_id": _wushan_employer,
    "vacancy_id": _wushan_vacancy,
    "referral_id": _wushan_referral,
    "placement_id": _wushan_placement,
    "leave_id": _wushan_leave,
    "policy_id": _wushan_policy,
    "claim_id": lambda world, owner: _wushan_claim(world, owner)["id"],
    "batch_id": _wushan_batch,
    "training_id": _wushan_training,
    "session_id": _wushan_training_session,
    "enrollment_id": _wushan_enrollment,
    "fair_id": _wushan_fair,
    "case_id": _wushan_case,
    "attachment_id": _wushan_attachment,
    "warning_id": _wushan_warning,
}
BODIES = {
    ("PATCH", "membership_id"): {"role": "viewer"},
    ("PATCH", "laborer_id"): {"version": 1, "note": "outsider"},
    ("PATCH", "employer_id"): {"version": 1, "name": "outsider"},
    ("PATCH", "vacancy_id"): {"version": 1, "title": "outsider"},
    ("POST", "referral_id"): {"status": "interviewed", "version": 1},
    ("PATCH", "placement_id"): {"version": 1, "note": "outsider"},
    ("PATCH", "policy_id"): {"version": 1, "note": "outsider"},
    ("POST", "leave_id"): {"version": 1, "returned_on": "2026-02-01"},
    ("POST", "claim_id"): {"version": 1, "reason": "outsider"},
    ("PATCH", "training_id"): {"version": 1, "title": "outsider"},
    ("PATCH", "case_id"): {"version": 1, "status": "closed"},
    ("POST", "batch_id"): {"bank_reference": "outsider", "paid_on": "2026-01-01"},
    ("POST", "laborer_id"): {
        "surveyed_on": "2026-11-01",
        "surveyor": "某人",
        "employment_status": "employed",
        "employment_need": "none",
        "skill_level": "none",
        "employment_difficulty": "none",
        "assistance_measure": "none",
    },
}
# Where one parameter has routes with different bodies, the route's own body.
PATH_BODIES = {
    ("POST", "/api/v1/reports/{report_id}/return"): {"reason": "隔离测试"},
    ("POST", "/api/v1/fairs/{fair_id}/status"): {"status": "ongoing", "version": 2},
    ("POST", "/api/v1/fairs/{fair_id}/employers"): {
        "employer_id": str(uuid.uuid4()),
        "vacancy_ids": [str(uuid.uuid4())],
    },
    ("POST", "/api/v1/fairs/{fair_id}/registrations"): {"laborer_ids": [str(uuid.uuid4())]},
    ("POST", "/api/v1/fairs/{fair_id}/checkins"): {"code": "ACDEFGHJ"},
    ("POST", "/api/v1/fairs/{fair_id}/intentions"): {
        "registration_id": str(uuid.uuid4()),
        "vacancy_id": str(uuid.uuid4()),
    },
    ("POST", "/api/v1/placements/{placement_id}/verifications"): {
        "month": "2021-03",
        "source": "payroll",
    },
    ("POST", "/api/v1/placements/{placement_id}/leaves"): {
        "left_on": "2026-01-20",
        "expected_return_on": "2026-02-28",
    },
    ("POST", "/api/v1/subsidy-claims/{claim_id}/verify"): {"version": 1},
    ("POST", "/api/v1/trainings/{training_id}/sessions"): SESSION,
    ("POST", "/api/v1/cases/{case_id}/notes"): {"body": "outsider"},
    ("POST", "/api/v1/warnings/{warning_id}/acknowledge"): {"version": 1},
    ("POST", "/api/v1/warnings/{warning_id}/assign"): {"version": 1, "user_id": None},
    ("POST", "/api/v1/warnings/{warning_id}/close"): {"version": 1, "note": "outsider"},
    ("POST", "/api/v1/warnings/{warning_id}/visit"): {
        "version": 1,
        "occurred_on": "2026-01-20",
        "summary": "outsider",
    },
    ("POST", "/api/v1/trainings/{training_id}/enrollments"): {"laborer_ids": [str(uuid.uuid4())]},
    ("POST", "/api/v1/trainings/{training_id}/enrollments/{enrollment_id}/withdraw"): {
        "reason": "outsider"
    },
    ("POST", "/api/v1/trainings/{training_id}/enrollments/{enrollment_id}/complete"): {
        "assessment_result": "合格"
    },
    ("PUT", "/api/v1/trainings/{training_id}/sessions/{session_id}/attendance"): [
        {"enrollment_id": str(uuid.uuid4()), "present": True}
    ],
    ("POST", "/api/v1/subsidy-claims/{claim_id}/approve"): {"version": 1},
    ("PUT", "/api/v1/laborers/{laborer_id}/payee-account"): {
        "bank_name": "重庆农村商业银行",
        "account_number": "6224000011112222",
    },
}
PARAM = re.compile(r"\{([a-z_]+)\}")


def object_routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    routes = []
    for path, operations in app.openapi()["paths"].items():
        if not PARAM.search(path) or not path.startswith("/api/"):
            continue
        for method in operations:
            routes.append((method.upper(), path))
    return sorted(routes)


def _audit_count(world: World) -> int:
    with world.owner_database().sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def test_every_path_parameter_has_an_owned_object(world):
    params = {p for _m, path in object_routes(world.app()) for p in PARAM.findall(path)}
    missing = params - OWNED_OBJECTS.keys()
    assert not missing, f"add an owned object for {missing} in OWNED_OBJECTS"


@pytest.mark.parametrize(
    ("owner_user", "outsider_user"),
    [
        ("wushan.admin", "kaizhou.admin"),  # another county's bureau
        ("wushan.admin", "weifang.admin"),  # an unpaired receiving bureau
        ("wushan.admin", "kaizhou.weifang.admin"),  # another county's liaison office
    ],
)
def test_outsiders_get_404_and_change_nothing(world, client, owner_user, outsider_user):
    owner = ApiUser(client, owner_user)
    outsider = ApiUser(client, outsider_user)
    routes = object_routes(world.app())
    assert routes, "the API lists object routes"
    ids = {name: factory(world, owner) for name, factory in OWNED_OBJECTS.items()}
    before = _audit_count(world)
    for method, path in routes:
        params = PARAM.findall(path)
        url = path
        for name in params:
            url = url.replace("{" + name + "}", ids[name])
        takes_body = method != "GET" and (
            path.endswith("}")
            or path.endswith(("/surveys", "/steps", "/return", "/pay", "/reject"))
        )
        body = PATH_BODIES.get((method, path)) or (
            BODIES.get((method, params[-1])) if takes_body else None
        )
        response = (
            outsider.request(method, url, json=body) if body else outsider.request(method, url)
        )
        assert response.status_code == 404, (method, path, response.status_code, response.text)
        assert response.json()["type"] == "/problems/not-found"
    assert _audit_count(world) == before
    # The owner still has everything, unchanged.
    assert owner.get(f"/api/v1/members/{ids['membership_id']}").json()["role"] == "staff"
    tokens = owner.get("/api/v1/auth/tokens").json()
    assert next(t for t in tokens if t["id"] == ids["token_id"])["revoked_at"] is None
    laborer = owner.get(f"/api/v1/laborers/{ids['laborer_id']}").json()
    assert (laborer["version"], laborer["note"]) == (1, None)
    assert owner.get(f"/api/v1/laborers/import/{ids['import_id']}").json()["status"] == "previewed"
    vacancy = owner.get(f"/api/v1/vacancies/{ids['vacancy_id']}").json()
    assert (vacancy["version"], vacancy["title"]) == (1, "电焊工")
    referral = owner.get(f"/api/v1/referrals/{ids['referral_id']}").json()
    assert (referral["version"], referral["status"]) == (1, "recommended")
    case = owner.get(f"/api/v1/cases/{ids['case_id']}").json()
    assert (case["version"], case["status"]) == (1, "open")


def test_liaison_offices_do_not_see_each_other(world, login):
    office = login("wushan.yantai.admin")
    other_office = world.orgs["kaizhou_office"]
    assert office.get(f"/api/v1/organizations/{world.orgs['wushan_office']}").status_code == 200
    assert office.get(f"/api/v1/organizations/{other_office}").status_code == 404
    members = office.get("/api/v1/members").json()
    assert {m["username"] for m in members} == {
        "wushan.yantai.admin",
        "wushan.yantai.staff",
        "wushan.admin",
    }
    other_members = login("kaizhou.weifang.admin").get("/api/v1/members").json()
    for member in other_members:
        assert office.get(f"/api/v1/members/{member['id']}").status_code == 404


def test_unknown_ids_are_404_not_500(login):
    user = login("wushan.admin")
    for url in (
        f"/api/v1/organizations/{uuid.uuid4()}",
        f"/api/v1/pairings/{uuid.uuid4()}",
        f"/api/v1/members/{uuid.uuid4()}",
        "/api/v1/members/not-a-uuid",
        "/api/v1/organizations/1",
    ):
        assert user.get(url).status_code == 404, url
