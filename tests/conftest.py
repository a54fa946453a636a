"""Pytest wiring: which database backend, the per-run template, a fresh copy per test.

`LB_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres` selects
PostgreSQL (an admin URL: the run creates and drops its own roles and databases);
otherwise SQLite. Under CI=true an unreachable PostgreSQL fails the run, never skips.
"""

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import authlib.deprecate  # noqa: F401 - installs Authlib's "always" filter before ours
import pytest

# The product card fixes httpx; Authlib warns about it on import, before pytest's filters
# apply, and forces its warnings to "always"; this filter is placed in front of that.
warnings.filterwarnings("ignore", message="The httpx module is deprecated")

from typer.testing import CliRunner

from api import migrate
from api.cli import app as cli_app
from tests.fixtures.databases import PostgresCluster, SqliteFiles, backend
from tests.fixtures.world import ApiUser, World, seed, test_settings

pytest_plugins = ["tests.fixtures.browser"]

# A developer's LB_* settings must not leak into tests (each test builds its own); the
# test database and the crawler's roles are settings of the tests themselves.
for _name in [
    n
    for n in os.environ
    if n.startswith("LB_") and n not in ("LB_TEST_DATABASE_URL", "LB_CRAWL_ROLES")
]:
    del os.environ[_name]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_report_header() -> str:
    return f"laborbridge database backend: {backend()}" + (" (CI)" if IN_CI else "")


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresCluster | SqliteFiles]:
    root = tmp_path_factory.mktemp("lb")
    if backend() == "postgresql":
        cluster = PostgresCluster(os.environ["LB_TEST_DATABASE_URL"])
        try:
            cluster.check_reachable()
        except Exception as exc:
            message = f"PostgreSQL is not reachable at LB_TEST_DATABASE_URL: {exc}"
            if IN_CI:
                pytest.exit(message, returncode=1)
            pytest.skip(message)
        cluster.create_roles()
        store: PostgresCluster | SqliteFiles = cluster
    else:
        store = SqliteFiles(root)
    urls = store.create_template()
    settings = test_settings(urls, str(root))
    try:
        migrate.upgrade(urls.owner, app_role=urls.app_role or "laborbridge_app")
        seed(settings)
        yield store
    finally:
        store.teardown()


@pytest.fixture
def world(databases: PostgresCluster | SqliteFiles, tmp_path: Path) -> Iterator[World]:
    urls = databases.clone()
    result = World(urls=urls, settings=test_settings(urls, str(tmp_path)))
    result.load_ids()
    try:
        yield result
    finally:
        result.close()
        databases.drop(urls.name)


@pytest.fixture
def client(world: World):  # type: ignore[no-untyped-def]
    return world.client()


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    """`login("wushan.admin")` → an ApiUser with a bearer token."""

    def _login(username: str) -> ApiUser:
        return ApiUser(client, username)

    return _login


@pytest.fixture
def cli(world, monkeypatch):  # type: ignore[no-untyped-def]
    """`cli("org", "create", ...)` runs the laborbridge command against this test's database."""
    settings = world.settings
    env = {
        "LB_ENV": settings.env,
        "LB_SECRET_KEY": settings.secret_key.get_secret_value(),
        "LB_DATABASE_URL": settings.database_url,
        "LB_OWNER_DATABASE_URL": settings.owner_database_url,
        "LB_DB_APP_ROLE": settings.db_app_role,
        "LB_DATA_DIR": str(settings.data_dir),
        "LB_ARGON2_TIME_COST": "1",
        "LB_ARGON2_MEMORY_KIB": "1024",
        "LB_ARGON2_PARALLELISM": "1",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(cli_app, list(args), input=stdin)

    return run


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if backend() == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (runs in the PostgreSQL leg of make test)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)
