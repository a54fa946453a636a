"""The service behind PgBouncer in transaction mode, the supported pooler
(docs/operations.md, "PgBouncer"): a fresh cluster with deploy/postgres/roles.sql,
the migration straight to PostgreSQL as the owner, then the image's command (gunicorn)
with LB_DATABASE_URL at PgBouncer as the app role, driven over HTTP by two tenants.

PgBouncer's pool is two server connections for many client ones, so every transaction
may run on a server connection another tenant's request used a moment before. Each
tenant must still see only its own rows: the row security settings (and the time
limits) are set per transaction, never per connection, and nothing of them is left for
the next client; the remembered figures' advisory locks are transaction locks, so none
outlives its request. The pooler here prepares no statements across server connections
(PgBouncer before 1.21, or max_prepared_statements = 0): the app prepares none."""

import random
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.db import make_engine
from api.jobs.workbook import REASON_HEADER
from api.settings import Settings
from api.spreadsheets.reader import read_table
from tests.deploy import compose_env, processes
from tests.deploy.pods import browser
from tests.deploy.processes import ROOT, argv, free_port, process_env
from tests.fixtures.factories import id_number, laborer_payload
from tests.fixtures.jobs import STATUS, job_path, wait_for_job
from tests.fixtures.ledgers import ledger_row, xlsx
from tests.fixtures.pgbouncer import pgbouncer
from tests.fixtures.throwaway_cluster import ThrowawayCluster, throwaway_cluster
from tests.web.helpers import csrf_from, sign_in

APP_ROLE, APP_PASSWORD = "laborbridge_web", "change-me-too"  # deploy/postgres/roles.sql
PASSWORD = "Pgbouncer-Transaction-Pool-2026"  # a throwaway account
# (name, region, township) of two sending counties.
TENANTS = {
    "wushan": ("巫山县人社局", "500237", "巫峡镇"),
    "kaizhou": ("开州区就业和人才中心", "500154", "汉丰街道"),
}
REGISTERED = {
    "indicator": "registered",
    "from": "2020-01-01",
    "to": "2099-12-31",
}


class Caller:
    """One tenant's signed-in API user."""

    def __init__(self, base: str, username: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=60)
        token = self.http.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": PASSWORD},
        )
        assert token.status_code == 200, token.text
        self.http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def ok(self, method: str, url: str, status: int = 200, **kwargs) -> httpx.Response:  # type: ignore[no-untyped-def]
        response = self.http.request(method, url, **kwargs)
        assert response.status_code == status, f"{method} {url}: {response.text}"
        return response

    def laborer_ids(self) -> set[str]:
        page = self.ok("GET", "/api/v1/laborers", params={"page_size": 200}).json()
        # (total is counted by a statement of its own: under concurrent registrations
        # it may differ from the page by a row committed in between.)
        assert len(page["items"]) < 200, "more than one page"
        return {item["id"] for item in page["items"]}

    def register(self, tenant: str) -> str:
        _, region, township = TENANTS[tenant]
        body = laborer_payload(id_number=id_number(region=region), township=township)
        return self.ok("POST", "/api/v1/laborers", 201, json=body).json()["id"]


