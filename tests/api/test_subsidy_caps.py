"""Money never passes a cap, through the services and the JSON API: the cap holds per
person across stays, the channel is judged on the placement that qualifies, and an
overpayment left by a correction is shown and flagged in the claims queue."""

import uuid

import pytest

from api import clock
from tests.fixtures.factories import WUSHAN_POLICIES, laborer_payload, placement_payload
from tests.web.helpers import sign_in


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


def _laborer(login):  # type: ignore[no-untyped-def]
    return _post(
        login("wushan.staff"), "/api/v1/laborers", laborer_payload(poverty_status="lifted")
    )


def _place(login, laborer, started_on, ended_on=None, **placement):  # type: ignore[no-untyped-def]
    body = placement_payload(laborer["id"], started_on=started_on, **placement)
    if ended_on:
        body |= {"ended_on": ended_on, "separation_reason": "quit"}
    return _post(login("wushan.staff"), "/api/v1/placements", body)


def _entitlement(user, laborer, policy, as_of):  # type: ignore[no-untyped-def]
    response = user.get(f"/api/v1/laborers/{laborer['id']}/entitlements", params={"as_of": as_of})
    assert response.status_code == 200, response.text
    [item] = [i for i in response.json()["items"] if i["family_id"] == policy["family_id"]]
    return item


def _claim(login, laborer, policy, as_of, expect=201):  # type: ignore[no-untyped-def]
    body = {"laborer_id": laborer["id"], "family_id": policy["family_id"], "as_of": as_of}
    return _post(login("wushan.staff"), "/api/v1/subsidy-claims", body, expect=expect)


def _pay(login, claim):  # type: ignore[no-untyped-def]
    """Verify (the liaison office), approve (a second person), batch, export, pay."""
    office, admin = login("wushan.yantai.staff"), login("wushan.admin")
    step = _post(office, f"/api/v1/subsidy-claims/{claim['id']}/verify", {"version": 1}, 200)
    _post(admin, f"/api/v1/subsidy-claims/{claim['id']}/approve", {"version": step["version"]}, 200)
    batch = _post(
        admin,
        "/api/v1/payment-batches",
        {"number": f"B-{uuid.uuid4().hex[:8]}", "claim_ids": [claim["id"]]},
    )
    assert admin.get(f"/api/v1/payment-batches/{batch['id']}/export").status_code == 200
    pay = {"bank_reference": "ICBC-1", "paid_on": clock.today().isoformat()}
    _post(admin, f"/api/v1/payment-batches/{batch['id']}/pay", pay, 200)


def test_the_cap_holds_across_two_stays(login, policies):
    staff = login("wushan.staff")
    laborer = _laborer(login)
    first = _place(login, laborer, "2021-03-01", "2021-09-30")
    [claim] = _claim(login, laborer, policies["stability"], "2021-10-01")
    assert (claim["amount"], claim["placement_id"]) == (6000, first["id"])
    _pay(login, claim)
    # 46 days away (1 Oct – 15 Nov) breaks the stay; the second runs 8 months.
    _place(login, laborer, "2021-11-16", "2022-07-16")
    held = _entitlement(staff, laborer, policies["stability"], "2022-07-16")
    assert (held["earned"], held["paid"], held["unclaimed"], held["overpaid"]) == (
        6000,
        6000,
        0,
        0,
    )
    assert held["stay_started_on"] == "2021-11-16"
    again = _claim(login, laborer, policies["stability"], "2022-07-16", expect=422)
    assert again["type"] == "/problems/validation-failed"
    everything = _post(staff, "/api/v1/subsidy-claims", {"all_due": True, "as_of": "2022-07-16"})
    stability = policies["stability"]["family_id"]
    assert [
        c for c in everything if (c["laborer_id"], c["family_id"]) == (laborer["id"], stability)
    ] == []
    mine = staff.get("/api/v1/subsidy-claims", params={"laborer_id": laborer["id"]}).json()
    paid = [c for c in mine["items"] if c["family_id"] == policies["stability"]["family_id"]]
    assert [(c["amount"], c["status"], c["overpaid"]) for c in paid] == [(6000, "paid", 0)]


def test_a_lower_monthly_amount_in_a_later_version_cannot_pass_the_cap(login, policies):
    """Version 2 pays 500 a month (its units 1..12): the 6,000 paid under version 1 for
    units 1..6 still fills the 6,000 cap, so units 7..12 are never claimable."""
    admin, staff = login("wushan.admin"), login("wushan.staff")
    laborer = _laborer(login)
    _place(login, laborer, "2021-03-01", "2021-09-30")
    [claim] = _claim(login, laborer, policies["stability"], "2021-10-01")
    _pay(login, claim)
    stability = policies["stability"]
    edited = admin.patch(
        f"/api/v1/subsidy-policies/{stability['id']}", json={"version": 1, "amount": 500}
    )
    assert edited.status_code == 200 and edited.json()["version"] == 2, edited.text
    today = clock.today()
    _place(login, laborer, today.isoformat())
    later = today.replace(year=today.year + 1).isoformat()
    now = _entitlement(staff, laborer, policies["stability"], later)
    assert now["policy_version"] == 2 and now["earned"] == 6000
    assert now["unclaimed"] == 0
    _claim(login, laborer, stability, later, expect=422)


