"""Subsidies over the JSON API: the 巫山 policy judged on real records, versions, the
claim steps with two people, payment batches, and never paying twice."""

import uuid
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from api import clock
from tests.fixtures.factories import WUSHAN_POLICIES, laborer_payload, placement_payload


def _post(user, url, payload, expect=201, **kwargs):  # type: ignore[no-untyped-def]
    response = user.post(url, json=payload, **kwargs)
    assert response.status_code == expect, response.text
    return response.json()


@pytest.fixture
def policies(login):  # type: ignore[no-untyped-def]
    admin = login("wushan.admin")
    return {
        key: _post(admin, "/api/v1/subsidy-policies", body) for key, body in WUSHAN_POLICIES.items()
    }


def _placed(login, started_on="2021-03-01", **placement):  # type: ignore[no-untyped-def]
    staff = login("wushan.staff")
    laborer = _post(staff, "/api/v1/laborers", laborer_payload(poverty_status="lifted"))
    _post(
        staff,
        "/api/v1/placements",
        placement_payload(laborer["id"], started_on=started_on, **placement),
    )
    return laborer


def _entitlements(user, laborer_id, **params):  # type: ignore[no-untyped-def]
    """This test's policies only (the demo world has its own), by name."""
    response = user.get(f"/api/v1/laborers/{laborer_id}/entitlements", params=params)
    assert response.status_code == 200, response.text
    ours = {
        p["family_id"] for p in user.get("/api/v1/subsidy-policies").json() if p["year"] == 2021
    }
    return {item["name"]: item for item in response.json()["items"] if item["family_id"] in ours}


def test_the_wushan_scenarios(login, policies):
    staff = login("wushan.staff")
    stayed = _placed(login)
    on = _entitlements(staff, stayed["id"], as_of="2021-09-01")
    assert {name: e["earned"] for name, e in on.items()} == {
        "稳岗补贴": 6000,
        "生活适应期补贴": 5000,
        "交通生活补贴": 1500,
    }
    day_before = _entitlements(staff, stayed["id"], as_of="2021-08-31")
    assert day_before["稳岗补贴"]["earned"] == 0 and day_before["稳岗补贴"]["months"] == 5
    assert (day_before["稳岗补贴"]["next_due_on"], day_before["稳岗补贴"]["next_due_amount"]) == (
        "2021-09-01",
        6000,
    )
    left = _placed(login)
    placement = staff.get("/api/v1/placements", params={"laborer_id": left["id"]}).json()
    [spell] = placement["items"]
    staff.patch(
        f"/api/v1/placements/{spell['id']}",
        json={"version": 1, "ended_on": "2021-07-15", "separation_reason": "quit"},
    )
    gone = _entitlements(staff, left["id"])
    assert {name: e["earned"] for name, e in gone.items()} == {
        "稳岗补贴": 0,
        "生活适应期补贴": 0,
        "交通生活补贴": 1500,
    }
    assert gone["稳岗补贴"]["reasons"] == ["left_before_milestone"]
    assert gone["稳岗补贴"]["next_due_on"] is None
    # Not through the cooperation: no living-adaptation subsidy, and it says why.
    self_found = _placed(login, channel="self_found")
    why = _entitlements(staff, self_found["id"], as_of="2021-09-01")["生活适应期补贴"]
    assert (why["eligible"], why["reasons"]) == (False, ["channel"])
    assert why["reason_texts"] and why["reason_texts"][0] != "channel"


def test_editing_a_claimed_policy_makes_a_version_judged_by_start_date(login, policies):
    admin, staff = login("wushan.admin"), login("wushan.staff")
    transport = policies["transport"]
    # Nothing claimed yet: changed in place.
    edited = admin.patch(
        f"/api/v1/subsidy-policies/{transport['id']}", json={"version": 1, "note": "2021年版"}
    ).json()
    assert (edited["id"], edited["version"], edited["note"]) == (transport["id"], 1, "2021年版")
    before = _placed(login)
    _post(
        staff,
        "/api/v1/subsidy-claims",
        {"laborer_id": before["id"], "family_id": transport["family_id"]},
    )
    raised = admin.patch(
        f"/api/v1/subsidy-policies/{transport['id']}", json={"version": 1, "amount": 2000}
    )
    assert raised.status_code == 200, raised.text
    successor = raised.json()
    assert successor["id"] != transport["id"] and successor["version"] == 2
    assert successor["effective_from"] == clock.today().isoformat()
    stale = admin.patch(
        f"/api/v1/subsidy-policies/{transport['id']}", json={"version": 1, "amount": 3000}
    )
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    after = _placed(login, started_on=clock.today().isoformat())
    assert _entitlements(staff, before["id"])["交通生活补贴"]["earned"] == 1500
    assert _entitlements(staff, after["id"])["交通生活补贴"]["earned"] == 2000
    versions = admin.get("/api/v1/subsidy-policies", params={"all_versions": "true"}).json()
    assert sorted(p["version"] for p in versions if p["family_id"] == transport["family_id"]) == [
        1,
        2,
    ]


