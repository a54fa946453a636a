"""Bearer tokens: the password grant, personal tokens, expiry, revocation, throttling."""

from datetime import timedelta

from sqlalchemy import select, update

from api.auth import accounts
from api.auth.service import AuthService
from api.security.passwords import Passwords
from shared_models import ApiToken, SignInAttempt
from shared_models.base import utcnow
from tests.fixtures.world import PASSWORD, ApiUser


def _token(client, username, password):
    return client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": password},
    )


def test_password_grant_gives_a_working_token(client):
    response = _token(client, "wushan.admin", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["user"]["username"] == "wushan.admin"


def test_username_is_case_insensitive(client):
    assert _token(client, "  WuShan.Admin ", PASSWORD).status_code == 200


def test_wrong_password_is_a_problem_and_is_recorded(client, world):
    response = _token(client, "wushan.admin", "not-the-password")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/problems/invalid-credentials"
    assert body["error"] == "invalid_grant"
    assert body["title"] == "用户名或密码错误"
    # The failed attempt survives the failed request (it is what throttling counts).
    with world.owner_database().sessions() as session:
        attempts = session.scalars(select(SignInAttempt)).all()
    assert [(a.username, a.succeeded) for a in attempts] == [("wushan.admin", False)]


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client):
    unknown = _token(client, "nobody.here", "whatever-password")
    wrong = _token(client, "wushan.admin", "whatever-password")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json()["title"] == wrong.json()["title"]


def test_sign_in_is_throttled_after_repeated_failures(client):
    for _ in range(5):
        assert _token(client, "yantai.staff", "wrong-password-x").status_code == 401
    locked = _token(client, "yantai.staff", PASSWORD)  # even the right password now
    assert locked.status_code == 429
    assert locked.json()["type"] == "/problems/too-many-attempts"
    assert 1 <= int(locked.headers["Retry-After"]) <= 15 * 60
    # Other accounts are not affected.
    assert _token(client, "yantai.admin", PASSWORD).status_code == 200


def test_a_success_resets_the_failure_count(client):
    for _ in range(4):
        _token(client, "weifang.staff", "wrong-password-x")
    assert _token(client, "weifang.staff", PASSWORD).status_code == 200
    for _ in range(4):
        _token(client, "weifang.staff", "wrong-password-x")
    assert _token(client, "weifang.staff", PASSWORD).status_code == 200


def test_expired_token_is_refused(client, world):
    user = ApiUser(client, "wushan.staff")
    with world.owner_database().transaction() as session:
        session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = user.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["type"] == "/problems/invalid-token"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_revoked_token_is_refused(client):
    user = ApiUser(client, "wushan.staff")
    assert user.post("/api/v1/auth/revoke").status_code == 204
    assert user.get("/api/v1/me").status_code == 401


def test_forged_and_malformed_tokens_are_refused(client):
    for header in (
        "Bearer lba_forgedforgedforgedforgedforgedforged",
        "Bearer lbp_" + "A" * 43,
        "Bearer not-even-ours",
        "Basic d3VzaGFuOnB3",
        "Bearer",
        "",
    ):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.headers["content-type"] == "application/problem+json"


def test_personal_tokens_are_listed_used_and_revoked(client, login):
    owner = login("wushan.admin")
    created = owner.post("/api/v1/auth/tokens", json={"name": "报表脚本", "expires_in_days": 30})
    assert created.status_code == 201
    body = created.json()
    secret = body["token"]
    assert secret.startswith("lbp_") and body["prefix"] == secret[:10]
    listed = owner.get("/api/v1/auth/tokens").json()
    assert [t["name"] for t in listed] == ["报表脚本"]
    assert "token" not in listed[0]
    # The personal token works on its own.
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200
    # Someone else cannot revoke it: it does not exist for them.
    other = login("kaizhou.admin")
    assert other.delete(f"/api/v1/auth/tokens/{body['id']}").status_code == 404
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )
    assert owner.delete(f"/api/v1/auth/tokens/{body['id']}").status_code == 204
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )
    assert owner.get("/api/v1/auth/tokens").json()[0]["revoked_at"] is not None


def test_personal_token_lifetime_is_bounded(login):
    user = login("wushan.admin")
    too_long = user.post("/api/v1/auth/tokens", json={"name": "x", "expires_in_days": 5000})
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["field"] == "expires_in_days"
    nameless = user.post("/api/v1/auth/tokens", json={"name": "   "})
    assert nameless.status_code == 422


def test_disabling_a_user_ends_their_tokens(client, world):
    user = ApiUser(client, "kaizhou.staff")
    settings = world.settings
    with world.owner_database().transaction() as session:
        accounts.disable_user(session, AuthService(settings, Passwords(settings)), "kaizhou.staff")
    assert user.get("/api/v1/me").status_code == 401
    again = _token(client, "kaizhou.staff", PASSWORD)
    assert again.status_code == 403
    assert again.json()["type"] == "/problems/account-disabled"


def test_tenant_is_chosen_per_request(client, world):
    user = ApiUser(client, "wushan.admin")  # admin of the bureau, viewer at its office
    default = user.get("/api/v1/me").json()
    assert default["tenant"]["id"] == str(world.orgs["wushan"])
    assert {m["tenant_id"] for m in default["memberships"]} == {
        str(world.orgs["wushan"]),
        str(world.orgs["wushan_office"]),
    }
    office = user.get("/api/v1/me", headers={"X-Tenant-ID": str(world.orgs["wushan_office"])})
    assert office.json()["tenant"]["name"] == "巫山县驻烟台劳务办事处"
    assert office.json()["role"] == "viewer"
    assert "write" not in office.json()["permissions"]
    outsider = user.get(
        "/api/v1/organizations", headers={"X-Tenant-ID": str(world.orgs["kaizhou"])}
    )
    assert outsider.status_code == 403
    assert outsider.json()["type"] == "/problems/no-tenant"
    garbled = user.get("/api/v1/organizations", headers={"X-Tenant-ID": "not-a-uuid"})
    assert garbled.status_code == 400


def test_missing_token_asks_for_a_bearer(client):
    response = client.get("/api/v1/organizations")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["type"] == "/problems/unauthenticated"
