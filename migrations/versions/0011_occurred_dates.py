"""Occurred dates: when an enrollment happened (not when it was typed in), and when a
check-in was recorded apart from when the person came through the door.

A county moving its 2021 ledgers in enters history as it happened: `enrolled_on` is the
day of enrollment, and `checked_in_at` becomes the instant of the check-in with
`check_in_recorded_at` the instant it was written. Existing rows were entered live, so
occurred = recorded: the enrollment's day is the bureau's day (Asia/Shanghai, no DST
since 1991, so +8 hours) of its creation.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations import rls

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)

ENROLLED_ON = {
    "postgresql": "UPDATE training_enrollments "
    "SET enrolled_on = (created_at AT TIME ZONE 'Asia/Shanghai')::date",
    "sqlite": "UPDATE training_enrollments SET enrolled_on = date(created_at, '+8 hours')",
}
RECORDED_AT = (
    "UPDATE fair_registrations SET check_in_recorded_at = checked_in_at "
    "WHERE checked_in_at IS NOT NULL"
)


def _backfill(table: str, statement: str) -> None:
    if rls.is_postgres():
        # The owner is bound by the forced policies and, with no tenant set, would update
        # nothing: lift the force for this statement (the table is locked meanwhile).
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(statement)
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    else:
        op.execute(statement)


def upgrade() -> None:
    dialect = "postgresql" if rls.is_postgres() else "sqlite"
    with op.batch_alter_table("training_enrollments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("enrolled_on", sa.Date(), nullable=True))
    _backfill("training_enrollments", ENROLLED_ON[dialect])
    with op.batch_alter_table("training_enrollments", schema=None) as batch_op:
        batch_op.alter_column("enrolled_on", existing_type=sa.Date(), nullable=False)
    with op.batch_alter_table("fair_registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("check_in_recorded_at", TS, nullable=True))
    _backfill("fair_registrations", RECORDED_AT)


def downgrade() -> None:
    with op.batch_alter_table("fair_registrations", schema=None) as batch_op:
        batch_op.drop_column("check_in_recorded_at")
    with op.batch_alter_table("training_enrollments", schema=None) as batch_op:
        batch_op.drop_column("enrolled_on")
