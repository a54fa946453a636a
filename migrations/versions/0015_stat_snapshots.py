"""stat snapshots: a period's figures frozen when taken, one row per indicator.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations import rls
from migrations.checks import enum_check

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
REASONS = ["scheduled", "submitted", "manual"]
PERIOD_KINDS = ["week", "xun", "month", "quarter", "year"]


def upgrade() -> None:
    op.create_table(
        "stat_snapshots",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("period_code", sa.String(length=10), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("taken_at", TS, nullable=False),
        sa.Column("taken_by_label", sa.String(length=120), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(*REASONS, name="snapshotreason", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_stat_snapshots_tenant_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stat_snapshots")),
        sa.UniqueConstraint(
            "tenant_id",
            "period_code",
            "reason",
            "taken_at",
            name=op.f("uq_stat_snapshots_tenant_id_period_code_reason_taken_at"),
        ),
    )
    scheduled = sa.text("reason = 'scheduled'")
    op.create_index(
        "uq_stat_snapshots_scheduled",
        "stat_snapshots",
        ["tenant_id", "period_code"],
        unique=True,
        sqlite_where=scheduled,
        postgresql_where=scheduled,
    )
    enum_check("stat_snapshots", "reason", REASONS)
    enum_check("stat_snapshots", "period_kind", PERIOD_KINDS)
    op.create_table(
        "stat_snapshot_values",
        sa.Column("snapshot_id", sa.Uuid(), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("numerator", sa.BigInteger(), nullable=False),
        sa.Column("denominator", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["stat_snapshots.id"],
            name=op.f("fk_stat_snapshot_values_snapshot_id_stat_snapshots"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_stat_snapshot_values_tenant_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("snapshot_id", "indicator", name=op.f("pk_stat_snapshot_values")),
    )
    if rls.is_postgres():
        # A tenant's snapshots are its own: only it reads them, and only it (or the
        # nightly run in its name, api.access.snapshot_system_access) takes them.
        for table in ("stat_snapshots", "stat_snapshot_values"):
            rls.tenant_policies(table, "snapshot")
            # Frozen: no UPDATE, and no DELETE for the app (the owner may still prune).
            rls.grant(table, "SELECT, INSERT")


def downgrade() -> None:
    op.drop_table("stat_snapshot_values")
    op.drop_table("stat_snapshots")
