"""Joint trainings: courses, sessions, enrollments with a waitlist, attendance.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 16:37:21.932053
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations import rls
from migrations.checks import enum_check

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "trainings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("co_organizer_id", sa.Uuid(), nullable=True),
        sa.Column("pairing_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("occupation", sa.String(length=60), nullable=False),
        sa.Column("occupation_code", sa.String(length=20), nullable=True),
        sa.Column(
            "training_type",
            sa.Enum(
                "pre_job",
                "upgrade",
                "apprenticeship",
                "work_as_training",
                "entrepreneurship",
                name="trainingtype",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("provider", sa.String(length=120), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("teachers", JSON, nullable=False),
        sa.Column("subsidy_amount", sa.Integer(), nullable=True),
        sa.Column("subsidy_payer_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_trainings_capacity")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_trainings_dates")),
        sa.CheckConstraint(
            "subsidy_amount IS NULL OR subsidy_amount >= 0",
            name=op.f("ck_trainings_subsidy_amount"),
        ),
        sa.ForeignKeyConstraint(
            ["co_organizer_id"],
            ["organizations.id"],
            name=op.f("fk_trainings_co_organizer_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_trainings_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"], ["pairings.id"], name=op.f("fk_trainings_pairing_id_pairings")
        ),
        sa.ForeignKeyConstraint(
            ["subsidy_payer_id"],
            ["organizations.id"],
            name=op.f("fk_trainings_subsidy_payer_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["organizations.id"], name=op.f("fk_trainings_tenant_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainings")),
    )
    with op.batch_alter_table("trainings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_trainings_pairing_start", ["pairing_id", "starts_on"], unique=False
        )

    op.create_table(
        "training_enrollments",
        sa.Column("training_id", sa.Uuid(), nullable=False),
        sa.Column("training_tenant_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("laborer_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("id_number_masked", sa.String(length=18), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "enrolled",
                "waitlisted",
                "completed",
                "withdrawn",
                name="enrollmentstatus",
                native_enum=False,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("enrolled_by_label", sa.String(length=120), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("withdrawal_reason", sa.String(length=200), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("assessment_result", sa.String(length=60), nullable=True),
        sa.Column("certificate_number", sa.String(length=40), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["laborer_id"],
            ["laborers.id"],
            name=op.f("fk_training_enrollments_laborer_id_laborers"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_training_enrollments_tenant_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["training_id"],
            ["trainings.id"],
            name=op.f("fk_training_enrollments_training_id_trainings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_enrollments")),
        sa.UniqueConstraint(
            "training_id", "laborer_id", name=op.f("uq_training_enrollments_training_id_laborer_id")
        ),
    )
    with op.batch_alter_table("training_enrollments", schema=None) as batch_op:
        batch_op.create_index("ix_training_enrollments_laborer", ["laborer_id"], unique=False)
        batch_op.create_index(
            "ix_training_enrollments_training", ["training_id", "status", "position"], unique=False
        )

    op.create_table(
        "training_sessions",
        sa.Column("training_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.Column("topic", sa.String(length=120), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_training_sessions_hours")),
        sa.ForeignKeyConstraint(
            ["training_id"],
            ["trainings.id"],
            name=op.f("fk_training_sessions_training_id_trainings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_sessions")),
    )
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_training_sessions_training", ["training_id", "held_on"], unique=False
        )

    op.create_table(
        "training_attendance",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("enrollment_id", sa.Uuid(), nullable=False),
        sa.Column("training_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_label", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["training_enrollments.id"],
            name=op.f("fk_training_attendance_enrollment_id_training_enrollments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["training_sessions.id"],
            name=op.f("fk_training_attendance_session_id_training_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "enrollment_id", name=op.f("pk_training_attendance")),
    )

    enum_check(
        "trainings",
        "training_type",
        ["pre_job", "upgrade", "apprenticeship", "work_as_training", "entrepreneurship"],
    )
    enum_check(
        "training_enrollments", "status", ["enrolled", "waitlisted", "completed", "withdrawn"]
    )
    if rls.is_postgres():
        _postgres_security()


def _postgres_security() -> None:
    rls.tenant_policies("trainings", "event")
    rls.grant("trainings", "SELECT, INSERT, UPDATE")
    rls.tenant_policies("training_sessions", "event")
    rls.grant("training_sessions", "SELECT, INSERT, UPDATE, DELETE")
    # Enrollments and attendance carry a laborer, the county's data (tenant_id): read
    # and written by the county and its liaison offices, and by the training's
    # organizer and co-organizer, who run the class (roster, attendance, completion).
    # The other members of the pairing see the training, not who is on it.
    me = rls.ids("app.tenant_id")
    organizers = (
        f"training_id IN (SELECT t.id FROM trainings t"
        f" WHERE t.tenant_id = ANY ({me}) OR t.co_organizer_id = ANY ({me}))"
    )
    county_read = f"tenant_id = ANY ({rls.ids('app.read_laborer')})"
    county_write = f"tenant_id = ANY ({rls.ids('app.write_laborer')})"
    for table in ("training_enrollments", "training_attendance"):
        rls.enable(table)
        rls.policy(table, "read", "SELECT", using=f"{county_read} OR {organizers}")
        rls.policy(table, "insert", "INSERT", check=f"{county_write} OR {organizers}")
        rls.policy(
            table,
            "update",
            "UPDATE",
            using=f"{county_write} OR {organizers}",
            check=f"{county_write} OR {organizers}",
        )
        rls.grant(table, "SELECT, INSERT, UPDATE")


def downgrade() -> None:
    op.drop_table("training_attendance")
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_training_sessions_training")

    op.drop_table("training_sessions")
    with op.batch_alter_table("training_enrollments", schema=None) as batch_op:
        batch_op.drop_index("ix_training_enrollments_training")
        batch_op.drop_index("ix_training_enrollments_laborer")

    op.drop_table("training_enrollments")
    with op.batch_alter_table("trainings", schema=None) as batch_op:
        batch_op.drop_index("ix_trainings_pairing_start")

    op.drop_table("trainings")
