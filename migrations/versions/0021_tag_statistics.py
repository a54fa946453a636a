"""statistics the planner needs for the roster's tag filters (issue 15, plans on hot paths).

PostgreSQL estimates a tag filter (skill 焊工 within one county) from the columns
separately, and at a million laborers it guessed 2,550 rows where there were 20,161.
Believing the tag rare, it read every laborer of the county to find them: a skill
page sorted by age took 1.0–1.5 s. With the three columns' common combinations known it
walks the roster's index in order and stops after 50 (18 ms). PostgreSQL only.

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE STATISTICS st_laborer_tags_tenant_kind_value (mcv)"
            " ON tenant_id, kind, value FROM laborer_tags"
        )
        op.execute("ANALYZE laborer_tags")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS IF EXISTS st_laborer_tags_tenant_kind_value")
