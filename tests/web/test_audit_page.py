"""The audit log reads as labelled before/after values, not JSON: the field's label,
old → new, codes by their labels in either language, personal data masked as stored."""

import re

from tests.fixtures.factories import id_number, laborer_payload
from tests.web.helpers import csrf_from, sign_in


def _row(html: str, action: str) -> str:
    start = html.index(f'data-action="{action}"')
    return html[start : html.index("</tr>", start)]


def test_the_audit_log_shows_labelled_values(client, login):
    full = id_number()
    county = login("wushan.staff")
    created = county.post("/api/v1/laborers", json=laborer_payload(id_number=full, name="审计人"))
    assert created.status_code == 201, created.text
    sign_in(client, "wushan.admin")
    members = client.get("/admin/members").text
    member = re.search(r'data-username="wushan.staff" data-member-id="([0-9a-f-]+)"', members)
    assert member
    changed = client.post(
        f"/admin/members/{member.group(1)}",
        data={"role": "viewer", "is_active": "true", "csrf_token": csrf_from(members)},
        follow_redirects=False,
    )
    assert changed.status_code == 303

    page = client.get("/admin/audit").text
    table = page[page.index("<table") : page.index("</table>")]
    assert '{"' not in table and "&#34;" not in table and "\\u" not in table  # no JSON
    role = _row(page, "membership.update")
    assert re.search(r"角色</dt>\s*<dd><del>工作人员</del> → <ins>只读</ins>", role), role
    laborer = _row(page, "laborer.create")
    assert "身份证号码" in laborer and full not in page  # masked as stored
    assert full[:6] + "********" in laborer
    assert "脱贫户" in laborer and "初中" in laborer  # codes by their labels
    assert "junior_high" not in page and "out_of_province" not in page

    client.get("/lang/en")
    english = client.get("/admin/audit").text
    role = _row(english, "membership.update")
    assert "Member changed" in role
    assert re.search(r"Role</dt>\s*<dd><del>Staff</del> → <ins>Viewer</ins>", role), role
    assert "Laborer registered" in _row(english, "laborer.create")


def test_the_audit_log_pages_with_a_true_total_and_filters_by_record(client, login, world):
    county = login("wushan.staff")
    for i in range(3):
        made = county.post("/api/v1/laborers", json=laborer_payload(name=f"审计分页{'甲乙丙'[i]}"))
        assert made.status_code == 201, made.text
    sign_in(client, "wushan.admin")
    everything = client.get("/admin/audit", params={"page_size": 200}).text
    total = int(re.search(r'data-total="(\d+)"', everything).group(1))
    pages = -(-total // 200)
    last = client.get("/admin/audit", params={"page_size": 200, "page": pages}).text
    counted = 200 * (pages - 1) + last.count("<tr data-action=")
    assert total == counted >= 3  # the true total, every entry on some page
    first = client.get("/admin/audit", params={"page_size": 2}).text
    second = client.get("/admin/audit", params={"page_size": 2, "page": 2}).text
    seqs = [int(s) for s in re.findall(r'<td class="num">(\d+)</td>', first + second)]
    assert len(seqs) == 4 and seqs == sorted(seqs, reverse=True)  # newest first, no repeat
    assert f'data-total="{total}"' in second and 'rel="next"' in first
    laborers = client.get("/admin/audit", params={"entity_type": "laborer", "page_size": 200}).text
    actions = set(re.findall(r'<tr data-action="([a-z_.]+)"', laborers))
    assert actions and all(a.startswith("laborer.") for a in actions), actions
    shown = int(re.search(r'data-total="(\d+)"', laborers).group(1))
    assert min(shown, 200) == laborers.count("<tr data-action=") and 3 <= shown < total
    assert 'name="entity_type" value="laborer"' in laborers.split('class="pagination"')[1]
    # An unknown kind is no filter at all, not an error.
    assert client.get("/admin/audit", params={"entity_type": "nope"}).status_code == 200
