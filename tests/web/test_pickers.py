"""Pickers instead of typed ids: the laborer, employer and colleague searches find by
name, the last digits of the ID number, village or credit code, only within what the
caller may read; forms rejected or searched come back with every value kept; an
action's message shows once."""

from tests.api.test_warnings import _flagged
from tests.fixtures.factories import employer_payload, id_number, laborer_payload
from tests.web.helpers import csrf_from, sign_in

HX = {"HX-Request": "true"}


def _pick(client, kind: str, q: str, field: str = "x"):  # type: ignore[no-untyped-def]
    return client.get(f"/pick/{kind}", params={"field": field, f"{field}__q": q}, headers=HX)


def _as(client, username: str) -> None:  # type: ignore[no-untyped-def]
    client.cookies.clear()  # a fresh sign-in, not the signed-in visitor's redirect home
    sign_in(client, username)


def _laborer(login) -> dict:  # type: ignore[no-untyped-def]
    number = id_number(born=__import__("datetime").date(1987, 3, 9))
    body = laborer_payload(name="覃选择", id_number=number, village="龙门村")
    created = login("wushan.staff").post("/api/v1/laborers", json=body)
    assert created.status_code == 201, created.text
    return {"id": created.json()["id"], "tail": number[-4:]}


def test_laborer_picker_finds_by_name_id_tail_and_village_within_the_county(client, login):
    lab = _laborer(login)
    sign_in(client, "wushan.yantai.staff")  # the liaison office reads its county's register
    for q in ("覃选", lab["tail"], "龙门村"):
        found = _pick(client, "laborer", q, "laborer_ids")
        assert found.status_code == 200, q
        assert lab["id"] in found.text and "覃选择" in found.text, q
        assert "<html" not in found.text  # the htmx partial, not a page
    plain = client.get("/pick/laborer", params={"q": "覃选"})
    assert plain.status_code == 200 and "<html" in plain.text and "覃选择" in plain.text
    assert client.get("/pick/nobody", params={"q": "x"}).status_code == 404
    for other in ("kaizhou.staff", "yantai.staff"):  # another county; the receiving bureau
        _as(client, other)
        for q in ("覃选", lab["tail"], "龙门村"):
            assert lab["id"] not in _pick(client, "laborer", q).text, (other, q)


def test_employer_picker_by_name_and_credit_code_within_the_pairing(client, login):
    body = employer_payload(name="烟台选择器电子有限公司")
    created = login("yantai.staff").post("/api/v1/employers", json=body)
    assert created.status_code == 201, created.text
    employer_id = created.json()["id"]
    sign_in(client, "wushan.yantai.staff")
    for q in ("选择器电子", body["credit_code"]):
        found = _pick(client, "employer", q, "employer_id")
        assert employer_id in found.text and 'type="radio"' in found.text, q
    _as(client, "kaizhou.staff")  # not a member of 巫山–烟台
    for q in ("选择器电子", body["credit_code"]):
        assert employer_id not in _pick(client, "employer", q).text, q


def test_colleague_picker_shows_display_names_of_the_own_office(client, world):
    sign_in(client, "wushan.staff")
    found = _pick(client, "colleague", "巫山县人社局")
    assert str(world.users["wushan.admin"]) in found.text
    assert "wushan.admin" not in found.text  # display names, not usernames
    assert str(world.users["kaizhou.admin"]) not in _pick(client, "colleague", "人").text


