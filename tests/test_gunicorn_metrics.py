"""The shipped gunicorn config with two worker processes: the master serves the metrics
of both (prometheus_client's multiprocess mode) on LB_METRICS_PORT, and the app's port
serves none."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.api.test_metrics import _free_port, _sample

ROOT = Path(__file__).resolve().parents[1]


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()[-3000:]  # type: ignore[union-attr]
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def test_two_gunicorn_workers_are_summed_on_the_metrics_port(world, tmp_path):
    settings = world.settings
    app_port, metrics_port = _free_port(), _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LB_")},
        "PYTHONPATH": str(ROOT),
        "LB_ENV": settings.env,
        "LB_SECRET_KEY": settings.secret_key.get_secret_value(),
        "LB_DATABASE_URL": settings.database_url,
        "LB_OWNER_DATABASE_URL": settings.owner_database_url,
        "LB_DB_APP_ROLE": settings.db_app_role,
        "LB_DATA_DIR": str(settings.data_dir),
        "LB_WORKER_THREADS": "0",
        "LB_LOG_LEVEL": "WARNING",
        "LB_BIND": f"127.0.0.1:{app_port}",
        "LB_WORKERS": "2",
        "LB_METRICS_PORT": str(metrics_port),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "api.asgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(f"http://127.0.0.1:{app_port}/healthz", process)
        _wait_for(f"http://127.0.0.1:{metrics_port}/metrics", process)
        for _ in range(40):  # new connections: both workers take some
            assert httpx.get(f"http://127.0.0.1:{app_port}/readyz", timeout=10).status_code == 200
        assert httpx.get(f"http://127.0.0.1:{app_port}/metrics", timeout=10).status_code == 404
        text = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
        count = "laborbridge_http_request_duration_seconds_count"
        assert _sample(text, count, method="GET", route="/readyz", status="200") == 40
        files = list((tmp_path / "metrics").glob("histogram_*.db"))
        assert len(files) == 2, files  # one per worker process, summed by the master
        assert _sample(text, "laborbridge_db_pool_checked_out") is not None
        assert _sample(text, "laborbridge_scheduled_jobs_readable") == 1
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
