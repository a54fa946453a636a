"""The first deploy, as deploy/compose.yaml runs it, boots: a fresh PostgreSQL cluster
with deploy/postgres/roles.sql applied, exactly the compose file's environment plus the
keys `laborbridge keys generate` prints, `laborbridge db upgrade` as the migrate service
runs it, then the image's own command (gunicorn) as a real process, and /readyz is 200.

Only where things are changes: the database host (the compose service `db` is our
cluster's port), the data directory and the listening address."""

import json
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.deploy import compose_env, processes
from tests.deploy.processes import ROOT, argv, free_port, process_env, run_to_end, stop
from tests.fixtures.throwaway_cluster import throwaway_cluster


def _at(url: str, port: int) -> str:
    return make_url(url).set(host="127.0.0.1", port=port).render_as_string(hide_password=False)


@pytest.mark.postgres_only
def test_compose_environment_migrates_and_serves_ready(tmp_path):
    # Passwords checked over TCP, so the compose file's URLs must match roles.sql's roles.
    with throwaway_cluster(tmp_path, host_auth="scram-sha-256") as cluster:
        cluster.psql_file(compose_env.DEPLOY / "postgres" / "roles.sql")  # as initdb.d would
        _boot(cluster.port, tmp_path)


def _boot(db_port: int, tmp_path: Path) -> None:
    env_files = {"laborbridge.env": processes.generated_keys(tmp_path)}
    migrate_env = compose_env.service_environment("migrate", env_files)
    app_env = compose_env.service_environment("app", env_files)
    assert migrate_env == app_env, "the migration and the service must see the same settings"
    assert compose_env.image_environment()["TZ"] == app_env["TZ"] == "Asia/Shanghai"
    for name in ("LB_DATABASE_URL", "LB_OWNER_DATABASE_URL"):
        assert make_url(app_env[name]).host == "db"
        app_env[name] = _at(app_env[name], db_port)
    port = free_port()
    app_env |= {"LB_DATA_DIR": str(tmp_path / "files"), "LB_BIND": f"127.0.0.1:{port}"}
    env = process_env(app_env)

    run_to_end(compose_env.services()["migrate"]["command"], env)

    log = tmp_path / "server.log"
    with log.open("w") as stderr:
        server = subprocess.Popen(
            argv(compose_env.image_command()), env=env, cwd=ROOT, stderr=stderr
        )
        try:
            status = _wait_for_ready(f"http://127.0.0.1:{port}/readyz", server)
        finally:
            stop(server)
    lines = log.read_text().splitlines()
    assert status == 200, "\n".join(lines[-30:])
    _assert_json_logs_in_bureau_time(lines)


def _wait_for_ready(url: str, server: subprocess.Popen) -> int:
    deadline = time.monotonic() + 120
    status = 0
    while time.monotonic() < deadline and server.poll() is None:
        try:
            status = httpx.get(url, timeout=5).status_code
        except httpx.TransportError:
            status = 0
        if status == 200:
            return status
        time.sleep(0.5)
    return status


def _assert_json_logs_in_bureau_time(lines: list[str]) -> None:
    records = [json.loads(line) for line in lines]  # every line of gunicorn and the app
    loggers = {record["logger"] for record in records}
    assert "gunicorn.error" in loggers  # the master: "Starting gunicorn", "Booting worker"
    assert any(r["logger"] == "laborbridge.access" and "/readyz" in r["message"] for r in records)
    # TZ from the compose file: log times are Beijing time, not UTC.
    logged = datetime.strptime(records[0]["time"], "%Y-%m-%d %H:%M:%S,%f").replace(
        tzinfo=ZoneInfo("Asia/Shanghai")
    )  # read as Beijing time; were it UTC, it would be 8 hours in the past
    assert timedelta(0) <= datetime.now(UTC) - logged < timedelta(minutes=10)