def test_claim_steps_two_people_and_a_payment_made_once(login, policies):
    staff, admin = login("wushan.staff"), login("wushan.admin")
    office = login("wushan.yantai.staff")
    laborer = _placed(login)
    claims = _post(
        staff,
        "/api/v1/subsidy-claims",
        {"laborer_id": laborer["id"], "family_id": policies["stability"]["family_id"]},
    )
    [claim] = claims
    assert (claim["amount"], claim["first_unit"], claim["last_unit"]) == (6000, 1, 6)
    assert claim["status"] == "raised"
    again = _post(
        staff,
        "/api/v1/subsidy-claims",
        {"laborer_id": laborer["id"], "family_id": policies["stability"]["family_id"]},
        expect=422,
    )
    assert "已" in again["detail"] or "claimed" in again["detail"]
    # Approval waits for the liaison office's check, and never by the one who raised it.
    early = _post(
        admin, f"/api/v1/subsidy-claims/{claim['id']}/approve", {"version": 1}, expect=409
    )
    assert (early["status"], early["claim_status"]) == (409, "raised")  # status: HTTP's
    assert (
        staff.post(f"/api/v1/subsidy-claims/{claim['id']}/verify", json={"version": 1}).status_code
        == 403
    )
    verified = _post(office, f"/api/v1/subsidy-claims/{claim['id']}/verify", {"version": 1}, 200)
    assert verified["status"] == "verified"
    self_approval = staff.post(
        f"/api/v1/subsidy-claims/{claim['id']}/approve", json={"version": verified["version"]}
    )
    assert self_approval.status_code == 403
    approved = _post(
        admin,
        f"/api/v1/subsidy-claims/{claim['id']}/approve",
        {"version": verified["version"]},
        200,
    )
    assert approved["approved_by_label"].startswith(approved["approved_by_label"][:2])
    batch = _post(admin, "/api/v1/payment-batches", {"number": "2021-09-01"})
    assert (batch["claim_count"], batch["total"], batch["status"]) == (1, 6000, "open")
    not_yet = _post(
        admin,
        f"/api/v1/payment-batches/{batch['id']}/pay",
        {"bank_reference": "ICBC-0001", "paid_on": clock.today().isoformat()},
        expect=409,
    )
    assert not_yet["type"] == "/problems/conflict"
    masked = admin.get(f"/api/v1/payment-batches/{batch['id']}/export")
    assert masked.status_code == 200
    pay = {"bank_reference": "ICBC-0001", "paid_on": clock.today().isoformat()}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = _post(admin, f"/api/v1/payment-batches/{batch['id']}/pay", pay, 200, headers=key)
    repeat = _post(admin, f"/api/v1/payment-batches/{batch['id']}/pay", pay, 200, headers=key)
    assert first == repeat and first["status"] == "paid"
    other_body = _post(
        admin,
        f"/api/v1/payment-batches/{batch['id']}/pay",
        {**pay, "bank_reference": "ICBC-0002"},
        422,
        headers=key,
    )
    assert "Idempotency-Key" in other_body["detail"]
    twice = _post(admin, f"/api/v1/payment-batches/{batch['id']}/pay", pay, 409)
    assert "2021-09-01" in twice["detail"]
    paid = staff.get(f"/api/v1/subsidy-claims/{claim['id']}").json()
    assert (paid["status"], paid["bank_reference"]) == ("paid", "ICBC-0001")
    summary = _entitlements(staff, laborer["id"])["稳岗补贴"]
    assert (summary["claimed"], summary["paid"], summary["unclaimed"]) == (6000, 6000, 0)
    rejected = admin.post(
        f"/api/v1/subsidy-claims/{claim['id']}/reject",
        json={"version": paid["version"], "reason": "x"},
    )
    assert rejected.status_code == 409  # paid money is not sent back


def test_a_rejected_claim_frees_its_money_for_a_corrected_one(login, policies):
    staff, admin = login("wushan.staff"), login("wushan.admin")
    laborer = _placed(login)
    family = policies["transport"]["family_id"]
    [claim] = _post(
        staff, "/api/v1/subsidy-claims", {"laborer_id": laborer["id"], "family_id": family}
    )
    no_reason = admin.post(
        f"/api/v1/subsidy-claims/{claim['id']}/reject", json={"version": 1, "reason": ""}
    )
    assert no_reason.status_code == 422
    _post(
        admin,
        f"/api/v1/subsidy-claims/{claim['id']}/reject",
        {"version": 1, "reason": "银行账号有误"},
        200,
    )
    [again] = _post(
        staff, "/api/v1/subsidy-claims", {"laborer_id": laborer["id"], "family_id": family}
    )
    assert again["amount"] == 1500 and again["id"] != claim["id"]


