"""Row-level security on PostgreSQL: the safety net under the application's checks."""

import threading
import uuid

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from api.access import build_access_context
from api.db import Database, apply_access, check_app_role
from shared_models.enums import Role
from tests.fixtures.world import ApiUser

pytestmark = pytest.mark.postgres_only

# Tables without tenant data: the directory and the auth machinery. Every other table
# must carry tenant_id and row-level security; a new table has to choose.
PLATFORM_TABLES = {
    "alembic_version",
    "organizations",
    "pairings",
    "pairing_targets",
    "supervisions",
    "users",
    "web_sessions",
    "api_tokens",
    "sign_in_attempts",
    "scheduled_runs",
}


def _owner_conn(world):
    return world.owner_database().engine.connect()


def _context(world, session, tenant_key, role=Role.STAFF):
    return build_access_context(
        session,
        tenant_id=world.orgs[tenant_key],
        role=role,
        can_reveal_pii=False,
        user_id=None,
        actor_label="test",
    )


def test_every_tenant_table_has_forced_rls_and_policies(world):
    with _owner_conn(world) as conn:
        tables = conn.execute(
            text(
                "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
                " (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,"
                " EXISTS (SELECT 1 FROM information_schema.columns col WHERE col.table_schema ="
                " 'public' AND col.table_name = c.relname AND col.column_name = 'tenant_id')"
                " AS tenanted"
                " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind = 'r'"
            )
        ).all()
    tenanted = {t.relname for t in tables if t.tenanted}
    assert tenanted >= {"memberships", "audit_log", "audit_heads"}
    for table in tables:
        if table.tenanted:
            assert table.relrowsecurity and table.relforcerowsecurity, table.relname
            assert table.policies >= 1, table.relname
    assert {t.relname for t in tables} - tenanted == PLATFORM_TABLES


def test_app_role_cannot_bypass_rls(world):
    database = world.app_database()
    assert check_app_role(database.engine) == []
    with database.engine.connect() as conn:
        row = conn.execute(
            text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        ).one()
        assert (row.rolsuper, row.rolbypassrls) == (False, False)
        owner = conn.execute(
            text("SELECT tableowner FROM pg_tables WHERE tablename = 'memberships'")
        ).scalar()
        assert owner != conn.execute(text("SELECT current_user")).scalar()


def test_privileged_role_is_reported(world):
    database = world.owner_database()
    assert any("owns" in p for p in check_app_role(database.engine))


