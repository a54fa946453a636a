"""Demand pool and referral pages: employer and vacancy forms, the pool, a vacancy's
matches and the refer action, the referral boards with their step forms, the vacancy
import wizard, and the Excel downloads the pages link to."""

import re

from tests.api.test_vacancy_import import HEADERS, vacancy_row
from tests.fixtures.factories import credit_code, laborer_payload
from tests.fixtures.jobs import outcome_of
from tests.fixtures.ledgers import xlsx
from tests.web.helpers import csrf_from, sign_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _employer_form(**overrides):  # type: ignore[no-untyped-def]
    data = {
        "name": "烟台紫建电子科技有限公司",
        "credit_code": credit_code("370613"),
        "industry": "电子信息",
        "region_code": "370613",
        "contact_name": "王经理",
        "offers_housing": "on",
    }
    data.update(overrides)
    return data


def _post(client, path, data, **kwargs):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/vacancies").text)
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def _register_employer(client, **overrides) -> str:  # type: ignore[no-untyped-def]
    response = _post(client, "/employers/new", _employer_form(**overrides), follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[1]


def _vacancy_form(employer_id: str, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "employer_id": employer_id,
        "title": "电焊工",
        "occupation_name": "焊工",
        "occupation_code": "6-18-02-04",
        "headcount": "5",
        "wage_min": "5000",
        "wage_max": "7000",
        "age_min": "18",
        "age_max": "50",
        "threshold": "low",
        "skills": "焊工",
        "status": "open",
        "offers_housing": "on",
    }
    data.update(overrides)
    return data


def _post_vacancy(client, employer_id: str, **overrides) -> str:  # type: ignore[no-untyped-def]
    response = _post(
        client, "/vacancies/new", _vacancy_form(employer_id, **overrides), follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[1]


def test_employer_form_checks_the_credit_code_and_points_at_a_duplicate(client):
    sign_in(client, "yantai.staff")
    code = credit_code("370613")
    wrong = code[:-1] + ("1" if code.endswith("0") else "0")  # a wrong check character
    bad = _post(client, "/employers/new", _employer_form(credit_code=wrong))
    assert bad.status_code == 422
    assert 'aria-invalid="true" aria-describedby="e-credit_code"' in bad.text
    assert 'value="烟台紫建电子科技有限公司"' in bad.text  # what was typed is kept
    employer_id = _register_employer(client, credit_code=code)
    detail = client.get(f"/employers/{employer_id}")
    assert "烟台紫建电子科技有限公司" in detail.text and code in detail.text
    again = _post(client, "/employers/new", _employer_form(credit_code=code, name="另一个名字"))
    assert again.status_code == 409
    assert f'href="/employers/{employer_id}" id="existing-employer"' in again.text
    listing = client.get("/employers", params={"q": "紫建"})
    assert f"/employers/{employer_id}" in listing.text


def _kept(form_html: str) -> dict[str, str]:
    """The inputs an edit form shows filled in and the test does not change."""
    return {
        name: re.search(rf'name="{name}" (?:type="\w+" )?value="([^"]*)"', form_html).group(1)
        for name in ("version", "region_code", "valid_from")
    }


def test_post_a_vacancy_edit_it_and_find_it_in_the_pool(client):
    sign_in(client, "yantai.staff")
    employer_id = _register_employer(client)
    form = client.get(f"/vacancies/new?employer={employer_id}")
    assert f'<option value="{employer_id}" selected>' in form.text
    bad = _post(client, "/vacancies/new", _vacancy_form(employer_id, wage_min="8000"))
    assert bad.status_code == 422 and 'aria-describedby="e-wage_max"' in bad.text
    vacancy_id = _post_vacancy(client, employer_id)
    detail = client.get(f"/vacancies/{vacancy_id}")
    assert "电焊工" in detail.text and "5,000–7,000" in detail.text
    assert 'id="matches"' not in detail.text  # a receiving bureau does not browse laborers
    edit = client.get(f"/vacancies/{vacancy_id}/edit")
    assert 'name="version" value="1"' in edit.text and 'value="焊工"' in edit.text
    changed = _post(
        client,
        f"/vacancies/{vacancy_id}/edit",
        {**_vacancy_form(employer_id, title="熟练电焊工", headcount="8"), **_kept(edit.text)},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    stale = _post(
        client,
        f"/vacancies/{vacancy_id}/edit",
        {**_vacancy_form(employer_id, title="又改了"), **_kept(edit.text)},
    )
    assert stale.status_code == 409
    emptied = _post(
        client,
        f"/vacancies/{vacancy_id}/edit",
        {**_vacancy_form(employer_id, title=""), **_kept(edit.text), "version": "2"},
    )
    assert emptied.status_code == 422 and 'aria-describedby="e-title"' in emptied.text
    pool = client.get("/vacancies", params={"q": "熟练电焊", "benefit": "housing"})
    assert f'href="/vacancies/{vacancy_id}"' in pool.text
    none = client.get("/vacancies", params={"q": "熟练电焊", "wage": "9000"})
    assert f'href="/vacancies/{vacancy_id}"' not in none.text
    export = client.get("/vacancies/export", params={"q": "熟练电焊"})
    assert export.status_code == 200 and export.headers["content-type"] == XLSX


def test_refer_from_a_vacancy_and_follow_the_steps_on_both_boards(client, login):
    wushan_api = login("wushan.staff")
    laborer = wushan_api.post("/api/v1/laborers", json=laborer_payload(name="谭晓军")).json()
    sign_in(client, "yantai.staff")
    vacancy_id = _post_vacancy(client, _register_employer(client))
    client.cookies.clear()

    sign_in(client, "wushan.staff")
    detail = client.get(f"/vacancies/{vacancy_id}")
    assert 'id="matches"' in detail.text
    assert f'name="laborer_ids" value="{laborer["id"]}"' in detail.text
    referred = _post(
        client,
        "/referrals",
        {
            "laborer_ids": laborer["id"],
            "vacancy_ids": vacancy_id,
            "note": "本人有焊工证",
            "next": f"/vacancies/{vacancy_id}#referrals",
        },
        follow_redirects=False,
    )
    assert referred.status_code == 303
    board = client.get(f"/vacancies/{vacancy_id}")
    row = re.search(r'<tr id="referral-([0-9a-f-]+)" data-status="recommended">', board.text)
    assert row and "谭晓军" in board.text
    referral_id = row.group(1)
    # Referring the same pair twice is refused with a clear page, nothing added.
    twice = _post(client, "/referrals", {"laborer_ids": laborer["id"], "vacancy_ids": vacancy_id})
    assert twice.status_code == 409 and "谭晓军" in twice.text
    client.cookies.clear()

    # The receiving bureau sees a masked candidate and records the interview.
    sign_in(client, "yantai.staff")
    theirs = client.get("/referrals")
    assert f'id="referral-{referral_id}"' in theirs.text
    assert "谭晓军" not in theirs.text and "谭*军" in theirs.text
    stepped = _post(
        client,
        f"/referrals/{referral_id}/steps",
        {"status": "interviewed", "version": "1", "next": "/referrals"},
        follow_redirects=False,
    )
    assert stepped.status_code == 303
    illegal = _post(client, f"/referrals/{referral_id}/steps", {"status": "hired", "version": "2"})
    assert illegal.status_code == 409
    client.cookies.clear()

    sign_in(client, "wushan.staff")
    mine = client.get(f"/laborers/{laborer['id']}/referrals")
    assert f'<tr id="referral-{referral_id}" data-status="interviewed">' in mine.text
    assert "本人有焊工证" in mine.text


def test_a_laborers_matches_page_refers_to_several_vacancies(client, login):
    wushan_api = login("wushan.staff")
    laborer = wushan_api.post("/api/v1/laborers", json=laborer_payload(name="冉小梅")).json()
    sign_in(client, "yantai.staff")
    employer_id = _register_employer(client)
    first = _post_vacancy(client, employer_id, title="电焊工一车间")
    second = _post_vacancy(client, employer_id, title="电焊工二车间")
    client.cookies.clear()
    sign_in(client, "wushan.staff")
    page = client.get(f"/laborers/{laborer['id']}/matches")
    assert page.status_code == 200
    for vacancy_id in (first, second):
        assert f'name="vacancy_ids" value="{vacancy_id}"' in page.text
    response = _post(
        client,
        "/referrals",
        {"laborer_ids": laborer["id"], "vacancy_ids": [first, second]},
        follow_redirects=False,
    )
    assert response.status_code == 303
    again = client.get(f"/laborers/{laborer['id']}/matches")
    assert f'name="vacancy_ids" value="{first}"' not in again.text  # already referred
    board = client.get(f"/laborers/{laborer['id']}/referrals")
    assert board.text.count('data-status="recommended"') == 2


def test_vacancy_import_wizard_previews_then_saves_all_rows(client):
    sign_in(client, "yantai.staff")
    form = client.get("/vacancies/import")
    assert 'href="/api/v1/vacancies/import/template"' in form.text
    bad_rows = [vacancy_row(岗位名称="包装工", 统一社会信用代码="91370602MA3C4XYZ1")]
    bad = outcome_of(
        client,
        client.post(
            "/vacancies/import",
            data={"csrf_token": csrf_from(form.text)},
            files={"file": ("list.xlsx", xlsx(bad_rows, headers=HEADERS))},
            follow_redirects=False,
        ),
    )
    assert 'id="import-errors"' in bad.text and "统一社会信用代码" in bad.text
    good_rows = [
        vacancy_row(企业名称="烟台某食品有限公司", 岗位名称=f"包装工{i}") for i in range(3)
    ]
    good_rows = [{**r, "统一社会信用代码": good_rows[0]["统一社会信用代码"]} for r in good_rows]
    preview = outcome_of(
        client,
        client.post(
            "/vacancies/import",
            data={"csrf_token": csrf_from(form.text)},
            files={"file": ("list.xlsx", xlsx(good_rows, headers=HEADERS))},
            follow_redirects=False,
        ),
    )
    assert preview.status_code == 200
    assert re.search(r'id="count-new">3<', preview.text)
    assert re.search(r'id="count-new-employers">1<', preview.text)
    assert "烟台某食品有限公司" not in client.get("/employers").text  # nothing saved yet
    action = re.search(r'action="(/vacancies/import/[0-9a-f-]+/commit)"', preview.text).group(1)
    saved = outcome_of(
        client,
        client.post(action, data={"csrf_token": csrf_from(preview.text)}, follow_redirects=False),
    )
    assert saved.status_code == 200 and 'id="import-done"' in saved.text
    assert "烟台某食品有限公司" in client.get("/employers").text


def test_the_roster_export_link_works_with_the_session(client):
    sign_in(client, "wushan.staff")
    roster = client.get("/laborers")
    assert 'href="/laborers/export?' in roster.text
    export = client.get("/laborers/export", params={"roster": "all"})
    assert export.status_code == 200 and export.headers["content-type"] == XLSX


def test_an_employers_page_counts_its_vacancies_and_leads_to_them_all(client, login):
    from tests.fixtures.factories import employer_payload, vacancy_payload

    yantai = login("yantai.staff")
    employer = yantai.post(
        "/api/v1/employers", json=employer_payload(name="烟台多岗位机械有限公司")
    )
    assert employer.status_code == 201, employer.text
    eid = employer.json()["id"]
    for i in range(23):
        made = yantai.post(
            "/api/v1/vacancies", json=vacancy_payload(eid, title=f"多岗位装配工{i:02d}")
        )
        assert made.status_code == 201, made.text
    sign_in(client, "yantai.staff")
    detail = client.get(f"/employers/{eid}").text
    assert (
        'data-total="23"' in detail
        and len(re.findall(r'href="/vacancies/[0-9a-f-]{36}"', detail)) == 20
    )
    link = f'href="/vacancies?employer={eid}&amp;open_only=false"'
    assert link in detail
    pool = client.get("/vacancies", params={"employer": eid, "open_only": "false"}).text
    assert 'id="employer-filter"' in pool and "烟台多岗位机械有限公司" in pool
    assert f'name="employer" value="{eid}"' in pool  # the filter form keeps it
    assert re.search(r'data-total="23"', pool)
