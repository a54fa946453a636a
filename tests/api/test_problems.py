"""Bad requests get a clear RFC 9457 problem, in Chinese or English; never a 500."""

import json

import pytest


@pytest.fixture
def admin(login):
    return login("wushan.admin")


def _member_url(admin):
    member = next(m for m in admin.get("/api/v1/members").json() if m["username"] == "wushan.staff")
    return f"/api/v1/members/{member['id']}"


def test_malformed_json(admin):
    response = admin.patch(
        _member_url(admin), content=b'{"role": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/malformed-json"


def test_wrong_content_type(admin):
    response = admin.patch(
        _member_url(admin), content=b"role=viewer", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json()["type"] == "/problems/unsupported-media-type"


def test_oversized_body_by_length_and_by_stream(admin, world):
    big = json.dumps({"role": "viewer", "pad": "x" * (world.settings.max_json_bytes + 10)})
    declared = admin.patch(
        _member_url(admin), content=big.encode(), headers={"Content-Type": "application/json"}
    )
    assert declared.status_code == 413
    assert declared.json()["type"] == "/problems/payload-too-large"

    def chunks():
        yield b'{"role": "viewer", "pad": "'
        for _ in range(world.settings.max_json_bytes // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    streamed = admin.patch(
        _member_url(admin), content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413


def test_field_errors_name_the_field(admin):
    response = admin.patch(_member_url(admin), json={"role": 7, "is_active": "maybe"})
    assert response.status_code == 422
    fields = {e["field"]: e for e in response.json()["errors"]}
    assert set(fields) == {"role", "is_active"}
    assert fields["is_active"]["message"] == "请填写是或否（true / false）。"


def test_not_a_json_object(admin):
    response = admin.patch(_member_url(admin), json=["role", "viewer"])
    assert response.status_code == 422


def test_unknown_route_and_wrong_method(admin):
    missing = admin.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = admin.delete("/api/v1/organizations")
    assert wrong.status_code == 405
    assert wrong.json()["type"] == "/problems/method-not-allowed"


def test_titles_follow_accept_language(client):
    chinese = client.get("/api/v1/me")
    assert chinese.json()["title"] == "请先登录"
    english = client.get("/api/v1/me", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert english.json()["title"] == "Sign-in required"
    weighted = client.get("/api/v1/me", headers={"Accept-Language": "fr;q=1, en;q=0.5, zh;q=0.8"})
    assert weighted.json()["title"] == "请先登录"


def test_request_id_on_every_response(client):
    generated = client.get("/healthz")
    assert len(generated.headers["X-Request-ID"]) == 32
    echoed = client.get("/healthz", headers={"X-Request-ID": "abc-12345678"})
    assert echoed.headers["X-Request-ID"] == "abc-12345678"
    refused = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert refused.headers["X-Request-ID"] != "bad id with spaces"
    problem = client.get("/api/v1/me", headers={"X-Request-ID": "trace-0000001"})
    assert problem.json()["request_id"] == "trace-0000001"


def test_problem_types_resolve(client):
    for slug in ("not-found", "validation-failed", "too-many-attempts", "invalid-token"):
        body = client.get(f"/problems/{slug}").json()
        assert body["type"] == f"/problems/{slug}"
        assert body["title"]["zh_CN"] and body["title"]["en"]
    assert client.get("/problems/nonsense").status_code == 404


def test_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert client.get("/api/v1/me").headers["Cache-Control"] == "no-store"


def test_health_and_readiness(client, world):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"
    # Nothing listens on port 1: the database is unreachable.
    broken = world.client(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = broken.get("/readyz")
    assert response.status_code == 503
    assert response.json()["type"] == "/problems/unavailable"
