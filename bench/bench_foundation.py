"""Foundation figures: the cost of a sign-in and of an authenticated API request.

    .venv/bin/python -m bench.bench_foundation [--requests 2000]

Runs against a throw-away PostgreSQL database (LB_BENCH_DATABASE_URL, an admin URL;
default the local server), as the unprivileged app role, with RLS in force.
"""

import argparse
import os
import statistics
import tempfile
import time
import warnings

warnings.filterwarnings("ignore", message=".*httpx.*deprecated")

from fastapi.testclient import TestClient  # noqa: E402 - after the warnings filter

from api import migrate  # noqa: E402
from api.app import create_app  # noqa: E402
from api.security.passwords import Passwords  # noqa: E402
from api.settings import Settings  # noqa: E402
from tests.fixtures.databases import PG_DEFAULT_ADMIN_URL, PostgresCluster  # noqa: E402
from tests.fixtures.world import PASSWORD, seed, test_settings  # noqa: E402


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {p50 * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()

    production_hasher = Passwords(Settings(env="demo"))
    digest = production_hasher.hash(PASSWORD)
    started = time.perf_counter()
    for _ in range(10):
        production_hasher.verify(digest, PASSWORD)
    per_verify = (time.perf_counter() - started) / 10 * 1000
    print(f"argon2id verify, default cost (t=3, m=64 MiB, p=4): {per_verify:.1f} ms")

    cluster = PostgresCluster(os.environ.get("LB_BENCH_DATABASE_URL", PG_DEFAULT_ADMIN_URL))
    cluster.create_roles()
    try:
        urls = cluster.create_template()
        settings = test_settings(urls, tempfile.mkdtemp())
        migrate.upgrade(urls.owner, app_role=urls.app_role)
        seed(settings)
        with TestClient(create_app(settings)) as client:
            token = client.post(
                "/api/v1/auth/token",
                data={"grant_type": "password", "username": "wushan.admin", "password": PASSWORD},
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            for path in ("/api/v1/organizations", "/api/v1/pairings", "/api/v1/members"):
                samples = []
                for _ in range(args.requests):
                    t0 = time.perf_counter()
                    response = client.get(path, headers=headers)
                    samples.append(time.perf_counter() - t0)
                    assert response.status_code == 200
                print(f"GET {path} ({args.requests} requests, in-process): {_percentiles(samples)}")
    finally:
        cluster.teardown()


if __name__ == "__main__":
    main()