def test_without_tenant_settings_nothing_is_visible(world):
    database = world.app_database()
    with database.engine.connect() as conn:
        for table in ("memberships", "audit_log", "audit_heads"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
    with _owner_conn(world) as conn:  # the owner is subject to FORCE too
        assert conn.execute(text("SELECT count(*) FROM memberships")).scalar() == 0
    with psycopg.connect(world.urls.admin) as superuser:
        assert superuser.execute("SELECT count(*) FROM memberships").fetchone()[0] > 0


def test_settings_show_only_the_tenants_rows(world):
    database = world.app_database()
    with database.transaction() as session:
        access = _context(world, session, "wushan")
        apply_access(session, access)
        tenants = set(session.execute(text("SELECT DISTINCT tenant_id FROM memberships")).scalars())
    assert tenants == {world.orgs["wushan"]}


def test_cross_tenant_insert_is_refused(world):
    database = world.app_database()
    insert = text(
        "INSERT INTO memberships (id, tenant_id, user_id, role, can_reveal_pii, is_active,"
        " created_at, updated_at)"
        " VALUES (:id, :tenant, :user, 'admin', true, true, now(), now())"
    )
    values = {"id": uuid.uuid4(), "user": world.users["kaizhou.staff"]}
    with database.transaction() as session:
        apply_access(session, _context(world, session, "wushan", Role.ADMIN))
        session.begin_nested()
        with pytest.raises(DBAPIError, match="row-level security"):
            session.execute(insert, {**values, "tenant": world.orgs["kaizhou"]})
        session.rollback()
        # The same statement for the caller's own tenant is allowed: the policy, not
        # a missing grant, refused the other one.
        session.execute(insert, {**values, "tenant": world.orgs["wushan"], "id": uuid.uuid4()})


def test_audit_log_cannot_be_rewritten(world):
    # The app role has no UPDATE/DELETE grant at all.
    with world.app_database().engine.connect() as conn:
        with pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text("UPDATE audit_log SET action = 'x'"))
        conn.rollback()
        with pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text("DELETE FROM audit_log"))
    # Even a superuser, who bypasses RLS, meets the append-only trigger.
    with psycopg.connect(world.urls.admin) as superuser:
        assert superuser.execute("SELECT count(*) FROM audit_log").fetchone()[0] > 0
        for statement in (
            "UPDATE audit_log SET action = 'x'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ):
            with pytest.raises(psycopg.Error, match="append-only"):
                superuser.execute(statement)
            superuser.rollback()


def test_pooled_connection_forgets_the_previous_tenant(world):
    """One connection in the pool: tenant A's request, then B's, then a bare query."""
    app_settings = world.settings.model_copy(update={"db_pool_size": 1})
    database = Database(app_settings)
    database.engine.pool._max_overflow = 0
    try:
        with database.transaction() as session:
            apply_access(session, _context(world, session, "wushan"))
            backend_a = session.execute(text("SELECT pg_backend_pid()")).scalar()
            assert session.execute(text("SELECT count(*) FROM memberships")).scalar() > 0
        with database.transaction() as session:
            apply_access(session, _context(world, session, "kaizhou"))
            assert session.execute(text("SELECT pg_backend_pid()")).scalar() == backend_a
            tenants = set(
                session.execute(text("SELECT DISTINCT tenant_id FROM memberships")).scalars()
            )
            assert tenants == {world.orgs["kaizhou"]}
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() == backend_a
            assert conn.execute(text("SELECT current_setting('app.tenant_id', true)")).scalar() in (
                "",
                None,
            )
            assert conn.execute(text("SELECT count(*) FROM memberships")).scalar() == 0
    finally:
        database.dispose()


def test_requests_through_the_app_on_one_connection(world):
    client = world.client(db_pool_size=1)
    client.app.state.db.engine.pool._max_overflow = 0
    wushan = ApiUser(client, "wushan.admin")
    kaizhou = ApiUser(client, "kaizhou.admin")
    for _ in range(3):
        assert {m["username"] for m in wushan.get("/api/v1/members").json()} == {
            "wushan.admin",
            "wushan.staff",
        }
        assert {m["username"] for m in kaizhou.get("/api/v1/members").json()} == {
            "kaizhou.admin",
            "kaizhou.staff",
        }


def test_concurrent_audit_appends_keep_one_chain(world, login):
    """Twenty admins' changes at once: one gap-free chain, verified."""
    admin_client = world.client()
    admin = ApiUser(admin_client, "wushan.admin")
    member_id = next(
        m["id"] for m in admin.get("/api/v1/members").json() if m["username"] == "wushan.staff"
    )
    errors = []

    def flip(i: int) -> None:
        response = admin.patch(f"/api/v1/members/{member_id}", json={"can_reveal_pii": i % 2 == 0})
        if response.status_code != 200:
            errors.append(response.text)

    threads = [threading.Thread(target=flip, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    report = admin.get("/api/v1/audit/verify").json()
    assert report["ok"] is True


def _count_as(world, tenant_key, table, owner="wushan", role=Role.STAFF):
    """Rows of `owner`'s in `table` that RLS shows to `tenant_key`, with no WHERE of ours
    beyond the owner."""
    database = world.app_database()
    with database.transaction() as session:
        apply_access(session, _context(world, session, tenant_key, role))
        return session.execute(
            text(f"SELECT count(*) FROM {table} WHERE tenant_id = :owner"),
            {"owner": world.orgs[owner]},
        ).scalar()


def test_laborer_tables_follow_the_sharing_table(world):
    """Below the application's checks: the county and its office read the register; the
    receiving bureau reads only the laborers placed with its employers (none referred in
    the demo), never their surveys; other counties read nothing of it."""
    assert _count_as(world, "wushan", "laborers") == 300
    assert _count_as(world, "wushan_office", "laborers") == 300
    assert _count_as(world, "wushan", "laborer_tags") > 0
    with world.superuser_session() as session:
        placed, placed_tags = session.execute(
            text(
                "SELECT count(DISTINCT p.laborer_id),"
                " (SELECT count(*) FROM laborer_tags t WHERE t.laborer_id IN"
                "   (SELECT laborer_id FROM placements WHERE employer_tenant_id = :bureau))"
                " FROM placements p WHERE p.employer_tenant_id = :bureau"
            ),
            {"bureau": world.orgs["yantai"]},
        ).one()
    assert 0 < placed < 300
    assert _count_as(world, "yantai", "laborers") == placed
    assert _count_as(world, "yantai", "laborer_tags") == placed_tags
    assert _count_as(world, "yantai", "laborer_surveys") == 0
    for outsider in ("kaizhou", "kaizhou_office", "weifang"):
        assert _count_as(world, outsider, "laborers") == 0, outsider
        assert _count_as(world, outsider, "laborer_tags") == 0, outsider
        assert _count_as(world, outsider, "laborer_surveys") == 0, outsider
    # Identity hashes are readable across counties sharing a receiving partner: none here.
    assert _count_as(world, "wushan", "laborer_identities") == 300
    assert _count_as(world, "kaizhou", "laborer_identities") == 0


def test_a_liaison_office_cannot_insert_into_the_register(world):
    database = world.app_database()
    with database.transaction() as session:
        apply_access(session, _context(world, session, "wushan_office", Role.ADMIN))
        session.begin_nested()
        with pytest.raises(DBAPIError, match="row-level security"):
            session.execute(
                text(
                    "INSERT INTO laborer_identities (laborer_id, tenant_id, id_number_hash)"
                    " SELECT id, tenant_id, 'x' FROM laborers LIMIT 1"
                )
            )
        session.rollback()
