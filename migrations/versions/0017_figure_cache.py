"""remembered figures and the change log that keeps them current (issue 13's speed).

`stat_changes` gets a row per changing statement on every table a figure is counted
from (a trigger: per statement on PostgreSQL, with the owning tenants read from the
transition table; per row on SQLite). `stat_figures` keeps computed figures with the
change counts they were computed at (shared_models/figure_cache.py explains the check).

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations import rls

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As at this revision (shared_models.figure_cache.NOT_COUNTED): a later table that
# figures count from gets its triggers in its own migration, through source_triggers().
NOT_COUNTED = {
    "alembic_version",
    "api_tokens",
    "audit_heads",
    "audit_log",
    "background_jobs",
    "case_attachments",
    "case_notes",
    "idempotency_records",
    "import_batches",
    "laborer_identities",
    "memberships",
    "payee_accounts",
    "period_reports",
    "sign_in_attempts",
    "stat_changes",
    "stat_figures",
    "stat_snapshot_values",
    "stat_snapshots",
    "users",
    "web_sessions",
}

PG_FUNCTION = """CREATE FUNCTION lb_stat_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- TG_ARGV[0]: the table's tenant column, or '' for none (a change for everyone).
    IF TG_ARGV[0] = '' OR TG_OP = 'TRUNCATE' THEN
        INSERT INTO stat_changes (tenant_id, source) VALUES (NULL, TG_TABLE_NAME);
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE format('INSERT INTO stat_changes (tenant_id, source) '
                       'SELECT DISTINCT %I, $1 FROM old_rows', TG_ARGV[0]) USING TG_TABLE_NAME;
    ELSE
        EXECUTE format('INSERT INTO stat_changes (tenant_id, source) '
                       'SELECT DISTINCT %I, $1 FROM new_rows', TG_ARGV[0]) USING TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END $$"""


def source_tables() -> list[tuple[str, str]]:
    """(table, tenant column or '') for every table figures count from."""
    inspector = sa.inspect(op.get_bind())
    found = []
    for table in sorted(inspector.get_table_names()):
        if table in NOT_COUNTED:
            continue
        columns = {c["name"] for c in inspector.get_columns(table)}
        found.append((table, "tenant_id" if "tenant_id" in columns else ""))
    return found


def source_triggers(table: str, column: str) -> None:
    if rls.is_postgres():
        call = f"EXECUTE FUNCTION lb_stat_changed('{column}')"
        if column:
            op.execute(
                f"CREATE TRIGGER lb_stat_insert AFTER INSERT ON {table} "
                f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT {call}"
            )
            op.execute(
                f"CREATE TRIGGER lb_stat_update AFTER UPDATE ON {table} "
                f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT {call}"
            )
            op.execute(
                f"CREATE TRIGGER lb_stat_delete AFTER DELETE ON {table} "
                f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT {call}"
            )
        else:
            op.execute(
                f"CREATE TRIGGER lb_stat_change AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH STATEMENT {call}"
            )
        op.execute(
            f"CREATE TRIGGER lb_stat_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION lb_stat_changed('')"
        )
        return
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        tenant = f"{row}.{column}" if column else "NULL"
        op.execute(
            f"CREATE TRIGGER lb_stat_{event.lower()}_{table} AFTER {event} ON {table} "
            f"BEGIN INSERT INTO stat_changes (tenant_id, source) VALUES ({tenant}, '{table}'); END"
        )


def drop_source_triggers(table: str, column: str) -> None:
    if rls.is_postgres():
        names = ["lb_stat_insert", "lb_stat_update", "lb_stat_delete"] if column else []
        for name in [*names, "lb_stat_change", "lb_stat_truncate"]:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        return
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS lb_stat_{event}_{table}")


def upgrade() -> None:
    op.create_table(
        "stat_changes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=True),
        sa.Column("source", sa.String(length=63), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stat_changes")),
    )
    op.create_index("ix_stat_changes_tenant_id", "stat_changes", ["tenant_id", "id"])
    op.create_table(
        "stat_figures",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("view_key", sa.String(length=64), nullable=False),
        sa.Column("figure_key", sa.String(length=64), nullable=False),
        sa.Column("changes_seen", sa.BigInteger(), nullable=False),
        sa.Column("changes_sum", sa.BigInteger(), nullable=False),
        sa.Column(
            "value",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_stat_figures_tenant_id_organizations"),
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "view_key", "figure_key", name=op.f("pk_stat_figures")
        ),
    )
    if rls.is_postgres():
        op.execute(PG_FUNCTION)
        # Every writer logs its changes, whoever owns the rows it changed (the row holds
        # ids and a table name only); a reader sees the changes of the tenants its
        # figures may count, and of everyone. The owner empties it nightly (TRUNCATE).
        rls.enable("stat_changes")
        seen = f"tenant_id IS NULL OR tenant_id = ANY ({rls.ids('app.figure_tenants')})"
        rls.policy("stat_changes", "read", "SELECT", using=seen)
        rls.policy("stat_changes", "insert", "INSERT", check="true")
        rls.grant("stat_changes", "SELECT, INSERT")
        rls.grant_sequence("stat_changes_id_seq")
        own = f"tenant_id = ANY ({rls.ids('app.tenant_id')})"
        rls.enable("stat_figures")
        rls.policy("stat_figures", "read", "SELECT", using=own)
        rls.policy("stat_figures", "insert", "INSERT", check=own)
        rls.policy("stat_figures", "update", "UPDATE", using=own, check=own)
        rls.policy("stat_figures", "delete", "DELETE", using=own)
        rls.grant("stat_figures", "SELECT, INSERT, UPDATE, DELETE")
    for table, column in source_tables():
        source_triggers(table, column)


def downgrade() -> None:
    for table, column in source_tables():
        drop_source_triggers(table, column)
    if rls.is_postgres():
        op.execute("DROP FUNCTION IF EXISTS lb_stat_changed()")
    op.drop_table("stat_figures")
    op.drop_table("stat_changes")
