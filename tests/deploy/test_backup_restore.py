"""The restore drill (docs/operations.md, Backups), on a PostgreSQL cluster of its own
with deploy/postgres/roles.sql's real roles: the demo is backed up with the backup role
(every tenant's rows are in the archive), restored by the owner into a new database,
and the restored database is whole: `db upgrade` has nothing to do, `audit verify`
passes, the triggers and row security are all there, and a clerk signs in, reads the
same roster and registers someone, the figures following.

PostgreSQL leg only; under CI=true a missing initdb, pg_ctl, psql, pg_dump or
pg_restore fails the test.
"""

import logging
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from api import migrate
from api.access import DataKind
from api.cli import app as cli_app
from api.db import Database, use_operator_access
from api.tenancy import repository as tenancy_repository
from shared_models import Laborer
from tests.fixtures import world as worlds
from tests.fixtures.databases import DatabaseUrls
from tests.fixtures.factories import id_number, laborer_payload
from tests.fixtures.throwaway_cluster import ThrowawayCluster, require_tools, throwaway_cluster
from tests.fixtures.world import ApiUser, World

pytestmark = pytest.mark.postgres_only

ROLES_SQL = Path(__file__).resolve().parents[2] / "deploy" / "postgres" / "roles.sql"
PASSWORDS = {
    "laborbridge_owner": "change-me-three",
    "laborbridge_web": "change-me-too",
    "laborbridge_backup": "change-me-four",
}
REGISTERED = {"indicator": "registered", "from": "2020-01-01", "to": "2099-12-31"}


@dataclass
class Drill:
    pg: ThrowawayCluster
    root: Path

    def url(self, role: str, database: str = "laborbridge") -> str:
        return self.pg.url(role, database, PASSWORDS[role])

    def env(self, database: str = "laborbridge") -> dict[str, str]:
        return {
            "LB_ENV": "development",
            "LB_SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
            "LB_DATABASE_URL": self.url("laborbridge_web", database),
            "LB_OWNER_DATABASE_URL": self.url("laborbridge_owner", database),
            "LB_BACKUP_DATABASE_URL": self.url("laborbridge_backup", database),
            "LB_DATA_DIR": str(self.root / "var"),
            "LB_ARGON2_TIME_COST": "1",
            "LB_ARGON2_MEMORY_KIB": "1024",
            "LB_ARGON2_PARALLELISM": "1",
            "LB_LOG_JSON": "false",
        }

    def cli(self, *args: str, database: str = "laborbridge"):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli_app, list(args), env=self.env(database))

    def world(self, database: str) -> World:
        urls = DatabaseUrls(
            app=self.url("laborbridge_web", database),
            owner=self.url("laborbridge_owner", database),
            app_role="laborbridge_app",
            name=database,
        )
        return World(urls=urls, settings=worlds.test_settings(urls, str(self.root / "var")))

    def create_database(self, name: str) -> None:
        self.pg.execute(f'CREATE DATABASE "{name}" OWNER laborbridge_owner')

    def fetch(self, sql: str, database: str, role: str = "postgres") -> list[tuple]:
        password = PASSWORDS.get(role)
        with psycopg.connect(
            self.pg.libpq(role, database), password=password, autocommit=True
        ) as conn:
            return conn.execute(sql).fetchall()  # type: ignore[arg-type] - the test's own SQL


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Drill]:
    require_tools("pg_dump", "pg_restore", on_path=True)
    root = tmp_path_factory.mktemp("drill")
    with throwaway_cluster(root) as pg:
        pg.psql_file(ROLES_SQL)
        d = Drill(pg, root)
        for args in (("db", "upgrade"), ("demo",)):
            result = d.cli(*args)
            assert result.exit_code == 0, result.output
        yield d


def _laborers_per_tenant(settings) -> int:  # type: ignore[no-untyped-def]
    """Every county's own laborers, counted under its own operator view (row security on)."""
    database = Database(settings, as_owner=True)
    total = 0
    try:
        with database.transaction() as session:
            for org in tenancy_repository.all_organizations(session):
                use_operator_access(session, org.id, read=[DataKind.LABORER])
                total += session.scalar(select(func.count()).select_from(Laborer)) or 0
    finally:
        database.dispose()
    return total


def _roster_total(world: World, username: str) -> int:
    client = world.client()
    user = ApiUser(client, username)
    response = user.get("/api/v1/laborers", params={"page_size": 1})
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


def _registered(user: ApiUser) -> int:
    response = user.get("/api/v1/statistics", params=REGISTERED)
    assert response.status_code == 200, response.text
    return int(response.json()["numerator"])


def _archive_rows(archive: Path, table: str) -> int:
    """Rows of one table as written in the archive itself (its COPY block)."""
    script = subprocess.run(
        ["pg_restore", "--data-only", f"--table={table}", "--file=-", str(archive)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = script.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"COPY public.{table} "))
    end = lines.index("\\.", start)
    return end - start - 1


