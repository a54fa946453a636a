"""Members and audit pages for tenant administrators; API tokens for everyone."""

import re

from tests.web.helpers import csrf_from, sign_in


def _member_id(html: str, username: str) -> str:
    match = re.search(rf'data-username="{re.escape(username)}" data-member-id="([0-9a-f-]+)"', html)
    assert match, username
    return match.group(1)


def test_members_page_and_role_change(client):
    sign_in(client, "yantai.admin")
    page = client.get("/admin/members")
    assert page.status_code == 200
    assert "yantai.staff" in page.text and "wushan" not in page.text
    response = client.post(
        f"/admin/members/{_member_id(page.text, 'yantai.staff')}",
        data={"role": "viewer", "is_active": "true", "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    after = client.get("/admin/members").text
    row = after[after.index('data-username="yantai.staff"') :].split("</tr>")[0]
    assert '<option value="viewer" selected>' in row
    audit = client.get("/admin/audit")
    assert "membership.update" in audit.text and "yantai.admin" in audit.text


def test_staff_cannot_open_admin_pages(client):
    sign_in(client, "yantai.staff")
    # A page the role has no use for answers 404, like one outside its tenant.
    assert client.get("/admin/members").status_code == 404
    assert client.get("/admin/audit").status_code == 404
    assert "/admin/members" not in client.get("/").text  # no link to what they may not open


def test_last_admin_refusal_is_shown_on_the_page(client):
    sign_in(client, "weifang.admin")
    page = client.get("/admin/members")
    response = client.post(
        f"/admin/members/{_member_id(page.text, 'weifang.admin')}",
        data={"role": "staff", "is_active": "true", "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 409
    assert "至少要保留一名有效的管理员" in response.text


def test_api_tokens_page(client):
    sign_in(client, "wushan.staff")
    page = client.get("/account/tokens")
    created = client.post(
        "/account/tokens",
        data={"name": "月报", "expires_in_days": "30", "csrf_token": csrf_from(page.text)},
    )
    assert created.status_code == 200
    assert "请立即复制此令牌" in created.text
    secret = re.search(r'<code id="new-token">(lbp_[^<]+)</code>', created.text).group(1)
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )
    empty = client.post("/account/tokens", data={"name": " ", "csrf_token": csrf_from(page.text)})
    assert empty.status_code == 422
    assert "此项为必填项" in empty.text
