"""A frozen database (SIGSTOP on the postmaster and every backend of a throwaway cluster)
answers 503 within seconds, never a hang, and the app recovers after SIGCONT."""

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from api import migrate
from api.app import create_app
from api.db import make_engine
from api.settings import Settings
from tests.fixtures.databases import PostgresCluster
from tests.fixtures.throwaway_postgres import Cluster, throwaway_cluster
from tests.fixtures.world import ApiUser, seed
from tests.fixtures.world import test_settings as settings_for
from tests.web.helpers import sign_in

pytestmark = pytest.mark.postgres_only

BOUND_SECONDS = 5.0


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with throwaway_cluster() as made:
        yield made


@pytest.fixture
def client(cluster: Cluster, tmp_path: Path) -> Iterator[TestClient]:
    databases = PostgresCluster(cluster.admin_url)
    databases.create_roles()
    urls = databases.create_template()
    migrate.upgrade(urls.owner, app_role=urls.app_role)
    # The defaults (LB_DB_* limits, LB_PROBE_TIMEOUT_SECONDS) are what is under test.
    settings = settings_for(urls, str(tmp_path), worker_threads=0)
    seed(settings)
    with TestClient(create_app(settings)) as made:
        yield made


def _timed(call: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    """The answer and how long it took; a hang fails the test instead of stopping it."""
    started = time.monotonic()
    with ThreadPoolExecutor(1) as pool:
        response = pool.submit(call).result(timeout=60)
    return response, time.monotonic() - started


def test_a_frozen_database_answers_503_quickly_and_recovers(cluster, client):
    user = ApiUser(client, "wushan.staff")
    assert user.get("/api/v1/laborers").status_code == 200
    browser = TestClient(client.app)  # a person at the pages, signed in with a cookie
    assert sign_in(browser, "wushan.staff").status_code == 303
    assert browser.get("/laborers").status_code == 200
    assert client.get("/readyz").status_code == 200
    cluster.freeze()
    try:
        checks = {
            "readyz": lambda: client.get("/readyz"),
            "api read": lambda: user.get("/api/v1/laborers"),
            "api read again (no pooled connection left)": lambda: user.get("/api/v1/laborers"),
            "page": lambda: browser.get("/laborers"),
        }
        for name, call in checks.items():
            response, seconds = _timed(call)
            print(f"frozen: {name}: {response.status_code} in {seconds:.2f} s")
            assert seconds < BOUND_SECONDS, (name, seconds)
            assert response.status_code == 503, (name, response.text)
            assert response.headers["Retry-After"] == "5"
            if name == "page":
                assert "数据库暂时没有响应" in response.text or "database" in response.text
                continue
            assert response.headers["content-type"].startswith("application/problem+json")
            body = response.json()
            if name == "readyz":
                assert body["checks"] == {"database": "failed", "object_store": "not configured"}
                assert "database" in body["detail"]
            else:
                assert body["type"] == "/problems/database-unavailable"
    finally:
        cluster.thaw()
    deadline = time.monotonic() + 15
    while True:
        ready, _ = _timed(lambda: client.get("/readyz"))
        read, _ = _timed(lambda: user.get("/api/v1/laborers"))
        if ready.status_code == read.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ready", "database": "ok", "object_store": "not configured"}
    assert read.status_code == 200, read.text
    assert browser.get("/laborers").status_code == 200


def test_a_statement_under_way_when_the_database_freezes_ends_after_its_limit(cluster):
    """The server cannot cancel anything while stopped: the client's watchdog closes
    the connection at the statement timeout plus 5 s, and the pool drops it."""
    settings = Settings(db_statement_timeout_seconds=1)
    engine = make_engine(cluster.admin_url, settings=settings)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
            conn.rollback()
            threading.Timer(0.5, cluster.freeze).start()
            started = time.monotonic()
            try:
                with pytest.raises(OperationalError):
                    conn.exec_driver_sql("SELECT pg_sleep(0.8)")
                seconds = time.monotonic() - started
            finally:
                time.sleep(0.6)  # the timer has fired
                cluster.thaw()
        print(f"frozen under way: the statement failed after {seconds:.2f} s")
        assert 5.5 < seconds < 7.5, seconds  # 1 s limit + 5 s grace, not forever
        with engine.connect() as conn:  # the pool connects anew once the server is back
            assert conn.exec_driver_sql("SELECT 1").scalar_one() == 1
    finally:
        engine.dispose()
