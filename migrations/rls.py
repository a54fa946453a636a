"""Helpers the migrations use for PostgreSQL row-level security and grants.

Policies read the request's tenant sets through `lb_ids(setting)`, which returns NULL
(so: no rows) when the setting is absent or empty. The app sets them per transaction
with set_config(..., true); see api/db.py.

Policies wrap the call in a scalar subquery, `(SELECT lb_ids(...))`: PostgreSQL then
computes the set once per statement (an InitPlan) instead of parsing the setting again
for every row a scan visits.
"""

import re

from alembic import context, op

_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def app_role() -> str:
    role = context.config.attributes.get("app_role", "laborbridge_app")
    if not _ROLE_NAME.fullmatch(role):
        raise ValueError(f"LB_DB_APP_ROLE {role!r} is not a plain lower-case role name")
    return role


def ensure_app_role() -> None:
    """Create the app role (NOLOGIN group) when missing; operators grant it to a login."""
    role = app_role()
    op.execute(
        f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
                CREATE ROLE "{role}" NOLOGIN NOSUPERUSER NOBYPASSRLS;
            END IF;
        END $$"""
    )
    op.execute(f'GRANT USAGE ON SCHEMA public TO "{role}"')


def create_functions() -> None:
    op.execute(
        """CREATE FUNCTION lb_ids(setting text) RETURNS uuid[]
        LANGUAGE sql STABLE PARALLEL SAFE
        AS $$ SELECT string_to_array(NULLIF(current_setting(setting, true), ''), ',')::uuid[] $$"""
    )
    op.execute(
        """CREATE FUNCTION lb_user_id() RETURNS uuid
        LANGUAGE sql STABLE PARALLEL SAFE
        AS $$ SELECT NULLIF(current_setting('app.user_id', true), '')::uuid $$"""
    )


def drop_functions() -> None:
    op.execute("DROP FUNCTION IF EXISTS lb_user_id()")
    op.execute("DROP FUNCTION IF EXISTS lb_ids(text)")


def ids(setting: str) -> str:
    """The tenant set named by `setting`, evaluated once per statement."""
    # The cast keeps "= ANY (...)" an array comparison, not a subquery one.
    return f"(SELECT lb_ids('{setting}'))::uuid[]"


def user_id() -> str:
    return "(SELECT lb_user_id())"


def enable(table: str) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")


def policy(
    table: str,
    name: str,
    command: str,
    *,
    using: str | None = None,
    check: str | None = None,
) -> None:
    sql = f"CREATE POLICY {table}_{name} ON {table} FOR {command}"
    if using:
        sql += f" USING ({using})"
    if check:
        sql += f" WITH CHECK ({check})"
    op.execute(sql)


def tenant_policies(table: str, kind: str, column: str = "tenant_id", read_extra: str = "") -> None:
    """The common case: read by `app.read_<kind>`, write by `app.write_<kind>`."""
    read = f"{column} = ANY ({ids('app.read_' + kind)})" + (
        f" OR {read_extra}" if read_extra else ""
    )
    write = f"{column} = ANY ({ids('app.write_' + kind)})"
    enable(table)
    policy(table, "read", "SELECT", using=read)
    policy(table, "insert", "INSERT", check=write)
    policy(table, "update", "UPDATE", using=write, check=write)
    policy(table, "delete", "DELETE", using=write)


def grant(table: str, privileges: str) -> None:
    op.execute(f'GRANT {privileges} ON {table} TO "{app_role()}"')


def grant_sequence(sequence: str) -> None:
    op.execute(f'GRANT USAGE, SELECT ON SEQUENCE {sequence} TO "{app_role()}"')


def append_only(table: str) -> None:
    """Refuse UPDATE, DELETE and TRUNCATE on a table, whoever asks."""
    if is_postgres():
        op.execute(
            """CREATE OR REPLACE FUNCTION lb_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = '42501';
            END $$"""
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION lb_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION lb_refuse_change()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table}"
                f" BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def drop_append_only(table: str) -> None:
    if is_postgres():
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
