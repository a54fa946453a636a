"""Derived laborer state: where the employment status came from, the current job and its
transfer scope, and where each skill, certificate and training need came from.

The backfill runs the registry's own recomputation once (api/supply/derived.py), so the
register follows the placements, surveys and certified completions already recorded.

Revision ID: 0010
Revises: 0009
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
import sqlalchemy.orm
from alembic import op

from migrations import rls
from migrations.checks import enum_check

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCES = ["record", "survey", "placement", "training"]
SCOPES = ["in_district", "in_city", "out_of_city"]
# Read or written by the backfill: their forced RLS binds the owner too (no tenant set).
BACKFILL_TABLES = (
    "laborers",
    "laborer_tags",
    "laborer_surveys",
    "placements",
    "training_enrollments",
    "trainings",
)


def upgrade() -> None:
    with op.batch_alter_table("laborers") as batch:
        batch.add_column(
            sa.Column("employment_source", sa.String(16), nullable=False, server_default="record")
        )
        batch.add_column(sa.Column("employment_as_of", sa.Date(), nullable=True))
        batch.add_column(sa.Column("employment_source_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("employer_name", sa.String(120), nullable=True))
        batch.add_column(sa.Column("work_region_code", sa.String(6), nullable=True))
        batch.add_column(sa.Column("work_city", sa.String(40), nullable=True))
        batch.add_column(sa.Column("work_scope", sa.String(16), nullable=True))
        batch.add_column(
            sa.Column("skill_level_source", sa.String(16), nullable=False, server_default="record")
        )
        batch.add_column(sa.Column("skill_level_as_of", sa.Date(), nullable=True))
    with op.batch_alter_table("laborer_tags") as batch:
        batch.add_column(
            sa.Column("source", sa.String(16), nullable=False, server_default="record")
        )
        batch.add_column(sa.Column("source_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("as_of", sa.Date(), nullable=True))
    enum_check("laborers", "employment_source", SOURCES)
    enum_check("laborers", "skill_level_source", SOURCES)
    enum_check("laborers", "work_scope", SCOPES, nullable=True)
    enum_check("laborer_tags", "source", SOURCES)

    if rls.is_postgres():
        for table in BACKFILL_TABLES:
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    _backfill()
    if rls.is_postgres():
        for table in BACKFILL_TABLES:
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")


def _backfill() -> None:
    """The same recomputation as `laborers reconcile`, for every county, in chunks."""
    from api.supply import derived  # the app's own rule: one definition, not a copy

    connection = op.get_bind()
    counties = connection.execute(
        sa.text("SELECT id FROM organizations WHERE kind = 'sending' ORDER BY id")
    ).scalars()
    with sa.orm.Session(bind=connection) as session:
        for county_id in list(counties):
            derived.reconcile(session, uuid.UUID(str(county_id)))
        session.flush()


def downgrade() -> None:
    with op.batch_alter_table("laborer_tags") as batch:
        batch.drop_constraint("ck_laborer_tags_source", type_="check")
        batch.drop_column("as_of")
        batch.drop_column("source_id")
        batch.drop_column("source")
    with op.batch_alter_table("laborers") as batch:
        for name in ("employment_source", "skill_level_source", "work_scope"):
            batch.drop_constraint(f"ck_laborers_{name}", type_="check")
        for column in (
            "skill_level_as_of",
            "skill_level_source",
            "work_scope",
            "work_city",
            "work_region_code",
            "employer_name",
            "employment_source_id",
            "employment_as_of",
            "employment_source",
        ):
            batch.drop_column(column)
