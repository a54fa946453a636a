"""The image's server (gunicorn, deploy/gunicorn.conf.py) resolves the client address as
the app does: X-Forwarded-For counts only from LB_TRUSTED_PROXIES, and with none set, not
even from 127.0.0.1 (gunicorn's own default would trust it). Real processes, the address
read back from the sign-in attempts the server recorded."""

import sqlite3
import subprocess
import time
from pathlib import Path

import httpx

from tests.deploy import compose_env
from tests.deploy.processes import ROOT, argv, free_port, process_env, run_to_end, stop

ENV = {"LB_ENV": "development", "LB_SECRET_KEY": "s" * 40, "LB_WORKERS": "1"}


def _recorded_address(tmp_path: Path, **settings: str) -> str:
    """Fail one sign-in through the server, from 127.0.0.1 with a forwarded address."""
    port = free_port()
    env = process_env(
        ENV | {"LB_DATA_DIR": str(tmp_path), "LB_BIND": f"127.0.0.1:{port}"} | settings
    )
    run_to_end(["laborbridge", "db", "upgrade"], env)
    server = subprocess.Popen(
        argv(compose_env.image_command()),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        status = _token(port, server)
    finally:
        stop(server)
    assert status == 401
    with sqlite3.connect(tmp_path / "laborbridge.sqlite3") as db:
        [(address,)] = db.execute("SELECT ip_address FROM sign_in_attempts").fetchall()
    return address


def _token(port: int, server: subprocess.Popen) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            return httpx.post(
                f"http://127.0.0.1:{port}/api/v1/auth/token",
                data={"grant_type": "password", "username": "nobody.here", "password": "x"},
                headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.9"},
                timeout=60,
            ).status_code
        except httpx.ConnectError:
            # Not listening yet. Not on a read timeout: the server has the attempt, and
            # a second one would record a second row.
            time.sleep(0.5)
    raise AssertionError("the server did not answer")


def test_the_server_believes_forwarded_addresses_only_from_trusted_proxies(tmp_path):
    trusted = _recorded_address(tmp_path / "trusted", LB_TRUSTED_PROXIES="127.0.0.1")
    assert trusted == "203.0.113.9"  # the rightmost untrusted hop, not what a client wrote
    assert _recorded_address(tmp_path / "default") == "127.0.0.1"
