"""scheduled_runs: when each scheduled command last succeeded (issue 14's metrics).

CronJob pods are gone when Prometheus scrapes; the app's metrics port reads this table,
so a missed nightly run can be alerted on from any pod. Written by the operator commands
(the owner); the app role only reads it.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations import rls

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scheduled_runs",
        sa.Column("command", sa.String(60), nullable=False),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_duration_seconds", sa.Double(), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("command", name=op.f("pk_scheduled_runs")),
    )
    if rls.is_postgres():
        rls.grant("scheduled_runs", "SELECT")


def downgrade() -> None:
    op.drop_table("scheduled_runs")
