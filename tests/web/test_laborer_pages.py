"""Laborer pages: rosters, detail with surveys, forms, reveal, import wizard."""

import re

from tests.fixtures.factories import id_number
from tests.fixtures.jobs import outcome_of
from tests.fixtures.ledgers import ledger_row, xlsx
from tests.web.helpers import csrf_from, sign_in


def test_roster_page_with_counts_and_masked_ids(client):
    sign_in(client, "wushan.staff")
    page = client.get("/laborers?roster=unemployed")
    assert page.status_code == 200
    assert "劳动力花名册" in page.text and "未就业" in page.text
    assert 'hx-get="/laborers/counts?roster=unemployed"' in page.text  # counts come after
    tabs = client.get("/laborers/counts?roster=unemployed")
    assert re.search(r"全部劳动力\s*<span class=\"count\">300</span>", tabs.text)
    without_js = client.get("/laborers?roster=unemployed&with_counts=1")
    assert re.search(r"全部劳动力\s*<span class=\"count\">300</span>", without_js.text)
    assert re.search(r"500237\*{8}\w{4}", page.text)
    assert not re.search(r"500237\d{11}[\dX]", page.text)  # no full ID anywhere


def test_htmx_filter_returns_the_table_only(client):
    sign_in(client, "wushan.staff")
    partial = client.get("/laborers?q=谭", headers={"HX-Request": "true", "HX-Target": "roster"})
    assert partial.status_code == 200
    assert partial.text.lstrip().startswith('<section id="roster"')
    assert "<html" not in partial.text


def test_register_through_the_form_and_see_errors(client):
    sign_in(client, "wushan.staff")
    form = client.get("/laborers/new")
    token = csrf_from(form.text)
    data = {
        "csrf_token": token,
        "name": "李建华",
        "id_number": "500237199001011239",
        "township": "巫峡镇",
        "village": "江东村",
        "poverty_status": "lifted",
        "employment_status": "unemployed",
        "skills": "焊工(6-18-02-04);电工",
        "preferred_cities": "烟台；威海",
        "transfer_willing": "on",
    }
    bad = client.post("/laborers/new", data=data)
    assert bad.status_code == 422
    assert "身份证号码校验位错误" in bad.text
    assert 'value="李建华"' in bad.text  # what was typed is kept
    data["id_number"] = id_number()
    good = client.post("/laborers/new", data=data, follow_redirects=False)
    assert good.status_code == 303
    detail = client.get(good.headers["location"])
    assert "李建华" in detail.text and "焊工" in detail.text and "烟台、威海" in detail.text


def test_detail_reveal_is_for_pii_holders(client):
    sign_in(client, "wushan.admin")
    roster = client.get("/laborers")
    first = re.search(r'href="/laborers/([0-9a-f-]{36})"', roster.text).group(1)
    detail = client.get(f"/laborers/{first}")
    assert "查看完整号码" in detail.text
    revealed = client.post(f"/laborers/{first}/reveal", data={"csrf_token": csrf_from(detail.text)})
    assert re.search(r'<code id="id-number">\d{17}[\dX]</code>', revealed.text)
    sign_in(client, "wushan.staff")
    assert "查看完整号码" not in client.get(f"/laborers/{first}").text


def test_survey_form(client):
    sign_in(client, "wushan.staff")
    roster = client.get("/laborers")
    first = re.search(r'href="/laborers/([0-9a-f-]{36})"', roster.text).group(1)
    detail = client.get(f"/laborers/{first}")
    data = {
        "csrf_token": csrf_from(detail.text),
        "surveyed_on": "2026-11-20",
        "surveyor": "冉志强",
        "employment_status": "employed",
        "employment_need": "none",
        "skill_level": "basic",
        "employment_difficulty": "none",
        "assistance_measure": "none",
        "note": "已在烟台务工",
    }
    missing = client.post(f"/laborers/{first}/surveys", data={**data, "surveyor": ""})
    assert missing.status_code == 422
    done = client.post(f"/laborers/{first}/surveys", data=data, follow_redirects=True)
    assert "冉志强" in done.text and "已在烟台务工" in done.text


def test_edit_with_a_stale_version_keeps_the_input(client):
    sign_in(client, "wushan.staff")
    roster = client.get("/laborers")
    first = re.search(r'href="/laborers/([0-9a-f-]{36})"', roster.text).group(1)
    form = client.get(f"/laborers/{first}/edit")
    version = re.search(r'name="version" value="(\d+)"', form.text).group(1)
    fields = dict(re.findall(r'name="(\w+)" type="text" value="([^"]*)"', form.text))
    data = {
        **fields,
        "csrf_token": csrf_from(form.text),
        "version": version,
        "village": "新村",
        "poverty_status": "none",
        "employment_status": "employed",
    }
    ok = client.post(f"/laborers/{first}/edit", data=data, follow_redirects=False)
    assert ok.status_code == 303, ok.text
    stale = client.post(f"/laborers/{first}/edit", data={**data, "village": "旧村"})
    assert stale.status_code == 409
    assert "该记录已是第" in stale.text


def test_import_wizard_shows_row_errors_then_commits(client):
    sign_in(client, "wushan.staff")
    page = client.get("/laborers/import")
    bad = xlsx([ledger_row(), ledger_row(就业状态="在家")])
    preview = outcome_of(
        client,
        client.post(
            "/laborers/import",
            data={"csrf_token": csrf_from(page.text)},
            files={"file": ("台账.xlsx", bad)},
            follow_redirects=False,
        ),
    )
    assert 'id="rejected-workbook"' in preview.text
    assert re.search(r'<td class="num">3</td><td>就业状态</td><td>无法识别“在家”', preview.text)
    good = xlsx([ledger_row(), ledger_row()])
    checked = outcome_of(
        client,
        client.post(
            "/laborers/import",
            data={"csrf_token": csrf_from(page.text)},
            files={"file": ("台账.xlsx", good)},
            follow_redirects=False,
        ),
    )
    assert checked.status_code == 200
    assert '<td class="num" id="count-new">2</td>' in checked.text
    action = re.search(r'action="(/laborers/import/[0-9a-f-]+/commit)"', checked.text).group(1)
    done = outcome_of(
        client,
        client.post(action, data={"csrf_token": csrf_from(checked.text)}, follow_redirects=False),
    )
    assert done.status_code == 200 and 'id="import-done"' in done.text
    assert re.search(
        r"全部劳动力\s*<span class=\"count\">302</span>", client.get("/laborers/counts").text
    )


def test_receiving_bureau_has_no_laborer_pages(client):
    sign_in(client, "yantai.staff")
    assert "/laborers" not in client.get("/").text
    assert client.get("/laborers").status_code == 404  # not an empty roster with exports
    assert client.get("/laborers/export").status_code == 404
