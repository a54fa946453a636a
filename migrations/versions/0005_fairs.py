"""Joint recruitment fairs: fairs, their employers and vacancies, registrations with
check-in codes, and intentions reached.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations import rls
from migrations.checks import enum_check

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "fairs",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("co_organizer_id", sa.Uuid(), nullable=True),
        sa.Column("pairing_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column(
            "mode",
            sa.Enum("offline", "online", "both", name="fairmode", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("venue", sa.String(length=200), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("online_url", sa.String(length=300), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.Column("registration_deadline", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                "ongoing",
                "finished",
                "cancelled",
                name="fairstatus",
                native_enum=False,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_fairs_hours")),
        sa.CheckConstraint("registration_deadline <= held_on", name=op.f("ck_fairs_deadline")),
        sa.ForeignKeyConstraint(
            ["co_organizer_id"],
            ["organizations.id"],
            name=op.f("fk_fairs_co_organizer_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_fairs_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"], ["pairings.id"], name=op.f("fk_fairs_pairing_id_pairings")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["organizations.id"], name=op.f("fk_fairs_tenant_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fairs")),
    )
    with op.batch_alter_table("fairs", schema=None) as batch_op:
        batch_op.create_index("ix_fairs_pairing_day", ["pairing_id", "held_on"], unique=False)

    op.create_table(
        "fair_employers",
        sa.Column("fair_id", sa.Uuid(), nullable=False),
        sa.Column("fair_tenant_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("employer_id", sa.Uuid(), nullable=False),
        sa.Column("booth", sa.String(length=20), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employers.id"], name=op.f("fk_fair_employers_employer_id_employers")
        ),
        sa.ForeignKeyConstraint(
            ["fair_id"],
            ["fairs.id"],
            name=op.f("fk_fair_employers_fair_id_fairs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_fair_employers_tenant_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fair_employers")),
        sa.UniqueConstraint(
            "fair_id", "employer_id", name=op.f("uq_fair_employers_fair_id_employer_id")
        ),
    )
    op.create_table(
        "fair_registrations",
        sa.Column("fair_id", sa.Uuid(), nullable=False),
        sa.Column("fair_tenant_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("laborer_id", sa.Uuid(), nullable=True),
        sa.Column("laborer_tenant_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("id_number_hash", sa.String(length=64), nullable=False),
        sa.Column("id_number_masked", sa.String(length=18), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("walk_in", sa.Boolean(), nullable=False),
        sa.Column("registered_at", TS, nullable=False),
        sa.Column("checked_in_at", TS, nullable=True),
        sa.Column("checked_in_by_label", sa.String(length=120), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fair_id"],
            ["fairs.id"],
            name=op.f("fk_fair_registrations_fair_id_fairs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["laborer_id"], ["laborers.id"], name=op.f("fk_fair_registrations_laborer_id_laborers")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_fair_registrations_tenant_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fair_registrations")),
        sa.UniqueConstraint("fair_id", "code", name=op.f("uq_fair_registrations_fair_id_code")),
        sa.UniqueConstraint(
            "fair_id", "id_number_hash", name=op.f("uq_fair_registrations_fair_id_id_number_hash")
        ),
    )
    with op.batch_alter_table("fair_registrations", schema=None) as batch_op:
        batch_op.create_index(
            "uq_fair_registrations_laborer",
            ["fair_id", "laborer_id"],
            unique=True,
            sqlite_where=sa.text("laborer_id IS NOT NULL"),
            postgresql_where=sa.text("laborer_id IS NOT NULL"),
        )

    op.create_table(
        "fair_intentions",
        sa.Column("fair_id", sa.Uuid(), nullable=False),
        sa.Column("fair_tenant_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("registration_id", sa.Uuid(), nullable=False),
        sa.Column("vacancy_id", sa.Uuid(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum("interviewed", "agreed", name="intentionoutcome", native_enum=False, length=12),
            nullable=False,
        ),
        sa.Column("referral_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("recorded_by_label", sa.String(length=120), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fair_id"],
            ["fairs.id"],
            name=op.f("fk_fair_intentions_fair_id_fairs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_fair_intentions_referral_id_referrals")
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["fair_registrations.id"],
            name=op.f("fk_fair_intentions_registration_id_fair_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_fair_intentions_tenant_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"], ["vacancies.id"], name=op.f("fk_fair_intentions_vacancy_id_vacancies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fair_intentions")),
        sa.UniqueConstraint(
            "registration_id",
            "vacancy_id",
            name=op.f("uq_fair_intentions_registration_id_vacancy_id"),
        ),
    )
    with op.batch_alter_table("fair_intentions", schema=None) as batch_op:
        batch_op.create_index("ix_fair_intentions_fair", ["fair_id"], unique=False)

    op.create_table(
        "fair_vacancies",
        sa.Column("fair_employer_id", sa.Uuid(), nullable=False),
        sa.Column("vacancy_id", sa.Uuid(), nullable=False),
        sa.Column("fair_id", sa.Uuid(), nullable=False),
        sa.Column("fair_tenant_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("positions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fair_employer_id"],
            ["fair_employers.id"],
            name=op.f("fk_fair_vacancies_fair_employer_id_fair_employers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"], ["vacancies.id"], name=op.f("fk_fair_vacancies_vacancy_id_vacancies")
        ),
        sa.PrimaryKeyConstraint("fair_employer_id", "vacancy_id", name=op.f("pk_fair_vacancies")),
    )

    enum_check("fairs", "mode", ["offline", "online", "both"])
    enum_check("fairs", "status", ["draft", "published", "ongoing", "finished", "cancelled"])
    enum_check("fair_intentions", "outcome", ["interviewed", "agreed"])
    if rls.is_postgres():
        _postgres_security()


def _postgres_security() -> None:
    rls.tenant_policies("fairs", "event")
    rls.grant("fairs", "SELECT, INSERT, UPDATE")
    # Rows under a fair: read by everyone who reads the fair, written by the side that
    # wrote them (each side registers its own employers and people).
    for table in ("fair_employers", "fair_vacancies", "fair_registrations", "fair_intentions"):
        read = (
            f"fair_tenant_id = ANY ({rls.ids('app.read_event')})"
            f" OR tenant_id = ANY ({rls.ids('app.read_event')})"
        )
        write = f"tenant_id = ANY ({rls.ids('app.write_event')})"
        # The organizers run the door (check-in) and the booths for every registrant.
        organizers = (
            f"{write} OR fair_tenant_id = ANY ({rls.ids('app.write_event')})"
            f" OR fair_id IN (SELECT f.id FROM fairs f"
            f" WHERE f.co_organizer_id = ANY ({rls.ids('app.write_event')}))"
        )
        rls.enable(table)
        rls.policy(table, "read", "SELECT", using=read)
        rls.policy(table, "insert", "INSERT", check=organizers)
        rls.policy(table, "update", "UPDATE", using=organizers, check=organizers)
        rls.policy(table, "delete", "DELETE", using=write)
        rls.grant(table, "SELECT, INSERT, UPDATE, DELETE")


def downgrade() -> None:
    op.drop_table("fair_vacancies")
    with op.batch_alter_table("fair_intentions", schema=None) as batch_op:
        batch_op.drop_index("ix_fair_intentions_fair")

    op.drop_table("fair_intentions")
    with op.batch_alter_table("fair_registrations", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_fair_registrations_laborer",
            sqlite_where=sa.text("laborer_id IS NOT NULL"),
            postgresql_where=sa.text("laborer_id IS NOT NULL"),
        )

    op.drop_table("fair_registrations")
    op.drop_table("fair_employers")
    with op.batch_alter_table("fairs", schema=None) as batch_op:
        batch_op.drop_index("ix_fairs_pairing_day")

    op.drop_table("fairs")