@pytest.mark.postgres_only
def test_two_tenants_through_transaction_pooling_see_only_their_own_rows(tmp_path):
    with throwaway_cluster(tmp_path, host_auth="scram-sha-256") as cluster:
        cluster.psql_file(compose_env.DEPLOY / "postgres" / "roles.sql")  # as initdb.d would
        with pgbouncer(
            tmp_path,
            server_port=cluster.port,
            databases=["laborbridge"],
            users={APP_ROLE: APP_PASSWORD},
            pool_size=2,
        ) as bouncer:
            env, port = _environment(cluster, bouncer.port, tmp_path)
            processes.run_to_end(["laborbridge", "db", "upgrade"], env)
            for tenant, (name, region, _) in TENANTS.items():
                org = ["org", "create", "--kind", "sending", "--name", name, "--region", region]
                processes.run_to_end(["laborbridge", *org], env)
                user = ["user", "create", "--org", name, "--username", f"{tenant}.admin"]
                processes.run_to_end(["laborbridge", *user, "--role", "admin"], env, stdin=PASSWORD)
            log = tmp_path / "server.log"
            with _serving(env, port, log):
                base = f"http://127.0.0.1:{port}"
                _exercise(base, cluster)
                _a_background_job(base)
                clients = [c for c in bouncer.show("CLIENTS") if c["user"] == APP_ROLE]
                servers = [s for s in bouncer.show("SERVERS") if s["user"] == APP_ROLE]
                # Really pooled: more app connections than PostgreSQL ever had.
                assert len(servers) <= bouncer.pool_size < len(clients), (clients, servers)
                metrics = f"http://127.0.0.1:{env['LB_METRICS_PORT']}/metrics"
                for _ in range(6):  # past psycopg's prepare threshold, were it not off
                    scraped = httpx.get(metrics, timeout=10).text
                    assert "laborbridge_scheduled_jobs_readable 1.0" in scraped
                _assert_nothing_left_for_the_next_client(bouncer)
                _assert_no_advisory_lock_outlives_its_request(cluster)
            assert "prepared statement" not in log.read_text()