def test_a_rejected_or_searched_form_keeps_its_values_and_a_saved_one_says_so_once(client, login):
    lab = _laborer(login)
    sign_in(client, "wushan.yantai.staff")
    token = csrf_from(client.get("/cases/new").text)
    typed = {"csrf_token": token, "kind": "visit", "summary": "走访宿舍", "place": "福山区"}
    searched = client.post(
        "/cases/new", data={**typed, "_pick": "laborer_ids", "laborer_ids__q": "覃选"}
    )
    assert searched.status_code == 200
    assert (
        lab["id"] in searched.text
        and "走访宿舍" in searched.text
        and 'value="福山区"' in searched.text
    )
    rejected = client.post("/cases/new", data={**typed, "occurred_on": "not a day"})
    assert rejected.status_code == 422 and "field-error" in rejected.text
    assert "走访宿舍" in rejected.text and 'value="福山区"' in rejected.text
    chosen = {**typed, "occurred_on": "2026-03-02", "laborer_ids": lab["id"]}
    kept = client.post("/cases/new", data={**chosen, "occurred_on": "bad"})
    assert kept.status_code == 422 and f'value="{lab["id"]}" checked' in kept.text
    saved = client.post("/cases/new", data=chosen, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    shown = client.get(saved.headers["location"])
    assert 'class="flash"' in shown.text and "走访宿舍" in shown.text
    assert 'class="flash"' not in client.get(saved.headers["location"]).text


def test_a_laborers_page_links_to_a_new_case_with_the_person_chosen(client, login):
    lab = _laborer(login)
    sign_in(client, "wushan.yantai.staff")
    page = client.get(f"/laborers/{lab['id']}")
    assert f"/cases/new?kind=visit&amp;laborer_id={lab['id']}" in page.text
    form = client.get("/cases/new", params={"kind": "visit", "laborer_id": lab["id"]})
    assert f'value="{lab["id"]}" checked' in form.text and "覃选择" in form.text


def test_a_warning_is_assigned_to_a_colleague_chosen_by_display_name(world, client, login):
    _lab, flag = _flagged(world, login)
    _as(client, "wushan.yantai.staff")
    queue = client.get("/warnings/queue").text
    assert f'href="/warnings/{flag["id"]}/assign"' in queue
    form = client.get(f"/warnings/{flag['id']}/assign")
    assert form.status_code == 200
    found = _pick(client, "colleague", "管理员", "user_id").text  # "…办事处管理员"
    colleague = str(world.users["wushan.yantai.admin"])
    assert colleague in found and "wushan.yantai.admin" not in found
    token = csrf_from(form.text)
    done = client.post(
        f"/warnings/{flag['id']}/assign",
        data={"csrf_token": token, "version": str(flag["version"]), "user_id": colleague},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    shown = client.get(done.headers["location"]).text
    assert "巫山县驻烟台劳务办事处管理员" in shown  # the flash and the row: display names
    stale = client.post(
        f"/warnings/{flag['id']}/assign",
        data={"csrf_token": token, "version": str(flag["version"]), "user_id": colleague},
    )
    assert stale.status_code == 409 and 'name="user_id"' in stale.text  # back to the form


def test_anyone_of_the_county_is_enrolled_through_the_picker(client, login):
    from tests.web.test_training_pages import _new_training

    lab = _laborer(login)  # no training need: not among the suggestions
    _as(client, "wushan.staff")
    training = _new_training(client)
    url = f"/trainings/{training}/roster"
    roster = client.get(url).text
    assert f'value="{lab["id"]}"' not in roster
    found = _pick(client, "laborer", lab["tail"], "laborer_id")
    assert f'name="laborer_id" value="{lab["id"]}"' in found.text
    token = csrf_from(roster)
    searched = client.post(
        url, data={"csrf_token": token, "_pick": "laborer_id", "laborer_id__q": "龙门村"}
    )
    assert searched.status_code == 200 and lab["id"] in searched.text  # without JavaScript
    done = client.post(
        url,
        data={"csrf_token": token, "laborer_id": [lab["id"], lab["id"]]},
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = client.get(url).text
    assert 'class="flash"' in after and "覃选择" in after


def test_referrals_reach_beyond_the_matches_through_pickers(client, login):
    """A laborer can be referred to any open vacancy of the pool, and a vacancy can take
    anyone of the register, chosen by search; without JavaScript the search comes back."""
    from tests.api.test_referrals import _vacancy

    lab = _laborer(login)
    vacancy = _vacancy(login, title="选择器装配工")
    sign_in(client, "wushan.staff")
    page = client.get(f"/laborers/{lab['id']}/matches", params={"vacancy_ids__q": "选择器装配"})
    assert page.status_code == 200 and 'id="refer-other"' in page.text
    assert vacancy["id"] in page.text.split('id="refer-other"')[1]
    token = csrf_from(page.text)
    searched = client.post(
        "/referrals",
        data={
            "csrf_token": token,
            "laborer_ids": lab["id"],
            "next": f"/laborers/{lab['id']}/referrals",
            "_pick": "vacancy_ids",
            "vacancy_ids__q": "选择器装配",
        },
        follow_redirects=False,
    )
    assert searched.status_code == 303
    assert searched.headers["location"].startswith(f"/laborers/{lab['id']}/referrals?")
    assert searched.headers["location"].endswith("#refer-other")
    referred = client.post(
        "/referrals",
        data={
            "csrf_token": token,
            "laborer_ids": lab["id"],
            "vacancy_ids": vacancy["id"],
            "next": f"/laborers/{lab['id']}/referrals",
        },
    )
    assert referred.status_code == 200 and "选择器装配工" in referred.text
    board = login("wushan.staff").get("/api/v1/referrals", params={"laborer_id": lab["id"]})
    assert [r["vacancy_id"] for r in board.json()["items"]] == [vacancy["id"]]
    # From the vacancy's side: the register is searched, by name or the ID number's tail.
    other = client.get(f"/vacancies/{vacancy['id']}", params={"laborer_ids__q": lab["tail"]})
    assert lab["id"] in other.text.split('id="refer-other"')[1]
    # The receiving bureau refers no one: no picker of another county's register.
    _as(client, "yantai.staff")
    assert 'id="refer-other"' not in client.get(f"/vacancies/{vacancy['id']}").text
