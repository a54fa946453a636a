"""Liaison-office casework: cases, the laborers they concern, dated notes, attachments.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 17:02:50.891414
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations import rls
from migrations.checks import enum_check

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("county_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "visit",
                "hardship_aid",
                "onboarding",
                "dispute",
                name="casekind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "in_progress",
                "resolved",
                "referred",
                "closed",
                name="casestatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("aid_amount", sa.Integer(), nullable=True),
        sa.Column(
            "dispute_kind",
            sa.Enum(
                "unpaid_wages",
                "work_injury",
                "contract",
                "other",
                name="disputekind",
                native_enum=False,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column("employer_id", sa.Uuid(), nullable=True),
        sa.Column("employer_tenant_id", sa.Uuid(), nullable=True),
        sa.Column("employer_name", sa.String(length=120), nullable=True),
        sa.Column("amount_disputed", sa.Integer(), nullable=True),
        sa.Column("amount_recovered", sa.Integer(), nullable=True),
        sa.Column("authority", sa.String(length=120), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=500), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("details", JSON, nullable=False),
        sa.Column("opened_by_label", sa.String(length=120), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(
            "(kind = 'dispute') = (dispute_kind IS NOT NULL)", name=op.f("ck_cases_dispute_kind")
        ),
        sa.CheckConstraint(
            "aid_amount IS NULL OR aid_amount >= 0", name=op.f("ck_cases_aid_amount")
        ),
        sa.CheckConstraint(
            "amount_disputed IS NULL OR amount_disputed >= 0", name=op.f("ck_cases_amount_disputed")
        ),
        sa.CheckConstraint(
            "amount_recovered IS NULL OR amount_recovered >= 0",
            name=op.f("ck_cases_amount_recovered"),
        ),
        sa.ForeignKeyConstraint(
            ["county_id"], ["organizations.id"], name=op.f("fk_cases_county_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employers.id"], name=op.f("fk_cases_employer_id_employers")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["organizations.id"], name=op.f("fk_cases_tenant_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_county_kind", ["county_id", "kind", "status"], unique=False)
        batch_op.create_index(
            "ix_cases_employer_tenant", ["employer_tenant_id", "kind"], unique=False
        )
        batch_op.create_index(
            "ix_cases_tenant_occurred", ["tenant_id", "occurred_on"], unique=False
        )

    op.create_table(
        "case_laborers",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("laborer_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_laborers_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["laborer_id"], ["laborers.id"], name=op.f("fk_case_laborers_laborer_id_laborers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_laborers")),
    )
    with op.batch_alter_table("case_laborers", schema=None) as batch_op:
        batch_op.create_index("ix_case_laborers_laborer", ["laborer_id"], unique=False)

    op.create_table(
        "case_notes",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("author", sa.String(length=60), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("recorded_by_label", sa.String(length=120), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_notes_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notes")),
    )
    with op.batch_alter_table("case_notes", schema=None) as batch_op:
        batch_op.create_index("ix_case_notes_case", ["case_id", "written_on"], unique=False)

    op.create_table(
        "case_attachments",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("note_id", sa.Uuid(), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_label", sa.String(length=120), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("size_bytes > 0", name=op.f("ck_case_attachments_size_bytes")),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_attachments_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["case_notes.id"],
            name=op.f("fk_case_attachments_note_id_case_notes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_attachments")),
    )
    with op.batch_alter_table("case_attachments", schema=None) as batch_op:
        batch_op.create_index("ix_case_attachments_case", ["case_id"], unique=False)

    enum_check("cases", "kind", ["visit", "hardship_aid", "onboarding", "dispute"])
    enum_check("cases", "status", ["open", "in_progress", "resolved", "referred", "closed"])
    enum_check(
        "cases",
        "dispute_kind",
        ["unpaid_wages", "work_injury", "contract", "other"],
        nullable=True,
    )
    if rls.is_postgres():
        _postgres_security()


def _postgres_security() -> None:
    # A case is read by its office and the office's sending bureau; the receiving bureau
    # of the pairing reads only disputes with its own employers (app.read_case lists the
    # pairing's offices for it; the row must also name it as the employer's bureau).
    me = rls.ids("app.tenant_id")
    read = rls.ids("app.read_case")
    write = f"tenant_id = ANY ({rls.ids('app.write_case')})"
    county = f"county_id = ANY ({rls.ids('app.read_laborer')}) OR tenant_id = ANY ({me})"
    rls.enable("cases")
    rls.policy(
        "cases",
        "read",
        "SELECT",
        using=f"tenant_id = ANY ({read}) AND ({county}"
        f" OR (kind = 'dispute' AND employer_tenant_id = ANY ({me})))",
    )
    rls.policy("cases", "insert", "INSERT", check=write)
    rls.policy("cases", "update", "UPDATE", using=write, check=write)
    rls.grant("cases", "SELECT, INSERT, UPDATE")
    # The laborers on a case: whoever reads the case (the employer's bureau masked).
    # Notes and attachments stay with the office and its county.
    readable_case = "case_id IN (SELECT c.id FROM cases c)"
    county_case = (
        "case_id IN (SELECT c.id FROM cases c WHERE"
        f" c.county_id = ANY ({rls.ids('app.read_laborer')}) OR c.tenant_id = ANY ({me}))"
    )
    for table, case_rule, grants in (
        ("case_laborers", readable_case, "SELECT, INSERT, UPDATE, DELETE"),
        ("case_notes", county_case, "SELECT, INSERT"),
        ("case_attachments", county_case, "SELECT, INSERT"),
    ):
        rls.enable(table)
        rls.policy(table, "read", "SELECT", using=f"tenant_id = ANY ({read}) AND {case_rule}")
        rls.policy(table, "insert", "INSERT", check=write)
        rls.policy(table, "update", "UPDATE", using=write, check=write)
        rls.policy(table, "delete", "DELETE", using=write)
        rls.grant(table, grants)


def downgrade() -> None:
    with op.batch_alter_table("case_attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_case_attachments_case")

    op.drop_table("case_attachments")
    with op.batch_alter_table("case_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_case_notes_case")

    op.drop_table("case_notes")
    with op.batch_alter_table("case_laborers", schema=None) as batch_op:
        batch_op.drop_index("ix_case_laborers_laborer")

    op.drop_table("case_laborers")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_tenant_occurred")
        batch_op.drop_index("ix_cases_employer_tenant")
        batch_op.drop_index("ix_cases_county_kind")

    op.drop_table("cases")
