"""indexes that match the vacancy pool's orders (issue 15, plans on hot paths).

The pool's default page filtered and sorted 100,000 vacancies (a parallel sequential
scan, then a sort) to show 50. Each order of the pool now has a partial index over the
open vacancies, in that order with the id last (api/demand/pool.py, POOL_ORDERS): a page
walks the index from the start, or from a keyset cursor, and stops after 50 rows. Only
open vacancies are indexed: the pool shows those unless asked for all, and they are the
few that stay.

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("status = 'open'")
INDEXES = {
    "ix_vacancies_open_newest": ["created_at", "id"],
    "ix_vacancies_open_wage": ["wage_max", "wage_min", "id"],
    "ix_vacancies_open_closing": ["valid_until", "id"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "vacancies", columns, postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="vacancies")
