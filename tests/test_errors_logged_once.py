"""An unexpected error is logged once, with its traceback and request id, by a real
server (uvicorn), and answered with a problem that names the request id."""

import logging

import httpx

from tests.fixtures.live_server import live_server


def test_a_500_is_one_log_record_with_its_traceback(world, caplog):
    app = world.app()

    def explode() -> None:
        raise RuntimeError("kaboom for the log test")

    app.add_api_route("/api/v1/explode", explode)
    with caplog.at_level(logging.INFO), live_server(app) as base:
        response = httpx.get(f"{base}/api/v1/explode", headers={"X-Request-ID": "req-explode-1"})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["request_id"] == "req-explode-1"
    with_traceback = [r for r in caplog.records if r.exc_info or "Traceback" in (r.exc_text or "")]
    assert len(with_traceback) == 1, [(r.name, r.getMessage()) for r in with_traceback]
    assert "kaboom for the log test" in str(with_traceback[0].exc_info[1])
    access = [r for r in caplog.records if r.name == "laborbridge.access"]
    assert [r.getMessage().split()[:3] for r in access] == [["GET", "/api/v1/explode", "500"]]
