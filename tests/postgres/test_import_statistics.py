"""After a large import the app refreshes the planner's statistics of the columns its
readers plan on (api/supply/bulk_repository.py, migration 0022), as the unprivileged
app role, and only where the import grew the table by a tenth or more."""

import pytest
from sqlalchemy import text

from api.access import build_access_context
from api.db import apply_access
from api.supply import bulk_repository
from shared_models.enums import Role

pytestmark = pytest.mark.postgres_only


def _analyzed(world) -> dict[str, int]:
    with world.superuser_session() as session:
        session.execute(text("SELECT pg_stat_clear_snapshot()"))
        rows = session.execute(
            text(
                "SELECT relname, analyze_count FROM pg_stat_user_tables"
                " WHERE relname IN ('laborers', 'laborer_tags')"
            )
        )
        return dict(rows.all())


def _refresh(world, written: int) -> None:
    with world.app_database().transaction() as session:
        access = build_access_context(
            session,
            tenant_id=world.orgs["wushan"],
            user_id=world.users["wushan.admin"],
            role=Role.ADMIN,
            can_reveal_pii=True,
            actor_label="wushan.admin",
        )
        apply_access(session, access)
        bulk_repository.refresh_statistics(session, written)


def test_the_app_role_analyzes_the_planned_columns_of_a_grown_register(world):
    before = _analyzed(world)
    _refresh(world, 10**6)
    after = _analyzed(world)
    assert after["laborers"] == before.get("laborers", 0) + 1
    assert after["laborer_tags"] == before.get("laborer_tags", 0) + 1


def test_a_small_import_into_a_large_register_leaves_it_to_autovacuum(world):
    with world.superuser_session() as session:
        session.execute(text("ANALYZE laborers"))
        session.commit()
    before = _analyzed(world)
    _refresh(world, 1)
    assert _analyzed(world) == before


def test_the_app_may_not_analyze_other_tables(world):
    refused = pytest.raises(Exception, match="may not be refreshed")
    with refused, world.app_database().transaction() as session:
        session.execute(text("SELECT lb_refresh_statistics('users', ARRAY['id'])"))
