"""The limits every transaction runs under (set per transaction, so they hold through
PgBouncer in transaction mode), batch work's longer ones, and a lock or statement that
runs out of time answering 503 with Retry-After, not hanging."""

import time

import pytest
from sqlalchemy import create_engine, text

from api import db_limits
from api.db import Database
from api.jobs.worker import Workers
from tests.fixtures.world import ApiUser

pytestmark = pytest.mark.postgres_only


def _limits(database: Database) -> tuple[str, str, str]:
    with database.transaction() as session:
        row = session.execute(
            text(
                "SELECT current_setting('statement_timeout'), current_setting('lock_timeout'),"
                " current_setting('idle_in_transaction_session_timeout')"
            )
        ).one()
    return tuple(row)  # type: ignore[return-value]


def _jit(database: Database) -> str:
    with database.transaction() as session:
        return str(session.execute(text("SHOW jit")).scalar_one())


def test_each_transaction_runs_under_the_limits_and_they_end_with_it(world):
    app_db = world.app_database()
    assert _limits(app_db) == ("30s", "5s", "1min")
    with app_db.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW statement_timeout").scalar_one() == "30s"
        conn.rollback()
        # Transaction-local: nothing stays on the pooled connection once it ends (asked
        # past SQLAlchemy, which would set the limits for a new transaction).
        raw = conn.connection.dbapi_connection
        assert raw.execute("SHOW statement_timeout").fetchone()[0] == "0"
        assert raw.execute("SHOW jit").fetchone()[0] == "on"
        raw.rollback()
    # Operator commands (the owner's connection) and background jobs: batch limits.
    assert _limits(world.owner_database()) == ("15min", "15min", "15min")
    # JIT off for a request's transaction only; batch work keeps the server's setting.
    assert _jit(app_db) == "off"
    assert _jit(world.owner_database()) == "on"
    token = db_limits.BATCH.set(True)
    try:
        assert _limits(app_db)[0] == "15min"
    finally:
        db_limits.BATCH.reset(token)
    # A worker's step (as `laborbridge worker --once` runs it, in the caller's thread)
    # takes the batch limits for its job only.
    assert Workers(app_db, None, threads=0, poll_seconds=1).step(0) is False  # type: ignore[arg-type]
    assert _limits(app_db) == ("30s", "5s", "1min")
    tuned = Database(world.settings.model_copy(update={"db_statement_timeout_seconds": 2.5}))
    try:
        assert _limits(tuned)[0] == "2500ms"
    finally:
        tuned.dispose()


@pytest.mark.parametrize(
    ("limits", "waited"),
    [
        ({"db_lock_timeout_seconds": 1, "db_statement_timeout_seconds": 30}, "lock"),
        ({"db_lock_timeout_seconds": 0, "db_statement_timeout_seconds": 1}, "statement"),
    ],
)
def test_a_read_that_waits_too_long_answers_503(world, limits, waited):
    client = world.client(**limits)
    user = ApiUser(client, "wushan.staff")
    assert user.get("/api/v1/laborers").status_code == 200
    admin = create_engine(world.urls.admin.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with admin.connect() as blocker:
            blocker.exec_driver_sql("LOCK TABLE laborers IN ACCESS EXCLUSIVE MODE")
            started = time.monotonic()
            response = user.get("/api/v1/laborers")
            seconds = time.monotonic() - started
            blocker.rollback()
    finally:
        admin.dispose()
    assert response.status_code == 503, (waited, response.text)
    assert seconds < 3, (waited, seconds)
    assert response.headers["Retry-After"] == "5"
    body = response.json()
    assert body["type"] == "/problems/database-unavailable"
    assert body["title"] and body["detail"]
    assert user.get("/api/v1/laborers").status_code == 200  # and the next one works
