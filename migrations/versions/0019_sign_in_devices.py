"""remembered devices on sign-in attempts (issue 14, sign-in behind a proxy).

`sign_in_attempts.device_id` names the remembered-device cookie an attempt came with
(api/auth/devices.py), NULL for an untrusted client. Throttling counts failures per
(account, device) apart from the account's untrusted clients, so strangers' guessing no
longer locks the account's owner out of a device used before. Existing rows are
untrusted attempts, which is what they were. The app role's table grants cover the
new column.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("sign_in_attempts", sa.Column("device_id", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sign_in_attempts") as batch:  # SQLite rebuilds the table
        batch.drop_column("device_id")
