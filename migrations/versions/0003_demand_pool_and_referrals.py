"""Demand pool and referrals: employers, vacancies, referrals and their steps.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations import rls
from migrations.checks import enum_check

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
MATCHING_COLUMNS = [
    "employment_status",
    "employment_need",
    "region_code",
    "transfer_willing",
    "transfer_scope",
    "birth_date",
    "education",
    "expected_wage",
    "skill_level",
    "poverty_status",
]


def _enum(*values: str, name: str, length: int) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length, create_constraint=False)


def upgrade() -> None:
    op.create_table(
        "employers",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("industry", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("contact_name", sa.String(length=40), nullable=True),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column(
            "size",
            _enum("micro", "small", "medium", "large", "huge", name="employersize", length=16),
            nullable=True,
        ),
        sa.Column("is_employment_base", sa.Boolean(), nullable=False),
        sa.Column("is_workshop", sa.Boolean(), nullable=False),
        sa.Column("is_model_workshop", sa.Boolean(), nullable=False),
        sa.Column("offers_housing", sa.Boolean(), nullable=False),
        sa.Column("offers_meals", sa.Boolean(), nullable=False),
        sa.Column("offers_transport", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["organizations.id"], name=op.f("fk_employers_tenant_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employers")),
        sa.UniqueConstraint(
            "tenant_id", "credit_code", name=op.f("uq_employers_tenant_id_credit_code")
        ),
    )
    op.create_index("ix_employers_tenant_name", "employers", ["tenant_id", "name"])

    op.create_table(
        "vacancies",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("employer_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("occupation_name", sa.String(length=60), nullable=False),
        sa.Column("occupation_code", sa.String(length=20), nullable=True),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("filled", sa.Integer(), nullable=False),
        sa.Column("wage_min", sa.Integer(), nullable=False),
        sa.Column("wage_max", sa.Integer(), nullable=False),
        sa.Column("city", sa.String(length=40), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("age_min", sa.Integer(), nullable=True),
        sa.Column("age_max", sa.Integer(), nullable=True),
        sa.Column(
            "education_min",
            _enum(
                "primary",
                "junior_high",
                "senior_high",
                "college",
                "bachelor",
                name="education",
                length=16,
            ),
            nullable=True,
        ),
        sa.Column("requirements", sa.String(length=500), nullable=True),
        sa.Column(
            "threshold",
            _enum("none", "low", "skilled", name="entrythreshold", length=16),
            nullable=False,
        ),
        sa.Column("offers_housing", sa.Boolean(), nullable=False),
        sa.Column("offers_meals", sa.Boolean(), nullable=False),
        sa.Column("offers_transport", sa.Boolean(), nullable=False),
        sa.Column("offers_insurance", sa.Boolean(), nullable=False),
        sa.Column("contract_months", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column(
            "status",
            _enum("open", "paused", "filled", "expired", name="vacancystatus", length=16),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(
            "age_min IS NULL OR age_max IS NULL OR age_min <= age_max",
            name=op.f("ck_vacancies_age_range"),
        ),
        sa.CheckConstraint("filled >= 0 AND filled <= headcount", name=op.f("ck_vacancies_filled")),
        sa.CheckConstraint("headcount >= 1", name=op.f("ck_vacancies_headcount")),
        sa.CheckConstraint(
            "wage_min >= 0 AND wage_max >= wage_min", name=op.f("ck_vacancies_wage")
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employers.id"], name=op.f("fk_vacancies_employer_id_employers")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["organizations.id"], name=op.f("fk_vacancies_tenant_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vacancies")),
    )
    op.create_index("ix_vacancies_city", "vacancies", ["city"])
    op.create_index("ix_vacancies_employer", "vacancies", ["employer_id"])
    op.create_index("ix_vacancies_occupation_code", "vacancies", ["occupation_code"])
    op.create_index("ix_vacancies_occupation_name", "vacancies", ["occupation_name"])
    op.create_index("ix_vacancies_region", "vacancies", ["region_code"])
    op.create_index(
        "ix_vacancies_tenant_status", "vacancies", ["tenant_id", "status", "valid_until"]
    )

    op.create_table(
        "referrals",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("vacancy_tenant_id", sa.Uuid(), nullable=False),
        sa.Column("laborer_id", sa.Uuid(), nullable=False),
        sa.Column("vacancy_id", sa.Uuid(), nullable=False),
        sa.Column("employer_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            _enum(
                "recommended",
                "interviewed",
                "offered",
                "hired",
                "declined",
                "withdrawn",
                name="referralstatus",
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("status_on", sa.Date(), nullable=False),
        sa.Column("hired_on", sa.Date(), nullable=True),
        sa.Column("match_score", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_referrals_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employers.id"], name=op.f("fk_referrals_employer_id_employers")
        ),
        sa.ForeignKeyConstraint(
            ["laborer_id"], ["laborers.id"], name=op.f("fk_referrals_laborer_id_laborers")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["organizations.id"], name=op.f("fk_referrals_tenant_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"], ["vacancies.id"], name=op.f("fk_referrals_vacancy_id_vacancies")
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_tenant_id"],
            ["organizations.id"],
            name=op.f("fk_referrals_vacancy_tenant_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    op.create_index("ix_referrals_laborer", "referrals", ["laborer_id"])
    op.create_index("ix_referrals_vacancy", "referrals", ["vacancy_id", "status"])
    op.create_index("ix_referrals_vacancy_tenant", "referrals", ["vacancy_tenant_id", "laborer_id"])
    # One live referral per laborer and vacancy (a declined or withdrawn one may be redone).
    live = sa.text("status IN ('recommended', 'interviewed', 'offered', 'hired')")
    op.create_index(
        "uq_referrals_live",
        "referrals",
        ["laborer_id", "vacancy_id"],
        unique=True,
        sqlite_where=live,
        postgresql_where=live,
    )

    op.create_table(
        "vacancy_skills",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("vacancy_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vacancy_id"],
            ["vacancies.id"],
            name=op.f("fk_vacancy_skills_vacancy_id_vacancies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vacancy_skills")),
    )
    op.create_index("ix_vacancy_skills_name", "vacancy_skills", ["name", "vacancy_id"])
    op.create_index("ix_vacancy_skills_vacancy", "vacancy_skills", ["vacancy_id"])

    op.create_table(
        "referral_events",
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("vacancy_tenant_id", sa.Uuid(), nullable=False),
        sa.Column(
            "from_status",
            _enum(
                "recommended",
                "interviewed",
                "offered",
                "hired",
                "declined",
                "withdrawn",
                name="referralstatus",
                length=16,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            _enum(
                "recommended",
                "interviewed",
                "offered",
                "hired",
                "declined",
                "withdrawn",
                name="referralstatus",
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_by_label", sa.String(length=120), nullable=False),
        sa.Column("recorded_by_tenant", sa.Uuid(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_referral_events_recorded_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_tenant"],
            ["organizations.id"],
            name=op.f("fk_referral_events_recorded_by_tenant_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_referral_events_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_events")),
    )
    op.create_index("ix_referral_events_referral", "referral_events", ["referral_id", "created_at"])

    # Matching (api/matching/repository.py). Only laborers looking for work can be
    # matched (api.matching.criteria: SEEKING, or a job as their need); the first index
    # holds what the hard filters and the score read, so a tier's candidates come from
    # the index alone, the second finds those of one county or province, the third a
    # skill by occupation code.
    available = sa.text("employment_status IN ('unemployed', 'farming') OR employment_need = 'job'")
    op.create_index(
        "ix_laborers_matching",
        "laborers",
        ["tenant_id", "id"],
        postgresql_include=MATCHING_COLUMNS,
        postgresql_where=available,
        sqlite_where=available,
    )
    op.create_index(
        "ix_laborers_matching_region",
        "laborers",
        ["tenant_id", "region_code", "id"],
        postgresql_where=available,
        sqlite_where=available,
    )
    coded = sa.text("code IS NOT NULL")
    op.create_index(
        "ix_laborer_tags_code",
        "laborer_tags",
        ["tenant_id", "kind", "code", "laborer_id"],
        postgresql_where=coded,
        sqlite_where=coded,
    )

    enum_check("employers", "size", ["micro", "small", "medium", "large", "huge"], nullable=True)
    enum_check("vacancies", "threshold", ["none", "low", "skilled"])
    enum_check("vacancies", "status", ["open", "paused", "filled", "expired"])
    enum_check(
        "vacancies",
        "education_min",
        ["primary", "junior_high", "senior_high", "college", "bachelor"],
        nullable=True,
    )
    statuses = ["recommended", "interviewed", "offered", "hired", "declined", "withdrawn"]
    enum_check("referrals", "status", statuses)
    enum_check("referral_events", "to_status", statuses)
    enum_check("referral_events", "from_status", statuses, nullable=True)

    if rls.is_postgres():
        _postgres_security()


def _postgres_security() -> None:
    for table in ("employers", "vacancies", "vacancy_skills"):
        rls.tenant_policies(table, "demand")
        rls.grant(table, "SELECT, INSERT, UPDATE, DELETE")
    # A referral is read by the laborer's county and by the vacancy's bureau, and written
    # by either within its own part (the county refers and withdraws, the bureau records
    # interviews and offers): the service decides which step; the policy which rows.
    for table in ("referrals", "referral_events"):
        both_read = (
            f"tenant_id = ANY ({rls.ids('app.read_referral')})"
            f" OR vacancy_tenant_id = ANY ({rls.ids('app.read_referral_vacancy')})"
        )
        both_write = (
            f"tenant_id = ANY ({rls.ids('app.write_referral')})"
            f" OR vacancy_tenant_id = ANY ({rls.ids('app.write_referral_vacancy')})"
        )
        rls.enable(table)
        rls.policy(table, "read", "SELECT", using=both_read)
        rls.policy(table, "insert", "INSERT", check=both_write)
        rls.policy(table, "update", "UPDATE", using=both_write, check=both_write)
        rls.grant(table, "SELECT, INSERT, UPDATE")
    # Taking a place when a hire is recorded: whoever may record the hire of an offered
    # referral to the vacancy may raise its filled count (and only through such a referral;
    # the rest of the vacancy stays the owner's to change).
    rls.policy(
        "vacancies",
        "hire",
        "UPDATE",
        using="EXISTS (SELECT 1 FROM referrals r WHERE r.vacancy_id = vacancies.id"
        " AND r.status = 'offered'"
        f" AND (r.tenant_id = ANY ({rls.ids('app.write_referral')})"
        f" OR r.vacancy_tenant_id = ANY ({rls.ids('app.write_referral_vacancy')})))",
    )
    # A receiving bureau reads a laborer (masked) once the laborer is referred to it.
    # Written as IN, not as the equivalent EXISTS: the planner costs that correlated
    # subquery once per row, even where the county's own rows never evaluate it (a scan
    # of 320,000 laborers priced at 3.9 million instead of 24,000), and so avoids
    # scanning laborers where a scan is the cheapest plan.
    referred = (
        "{column} IN (SELECT r.laborer_id FROM referrals r"
        f" WHERE r.vacancy_tenant_id = ANY ({rls.ids('app.read_referral_vacancy')}))"
    )
    for table, column in (("laborers", "laborers.id"), ("laborer_tags", "laborer_tags.laborer_id")):
        op.execute(f"DROP POLICY {table}_read ON {table}")
        rls.policy(
            table,
            "read",
            "SELECT",
            using=f"tenant_id = ANY ({rls.ids('app.read_laborer')})"
            f" OR {referred.format(column=column)}",
        )


def downgrade() -> None:
    if rls.is_postgres():
        op.execute("DROP POLICY vacancies_hire ON vacancies")  # it reads referrals
        for table in ("laborers", "laborer_tags"):
            op.execute(f"DROP POLICY {table}_read ON {table}")
            rls.policy(
                table, "read", "SELECT", using=f"tenant_id = ANY ({rls.ids('app.read_laborer')})"
            )
    op.drop_index("ix_laborer_tags_code", table_name="laborer_tags")
    op.drop_index("ix_laborers_matching_region", table_name="laborers")
    op.drop_index("ix_laborers_matching", table_name="laborers")
    op.drop_table("referral_events")
    op.drop_table("vacancy_skills")
    op.drop_table("referrals")
    op.drop_table("vacancies")
    op.drop_table("employers")
