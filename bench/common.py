"""A throw-away PostgreSQL database for benchmarks: migrated, seeded with the demo, used
as the unprivileged app role (RLS in force), dropped afterwards."""

import os
import resource
import tempfile
import time
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

warnings.filterwarnings("ignore", message=".*httpx.*deprecated")

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from api import migrate  # noqa: E402
from api.access import AccessContext, build_access_context  # noqa: E402
from api.db import Database, apply_access  # noqa: E402
from api.settings import Settings  # noqa: E402
from shared_models import Organization  # noqa: E402
from tests.fixtures.databases import PG_DEFAULT_ADMIN_URL, DatabaseUrls, PostgresCluster  # noqa: E402
from tests.fixtures.world import seed, test_settings  # noqa: E402


@dataclass
class BenchDatabase:
    urls: DatabaseUrls
    settings: Settings
    cluster: PostgresCluster


@contextmanager
def bench_database() -> Iterator[BenchDatabase]:
    cluster = PostgresCluster(os.environ.get("LB_BENCH_DATABASE_URL", PG_DEFAULT_ADMIN_URL))
    cluster.create_roles()
    try:
        urls = cluster.create_template()
        settings = test_settings(urls, tempfile.mkdtemp(prefix="lb-bench-"))
        migrate.upgrade(urls.owner, app_role=urls.app_role)
        seed(settings)
        yield BenchDatabase(urls, settings, cluster)
    finally:
        cluster.teardown()


def tenant_id_of(db: BenchDatabase, name: str = "巫山县人社局") -> uuid.UUID:
    """An organization's id, read as the owner (no row security)."""
    owner = Database(db.settings, as_owner=True)
    with owner.sessions() as s:
        tenant_id: uuid.UUID = s.scalars(
            select(Organization.id).where(Organization.name == name)
        ).one()
    owner.dispose()
    return tenant_id


@contextmanager
def timed(label: str, results: dict[str, float]) -> Iterator[None]:
    started = time.perf_counter()
    yield
    results[label] = time.perf_counter() - started
    print(f"{label}: {results[label]:.2f} s", flush=True)


def organization_id(db: BenchDatabase, name: str) -> uuid.UUID:
    """A seeded organization's id, by name."""
    owner = Database(db.settings, as_owner=True)
    try:
        with owner.sessions() as session:
            return session.scalars(select(Organization.id).where(Organization.name == name)).one()
    finally:
        owner.dispose()


@contextmanager
def as_staff(
    database: Database, ids: tuple[uuid.UUID, uuid.UUID]
) -> Iterator[tuple[Session, AccessContext]]:
    """A transaction as wushan.staff, row security in force."""
    tenant_id, staff_id = ids
    with database.transaction() as session:
        access = build_access_context(
            session, tenant_id=tenant_id, role="staff", can_reveal_pii=False,
            user_id=staff_id, actor_label="wushan.staff",
        )  # fmt: skip
        apply_access(session, access)
        yield session, access


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
