"""Signing in and out on the web: sessions, cookies, CSRF, timeouts, language."""

from datetime import timedelta

from sqlalchemy import select, update

from api.auth import accounts
from api.auth.service import AuthService
from api.i18n import translate_in
from api.security.passwords import Passwords
from shared_models import WebSession
from shared_models.base import utcnow
from tests.api.test_sign_in_behind_proxy import ACCOUNT_LOCKED
from tests.web.helpers import csrf_from, sign_in


def test_pages_need_sign_in(client):
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2F"


def test_login_page_is_chinese_by_default_and_english_on_request(client):
    chinese = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="zh-CN"' in chinese.text
    assert "劳务协作平台" in chinese.text and "用户名" in chinese.text
    client.get("/lang/en?next=/login")
    english = client.get("/login")
    assert '<html lang="en"' in english.text
    assert "Username" in english.text and "用户名" not in english.text
    client.get("/lang/zh_CN")
    assert "用户名" in client.get("/login").text


def test_sign_in_sets_a_safe_session_cookie(client):
    response = sign_in(client, "wushan.staff", next_path="/admin/members")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/members"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("lb_session=lbs_")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    home = client.get("/")
    assert home.status_code == 200
    assert "巫山县人社局" in home.text and "烟台市人社局" in home.text


def test_open_redirects_are_ignored(client):
    assert sign_in(client, "wushan.staff", next_path="//evil.example").headers["location"] == "/"
    assert (
        client.get("/lang/en?next=https://evil.example", follow_redirects=False).headers["location"]
        == "/"
    )


def test_wrong_password_shows_the_form_again(client):
    response = sign_in(client, "wushan.staff", password="not-it-at-all")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.text
    assert 'value="wushan.staff"' in response.text
    assert "lb_session" not in response.headers.get("set-cookie", "")


def test_throttled_on_the_web_too(client):
    for _ in range(5):
        sign_in(client, "yantai.staff", password="not-it-at-all")
    response = sign_in(client, "yantai.staff")
    assert response.status_code == 429
    # A new device is refused; the message says the usual one still gets in.
    assert translate_in("zh_CN", ACCOUNT_LOCKED, minutes=15) in response.text
    assert int(response.headers["Retry-After"]) > 0


def test_every_form_needs_its_csrf_token(client):
    page = client.get("/login")
    missing = client.post("/login", data={"username": "wushan.staff", "password": "x"})
    assert missing.status_code == 403
    assert "表单已失效" in missing.text
    forged = client.post(
        "/login", data={"username": "wushan.staff", "password": "x", "csrf_token": "forged"}
    )
    assert forged.status_code == 403
    assert csrf_from(page.text)
    sign_in(client, "wushan.staff")
    no_token = client.post("/logout", follow_redirects=False)
    assert no_token.status_code == 403
    assert client.get("/").status_code == 200  # still signed in


def test_a_new_session_id_at_every_sign_in(client, world):
    first = sign_in(client, "wushan.staff").cookies["lb_session"]
    second = sign_in(client, "wushan.admin").cookies["lb_session"]
    assert first != second
    with world.owner_database().sessions() as session:
        reasons = sorted(r or "" for r in session.scalars(select(WebSession.end_reason)))
    assert reasons == ["", "replaced"]


def test_sign_out_ends_the_session(client):
    sign_in(client, "wushan.staff")
    cookie = client.cookies["lb_session"]
    home = client.get("/")
    response = client.post(
        "/logout", data={"csrf_token": csrf_from(home.text)}, follow_redirects=False
    )
    assert response.status_code == 303
    client.cookies.set("lb_session", cookie)  # replaying the old cookie does not help
    assert client.get("/", follow_redirects=False).status_code == 303


def test_idle_and_absolute_timeouts(client, world):
    sign_in(client, "wushan.staff")
    with world.owner_database().transaction() as session:
        session.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    assert client.get("/", follow_redirects=False).status_code == 303
    sign_in(client, "wushan.staff")
    assert client.get("/").status_code == 200
    with world.owner_database().transaction() as session:
        session.execute(
            update(WebSession)
            .where(WebSession.ended_at.is_(None))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert client.get("/", follow_redirects=False).status_code == 303
    with world.owner_database().sessions() as session:
        reasons = sorted(r or "" for r in session.scalars(select(WebSession.end_reason)))
    assert reasons == ["expired", "idle"]


def test_disabling_a_user_ends_their_session(client, world):
    sign_in(client, "kaizhou.staff")
    assert client.get("/").status_code == 200
    with world.owner_database().transaction() as session:
        accounts.disable_user(
            session, AuthService(world.settings, Passwords(world.settings)), "kaizhou.staff"
        )
    assert client.get("/", follow_redirects=False).status_code == 303


def test_switching_tenant(client, world):
    sign_in(client, "wushan.admin")
    home = client.get("/")
    assert "切换机构" in home.text
    response = client.post(
        "/switch-tenant",
        data={"tenant_id": str(world.orgs["wushan_office"]), "csrf_token": csrf_from(home.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    office_home = client.get("/")
    assert "<h1>巫山县驻烟台劳务办事处</h1>" in office_home.text
    refused = client.post(
        "/switch-tenant",
        data={"tenant_id": str(world.orgs["kaizhou"]), "csrf_token": csrf_from(office_home.text)},
    )
    assert refused.status_code == 403
