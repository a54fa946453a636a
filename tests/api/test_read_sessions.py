"""Read-only sessions (LB_DATABASE_REPLICA_URL's, api/db.py): a statistics figure read
on one is computed without being remembered, since a hot standby cannot write one; the
change counts it is checked against are still read, and a figure the primary remembered
is still found. On PostgreSQL the transaction is READ ONLY, so any write that slipped
through would fail here as it would on a replica. Without a replica URL the heavy
routes use the request's own transaction on the primary, remembering as before.

Both legs; the real streaming replica is tests/postgres/test_read_replica.py."""

from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from api.access import build_access_context
from api.db import apply_access, is_postgres, is_read_only
from api.oversight import figure_cache_repository, figures, statistics_repository
from shared_models import StatFigure
from shared_models.enums import Role

START, END, TODAY = date(2020, 1, 1), date(2099, 12, 31), date(2026, 12, 7)


def _access(session, world):  # type: ignore[no-untyped-def]
    return build_access_context(
        session,
        tenant_id=world.orgs["wushan"],
        role=Role.STAFF,
        can_reveal_pii=False,
        user_id=world.users["wushan.staff"],
        actor_label="wushan.staff",
    )


def _remembered(world) -> int:  # type: ignore[no-untyped-def]
    with world.app_database().transaction() as session:
        apply_access(session, _access(session, world))
        return int(session.scalar(select(func.count()).select_from(StatFigure)) or 0)


def _registered(world, *, read_only: bool):  # type: ignore[no-untyped-def]
    database = world.app_database()
    with database.transaction(read_only=read_only) as session:
        access = _access(session, world)
        apply_access(session, access)
        assert is_read_only(session) is read_only
        value = figures.value(session, access, "registered", START, END, today=TODAY)
        truth = statistics_repository.value(session, access, "registered", START, END, today=TODAY)
        assert value == truth
        assert figure_cache_repository.changes(session, access)[0] > 0, "change counts read"
        return value


def test_a_read_only_session_computes_without_remembering(world):
    before = _remembered(world)
    first = _registered(world, read_only=True)
    assert first.numerator and first.numerator > 0
    assert _remembered(world) == before, "nothing written by a read-only session"
    # The primary's session remembers the same figure; a read-only one then finds it.
    assert _registered(world, read_only=False) == first
    assert _remembered(world) == before + 1
    assert _registered(world, read_only=True) == first
    assert _remembered(world) == before + 1


@pytest.mark.postgres_only  # SQLite has no READ ONLY transaction: the flag alone guards it
def test_a_read_only_transaction_refuses_writes_on_postgresql(world):
    database = world.app_database()
    assert is_postgres(database.engine)
    insert = text("INSERT INTO stat_changes (tenant_id, source) VALUES (NULL, 'x')")
    with database.transaction(read_only=True) as session:
        apply_access(session, _access(session, world))
        with pytest.raises(DBAPIError, match="read-only transaction"):
            session.execute(insert)
        session.rollback()


def test_without_a_replica_the_heavy_routes_remember_on_the_primary(world, login):
    assert world.settings.database_replica_url == ""
    staff = login("wushan.staff")
    before = _remembered(world)
    params = {"indicator": "registered", "from": "2020-01-01", "to": "2099-12-31"}
    response = staff.get("/api/v1/statistics", params=params)
    assert response.status_code == 200, response.text
    assert _remembered(world) == before + 1
