"""An object store that is down or silent: /readyz says so within seconds (503 naming
it), and a route that needs it answers 503 with Retry-After, never a 500 or a hang."""

import socket
import time
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from tests.api.test_attachment_s3 import BUCKET, REGION, s3  # noqa: F401 - a fixture
from tests.api.test_casework import OFFICE, PDF, _laborer, _ok, visit
from tests.fixtures.world import ApiUser


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A server that takes connections and never answers (a hung object store)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def closed_endpoint() -> str:
    """A port nobody listens on (an object store that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def _s3_settings(endpoint: str) -> dict[str, object]:
    return {
        "s3_bucket": BUCKET,
        "s3_region": REGION,
        "s3_endpoint_url": endpoint,
        "s3_access_key_id": "test",
        "s3_secret_access_key": SecretStr("test"),
    }


def test_readyz_names_a_silent_object_store_within_seconds(world, silent_endpoint):
    client = world.client(**_s3_settings(silent_endpoint))
    started = time.monotonic()
    response = client.get("/readyz")
    seconds = time.monotonic() - started
    assert response.status_code == 503
    assert seconds < 5, seconds
    assert response.headers["Retry-After"] == "5"
    body = response.json()
    assert body["checks"] == {"database": "ok", "object_store": "failed"}
    assert "object_store" in body["detail"]


def test_readyz_is_ready_with_a_working_object_store(world, s3):  # noqa: F811
    client = world.client(s3_bucket=BUCKET, s3_region=REGION)
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ready", "database": "ok", "object_store": "ok"}


def test_an_upload_while_the_object_store_is_down_answers_503(world, login, closed_endpoint):
    laborer = _laborer(login)
    office = ApiUser(world.client(**_s3_settings(closed_endpoint)), OFFICE)
    case = _ok(office.post("/api/v1/cases", json=visit([laborer["id"]])))
    url = f"/api/v1/cases/{case['id']}/attachments"
    started = time.monotonic()
    response = office.post(url, files={"file": ("scan.pdf", PDF, "application/pdf")})
    assert time.monotonic() - started < 15
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "5"
    assert response.json()["type"] == "/problems/storage-unavailable"
    listed = office.get(url)
    assert listed.status_code == 200
    assert listed.json() == []  # nothing half-saved