SCHEMA_FACTS = {
    "triggers": "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t"
    " JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal ORDER BY 1, 2",
    "row security": "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class"
    " WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY 1",
    "policies": "SELECT tablename, policyname, cmd, qual, with_check FROM pg_policies"
    " ORDER BY 1, 2",
    "grants": "SELECT table_name, privilege_type FROM information_schema.role_table_grants"
    " WHERE grantee = 'laborbridge_app' ORDER BY 1, 2",
}


def test_a_backup_restores_whole_into_a_new_database(
    drill: Drill, caplog: pytest.LogCaptureFixture
) -> None:
    source = drill.world("laborbridge")
    try:
        expected = _laborers_per_tenant(source.settings)
        staff_sees = _roster_total(source, "wushan.staff")
    finally:
        source.close()
    assert expected > 0
    assert staff_sees > 0
    (as_backup_role,) = drill.fetch(
        "SELECT count(*) FROM laborers", "laborbridge", "laborbridge_backup"
    )
    assert as_backup_role[0] == expected, "the backup role reads every tenant's laborers"

    archive = drill.root / "laborbridge.dump"
    result = drill.cli("db", "backup", "--to", str(archive))
    assert result.exit_code == 0, result.output
    assert "备份完成 / backup written" in result.output
    assert _archive_rows(archive, "laborers") == expected, "every laborer is in the archive"

    drill.create_database("restored")
    result = drill.cli(
        "db", "restore", str(archive), "--into", drill.url("laborbridge_owner", "restored")
    )
    assert result.exit_code == 0, result.output
    assert "恢复完成 / restored" in result.output

    # Already at the head: `db upgrade` runs no migration.
    (version,) = drill.fetch("SELECT version_num FROM alembic_version", "restored")
    assert [version[0]] == migrate.heads()
    caplog.set_level(logging.INFO, logger="alembic")
    result = drill.cli("db", "upgrade", database="restored")
    assert result.exit_code == 0, result.output
    logged = [r.getMessage() for r in caplog.records]
    assert any("Context impl" in m for m in logged), "alembic's log is captured"
    assert not [m for m in logged if "Running upgrade" in m]
    assert drill.fetch("SELECT version_num FROM alembic_version", "restored") == [version]

    for name, sql in SCHEMA_FACTS.items():
        assert drill.fetch(sql, "restored") == drill.fetch(sql, "laborbridge"), name
    assert drill.fetch("SELECT count(*) FROM stat_changes", "restored") == drill.fetch(
        "SELECT count(*) FROM stat_changes", "laborbridge"
    ), "the restore's COPY fired no change trigger: they come after the data"

    result = drill.cli("audit", "verify", database="restored")
    assert result.exit_code == 0, result.output
    assert "TAMPERED" not in result.output

    restored = drill.world("restored")
    try:
        assert _laborers_per_tenant(restored.settings) == expected
        assert _roster_total(restored, "wushan.staff") == staff_sees
        # The restored triggers keep the remembered figures right after a change.
        clerk = ApiUser(restored.client(), "wushan.staff")
        before = _registered(clerk)
        body = laborer_payload(id_number=id_number(region="500237"), township="巫峡镇")
        response = clerk.post("/api/v1/laborers", json=body)
        assert response.status_code == 201, response.text
        assert _registered(clerk) == before + 1
        assert _roster_total(restored, "wushan.staff") == staff_sees + 1
    finally:
        restored.close()
    result = drill.cli("audit", "verify", database="restored")
    assert result.exit_code == 0, result.output


def test_the_owner_cannot_take_a_backup(drill: Drill) -> None:
    """The owner is bound by row security: its dump would fail (or, forced, be empty)."""
    env = drill.env()
    env["LB_BACKUP_DATABASE_URL"] = env["LB_OWNER_DATABASE_URL"]
    archive = drill.root / "owner.dump"
    result = CliRunner().invoke(cli_app, ["db", "backup", "--to", str(archive)], env=env)
    assert result.exit_code == 1
    assert "BYPASSRLS" in result.output
    assert "没有 BYPASSRLS" in result.output
    assert not archive.exists()


def test_a_restore_never_goes_into_a_database_with_tables(drill: Drill) -> None:
    archive = drill.root / "refused.dump"
    result = drill.cli("db", "backup", "--to", str(archive))
    assert result.exit_code == 0, result.output
    result = drill.cli("db", "restore", str(archive), "--into", drill.url("laborbridge_owner"))
    assert result.exit_code == 1
    assert "不是空的" in result.output and "not empty" in result.output


def test_the_backup_role_writes_nothing(drill: Drill) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        drill.fetch("DELETE FROM sign_in_attempts RETURNING 1", "laborbridge", "laborbridge_backup")