def _environment(cluster: ThrowawayCluster, bouncer_port: int, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The compose file's environment: the app at PgBouncer, the migration and the
    operator commands straight at PostgreSQL (DDL does not belong behind the pooler)."""
    env = compose_env.service_environment(
        "app", {"laborbridge.env": processes.generated_keys(tmp_path)}
    )
    app, owner = make_url(env["LB_DATABASE_URL"]), make_url(env["LB_OWNER_DATABASE_URL"])
    assert app.username == APP_ROLE and app.password == APP_PASSWORD
    env["LB_DATABASE_URL"] = app.set(host="127.0.0.1", port=bouncer_port).render_as_string(
        hide_password=False
    )
    env["LB_OWNER_DATABASE_URL"] = owner.set(host="127.0.0.1", port=cluster.port).render_as_string(
        hide_password=False
    )
    port = free_port()
    (tmp_path / "metrics").mkdir()
    env |= {
        "LB_DATA_DIR": str(tmp_path / "files"),
        "LB_BIND": f"127.0.0.1:{port}",
        "LB_WORKERS": "2",
        # As the Kubernetes ConfigMap: the master's exporter reads the scheduled runs on
        # a connection of its own, through the pooler too.
        "LB_METRICS_PORT": str(free_port()),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    return process_env(env), port


@contextmanager
def _serving(env: dict[str, str], port: int, log: Path) -> Iterator[None]:
    """The image's command (gunicorn) as a real process, until ready; stopped after."""
    with log.open("w") as stderr:
        server = subprocess.Popen(
            argv(compose_env.image_command()), env=env, cwd=ROOT, stderr=stderr
        )
        try:
            deadline = time.monotonic() + 120
            while not _ready(port):
                tail = "\n".join(log.read_text().splitlines()[-30:])
                assert server.poll() is None and time.monotonic() < deadline, tail
                time.sleep(0.5)
            yield
        finally:
            processes.stop(server)


def _ready(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).is_success
    except httpx.TransportError:
        return False


def _exercise(base: str, cluster: ThrowawayCluster) -> None:
    callers = {tenant: Caller(base, f"{tenant}.admin") for tenant in TENANTS}
    own: dict[str, set[str]] = {tenant: set() for tenant in TENANTS}

    # An import committed through the pooler (preview, then commit: two requests).
    for tenant, caller in callers.items():
        _, region, township = TENANTS[tenant]
        rows = [
            ledger_row(
                姓名=f"导入{name}",
                身份证号码=id_number(region=region, sex="female"),
                户籍地区划代码=region,
                **{"乡镇（街道）": township},
            )
            for name in "甲乙丙"
        ]
        preview = caller.ok(
            "POST",
            "/api/v1/laborers/import",
            files={"file": ("ledger.xlsx", xlsx(rows))},
            data={"dry_run": "true"},
        ).json()
        committed = caller.ok("POST", f"/api/v1/laborers/import/{preview['import_id']}/commit")
        assert committed.json()["status"] == "committed", committed.text
        own[tenant] = caller.laborer_ids()
        assert len(own[tenant]) == 3

    # Both tenants at once, interleaved: registrations, lists, rosters, figures, one
    # another's laborers. 16 threads over two gunicorn workers hold many more client
    # connections than PgBouncer's two server connections.
    def one(step: tuple[str, str]) -> tuple[str, str, object]:
        tenant, what = step
        caller, other = callers[tenant], next(t for t in TENANTS if t != tenant)
        if what == "register":
            return tenant, what, caller.register(tenant)
        if what == "list":
            return tenant, what, caller.laborer_ids()
        if what == "rosters":
            return tenant, what, caller.ok("GET", "/api/v1/laborers/rosters").json()["all"]
        if what == "figure":
            found = caller.ok("GET", "/api/v1/statistics", params=REGISTERED).json()
            return tenant, what, found["numerator"]
        if what == "other":  # a laborer of the other tenant, by id: not there
            stranger = sorted(own[other])[0]
            return tenant, what, caller.http.get(f"/api/v1/laborers/{stranger}").status_code
        raise AssertionError(what)

    kinds = ["register"] * 3 + ["list"] * 3 + ["rosters", "figure", "figure", "other"]
    steps = [(tenant, kind) for tenant in TENANTS for kind in kinds for _ in range(8)]
    random.Random(7).shuffle(steps)
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(one, steps))

    for tenant, what, value in results:
        if what == "register":
            own[tenant].add(value)  # type: ignore[arg-type]
    everyone = set().union(*own.values())
    assert len(everyone) == sum(len(ids) for ids in own.values()) == 2 * (3 + 24)
    for tenant, what, value in results:
        other = next(t for t in TENANTS if t != tenant)
        if what == "list":
            assert value <= own[tenant], f"{tenant} saw {value - own[tenant]}"  # type: ignore[operator]
            assert not value & own[other]  # type: ignore[operator]
        elif what in ("rosters", "figure"):
            assert 3 <= value <= len(own[tenant]), (tenant, what, value)  # type: ignore[operator]
        elif what == "other":
            assert value == 404, (tenant, value)

    # Settled: each sees exactly its own, in lists, rosters and (remembered) figures.
    for tenant, caller in callers.items():
        assert caller.laborer_ids() == own[tenant]
        assert caller.ok("GET", "/api/v1/laborers/rosters").json()["all"] == len(own[tenant])
        for _ in range(2):  # computed, then answered from stat_figures
            figure = caller.ok("GET", "/api/v1/statistics", params=REGISTERED).json()
            assert figure["numerator"] == len(own[tenant])
    # The superuser, past row security.
    with psycopg.connect(cluster.libpq(database="laborbridge")) as conn:
        kept = conn.execute("SELECT count(DISTINCT tenant_id) FROM stat_figures").fetchone()
    assert kept == (2,), "each tenant's figure was remembered"