def test_self_found_then_organized_within_the_gap(login, policies):
    staff = login("wushan.staff")
    laborer = _laborer(login)
    _place(login, laborer, "2021-03-01", "2021-05-31", channel="self_found")
    organized = _place(login, laborer, "2021-06-10")  # 9 days later: one stay
    adaptation = _entitlement(staff, laborer, policies["adaptation"], "2021-12-09")
    assert (adaptation["eligible"], adaptation["reasons"], adaptation["earned"]) == (True, [], 0)
    assert adaptation["stay_started_on"] == "2021-06-10"
    assert (adaptation["next_due_on"], adaptation["next_due_amount"]) == ("2021-12-10", 5000)
    assert _entitlement(staff, laborer, policies["adaptation"], "2021-12-10")["earned"] == 5000
    # Any channel: the stay counts from its first day.
    stability = _entitlement(staff, laborer, policies["stability"], "2021-09-01")
    assert (stability["stay_started_on"], stability["earned"]) == ("2021-03-01", 6000)
    _claim(login, laborer, policies["adaptation"], "2021-12-09", expect=422)
    [claim] = _claim(login, laborer, policies["adaptation"], "2021-12-10")
    assert (claim["amount"], claim["placement_id"]) == (5000, organized["id"])


def test_an_overpayment_after_a_correction_is_shown_and_flagged(world, login, policies):
    staff = login("wushan.staff")
    laborer = _laborer(login)
    placement = _place(login, laborer, "2021-03-01")
    [stability] = _claim(login, laborer, policies["stability"], "2021-10-01")
    _pay(login, stability)
    [adaptation] = _claim(login, laborer, policies["adaptation"], "2021-10-01")
    # The dates are corrected: the job ended after four months.
    corrected = staff.patch(
        f"/api/v1/placements/{placement['id']}",
        json={
            "version": placement["version"],
            "ended_on": "2021-06-30",
            "separation_reason": "quit",
        },
    )
    assert corrected.status_code == 200, corrected.text
    shown = _entitlement(staff, laborer, policies["stability"], clock.today().isoformat())
    assert (shown["earned"], shown["paid"], shown["overpaid"], shown["unclaimed"]) == (
        0,
        6000,
        6000,
        0,
    )
    queue = staff.get("/api/v1/subsidy-claims", params={"laborer_id": laborer["id"]}).json()
    flags = {c["id"]: (c["status"], c["overpaid"], c["unearned"]) for c in queue["items"]}
    assert flags[stability["id"]] == ("paid", 6000, 0)
    assert flags[adaptation["id"]] == ("raised", 0, 5000)
    one = staff.get(f"/api/v1/subsidy-claims/{stability['id']}").json()
    assert one["overpaid"] == 6000
    client = world.client()
    sign_in(client, "wushan.admin")
    paid_page = client.get("/claims", params={"status": "paid"})
    assert paid_page.status_code == 200
    row = paid_page.text.split(f'id="claim-{stability["id"]}"')[1].split("</tr>")[0]
    assert 'class="overpaid"' in row and "6,000" in row
    raised_page = client.get("/claims", params={"status": "raised"}).text
    row = raised_page.split(f'id="claim-{adaptation["id"]}"')[1].split("</tr>")[0]
    assert 'class="unearned"' in row and "5,000" in row
    stay_page = client.get(f"/laborers/{laborer['id']}/stay")
    assert stay_page.status_code == 200 and 'class="overpaid"' in stay_page.text


def test_a_withdrawn_verification_shows_the_overpayment(login):
    """Where only verified months count, a month's verification changed to 'not in post'
    after payment leaves the money overpaid: shown, flagged, never negative."""
    admin, staff = login("wushan.admin"), login("wushan.staff")
    verified_only = {
        **WUSHAN_POLICIES["adaptation"],
        "name": "核实在岗补贴",
        "amount": 3000,
        "months": 3,
        "channels": [],
        "requires_verification": True,
    }
    policy = _post(admin, "/api/v1/subsidy-policies", verified_only)
    laborer = _laborer(login)
    placement = _place(login, laborer, "2021-03-01")
    url = f"/api/v1/placements/{placement['id']}/verifications"
    for month in ("2021-03", "2021-04", "2021-05"):
        _post(staff, url, {"month": month, "source": "liaison_visit"})
    [claim] = _claim(login, laborer, policy, "2021-06-01")
    assert claim["amount"] == 3000
    _pay(login, claim)
    _post(staff, url, {"month": "2021-05", "in_post": False, "source": "payroll"})
    shown = _entitlement(staff, laborer, policy, "2021-06-01")
    assert (shown["earned"], shown["paid"], shown["overpaid"]) == (0, 3000, 3000)
    [flagged] = staff.get("/api/v1/subsidy-claims", params={"laborer_id": laborer["id"]}).json()[
        "items"
    ]
    assert (flagged["status"], flagged["overpaid"], flagged["unearned"]) == ("paid", 3000, 0)