def test_idempotent_claims_and_bulk_raising(login, policies):
    staff = login("wushan.staff")
    people = [_placed(login) for _ in range(2)]
    body = {"laborer_id": people[0]["id"], "family_id": policies["transport"]["family_id"]}
    key = {"Idempotency-Key": "claim-" + people[0]["id"]}
    first = _post(staff, "/api/v1/subsidy-claims", body, headers=key)
    repeat = _post(staff, "/api/v1/subsidy-claims", body, headers=key)
    assert first == repeat
    everything = _post(staff, "/api/v1/subsidy-claims", {"all_due": True})
    families = {p["family_id"] for p in policies.values()}
    mine = [
        c
        for c in everything
        if c["laborer_id"] in {p["id"] for p in people} and c["family_id"] in families
    ]
    # Person 0: stability and adaptation (transport was claimed); person 1: all three.
    assert sorted(c["amount"] for c in mine) == [1500, 5000, 5000, 6000, 6000]
    assert _post(staff, "/api/v1/subsidy-claims", {"all_due": True}) == []
    queue = staff.get("/api/v1/subsidy-claims", params={"status": "raised"}).json()
    assert queue["counts"]["raised"] >= 6


def test_claims_stay_with_their_bureau(login, policies):
    staff = login("wushan.staff")
    laborer = _placed(login)
    [claim] = _post(
        staff,
        "/api/v1/subsidy-claims",
        {"laborer_id": laborer["id"], "family_id": policies["transport"]["family_id"]},
    )
    for outsider in ("kaizhou.admin", "yantai.admin", "kaizhou.weifang.staff"):
        user = login(outsider)
        assert user.get(f"/api/v1/subsidy-claims/{claim['id']}").status_code == 404
        assert claim["id"] not in {
            c["id"] for c in user.get("/api/v1/subsidy-claims").json()["items"]
        }
    assert (
        login("wushan.yantai.staff").get(f"/api/v1/subsidy-claims/{claim['id']}").status_code == 200
    )


def test_budget_projection_of_what_falls_due(login, policies):
    admin = login("wushan.admin")
    start = clock.today() - relativedelta(months=6) + timedelta(days=10)
    _placed(login, started_on=start.isoformat())
    in_30 = admin.get("/api/v1/subsidies/projection", params={"days": 30}).json()
    assert in_30["amount"] >= 11000 and in_30["by_policy"]["稳岗补贴"] >= 6000
    in_5 = admin.get("/api/v1/subsidies/projection", params={"days": 5}).json()
    assert in_5["amount"] < in_30["amount"]


def test_policy_input_errors(login):
    admin = login("wushan.admin")
    bad = _post(
        admin,
        "/api/v1/subsidy-policies",
        {**WUSHAN_POLICIES["stability"], "cap": 500, "destination_regions": ["3X"]},
        expect=422,
    )
    assert {e["code"] for e in bad["errors"]} == {"cap", "region_prefix"}
    office = login("wushan.yantai.admin")
    assert (
        office.post("/api/v1/subsidy-policies", json=WUSHAN_POLICIES["transport"]).status_code
        == 403
    )


def test_nightly_evaluation_is_idempotent_and_catches_up(cli, world, login, policies):
    """A change the page refresh could not see (made directly in the table, as a
    correction script would) is caught by the nightly run, and a second run writes
    nothing."""
    from sqlalchemy import select, update

    from api.access import DataKind
    from api.db import use_operator_access
    from shared_models import Entitlement, Placement

    staff = login("wushan.staff")
    laborer = _placed(login)
    family = uuid.UUID(policies["stability"]["family_id"])
    with world.owner_database().transaction() as session:
        kinds = [DataKind.PLACEMENT, DataKind.LABORER]
        use_operator_access(session, world.orgs["wushan"], read=kinds, write=kinds)
        ended = session.execute(
            update(Placement)
            .where(Placement.laborer_id == uuid.UUID(laborer["id"]))
            .values(ended_on=date(2021, 7, 15))
        )
        assert ended.rowcount == 1
    first = cli("subsidies", "evaluate", "--workers", "1")
    assert first.exit_code == 0, first.output
    assert "entitlements evaluated" in first.output
    with world.owner_database().transaction() as session:
        use_operator_access(session, world.orgs["wushan"], read=[DataKind.SUBSIDY])
        row = session.scalars(
            select(Entitlement).where(
                Entitlement.laborer_id == uuid.UUID(laborer["id"]), Entitlement.family_id == family
            )
        ).one()
        assert (row.earned, row.ongoing, row.reasons) == (0, False, ["left_before_milestone"])
    again = cli("subsidies", "evaluate")
    assert again.exit_code == 0 and " 0 rows changed" in again.output, again.output
    assert _entitlements(staff, laborer["id"])["稳岗补贴"]["earned"] == 0
