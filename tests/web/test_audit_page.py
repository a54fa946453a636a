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
