"""Laborer registry: laborers, tags, survey history, identity index, import batches.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations import rls
from migrations.checks import enum_check

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

ENUMS = {
    "sex": ["male", "female"],
    "poverty_status": ["registered_poor", "lifted", "monitored", "dibao", "tekun", "none"],
    "health_status": ["healthy", "chronic", "serious_illness", "disabled"],
    "employment_status": [
        "employed",
        "self_employed",
        "farming",
        "unemployed",
        "student",
        "unable",
    ],
    "employment_need": ["job", "training", "entrepreneurship", "none"],
    "skill_level": ["none", "basic", "intermediate", "advanced"],
    "employment_difficulty": [
        "none",
        "lacks_skills",
        "age",
        "health",
        "family_care",
        "lacks_information",
        "other",
    ],
    "assistance_measure": [
        "job_referral",
        "skill_training",
        "entrepreneurship_support",
        "public_welfare_post",
        "employment_aid",
        "none",
    ],
}
ANALYZABLE = ("laborers", "laborer_tags", "laborer_identities", "laborer_surveys", "audit_log")
NULLABLE_ENUMS = {
    "education": ["primary", "junior_high", "senior_high", "college", "bachelor"],
    "transfer_scope": ["in_county", "in_province", "out_of_province"],
}


def upgrade() -> None:
    op.create_table(
        "import_batches",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "previewed",
                "committed",
                "rejected",
                name="importstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("summary", JSON_DOC, nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_by_label", sa.String(length=120), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("committed_at", TS, nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_import_batches_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_import_batches_tenant_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    op.create_index(
        "ix_import_batches_tenant_created", "import_batches", ["tenant_id", "created_at"]
    )

    op.create_table(
        "laborers",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "name",
            sa.String(length=40).with_variant(sa.String(length=40, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("id_number_cipher", sa.LargeBinary(), nullable=False),
        sa.Column("id_number_hash", sa.String(length=64), nullable=False),
        sa.Column("id_number_masked", sa.String(length=18), nullable=False),
        sa.Column("id_number_tail", sa.String(length=4), nullable=False),
        sa.Column("phone_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("phone_hash", sa.String(length=64), nullable=True),
        sa.Column("phone_masked", sa.String(length=20), nullable=True),
        sa.Column(
            "sex",
            sa.Enum("male", "female", name="sex", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("township", sa.String(length=40), nullable=False),
        sa.Column("village", sa.String(length=40), nullable=False),
        sa.Column("household_head", sa.String(length=40), nullable=True),
        sa.Column(
            "poverty_status",
            sa.Enum(
                "registered_poor",
                "lifted",
                "monitored",
                "dibao",
                "tekun",
                "none",
                name="povertystatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("poverty_year", sa.Integer(), nullable=True),
        sa.Column(
            "education",
            sa.Enum(
                "primary",
                "junior_high",
                "senior_high",
                "college",
                "bachelor",
                name="education",
                native_enum=False,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column(
            "health_status",
            sa.Enum(
                "healthy",
                "chronic",
                "serious_illness",
                "disabled",
                name="healthstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("disability_level", sa.Integer(), nullable=True),
        sa.Column("two_after", sa.Boolean(), nullable=False),
        sa.Column(
            "employment_status",
            sa.Enum(
                "employed",
                "self_employed",
                "farming",
                "unemployed",
                "student",
                "unable",
                name="employmentstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "employment_need",
            sa.Enum(
                "job",
                "training",
                "entrepreneurship",
                "none",
                name="employmentneed",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "skill_level",
            sa.Enum(
                "none",
                "basic",
                "intermediate",
                "advanced",
                name="skilllevel",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "employment_difficulty",
            sa.Enum(
                "none",
                "lacks_skills",
                "age",
                "health",
                "family_care",
                "lacks_information",
                "other",
                name="employmentdifficulty",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "assistance_measure",
            sa.Enum(
                "job_referral",
                "skill_training",
                "entrepreneurship_support",
                "public_welfare_post",
                "employment_aid",
                "none",
                name="assistancemeasure",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("last_surveyed_on", sa.Date(), nullable=True),
        sa.Column("last_surveyor", sa.String(length=40), nullable=True),
        sa.Column("transfer_willing", sa.Boolean(), nullable=False),
        sa.Column(
            "transfer_scope",
            sa.Enum(
                "in_county",
                "in_province",
                "out_of_province",
                name="transferscope",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("expected_wage", sa.Integer(), nullable=True),
        sa.Column("entrepreneurship_intention", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(
            "disability_level IS NULL OR disability_level BETWEEN 1 AND 4",
            name=op.f("ck_laborers_disability_level"),
        ),
        sa.CheckConstraint(
            "expected_wage IS NULL OR expected_wage BETWEEN 0 AND 1000000",
            name=op.f("ck_laborers_expected_wage"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["organizations.id"], name=op.f("fk_laborers_tenant_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_laborers")),
        sa.UniqueConstraint(
            "tenant_id", "id_number_hash", name=op.f("uq_laborers_tenant_id_id_number_hash")
        ),
    )
    op.create_index("ix_laborers_tenant_id_tail", "laborers", ["tenant_id", "id_number_tail"])
    # Names are in "C" order on PostgreSQL: this one index answers a prefix search and
    # the name order, under any database collation.
    op.create_index("ix_laborers_tenant_name", "laborers", ["tenant_id", "name", "id"])
    # One index per roster order (township-village-name is the default), led by the
    # tenant so a county of a million reads its first page without sorting.
    op.create_index(
        "ix_laborers_tenant_place", "laborers", ["tenant_id", "township", "village", "name", "id"]
    )
    op.create_index(
        "ix_laborers_tenant_status_place",
        "laborers",
        ["tenant_id", "employment_status", "township", "village", "name"],
    )
    op.create_index("ix_laborers_tenant_birth", "laborers", ["tenant_id", "birth_date"])
    op.create_index("ix_laborers_tenant_updated", "laborers", ["tenant_id", "updated_at"])
    op.create_index("ix_laborers_tenant_village", "laborers", ["tenant_id", "village", "name"])

    op.create_table(
        "laborer_identities",
        sa.Column("laborer_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id_number_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["laborer_id"],
            ["laborers.id"],
            name=op.f("fk_laborer_identities_laborer_id_laborers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("laborer_id", name=op.f("pk_laborer_identities")),
    )
    op.create_index("ix_laborer_identities_hash", "laborer_identities", ["id_number_hash"])

    op.create_table(
        "laborer_surveys",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("laborer_id", sa.Uuid(), nullable=False),
        sa.Column("surveyed_on", sa.Date(), nullable=False),
        sa.Column("surveyor", sa.String(length=40), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column(
            "employment_status",
            sa.Enum(
                "employed",
                "self_employed",
                "farming",
                "unemployed",
                "student",
                "unable",
                name="employmentstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "employment_need",
            sa.Enum(
                "job",
                "training",
                "entrepreneurship",
                "none",
                name="employmentneed",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "skill_level",
            sa.Enum(
                "none",
                "basic",
                "intermediate",
                "advanced",
                name="skilllevel",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "employment_difficulty",
            sa.Enum(
                "none",
                "lacks_skills",
                "age",
                "health",
                "family_care",
                "lacks_information",
                "other",
                name="employmentdifficulty",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "assistance_measure",
            sa.Enum(
                "job_referral",
                "skill_training",
                "entrepreneurship_support",
                "public_welfare_post",
                "employment_aid",
                "none",
                name="assistancemeasure",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["laborer_id"],
            ["laborers.id"],
            name=op.f("fk_laborer_surveys_laborer_id_laborers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_laborer_surveys_recorded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_laborer_surveys")),
    )
    op.create_index("ix_laborer_surveys_laborer", "laborer_surveys", ["laborer_id", "surveyed_on"])

    op.create_table(
        "laborer_tags",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("laborer_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "skill",
                "certificate",
                "city",
                "industry",
                "training",
                name="tagkind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("value", sa.String(length=60), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["laborer_id"],
            ["laborers.id"],
            name=op.f("fk_laborer_tags_laborer_id_laborers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_laborer_tags")),
    )
    op.create_index("ix_laborer_tags_laborer", "laborer_tags", ["laborer_id"])
    op.create_index(
        "ix_laborer_tags_lookup", "laborer_tags", ["tenant_id", "kind", "value", "laborer_id"]
    )

    for column, values in ENUMS.items():
        enum_check("laborers", column, values)
    for column, values in NULLABLE_ENUMS.items():
        enum_check("laborers", column, values, nullable=True)
    for column in (
        "employment_status",
        "employment_need",
        "skill_level",
        "employment_difficulty",
        "assistance_measure",
    ):
        enum_check("laborer_surveys", column, ENUMS[column])
    enum_check("laborer_tags", "kind", ["skill", "certificate", "city", "industry", "training"])
    enum_check("import_batches", "status", ["previewed", "committed", "rejected"])

    if rls.is_postgres():
        _postgres_security()


def _postgres_security() -> None:
    for table in ("laborers", "laborer_tags", "laborer_surveys"):
        rls.tenant_policies(table, "laborer")
        rls.grant(table, "SELECT, INSERT, UPDATE, DELETE")
    rls.tenant_policies("laborer_identities", "identity")
    rls.grant("laborer_identities", "SELECT, INSERT, UPDATE, DELETE")
    rls.tenant_policies("import_batches", "import")
    rls.grant("import_batches", "SELECT, INSERT, UPDATE")
    # A 100,000-row import leaves the planner's statistics far behind, and only the owner
    # may ANALYZE: the app may ask for it, for these tables only.
    op.execute(
        f"""CREATE FUNCTION lb_refresh_statistics(target text) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
        BEGIN
            IF target NOT IN ({", ".join(f"'{t}'" for t in ANALYZABLE)}) THEN
                RAISE EXCEPTION 'statistics of % may not be refreshed by the app', target;
            END IF;
            EXECUTE format('ANALYZE %I', target);
        END $$"""
    )
    op.execute("REVOKE ALL ON FUNCTION lb_refresh_statistics(text) FROM PUBLIC")
    op.execute(f'GRANT EXECUTE ON FUNCTION lb_refresh_statistics(text) TO "{rls.app_role()}"')


def downgrade() -> None:
    if rls.is_postgres():
        op.execute("DROP FUNCTION IF EXISTS lb_refresh_statistics(text)")
    op.drop_table("laborer_tags")
    op.drop_table("laborer_surveys")
    op.drop_table("laborer_identities")
    op.drop_table("laborers")
    op.drop_table("import_batches")
