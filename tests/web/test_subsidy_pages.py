"""Pages of placements and subsidies: a laborer's stay and milestones, the month's
verification sheet, the return board, the policy editor, and the claims queue through
to a paid batch."""

import re
from datetime import timedelta

from api import clock
from tests.fixtures.factories import WUSHAN_POLICIES, laborer_payload
from tests.fixtures.jobs import raised_events
from tests.web.helpers import csrf_from, sign_in


def _policies(login):  # type: ignore[no-untyped-def]
    admin = login("wushan.admin")
    return {
        k: admin.post("/api/v1/subsidy-policies", json=v).json() for k, v in WUSHAN_POLICIES.items()
    }


def _form_post(client, page_url, action, data, **kwargs):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(page_url).text)
    return client.post(action, data={"csrf_token": token, **data}, **kwargs)


def test_from_a_placement_to_a_paid_claim_through_the_pages(client, login):
    family = _policies(login)["stability"]["family_id"]
    laborer = (
        login("wushan.staff")
        .post("/api/v1/laborers", json=laborer_payload(name="向春花", poverty_status="lifted"))
        .json()
    )
    stay = f"/laborers/{laborer['id']}/stay"
    sign_in(client, "wushan.staff")
    assert "向春花" in client.get(stay).text
    bad = _form_post(
        client,
        stay,
        f"{stay}/placements",
        {
            "employer_name": "烟台某食品有限公司",
            "region_code": "370699",
            "channel": "organized",
            "started_on": "2021-03-01",
        },
    )
    assert bad.status_code == 422 and 'aria-describedby="e-region_code"' in bad.text
    good = _form_post(
        client,
        stay,
        f"{stay}/placements",
        {
            "employer_name": "烟台某食品有限公司",
            "region_code": "370602",
            "channel": "organized",
            "started_on": "2021-03-01",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303
    page = client.get(stay).text
    placement_id = re.search(r'data-placement-id="([0-9a-f-]+)"', page).group(1)
    verified = _form_post(
        client,
        stay,
        f"{stay}/placements/{placement_id}/verify",
        {"month": "2021-03", "in_post": "yes", "source": "liaison_visit"},
        follow_redirects=False,
    )
    assert verified.status_code == 303
    page = client.get(stay).text
    assert "2021-03 ✓" in page
    stability = re.search(rf'data-family="{family}".*?</article>', page, re.S).group(0)
    assert "6,000" in stability and 'class="raise-claim"' in stability
    raised = _form_post(
        client, stay, f"{stay}/claims", {"family_id": family}, follow_redirects=False
    )
    assert raised.status_code == 303
    queue = client.get("/claims?status=raised").text
    claim_id = re.search(r'<tr id="claim-([0-9a-f-]+)" data-status="raised">', queue).group(1)
    assert 'class="verify"' not in queue  # the county raises; its liaison office verifies
    client.cookies.clear()

    sign_in(client, "wushan.yantai.staff")
    queue = client.get("/claims?status=raised").text
    assert f'action="/claims/{claim_id}/verify"' in queue
    _form_post(
        client, "/claims", f"/claims/{claim_id}/verify", {"version": "1", "back_status": "raised"}
    )
    client.cookies.clear()

    sign_in(client, "wushan.staff")  # who raised it: no approve button
    assert f'action="/claims/{claim_id}/approve"' not in client.get("/claims?status=verified").text
    client.cookies.clear()
    sign_in(client, "wushan.admin")
    queue = client.get("/claims?status=verified").text
    assert f'action="/claims/{claim_id}/approve"' in queue
    assert 'id="projection"' in queue and "90" in queue  # the budget, for the paying bureau
    _form_post(
        client,
        "/claims",
        f"/claims/{claim_id}/approve",
        {"version": "2", "back_status": "verified"},
    )
    # A batch and its payment each show who is paid and how much before anything moves.
    queue = client.get("/claims?status=approved").text
    assert 'href="/claims-batches/new"' in queue
    confirm = client.get("/claims-batches/new").text
    assert "向春花" in confirm and "6,000" in confirm and "1 笔，1 人" in confirm
    assert f'name="claim_ids" value="{claim_id}"' in confirm
    token = csrf_from(confirm)
    unseen = client.post(
        "/claims-batches",
        data={"csrf_token": token, "number": "2021年9月第1批"},  # no claim confirmed
        follow_redirects=False,
    )
    assert unseen.headers["location"] == "/claims-batches/new?changed=true"
    untitled = client.post(
        "/claims-batches", data={"csrf_token": token, "number": "", "claim_ids": claim_id}
    )
    assert untitled.status_code == 422 and 'aria-describedby="e-number"' in untitled.text
    made = client.post(
        "/claims-batches",
        data={"csrf_token": token, "number": "2021年9月第1批", "claim_ids": claim_id},
    )
    assert made.status_code == 200
    assert "已生成发放批次 2021年9月第1批：1 笔，6,000 元。" in made.text
    batch_id = re.search(r'<tr id="batch-([0-9a-f-]+)" data-status="open">', made.text).group(1)
    export = client.get(f"/claims-batches/{batch_id}/export?reveal=true")
    assert export.status_code == 200 and export.content[:2] == b"PK"
    confirm = client.get(f"/claims-batches/{batch_id}/pay").text
    assert "向春花" in confirm and "1 笔申报（1 人，共 6,000 元）记为已发放" in confirm
    future = (clock.today() + timedelta(days=1)).isoformat()
    rejected = _form_post(
        client,
        f"/claims-batches/{batch_id}/pay",
        f"/claims-batches/{batch_id}/pay",
        {"bank_reference": "ICBC-20210901", "paid_on": future},
    )
    assert rejected.status_code == 422 and 'aria-describedby="e-paid_on"' in rejected.text
    assert 'value="ICBC-20210901"' in rejected.text  # what was typed is kept
    paid = _form_post(
        client,
        f"/claims-batches/{batch_id}/pay",
        f"/claims-batches/{batch_id}/pay",
        {"bank_reference": "ICBC-20210901", "paid_on": clock.today().isoformat()},
        follow_redirects=False,
    )
    assert paid.status_code == 303
    done = client.get("/claims?status=paid").text
    assert f'<tr id="claim-{claim_id}" data-status="paid">' in done and "ICBC-20210901" in done
    assert "批次 2021年9月第1批 已登记发放：1 笔，6,000 元。" in done


def test_policy_editor(client):
    sign_in(client, "wushan.admin")
    bad = _form_post(
        client,
        "/subsidies/policies/new",
        "/subsidies/policies/new",
        {
            "name": "稳岗补贴",
            "year": "2022",
            "kind": "monthly",
            "amount": "1000",
            "months": "3",
            "cap": "500",
        },
    )
    assert bad.status_code == 422 and 'aria-describedby="e-cap"' in bad.text
    good = _form_post(
        client,
        "/subsidies/policies/new",
        "/subsidies/policies/new",
        {
            "name": "稳岗补贴",
            "year": "2022",
            "kind": "monthly",
            "amount": "1000",
            "months": "3",
            "cap": "6000",
            "poverty_statuses": "lifted",
            "destination_regions": "37, 3707",
            "max_gap_days": "30",
            "max_leave_days": "45",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303
    listing = client.get("/subsidies/policies").text
    assert "稳岗补贴" in listing and "2022" in listing


def test_verification_sheet_and_return_board(world, client, login):
    staff = login("wushan.staff")
    laborer, other = (
        staff.post("/api/v1/laborers", json=laborer_payload(name=name)).json()
        for name in ("谭月英", "谭月华")
    )
    placement, second = (
        staff.post(
            "/api/v1/placements",
            json={
                "laborer_id": person["id"],
                "employer_name": "潍坊某纺织厂",
                "region_code": "370702",
                "channel": "self_found",
                "started_on": "2025-01-01",
            },
        ).json()
        for person in (laborer, other)
    )
    sign_in(client, "wushan.staff")
    sheet = client.get("/verifications?month=2025-10").text
    assert f'name="state-{placement["id"]}"' in sheet
    ticked = {f"state-{placement['id']}": "yes", f"state-{second['id']}": "no"}
    _form_post(
        client,
        "/verifications",
        "/verifications",
        {"month": "2025-10", "source": "employer", **ticked},
    )
    assert "✓" in client.get("/verifications?month=2025-10").text
    # The sheet is one batch: one event naming both, for the warnings after the commit.
    [batch] = raised_events(world, "VerificationsRecorded")
    assert batch["laborer_ids"] == [laborer["id"], other["id"]]
    staff.post(
        f"/api/v1/placements/{placement['id']}/leaves",
        json={
            "left_on": (clock.today() - timedelta(days=10)).isoformat(),
            "expected_return_on": (clock.today() - timedelta(days=2)).isoformat(),
            "trip": "返岗包车",
        },
    )
    board = client.get("/returns").text
    # One table, each row marked with its state (the board pages and sorts as one list).
    overdue = re.findall(r'<tr data-leave-id="[^"]+" data-state="overdue">.*?</tr>', board, re.S)
    assert any("谭月英" in row and "返岗包车" in row for row in overdue)
