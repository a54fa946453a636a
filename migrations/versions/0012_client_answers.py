"""A receiving bureau reads the laborers placed with its employers (masked in the app).

The sharing table lets it read a laborer referred to, registered at or placed with its
side; the policy of 0003 knew only referrals, so a placement made without one (a hire
entered directly, a county moving its ledger in) showed the bureau a placement whose
laborer row it could not read, and the placements list answered 500 on PostgreSQL.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

from alembic import op

from migrations import rls

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (("laborers", "laborers.id"), ("laborer_tags", "laborer_tags.laborer_id"))
# Written as IN, as 0003 does for referrals: the planner costs a correlated EXISTS once
# per row, even where the county's own rows never evaluate it.
REFERRED = (
    "{column} IN (SELECT r.laborer_id FROM referrals r"
    " WHERE r.vacancy_tenant_id = ANY ({referral_vacancy}))"
)
PLACED = (
    "{column} IN (SELECT p.laborer_id FROM placements p WHERE p.employer_tenant_id = ANY ({me}))"
)


def _read_policy(table: str, using: str) -> None:
    op.execute(f"DROP POLICY {table}_read ON {table}")
    rls.policy(table, "read", "SELECT", using=using)


def upgrade() -> None:
    if not rls.is_postgres():
        return
    for table, column in TABLES:
        own = f"tenant_id = ANY ({rls.ids('app.read_laborer')})"
        referred = REFERRED.format(
            column=column, referral_vacancy=rls.ids("app.read_referral_vacancy")
        )
        placed = PLACED.format(column=column, me=rls.ids("app.tenant_id"))
        _read_policy(table, f"{own} OR {referred} OR {placed}")


def downgrade() -> None:
    if not rls.is_postgres():
        return
    for table, column in TABLES:
        own = f"tenant_id = ANY ({rls.ids('app.read_laborer')})"
        referred = REFERRED.format(
            column=column, referral_vacancy=rls.ids("app.read_referral_vacancy")
        )
        _read_policy(table, f"{own} OR {referred}")
