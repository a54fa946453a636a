"""The Alembic chain: one head, up and down and up again, and the models match it."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from api import migrate
from shared_models import Base


@pytest.fixture
def empty_database(databases):
    urls = databases.create_empty()
    yield urls
    databases.drop(urls.name)


def _role(urls):
    return urls.app_role or "laborbridge_app"


def _diff(url):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()


def _tables(url):
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_one_head():
    assert len(migrate.heads()) == 1


def test_upgrade_downgrade_upgrade(empty_database):
    url = empty_database.owner
    migrate.upgrade(url, app_role=_role(empty_database))
    assert _tables(url) == set(Base.metadata.tables)
    migrate.downgrade(url, app_role=_role(empty_database), revision="base")
    assert _tables(url) == set()
    migrate.upgrade(url, app_role=_role(empty_database))
    assert _tables(url) == set(Base.metadata.tables)


def test_models_match_the_migrated_schema(empty_database):
    migrate.upgrade(empty_database.owner, app_role=_role(empty_database))
    assert _diff(empty_database.owner) == []
