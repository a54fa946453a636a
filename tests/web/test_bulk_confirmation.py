"""A bulk action asks first: "raise everything due" shows how many claims, how much
money and for whom, writes nothing until confirmed, and says what it did after."""

import re

from tests.fixtures.factories import WUSHAN_POLICIES, laborer_payload
from tests.web.helpers import csrf_from, sign_in


def _form_post(client, page_url, action, data, **kwargs):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(page_url).text)
    return client.post(action, data={"csrf_token": token, **data}, **kwargs)


def _due(client, login) -> None:  # type: ignore[no-untyped-def]
    """向春花 placed and verified in her first month: the stability subsidy is due."""
    admin = login("wushan.admin")
    for body in WUSHAN_POLICIES.values():
        assert admin.post("/api/v1/subsidy-policies", json=body).status_code == 201
    payload = laborer_payload(name="向春花", poverty_status="lifted")
    laborer = login("wushan.staff").post("/api/v1/laborers", json=payload).json()
    stay = f"/laborers/{laborer['id']}/stay"
    sign_in(client, "wushan.staff")
    placed = _form_post(
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
    assert placed.status_code == 303
    placement_id = re.search(r'data-placement-id="([0-9a-f-]+)"', client.get(stay).text).group(1)
    verified = _form_post(
        client,
        stay,
        f"{stay}/placements/{placement_id}/verify",
        {"month": "2021-03", "in_post": "yes", "source": "liaison_visit"},
        follow_redirects=False,
    )
    assert verified.status_code == 303


def _raised(login) -> int:  # type: ignore[no-untyped-def]
    page = login("wushan.admin").get("/api/v1/subsidy-claims", params={"status": "raised"})
    return page.json()["total"]


def test_raise_everything_due_confirms_with_a_summary_then_reports(client, login):
    _due(client, login)
    queue = client.get("/claims").text
    assert 'href="/claims/raise-due"' in queue  # a link to the confirmation, not a POST
    before = _raised(login)
    confirm = client.get("/claims/raise-due")
    assert confirm.status_code == 200 and "向春花" in confirm.text
    claims, amount = map(
        int, re.search(r'name="confirm" value="(\d+):(\d+)"', confirm.text).groups()
    )
    # The seeded county has money due besides hers: the page says how much before doing it.
    assert claims > 1 and amount >= 6000
    assert f"{amount:,}" in confirm.text and f"{claims}" in confirm.text
    assert _raised(login) == before  # nothing written
    token = csrf_from(confirm.text)
    stale = client.post(
        "/claims/raise-due",
        data={"csrf_token": token, "confirm": f"{claims + 1}:{amount}"},
        follow_redirects=False,
    )
    assert stale.status_code == 303 and "changed=true" in stale.headers["location"]
    assert _raised(login) == before
    done = client.post(
        "/claims/raise-due",
        data={"csrf_token": token, "confirm": f"{claims}:{amount}"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = client.get(done.headers["location"]).text
    flash = re.search(r'<p class="flash"[^>]*>(.*?)</p>', after).group(1)
    assert str(claims) in flash and f"{amount:,}" in flash
    assert _raised(login) == before + claims
    assert 'name="confirm"' not in client.get("/claims/raise-due").text  # nothing left
