"""Prometheus metrics on a port of their own: request latency by route template, pool
use, job durations and each scheduled command's last success; never on the app's port."""

import re
import socket

import httpx

from tests.fixtures.world import ApiUser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _scrape(port: int) -> str:
    response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    assert response.status_code == 200
    return response.text


def _sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample, or None when it is not there."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.rsplit(" ", 1)[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_metrics_port_reports_routes_pool_jobs_and_scheduled_runs(world, cli):
    port = _free_port()
    client = world.client(metrics_port=port)
    user = ApiUser(client, "wushan.staff")
    before = _scrape(port)  # the counts are the process's, other tests' requests too
    laborers = user.get("/api/v1/laborers").json()["items"]
    for item in laborers[:3]:
        assert user.get(f"/api/v1/laborers/{item['id']}").status_code == 200
    assert user.get("/api/v1/laborers/00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get("/no/such/page").status_code == 404
    assert cli("stats", "tidy").exit_code == 0

    text = _scrape(port)
    # One series for every laborer read, by the route's template; never a raw path.
    route = "/api/v1/laborers/{laborer_id}"
    count = "laborbridge_http_request_duration_seconds_count"

    def added(**labels: str) -> float:
        return (_sample(text, count, **labels) or 0) - (_sample(before, count, **labels) or 0)

    assert added(method="GET", route=route, status="200") == 3
    assert added(method="GET", route=route, status="404") == 1
    assert added(method="GET", route="<unmatched>", status="404") == 1
    assert laborers[0]["id"] not in text
    for name in (
        "laborbridge_db_pool_size",
        "laborbridge_db_pool_checked_out",
        "laborbridge_db_pool_overflow",
    ):
        assert _sample(text, name) is not None, name
    assert "# TYPE laborbridge_job_duration_seconds histogram" in text
    success = _sample(
        text, "laborbridge_scheduled_job_last_success_timestamp_seconds", command="stats tidy"
    )
    assert success is not None and success > 1.7e9
    assert _sample(text, "laborbridge_scheduled_jobs_readable") == 1

    # The app's own port serves no metrics.
    assert client.get("/metrics").status_code == 404


def test_a_failed_scheduled_run_is_recorded_and_leaves_the_last_success(world, cli):
    assert cli("subsidies", "evaluate", "--workers", "1").exit_code == 0
    assert cli("stats", "snapshot", "--period", "no-such-period").exit_code == 1
    port = _free_port()
    world.client(metrics_port=port)
    text = _scrape(port)
    name = "laborbridge_scheduled_job_last_success_timestamp_seconds"
    assert _sample(text, name, command="subsidies evaluate") is not None
    assert _sample(text, name, command="stats snapshot") is None
    failed = "laborbridge_scheduled_job_last_failure_timestamp_seconds"
    assert _sample(text, failed, command="stats snapshot") is not None


def test_serve_leaves_metrics_of_several_processes_to_gunicorn(cli, monkeypatch):
    monkeypatch.setenv("LB_METRICS_PORT", "0")  # restored afterwards: serve sets it
    result = cli("serve", "--workers", "2", "--metrics-port", str(_free_port()))
    assert result.exit_code == 1
    assert "gunicorn" in result.output
