"""background jobs: long imports and handbooks run by a worker, with progress.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations import rls
from migrations.checks import enum_check

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"]


def upgrade() -> None:
    op.create_table(
        "background_jobs",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="jobstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("params", JSON_DOC, nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("stage", sa.String(length=40), nullable=True),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=True),
        sa.Column("outcome_url", sa.String(length=255), nullable=True),
        sa.Column("result_name", sa.String(length=255), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_by_label", sa.String(length=120), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("started_at", TS, nullable=True),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("worker", sa.String(length=80), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_background_jobs_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_background_jobs_tenant_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_background_jobs")),
    )
    op.create_index(
        "ix_background_jobs_status_created", "background_jobs", ["status", "created_at"]
    )
    op.create_index(
        "ix_background_jobs_tenant_created", "background_jobs", ["tenant_id", "created_at"]
    )
    enum_check("background_jobs", "status", STATUSES)
    if rls.is_postgres():
        # A tenant's jobs are its own, like its import batches; the worker claims with a
        # context whose import set names every tenant (api/jobs/worker.py).
        rls.tenant_policies("background_jobs", "import")
        rls.grant("background_jobs", "SELECT, INSERT, UPDATE")


def downgrade() -> None:
    op.drop_table("background_jobs")
