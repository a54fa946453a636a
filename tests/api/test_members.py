"""Tenant administrators manage their members; every change is audited."""

from sqlalchemy import select

from shared_models import AuditEntry


def _member_id(user, username):
    members = user.get("/api/v1/members").json()
    return next(m["id"] for m in members if m["username"] == username)


def test_admin_lists_only_own_members(login):
    members = login("yantai.admin").get("/api/v1/members").json()
    assert {m["username"] for m in members} == {"yantai.admin", "yantai.staff"}


def test_staff_may_not_manage_members(login):
    response = login("yantai.staff").get("/api/v1/members")
    assert response.status_code == 403
    assert response.json()["type"] == "/problems/forbidden"


def test_admin_changes_a_role_and_it_is_audited(login, world):
    admin = login("wushan.admin")
    member_id = _member_id(admin, "wushan.staff")
    response = admin.patch(
        f"/api/v1/members/{member_id}", json={"role": "viewer", "can_reveal_pii": True}
    )
    assert response.status_code == 200
    assert response.json()["role"] == "viewer"
    assert response.json()["can_reveal_pii"] is True
    entries = admin.get("/api/v1/audit", params={"entity_id": member_id}).json()["items"]
    update = next(e for e in entries if e["action"] == "membership.update")
    assert update["actor_label"] == "wushan.admin"
    assert update["before"] == {"role": "staff", "can_reveal_pii": False}
    assert update["after"] == {"username": "wushan.staff", "role": "viewer", "can_reveal_pii": True}
    assert update["request_id"]
    # The member now only reads.
    assert "write" not in login("wushan.staff").get("/api/v1/me").json()["permissions"]


def test_last_admin_cannot_step_down(login, world):
    admin = login("weifang.admin")
    own_id = _member_id(admin, "weifang.admin")
    response = admin.patch(f"/api/v1/members/{own_id}", json={"role": "staff"})
    assert response.status_code == 409
    assert admin.get(f"/api/v1/members/{own_id}").json()["role"] == "admin"
    with world.owner_database().sessions() as session:
        actions = session.scalars(select(AuditEntry.action)).all()
    assert "membership.update" not in actions


def test_unknown_fields_and_values_are_rejected(login):
    admin = login("wushan.admin")
    member_id = _member_id(admin, "wushan.staff")
    bad_role = admin.patch(f"/api/v1/members/{member_id}", json={"role": "owner"})
    assert bad_role.status_code == 422
    assert bad_role.json()["errors"][0]["field"] == "role"
    extra = admin.patch(f"/api/v1/members/{member_id}", json={"tenant_id": "x"})
    assert extra.status_code == 422
    assert extra.json()["errors"][0]["code"] == "extra_forbidden"


def test_deactivated_member_loses_the_tenant(login):
    admin = login("kaizhou.admin")
    member_id = _member_id(admin, "kaizhou.staff")
    staff = login("kaizhou.staff")
    assert admin.patch(f"/api/v1/members/{member_id}", json={"is_active": False}).status_code == 200
    response = staff.get("/api/v1/organizations")
    assert response.status_code == 403
    assert response.json()["type"] == "/problems/no-tenant"
