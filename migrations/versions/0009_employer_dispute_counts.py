"""Employers' dispute counts for the demand pool; fair registrations by laborer.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 18:14:50.644163
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations import rls

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)

# The counts of the disputes already recorded, as the app keeps them from now on.
BACKFILL = """
INSERT INTO employer_dispute_counts (employer_id, tenant_id, open_count, total_count, updated_at)
SELECT employer_id, employer_tenant_id,
       COUNT(CASE WHEN status IN ('open', 'in_progress') THEN 1 END), COUNT(*), CURRENT_TIMESTAMP
FROM cases
WHERE kind = 'dispute' AND employer_id IS NOT NULL AND employer_tenant_id IS NOT NULL
GROUP BY employer_id, employer_tenant_id
"""


def upgrade() -> None:
    op.create_table(
        "employer_dispute_counts",
        sa.Column("employer_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("open_count", sa.Integer(), nullable=False),
        sa.Column("total_count", sa.Integer(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(
            "open_count >= 0 AND total_count >= open_count",
            name=op.f("ck_employer_dispute_counts_counts"),
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_employer_dispute_counts_employer_id_employers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_employer_dispute_counts_tenant_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("employer_id", name=op.f("pk_employer_dispute_counts")),
    )
    with op.batch_alter_table("fair_registrations", schema=None) as batch_op:
        batch_op.create_index("ix_fair_registrations_laborer", ["laborer_id"], unique=False)

    if rls.is_postgres():
        # The owner that migrates is subject to the cases' forced RLS and, with no tenant
        # set, would read none: lift the force for this one statement (the transaction
        # holds the table locked, so nobody else runs without it).
        op.execute("ALTER TABLE cases NO FORCE ROW LEVEL SECURITY")
        op.execute(BACKFILL)
        op.execute("ALTER TABLE cases FORCE ROW LEVEL SECURITY")
        _postgres_security()
    else:
        op.execute(BACKFILL)


def _postgres_security() -> None:
    # Read by every tenant that reads the employer (the pool); written by its bureau,
    # which the app switches to when it recounts (api/casework/dispute_counts.py).
    rls.tenant_policies("employer_dispute_counts", "demand")
    rls.grant("employer_dispute_counts", "SELECT, INSERT, UPDATE, DELETE")


def downgrade() -> None:
    with op.batch_alter_table("fair_registrations", schema=None) as batch_op:
        batch_op.drop_index("ix_fair_registrations_laborer")

    op.drop_table("employer_dispute_counts")
