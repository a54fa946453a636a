"""The remaining list pages page, count and sort from the URL like the others: fairs,
members, the return and dispute boards, a training's roster, subsidy policies and the
claims (with "—" for every step). For each: the total shown is the true count, walking
the pages by their "next" links yields every row once, in the order asked for (both
ways), and the filters, the sort and the size survive in the links."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from api import clock
from shared_models import Membership
from shared_models.enums import ClaimStatus
from tests.api.test_fairs import fair_payload
from tests.fixtures.factories import WUSHAN_POLICIES, laborer_payload
from tests.web.helpers import csrf_from, sign_in
from tests.web.test_list_pages import _link, _total

PASSWORD_LINE = "a-long-enough-passphrase-42\n"


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _walk(client, url: str, row: str, keep: dict[str, str]) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    """Every page of a list from `url` by its "next" links: the first page's HTML and
    the rows' keys (the first group of `row`) in page order. Each "next" link keeps
    `keep` (the filters, sort and size) and names the page it leads to."""
    first = client.get(url)
    assert first.status_code == 200, (url, first.text[:300])
    html, keys, number = first.text, [], 1
    while True:
        keys += re.findall(row, html)
        assert f'data-page="{number}"' in html
        if 'rel="next"' not in html:
            break
        target = _link(html, "next")
        number += 1
        assert _query(target) == {**{k: [v] for k, v in keep.items()}, "page": [str(number)]}
        html = client.get(target).text
    assert number >= 2, f"{url} fits on one page: the test needs more rows"
    assert len(keys) == len(set(keys)) == _total(first.text), url
    return first.text, keys


def _ordered(values: list, descending: bool) -> bool:  # type: ignore[type-arg]
    return values == sorted(values, reverse=descending)


def _both_ways(client, path: str, row: str, key: str, value_of, keep=None) -> list[str]:  # type: ignore[no-untyped-def]
    """The list sorted by `key` up and down: each walk in order, the one the other's
    reverse as far as the values go; the ascending keys are returned."""
    keep = dict(keep or {})
    up_keep = {**keep, "sort": key}
    _html, up = _walk(client, f"{path}?{_encode(up_keep)}", row, up_keep)
    down_keep = {**up_keep, "descending": "true"}
    html, down = _walk(client, f"{path}?{_encode(down_keep)}", row, down_keep)
    assert 'aria-sort="descending"' in html
    assert _ordered([value_of(k) for k in up], False), (path, key)
    assert _ordered([value_of(k) for k in down], True), (path, key)
    assert sorted(up) == sorted(down)
    return up


def _encode(params: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in params.items())


def _hidden(html: str) -> dict[str, str]:
    """The hidden fields of the page-size form (what it carries along)."""
    form = re.search(r'action="[^"]*" class="page-size">(.*?)</form>', html, re.S)
    assert form, "no page-size form"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(1)))


def test_fairs_page_and_sort(world, client, login):
    admin = login("wushan.admin")
    today = clock.today()
    for i, days in enumerate((9, 3, 14, 6)):
        day = (today + timedelta(days=days)).isoformat()
        made = admin.post(
            "/api/v1/fairs",
            json=fair_payload(title=f"分页招聘会{i}", held_on=day, registration_deadline=day),
        )
        assert made.status_code == 201, made.text
    fairs = {f["id"]: f for f in admin.get("/api/v1/fairs").json()}
    sign_in(client, "wushan.admin")
    row = r'<tr data-fair-id="([0-9a-f-]{36})">'
    html, default = _walk(client, "/fairs?page_size=2", row, {"page_size": "2"})
    assert _total(html) == len(fairs) >= 5
    # Latest first when no sort is named; the calendar feed stays on the page.
    assert _ordered([fairs[k]["held_on"] for k in default], True)
    assert 'id="calendar-feed"' in html and ".ics?key=" in html
    _both_ways(client, "/fairs", row, "held_on", lambda k: fairs[k]["held_on"], {"page_size": "2"})
    _both_ways(client, "/fairs", row, "status", lambda k: fairs[k]["status"], {"page_size": "2"})


def test_members_page_and_sort_and_a_save_returns_to_the_page(world, client, cli):
    for name, role in (("page.one", "viewer"), ("page.two", "staff"), ("page.three", "viewer")):
        made = cli(
            "user", "create", "--org", "巫山县人社局", "--username", name, "--role", role,
            stdin=PASSWORD_LINE,
        )  # fmt: skip
        assert made.exit_code == 0, made.output
    with world.superuser_session() as session:
        counted = session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.tenant_id == world.orgs["wushan"])
        )
        roles = {
            str(m.id): m.role.value
            for m in session.scalars(
                select(Membership).where(Membership.tenant_id == world.orgs["wushan"])
            )
        }
    sign_in(client, "wushan.admin")
    row = r'data-member-id="([0-9a-f-]{36})"'
    html, _keys = _walk(client, "/admin/members?page_size=2", row, {"page_size": "2"})
    assert _total(html) == counted >= 5
    _both_ways(client, "/admin/members", row, "role", roles.get, {"page_size": "2"})
    # A row saved on page 2 leads back to page 2, same size and sort.
    page_two = "/admin/members?sort=role&page_size=2&page=2"
    html = client.get(page_two).text
    member_id = re.findall(row, html)[0]
    form = re.search(rf'id="member-{member_id}" hidden>(.*?)</form>', html, re.S).group(1)
    back = re.search(r'name="back" value="([^"]+)"', form).group(1).replace("&amp;", "&")
    assert _query(back) == _query(page_two)
    saved = client.post(
        f"/admin/members/{member_id}",
        data={
            "csrf_token": csrf_from(html),
            "back": back,
            "role": roles[member_id],
            "is_active": "true",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"] == back
    # Anything but the members page is refused as a place to go back to.
    elsewhere = client.post(
        f"/admin/members/{member_id}",
        data={
            "csrf_token": csrf_from(html),
            "back": "//evil.example/",
            "role": roles[member_id],
            "is_active": "true",
        },
        follow_redirects=False,
    )
    assert elsewhere.headers["location"] == "/admin/members"


def test_the_return_board_pages_filters_and_sorts(world, client, login):
    board = login("wushan.staff").get("/api/v1/leaves").json()
    leaves = {item["id"]: item for state in ("overdue", "away", "back") for item in board[state]}
    sign_in(client, "wushan.staff")
    row = r'<tr data-leave-id="([0-9a-f-]{36})" data-state="\w+">'
    html, default = _walk(client, "/returns?page_size=3", row, {"page_size": "3"})
    assert _total(html) == len(leaves) >= 4
    # Overdue first, then away, then back, as the board always read.
    rank = {"overdue": 0, "away": 1, "back": 2}
    state_of = {k: s for s in rank for k in (i["id"] for i in board[s])}
    assert _ordered([rank[state_of[k]] for k in default], False)
    _both_ways(
        client,
        "/returns",
        row,
        "expected_return_on",
        lambda k: leaves[k]["expected_return_on"],
        {"page_size": "3"},
    )
    # One state, its tab marked; the filter survives the sort and page links.
    state = max(rank, key=lambda s: len(board[s]))
    assert len(board[state]) >= 2
    keep = {"state": state, "page_size": "1", "sort": "left_on"}
    html, rows = _walk(client, f"/returns?{_encode(keep)}", row, keep)
    assert set(rows) == {i["id"] for i in board[state]}
    assert _ordered([leaves[k]["left_on"] for k in rows], False)
    assert re.search(rf'<li id="{state}"><a href="[^"]+" aria-current="page">', html)
    assert _hidden(html) == {"state": state, "sort": "left_on"}
    name_link = re.search(r'href="([^"]+)">[^<]*</a></th>', html).group(1).replace("&amp;", "&")
    assert _query(name_link)["state"] == [state] and _query(name_link)["page_size"] == ["1"]


def test_the_dispute_board_pages_filters_and_sorts(world, client, login):
    laborer = login("wushan.staff").post("/api/v1/laborers", json=laborer_payload(name="分页人"))
    office = login("wushan.yantai.staff")
    today = clock.today()
    for days in (40, 5, 22, 13, 31):
        made = office.post(
            "/api/v1/cases",
            json={
                "kind": "dispute",
                "occurred_on": (today - timedelta(days=days)).isoformat(),
                "summary": f"分页纠纷{days}",
                "laborer_ids": [laborer.json()["id"]],
                "dispute_kind": "unpaid_wages",
                "employer_name": "某劳务公司",
                "deadline": (today + timedelta(days=days)).isoformat(),
            },
        )
        assert made.status_code == 201, made.text
    cases = office.get("/api/v1/cases?kind=dispute&page_size=200").json()
    by_id = {c["id"]: c for c in cases["items"]}
    sign_in(client, "wushan.yantai.staff")
    row = r'<article id="case-([0-9a-f-]{36})">'
    html, _keys = _walk(client, "/disputes?page_size=2", row, {"page_size": "2"})
    assert _total(html) == cases["total"] >= 5
    # The open ones, by deadline both ways; the status filter kept in every link.
    keep = {"status": "open", "page_size": "2"}
    _both_ways(client, "/disputes", row, "deadline", lambda k: by_id[k]["deadline"], keep)
    _both_ways(client, "/disputes", row, "occurred_on", lambda k: by_id[k]["occurred_on"], keep)
    html = client.get("/disputes?status=open&page_size=2&sort=deadline").text
    assert _hidden(html) == {"status": "open", "sort": "deadline"}
    assert '<option value="open" selected>' in html


def test_a_training_roster_pages_and_sorts(world, client, login):
    admin = login("wushan.admin")
    trainings = admin.get("/api/v1/trainings?page_size=200").json()["items"]
    enrolled: dict[str, dict] = {}
    for training in trainings:
        rows = admin.get(f"/api/v1/trainings/{training['id']}/enrollments").json()
        rows = [e for e in rows if e["status"] != "waitlisted"]
        if len(rows) > len(enrolled):
            enrolled, training_id = {e["id"]: e for e in rows}, training["id"]
    assert len(enrolled) > 10
    sign_in(client, "wushan.admin")
    path = f"/trainings/{training_id}/roster"
    row = r'<tr id="enrollment-([0-9a-f-]{36})"'
    html, default = _walk(client, f"{path}?page_size=10", row, {"page_size": "10"})
    assert _total(html) == len(enrolled)
    assert _ordered([enrolled[k]["position"] for k in default], False)  # order of enrollment
    keep = {"page_size": "10"}
    _both_ways(client, path, row, "position", lambda k: enrolled[k]["position"], keep)
    _both_ways(client, path, row, "status", lambda k: enrolled[k]["status"], keep)
    # A row's actions lead back to the page, size and sort they were taken from.
    html = client.get(f"{path}?sort=status&page_size=10&page=2").text
    back = re.search(r'name="back" value="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert _query(back) == {"sort": ["status"], "page_size": ["10"], "page": ["2"]}


def test_subsidy_policies_page_and_sort(world, client, login):
    admin = login("wushan.admin")
    for year, amount in ((2019, 700), (2020, 300)):
        body = {**WUSHAN_POLICIES["transport"], "year": year, "amount": amount}
        made = admin.post("/api/v1/subsidy-policies", json={**body, "name": f"分页补贴{year}"})
        assert made.status_code == 201, made.text
    policies = {p["id"]: p for p in admin.get("/api/v1/subsidy-policies?all_versions=true").json()}
    sign_in(client, "wushan.admin")
    row = r'<tr data-policy-id="([0-9a-f-]{36})"'
    html, default = _walk(client, "/subsidies/policies?page_size=2", row, {"page_size": "2"})
    assert _total(html) == len(policies) >= 5
    assert _ordered([policies[k]["year"] for k in default], True)  # the latest year first
    keep = {"page_size": "2"}
    _both_ways(client, "/subsidies/policies", row, "amount", lambda k: policies[k]["amount"], keep)
    _both_ways(client, "/subsidies/policies", row, "year", lambda k: policies[k]["year"], keep)


def test_claims_at_every_step_page_and_sort(world, client, login):
    payer, office = login("wushan.admin"), login("wushan.yantai.staff")
    raised = payer.get("/api/v1/subsidy-claims?status=raised&page_size=200").json()["items"]
    assert len(raised) >= 4
    for claim in raised[:2]:
        step = office.post(
            f"/api/v1/subsidy-claims/{claim['id']}/verify", json={"version": claim["version"]}
        )
        assert step.status_code == 200, step.text
    every = payer.get("/api/v1/subsidy-claims?page_size=200").json()
    claims = {c["id"]: c for c in every["items"]}
    sign_in(client, "wushan.admin")
    row = r'<tr id="claim-([0-9a-f-]{36})" data-status="\w+">'
    # The plain address is still the queue of raised claims.
    queue = client.get("/claims?page_size=200")
    assert _total(queue.text) == len(raised) - 2
    assert set(re.findall(row, queue.text)) == {c["id"] for c in raised[2:]}
    # "—" is every step: sent as status=any, and every status is a labelled choice.
    keep = {"status": "any", "page_size": "5"}
    html, _keys = _walk(client, "/claims?status=any&page_size=5", row, keep)
    assert _total(html) == every["total"] == len(raised)
    assert '<option value="any" selected>—</option>' in html
    options = re.findall(r'<option value="(\w+)"[^>]*>[^<(]+\(', html)
    assert options == [s.value for s in ClaimStatus]
    assert _hidden(html) == {"status": "any"}
    statuses = {claims[k]["status"] for k in _keys}
    assert statuses == {"raised", "verified"}
    _both_ways(client, "/claims", row, "amount", lambda k: claims[k]["amount"], keep)
    _both_ways(client, "/claims", row, "due_on", lambda k: claims[k]["due_on"], keep)
    up = _both_ways(client, "/claims", row, "status", lambda k: claims[k]["status"], keep)
    assert {claims[k]["status"] for k in up} == statuses
    # The step tabs keep the sort and the size.
    html = client.get("/claims?status=any&page_size=5&sort=amount").text
    tab = re.search(r'href="([^"]*status=verified[^"]*)"', html).group(1).replace("&amp;", "&")
    assert _query(tab) == {"status": ["verified"], "sort": ["amount"], "page_size": ["5"]}
    verified = client.get(tab).text
    assert _total(verified) == 2 and 'aria-current="page">' in verified
