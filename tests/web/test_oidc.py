"""OpenID Connect sign-in against an in-process identity provider (Authlib, real JWTs)."""

import time
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey
from pydantic import SecretStr
from sqlalchemy import select, update

from api.app import create_app
from api.auth.devices import Devices
from api.demo.loader import sign_ins
from shared_models import SignInAttempt, User
from shared_models.base import utcnow
from tests.web.helpers import csrf_from
from tests.web.test_no_blocking_handlers import no_statements_on_the_loop

ISSUER = "https://id.example.gov.cn"
CLIENT_ID = "laborbridge"


class FakeProvider:
    """Discovery, JWKS and token endpoints; the test plays the user at the authorize step."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        self.claims: dict[str, object] = {}
        self.nonce = ""
        self.token_requests: list[dict[str, list[str]]] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/.well-known/openid-configuration":
            return httpx.Response(
                200,
                json={
                    "issuer": ISSUER,
                    "authorization_endpoint": f"{ISSUER}/authorize",
                    "token_endpoint": f"{ISSUER}/token",
                    "jwks_uri": f"{ISSUER}/jwks",
                    "id_token_signing_alg_values_supported": ["RS256"],
                },
            )
        if path == "/jwks":
            return httpx.Response(200, json={"keys": [self.key.as_dict(private=False)]})
        if path == "/token":
            form = parse_qs(request.content.decode())
            self.token_requests.append(form)
            now = int(time.time())
            claims = {
                "iss": ISSUER,
                "aud": CLIENT_ID,
                "iat": now,
                "exp": now + 300,
                "nonce": self.nonce,
                **self.claims,
            }
            id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)
            return httpx.Response(
                200,
                json={
                    "access_token": "provider-access-token",
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": id_token,
                },
            )
        return httpx.Response(404)


@pytest.fixture
def provider():
    return FakeProvider()


@pytest.fixture
def oidc_client(world, provider):
    settings = world.settings.model_copy(
        update={
            "oidc_issuer": ISSUER,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": SecretStr("s3cret"),
        }
    )
    app = create_app(settings, oidc_transport=httpx.MockTransport(provider.handler))
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def _sign_in(client, provider, claims):
    start = client.get("/auth/oidc/login?next=/admin/members", follow_redirects=False)
    assert start.status_code == 302
    authorize = urlparse(start.headers["location"])
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == f"{ISSUER}/authorize"
    query = parse_qs(authorize.query)
    assert query["client_id"] == [CLIENT_ID] and query["code_challenge_method"] == ["S256"]
    provider.nonce = query["nonce"][0]
    provider.claims = claims
    return client.get(
        f"/auth/oidc/callback?code=the-code&state={query['state'][0]}", follow_redirects=False
    )


def _set_email(world, username, email):
    with world.owner_database().transaction() as session:
        session.execute(update(User).where(User.username == username).values(email=email))


def test_login_page_offers_the_identity_service(oidc_client):
    assert "使用政务统一身份认证登录" in oidc_client.get("/login").text


def test_verified_email_links_an_existing_account(oidc_client, provider, world):
    _set_email(world, "wushan.admin", "admin@wushan.gov.cn")
    response = _sign_in(
        oidc_client,
        provider,
        {
            "sub": "citizen-001",
            "email": "admin@wushan.gov.cn",
            "email_verified": True,
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/members"
    assert oidc_client.get("/admin/members").status_code == 200
    assert provider.token_requests[0]["code_verifier"]  # PKCE
    with world.owner_database().sessions() as session:
        user = session.scalars(select(User).where(User.username == "wushan.admin")).one()
    assert (user.oidc_issuer, user.oidc_subject) == (ISSUER, "citizen-001")
    # Next time the subject alone is enough, whatever the e-mail says now.
    oidc_client.cookies.clear()
    again = _sign_in(oidc_client, provider, {"sub": "citizen-001", "email": "new@example.com"})
    assert again.status_code == 303


def test_unknown_identity_is_not_provisioned(oidc_client, provider, world):
    response = _sign_in(
        oidc_client,
        provider,
        {
            "sub": "stranger",
            "email": "stranger@example.com",
            "email_verified": True,
        },
    )
    assert response.status_code == 401
    assert "该身份未关联任何平台账号" in response.text
    assert "lb_session" not in response.cookies
    with world.owner_database().sessions() as session:
        users = session.scalars(select(User.username)).all()
        attempts = session.scalars(select(SignInAttempt)).all()
    # No account was made for the stranger: the demo's accounts, and only those.
    assert sorted(users) == sorted(s.username for s in sign_ins())
    assert [(a.username, a.succeeded) for a in attempts] == [("oidc:stranger", False)]


def test_unverified_email_does_not_link(oidc_client, provider, world):
    _set_email(world, "yantai.admin", "admin@yantai.gov.cn")
    response = _sign_in(
        oidc_client,
        provider,
        {
            "sub": "x-1",
            "email": "admin@yantai.gov.cn",
            "email_verified": False,
        },
    )
    assert response.status_code == 401


def test_provider_errors_are_shown(oidc_client):
    oidc_client.get("/auth/oidc/login", follow_redirects=False)
    response = oidc_client.get("/auth/oidc/callback?error=access_denied&state=x")
    assert response.status_code == 400
    assert "统一身份认证登录失败" in response.text


def test_oidc_routes_are_absent_without_an_issuer(client):
    assert client.get("/auth/oidc/login").status_code == 404
    assert "统一身份认证" not in client.get("/login").text


def test_oidc_sign_in_remembers_the_device(oidc_client, provider, world):
    """As after a password sign-in: the browser gets the account's device cookie, and what
    it does next for the account is counted on that device (sign-in throttling)."""
    _set_email(world, "wushan.admin", "admin@wushan.gov.cn")
    claims = {"sub": "citizen-002", "email": "admin@wushan.gov.cn", "email_verified": True}
    # Authlib's client makes both OIDC handlers coroutines: their database work must
    # still run off the event loop (tests/web/test_no_blocking_handlers.py).
    with no_statements_on_the_loop(oidc_client.app.state.db.engine):
        first = _sign_in(oidc_client, provider, claims)
    assert first.status_code == 303
    devices = Devices(world.settings)
    name = devices.cookie_name("wushan.admin")
    [set_cookie] = [c for c in first.headers.get_list("set-cookie") if c.startswith(name + "=")]
    assert "HttpOnly" in set_cookie and "samesite=lax" in set_cookie.lower()
    device = devices.verify("wushan.admin", first.cookies[name], utcnow())
    assert device is not None

    # The next sign-in from this browser, by the provider or by password, is on the device.
    oidc_client.cookies.delete("lb_session")
    second = _sign_in(oidc_client, provider, {"sub": "citizen-002"})
    assert second.status_code == 303
    # Each success issues a fresh device id (as a password sign-in does).
    renewed = devices.verify("wushan.admin", second.cookies[name], utcnow())
    oidc_client.cookies.delete("lb_session")
    form = {
        "username": "wushan.admin",
        "password": "wrong",
        "next": "/",
        "csrf_token": csrf_from(oidc_client.get("/login").text),
    }
    assert oidc_client.post("/login", data=form, follow_redirects=False).status_code == 401
    with world.owner_database().sessions() as session:
        attempts = session.scalars(
            select(SignInAttempt)
            .where(SignInAttempt.username == "wushan.admin")
            .order_by(SignInAttempt.attempted_at)
        ).all()
    assert [(a.succeeded, a.device_id) for a in attempts] == [
        (True, None),  # the first: no device yet
        (True, device),
        (False, renewed),
    ]
