"""LB_DATABASE_REPLICA_URL against a real streaming replica: a throwaway primary and a
hot standby made from it with pg_basebackup -R, each logging every statement with the
client's application_name. The app's primary URL says `lb-primary`, its replica URL
`lb-replica`, so each statement in either log says which engine sent it.

Statistics, the 月调度 pack, a roster export and the oversight page are answered with
their figures read on the standby, under the same row security (the same numbers as a
primary-only app; without the tenant settings forced RLS would show nothing), and
without writing a remembered figure (a standby refuses writes); sign-in, the export's
audit entry and a registration go to the primary.

PostgreSQL leg only; under CI=true a missing initdb, pg_ctl or pg_basebackup fails."""

import re
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from api import migrate
from api.app import create_app
from tests.fixtures import world as worlds
from tests.fixtures.databases import DatabaseUrls
from tests.fixtures.factories import laborer_payload
from tests.fixtures.throwaway_cluster import hot_standby, throwaway_cluster, wait_for_replay
from tests.fixtures.world import ApiUser, seed
from tests.web.helpers import sign_in

pytestmark = pytest.mark.postgres_only

# Every statement in the log, prefixed with the sender's application_name.
LOGGED = "-c log_statement=all -c log_line_prefix=%a:"
REGISTERED = {"indicator": "registered", "from": "2020-01-01", "to": "2099-12-31"}


class Log:
    """The statements a server logged since the last look, by application_name."""

    def __init__(self, path: Path) -> None:
        self.path, self.seen = path, path.stat().st_size

    def since(self) -> dict[str, str]:
        with self.path.open("rb") as f:
            f.seek(self.seen)
            raw = f.read()
        self.seen += len(raw)
        chunk = raw.decode(errors="replace")
        found: dict[str, str] = {}
        # "statement: ..." for a simple query, "execute <unnamed>: ..." for one with
        # parameters (psycopg's extended protocol).
        for name, statement in re.findall(
            r"^([\w-]*):LOG:  (?:statement|execute [^:]*): (.*?)(?=^[\w-]*:|\Z)",
            chunk,
            re.M | re.S,
        ):
            found[name] = found.get(name, "") + statement
        return found


def _count(url: str, sql: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        return int(conn.execute(sql).fetchone()[0])  # type: ignore[index]


def test_heavy_reads_go_to_the_standby_and_writes_to_the_primary(tmp_path):
    with throwaway_cluster(tmp_path, options=LOGGED) as primary:
        primary.execute("CREATE ROLE lb_owner LOGIN NOSUPERUSER NOBYPASSRLS")
        primary.execute("CREATE ROLE lb_app LOGIN NOSUPERUSER NOBYPASSRLS")
        primary.execute("CREATE DATABASE laborbridge OWNER lb_owner")

        def url(pg, role: str, name: str) -> str:  # type: ignore[no-untyped-def]
            return pg.url(role, "laborbridge") + f"?application_name={name}"

        urls = DatabaseUrls(
            app=url(primary, "lb_app", "lb-primary"),
            owner=url(primary, "lb_owner", "lb-owner"),
            app_role="lb_app",
            name="laborbridge",
        )
        plain = worlds.test_settings(urls, str(tmp_path / "var"))
        migrate.upgrade(urls.owner, app_role="lb_app")
        seed(plain)
        with hot_standby(primary, tmp_path, options=LOGGED) as standby:
            wait_for_replay(primary, standby)
            admin_url = primary.libpq(database="laborbridge")
            settings = plain.model_copy(
                update={"database_replica_url": url(standby, "lb_app", "lb-replica")}
            )
            with TestClient(create_app(plain)) as one, TestClient(create_app(settings)) as two:
                alone = ApiUser(one, "wushan.staff").get("/api/v1/statistics", params=REGISTERED)
                assert alone.status_code == 200, alone.text
                staff, admin = ApiUser(two, "wushan.staff"), ApiUser(two, "wushan.admin")
                figures_before = _count(admin_url, "SELECT count(*) FROM stat_figures")
                on_primary = Log(primary.root / "server.log")
                on_standby = Log(standby.root / "server.log")

                read = staff.get("/api/v1/statistics", params=REGISTERED)
                assert read.status_code == 200, read.text
                assert read.json() == alone.json(), "the same rows under the same row security"
                replica, main = on_standby.since(), on_primary.since()
                assert "set_config" in replica["lb-replica"], "row security on the replica"
                assert "stat_changes" in replica["lb-replica"]
                assert "stat_changes" not in main.get("lb-primary", "")
                assert "lb-primary" not in replica, "the standby is the replica only"
                # Computed on the standby, and not remembered (it could not be).
                assert _count(admin_url, "SELECT count(*) FROM stat_figures") == figures_before

                pack = staff.get("/api/v1/reports/monthly-dispatch")
                assert pack.status_code == 200, pack.text
                replica, main = on_standby.since(), on_primary.since()
                assert "placements" in replica["lb-replica"]
                assert "placements" not in main.get("lb-primary", "")

                export = admin.get("/api/v1/laborers/export", params={"reveal": "true"})
                assert export.status_code == 200, export.text
                replica, main = on_standby.since(), on_primary.since()
                assert "FROM laborers" in replica["lb-replica"]
                assert "INSERT INTO audit_log" in main["lb-primary"], "the export's audit entry"
                assert "INSERT" not in replica["lb-replica"]

                created = staff.post("/api/v1/laborers", json=laborer_payload())
                assert created.status_code == 201, created.text
                replica, main = on_standby.since(), on_primary.since()
                assert "INSERT INTO laborers" in main["lb-primary"]
                assert "lb-replica" not in replica, "a write does not touch the replica"

                signed_in = sign_in(two, "wushan.staff")
                assert signed_in.status_code == 303, signed_in.text
                on_standby.since()
                page = two.get("/oversight")
                assert page.status_code == 200, page.text
                assert "placements" in on_standby.since()["lb-replica"]
