"""supervising organizations and period reports (issue 13).

A supervising organization (市人社局, a 协作办) oversees a set of bureaus through
`supervisions`, a directory table like `pairings`. A bureau's `period_reports` go to
its supervisors, who accept or return them; each submission points at a snapshot of
the figures frozen when it was made.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations import rls
from migrations.checks import enum_check

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
KINDS_BEFORE = "kind IN ('sending', 'receiving', 'liaison')"
KINDS = "kind IN ('sending', 'receiving', 'liaison', 'supervising')"
STATUSES = ["submitted", "accepted", "returned"]
PERIOD_KINDS = ["week", "xun", "month", "quarter", "year"]


def _organization_kinds(condition: str) -> None:
    if rls.is_postgres():
        op.drop_constraint(op.f("ck_organizations_kind"), "organizations", type_="check")
        op.create_check_constraint(op.f("ck_organizations_kind"), "organizations", condition)
        return
    # SQLite rebuilds the table to change a CHECK, dropping the old one, which every
    # tenant table references: foreign keys are off while it is swapped (no DML has run
    # in this migration's transaction yet, so the pragma takes effect).
    op.execute("PRAGMA foreign_keys = OFF")
    with op.batch_alter_table("organizations", recreate="always") as batch:
        batch.drop_constraint(op.f("ck_organizations_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_organizations_kind"), condition)
    op.execute("PRAGMA foreign_keys = ON")


def upgrade() -> None:
    _organization_kinds(KINDS)
    op.create_table(
        "supervisions",
        sa.Column("supervisor_id", sa.Uuid(), nullable=False),
        sa.Column("bureau_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint("supervisor_id <> bureau_id", name=op.f("ck_supervisions_distinct")),
        sa.ForeignKeyConstraint(
            ["supervisor_id"],
            ["organizations.id"],
            name=op.f("fk_supervisions_supervisor_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["bureau_id"],
            ["organizations.id"],
            name=op.f("fk_supervisions_bureau_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("supervisor_id", "bureau_id", name=op.f("pk_supervisions")),
    )
    op.create_index("ix_supervisions_bureau_id", "supervisions", ["bureau_id"])
    op.create_table(
        "period_reports",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("period_code", sa.String(length=10), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="reportstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("snapshot_id", sa.Uuid(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("first_submitted_at", TS, nullable=False),
        sa.Column("submitted_at", TS, nullable=False),
        sa.Column("submitted_by_label", sa.String(length=120), nullable=False),
        sa.Column("submissions", sa.Integer(), nullable=False),
        sa.Column("decided_at", TS, nullable=True),
        sa.Column("decided_by_label", sa.String(length=120), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_period_reports_tenant_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["stat_snapshots.id"],
            name=op.f("fk_period_reports_snapshot_id_stat_snapshots"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period_reports")),
        sa.UniqueConstraint(
            "tenant_id", "period_code", name=op.f("uq_period_reports_tenant_id_period_code")
        ),
    )
    op.create_index("ix_period_reports_period_code", "period_reports", ["period_code"])
    enum_check("period_reports", "status", STATUSES)
    enum_check("period_reports", "period_kind", PERIOD_KINDS)
    if rls.is_postgres():
        rls.grant("supervisions", "SELECT")
        # A bureau reads and writes its own reports; its supervisors read them and
        # write them (accept, return): api.access gives them the bureaus' ids.
        rls.tenant_policies("period_reports", "report")
        rls.grant("period_reports", "SELECT, INSERT, UPDATE")


def downgrade() -> None:
    op.drop_table("period_reports")
    op.drop_table("supervisions")
    supervising = op.get_bind().execute(
        sa.text("SELECT count(*) FROM organizations WHERE kind = 'supervising'")
    )
    # Supervising organizations keep their accounts and audit chains, so they are not
    # deleted: the check goes back to the three kinds only when none exists (the code
    # before 0016 cannot sign into one; upgrade again to use them).
    if not supervising.scalar():
        _organization_kinds(KINDS_BEFORE)