def _a_background_job(base: str) -> None:
    """A ledger checked in the background: the pods' own worker threads (the compose
    file's default) claim it with FOR UPDATE SKIP LOCKED and write its result, all
    through the pooler."""
    with browser(base, CookieJar()) as clerk:
        assert sign_in(clerk, "wushan.admin", PASSWORD).status_code == 303
        form = clerk.get("/laborers/import")
        assert form.status_code == 200, form.text[:500]
        ledger = xlsx([ledger_row(姓名="池中好行"), ledger_row(姓名="池中坏行", 身份证号码="1")])
        queued = clerk.post(
            "/laborers/import",
            data={"csrf_token": csrf_from(form.text)},
            files={"file": ("台账.xlsx", ledger)},
        )
        path = job_path(queued)
        done = wait_for_job(clerk, path)
        assert STATUS.search(done.text).group(1) == "succeeded", done.text[:2000]  # type: ignore[union-attr]
        result = clerk.get(f"{path}/result")
    assert result.status_code == 200, result.text[:500]
    table = read_table(result.content, "result.xlsx")
    reasons = {row[table.headers.index("姓名")]: row[-1] for _n, row in table.rows}
    assert REASON_HEADER in table.headers and reasons["池中坏行"] and not reasons["池中好行"]


def _assert_nothing_left_for_the_next_client(bouncer) -> None:  # type: ignore[no-untyped-def]
    """A client of its own on each of the pool's server connections (two held at once):
    no tenant, no user, no time limit of the app's last request, and no row visible."""
    app = bouncer.libpq(APP_ROLE, APP_PASSWORD, "laborbridge")
    connections = [psycopg.connect(app) for _ in range(bouncer.pool_size)]
    try:
        pids = set()
        for conn in connections:  # each in a transaction: each on its own server connection
            row = conn.execute(
                "SELECT pg_backend_pid(), current_setting('app.tenant_id', true),"
                " current_setting('app.user_id', true), current_setting('app.read_laborer', true),"
                " current_setting('statement_timeout'), current_setting('lock_timeout'),"
                " (SELECT count(*) FROM laborers), (SELECT count(*) FROM stat_figures)"
            ).fetchone()
            assert row is not None
            pid, *leftover = row
            pids.add(pid)
            assert set(leftover[:3]) <= {None, ""}, leftover
            assert leftover[3:5] == ["0", "0"], "the app's limits are SET LOCAL"
            assert leftover[5:] == [0, 0], "rows visible without the app's settings"
        assert len(pids) == bouncer.pool_size
    finally:
        for conn in connections:
            conn.close()


def _assert_no_advisory_lock_outlives_its_request(cluster: ThrowawayCluster) -> None:
    with psycopg.connect(cluster.libpq()) as conn:
        held = conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").fetchone()
    assert held == (0,)


@pytest.mark.postgres_only
def test_a_privileged_development_login_takes_the_app_role_in_every_transaction(tmp_path):
    """Development (api/db.py): a privileged login drops to the app role. Behind the
    pooler that must hold for each transaction, whichever server connection it lands
    on, and the next client of a server connection must not inherit the role."""
    with throwaway_cluster(tmp_path) as cluster:
        cluster.execute("CREATE ROLE laborbridge_app NOLOGIN")
        with pgbouncer(
            tmp_path,
            server_port=cluster.port,
            databases=["postgres"],
            users={"postgres": "pooled"},
            pool_size=2,
        ) as bouncer:
            engine = make_engine(
                bouncer.url("postgres", "pooled", "postgres"),
                pool_size=1,
                app_role="laborbridge_app",
                settings=Settings(),
            )
            try:
                with engine.connect() as conn:  # connects on the first server connection
                    assert conn.scalar(text("SELECT current_user")) == "laborbridge_app"
                raw = bouncer.libpq("postgres", "pooled", "postgres")
                with psycopg.connect(raw) as first:  # its next client, held in a transaction
                    assert first.execute("SELECT current_user").fetchone() == ("postgres",)
                    # Meanwhile the engine's next transaction runs on the other one.
                    with engine.connect() as conn:
                        pid = conn.scalar(text("SELECT pg_backend_pid()"))
                        assert conn.scalar(text("SELECT current_user")) == "laborbridge_app"
                    assert first.execute("SELECT pg_backend_pid()").fetchone() != (pid,)
            finally:
                engine.dispose()
