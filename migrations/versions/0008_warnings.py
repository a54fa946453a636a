"""Early warning: flags on laborers at risk, and each county's thresholds.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 09:12:04.118305
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations import rls
from migrations.checks import enum_check

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
RULES = ["left_before_milestone", "unverified", "open_dispute", "leave_overdue", "idle_willing",
         "employer_disputes"]  # fmt: skip
NOT_CLOSED = sa.text("status <> 'closed'")


def _enum(name: str, values: list[str], length: int) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length)


def upgrade() -> None:
    op.create_table(
        "warning_flags",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("laborer_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rule", _enum("warningrule", RULES, 24), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column(
            "severity", _enum("warningseverity", ["high", "medium", "low"], 8), nullable=False
        ),
        sa.Column("severity_rank", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            _enum("warningstatus", ["open", "acknowledged", "closed"], 16),
            nullable=False,
        ),
        sa.Column("acknowledged_at", TS, nullable=True),
        sa.Column("acknowledged_by_label", sa.String(length=120), nullable=True),
        sa.Column("assignee_id", sa.Uuid(), nullable=True),
        sa.Column("assignee_label", sa.String(length=120), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column(
            "close_reason",
            _enum("warningclosereason", ["resolved", "by_hand", "answered"], 16),
            nullable=True,
        ),
        sa.Column("close_note", sa.String(length=500), nullable=True),
        sa.Column("closed_by_label", sa.String(length=120), nullable=True),
        sa.Column("answered_by_case_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by_case_id"],
            ["cases.id"],
            name=op.f("fk_warning_flags_answered_by_case_id_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["users.id"], name=op.f("fk_warning_flags_assignee_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["laborer_id"],
            ["laborers.id"],
            name=op.f("fk_warning_flags_laborer_id_laborers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_warning_flags_tenant_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning_flags")),
    )
    with op.batch_alter_table("warning_flags", schema=None) as batch_op:
        batch_op.create_index("ix_warning_flags_laborer", ["laborer_id", "rule"], unique=False)
        batch_op.create_index(
            "ix_warning_flags_tenant_status",
            ["tenant_id", "status", "severity_rank"],
            unique=False,
        )
        batch_op.create_index(
            "uq_warning_flags_open",
            ["laborer_id", "rule", "subject_key"],
            unique=True,
            sqlite_where=NOT_CLOSED,
            postgresql_where=NOT_CLOSED,
        )

    op.create_table(
        "warning_settings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("unverified_days", sa.Integer(), nullable=False),
        sa.Column("dispute_days", sa.Integer(), nullable=False),
        sa.Column("idle_days", sa.Integer(), nullable=False),
        sa.Column("leave_grace_days", sa.Integer(), nullable=False),
        sa.Column("employer_disputes", sa.Integer(), nullable=False),
        sa.Column("updated_by_label", sa.String(length=120), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_warning_settings_tenant_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_warning_settings")),
    )

    enum_check("warning_flags", "rule", RULES)
    enum_check("warning_flags", "severity", ["high", "medium", "low"])
    enum_check("warning_flags", "status", ["open", "acknowledged", "closed"])
    enum_check("warning_flags", "close_reason", ["resolved", "by_hand", "answered"], nullable=True)
    if rls.is_postgres():
        _postgres_security()


def _postgres_security() -> None:
    # A county's flags and thresholds: read and worked by the county and its liaison
    # offices (app.read_warning / app.write_warning); nobody else sees them.
    read = f"tenant_id = ANY ({rls.ids('app.read_warning')})"
    write = f"tenant_id = ANY ({rls.ids('app.write_warning')})"
    for table in ("warning_flags", "warning_settings"):
        rls.enable(table)
        rls.policy(table, "read", "SELECT", using=read)
        rls.policy(table, "insert", "INSERT", check=write)
        rls.policy(table, "update", "UPDATE", using=write, check=write)
        rls.grant(table, "SELECT, INSERT, UPDATE")


def downgrade() -> None:
    op.drop_table("warning_settings")
    with op.batch_alter_table("warning_flags", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_warning_flags_open", sqlite_where=NOT_CLOSED, postgresql_where=NOT_CLOSED
        )
        batch_op.drop_index("ix_warning_flags_tenant_status")
        batch_op.drop_index("ix_warning_flags_laborer")

    op.drop_table("warning_flags")
