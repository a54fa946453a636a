"""Money under concurrency on PostgreSQL: twenty identical claims at once give one claim;
twenty payments of one batch at once mark it paid once."""

import threading
import uuid

import pytest

from api import clock
from tests.fixtures.factories import WUSHAN_POLICIES, laborer_payload, placement_payload
from tests.fixtures.world import ApiUser

pytestmark = pytest.mark.postgres_only
N = 20


def _at_once(world, username, calls):  # type: ignore[no-untyped-def]
    """Run the calls in threads, each with its own client, released together."""
    users = [ApiUser(world.client(), username) for _ in calls]
    barrier = threading.Barrier(len(calls), timeout=30)
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i](users[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _setup(login):  # type: ignore[no-untyped-def]
    admin, staff = login("wushan.admin"), login("wushan.staff")
    policy = admin.post("/api/v1/subsidy-policies", json=WUSHAN_POLICIES["stability"]).json()
    laborer = staff.post("/api/v1/laborers", json=laborer_payload(poverty_status="lifted")).json()
    staff.post("/api/v1/placements", json=placement_payload(laborer["id"]))
    return policy, laborer


def test_twenty_identical_claims_make_one(world, login):
    policy, laborer = _setup(login)
    body = {"laborer_id": laborer["id"], "family_id": policy["family_id"]}
    results = _at_once(
        world, "wushan.staff", [lambda u: u.post("/api/v1/subsidy-claims", json=body)] * N
    )
    codes = sorted(r.status_code for r in results)  # type: ignore[attr-defined]
    assert codes.count(201) == 1, codes
    assert set(codes) <= {201, 409, 422}
    claims = (
        login("wushan.admin")
        .get("/api/v1/subsidy-claims", params={"laborer_id": laborer["id"]})
        .json()
    )
    assert claims["total"] == 1 and claims["items"][0]["amount"] == 6000


def test_twenty_identical_claims_with_one_key_get_one_answer(world, login):
    policy, laborer = _setup(login)
    body = {"laborer_id": laborer["id"], "family_id": policy["family_id"]}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    results = _at_once(
        world,
        "wushan.staff",
        [lambda u: u.post("/api/v1/subsidy-claims", json=body, headers=key)] * N,
    )
    assert {r.status_code for r in results} == {201}, [r.text for r in results]  # type: ignore[attr-defined]
    assert len({r.json()[0]["id"] for r in results}) == 1  # type: ignore[attr-defined]


def test_twenty_payments_of_one_batch_pay_once(world, login):
    policy, laborer = _setup(login)
    staff, admin = login("wushan.staff"), login("wushan.admin")
    [claim] = staff.post(
        "/api/v1/subsidy-claims",
        json={"laborer_id": laborer["id"], "family_id": policy["family_id"]},
    ).json()
    verified = login("wushan.yantai.staff").post(
        f"/api/v1/subsidy-claims/{claim['id']}/verify", json={"version": 1}
    )
    admin.post(
        f"/api/v1/subsidy-claims/{claim['id']}/approve",
        json={"version": verified.json()["version"]},
    )
    batch = admin.post("/api/v1/payment-batches", json={"number": "race"}).json()
    assert admin.get(f"/api/v1/payment-batches/{batch['id']}/export").status_code == 200
    pay = {"bank_reference": "ICBC-RACE", "paid_on": clock.today().isoformat()}

    def paying(reference: str):  # type: ignore[no-untyped-def]
        url = f"/api/v1/payment-batches/{batch['id']}/pay"
        return lambda u: u.post(url, json={**pay, "bank_reference": reference})

    results = _at_once(world, "wushan.admin", [paying(f"ICBC-{i}") for i in range(N)])
    codes = sorted(r.status_code for r in results)  # type: ignore[attr-defined]
    assert codes.count(200) == 1 and codes.count(409) == N - 1, codes
    winner = next(r for r in results if r.status_code == 200).json()  # type: ignore[attr-defined]
    paid = admin.get(f"/api/v1/subsidy-claims/{claim['id']}").json()
    assert (paid["status"], paid["bank_reference"]) == ("paid", winner["bank_reference"])
