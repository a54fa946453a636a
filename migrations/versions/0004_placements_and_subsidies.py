"""Placements, stay verification, holiday leave; subsidy policies, entitlements, claims,
payment batches, payee accounts and idempotency keys.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations import rls
from migrations.checks import enum_check

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "idempotency_records",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("scope", sa.String(length=60), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", JSON, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_idempotency_records_tenant_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "key", name=op.f("pk_idempotency_records")),
    )
    op.create_table(
        "payment_batches",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "exported", "paid", name="batchstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("claim_count", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("exported_at", TS, nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("bank_reference", sa.String(length=60), nullable=True),
        sa.Column("paid_by_label", sa.String(length=120), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_payment_batches_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_payment_batches_tenant_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_batches")),
        sa.UniqueConstraint(
            "tenant_id", "number", name=op.f("uq_payment_batches_tenant_id_number")
        ),
    )
    with op.batch_alter_table("payment_batches", schema=None) as batch_op:
        batch_op.create_index("ix_payment_batches_tenant", ["tenant_id", "status"], unique=False)

    op.create_table(
        "payee_accounts",
        sa.Column("laborer_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("bank_name", sa.String(length=60), nullable=False),
        sa.Column("account_cipher", sa.LargeBinary(), nullable=False),
        sa.Column("account_masked", sa.String(length=40), nullable=False),
        sa.Column("updated_by_label", sa.String(length=120), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["laborer_id"],
            ["laborers.id"],
            name=op.f("fk_payee_accounts_laborer_id_laborers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_payee_accounts_tenant_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("laborer_id", name=op.f("pk_payee_accounts")),
    )
    op.create_table(
        "subsidy_policies",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("superseded", sa.Boolean(), nullable=False),
        sa.Column("pairing_id", sa.Uuid(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "on_transfer",
                "milestone",
                "monthly",
                name="policykind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("cap", sa.Integer(), nullable=True),
        sa.Column("poverty_statuses", JSON, nullable=False),
        sa.Column("household_region", sa.String(length=6), nullable=True),
        sa.Column("destination_regions", JSON, nullable=False),
        sa.Column("channels", JSON, nullable=False),
        sa.Column("transfer_from", sa.Date(), nullable=True),
        sa.Column("transfer_until", sa.Date(), nullable=True),
        sa.Column("max_gap_days", sa.Integer(), nullable=False),
        sa.Column("max_leave_days", sa.Integer(), nullable=False),
        sa.Column("requires_verification", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_subsidy_policies_amount")),
        sa.CheckConstraint("cap IS NULL OR cap >= amount", name=op.f("ck_subsidy_policies_cap")),
        sa.CheckConstraint(
            "max_gap_days >= 0 AND max_leave_days >= 0", name=op.f("ck_subsidy_policies_continuity")
        ),
        sa.CheckConstraint(
            "months >= 0 AND months <= 120", name=op.f("ck_subsidy_policies_months")
        ),
        sa.CheckConstraint(
            "transfer_until IS NULL OR transfer_from IS NULL OR transfer_until >= transfer_from",
            name=op.f("ck_subsidy_policies_window"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_subsidy_policies_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"], ["pairings.id"], name=op.f("fk_subsidy_policies_pairing_id_pairings")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_subsidy_policies_tenant_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_policies")),
        sa.UniqueConstraint(
            "family_id", "version", name=op.f("uq_subsidy_policies_family_id_version")
        ),
    )
    with op.batch_alter_table("subsidy_policies", schema=None) as batch_op:
        batch_op.create_index("ix_subsidy_policies_tenant", ["tenant_id", "year"], unique=False)

    op.create_table(
        "placements",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("laborer_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Uuid(), nullable=True),
        sa.Column("employer_tenant_id", sa.Uuid(), nullable=True),
        sa.Column("employer_name", sa.String(length=120), nullable=False),
        sa.Column("vacancy_id", sa.Uuid(), nullable=True),
        sa.Column("referral_id", sa.Uuid(), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("city", sa.String(length=40), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "organized",
                "self_found",
                "public_post",
                "workshop",
                name="placementchannel",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column(
            "separation_reason",
            sa.Enum(
                "quit",
                "dismissed",
                "contract_ended",
                "injury_or_illness",
                "family",
                "other",
                name="separationreason",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(
            "ended_on IS NULL OR ended_on >= started_on", name=op.f("ck_placements_dates")
        ),
        sa.CheckConstraint(
            "separation_reason IS NULL OR ended_on IS NOT NULL",
            name=op.f("ck_placements_separation_when_ended"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_placements_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employers.id"], name=op.f("fk_placements_employer_id_employers")
        ),
        sa.ForeignKeyConstraint(
            ["employer_tenant_id"],
            ["organizations.id"],
            name=op.f("fk_placements_employer_tenant_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["laborer_id"], ["laborers.id"], name=op.f("fk_placements_laborer_id_laborers")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_placements_referral_id_referrals")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["organizations.id"], name=op.f("fk_placements_tenant_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"], ["vacancies.id"], name=op.f("fk_placements_vacancy_id_vacancies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placements")),
        sa.UniqueConstraint("referral_id", name=op.f("uq_placements_referral_id")),
    )
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.create_index("ix_placements_employer_tenant", ["employer_tenant_id"], unique=False)
        batch_op.create_index("ix_placements_laborer", ["laborer_id", "started_on"], unique=False)
        batch_op.create_index(
            "ix_placements_tenant_start", ["tenant_id", "started_on"], unique=False
        )
        batch_op.create_index(
            "uq_placements_open",
            ["laborer_id"],
            unique=True,
            sqlite_where=sa.text("ended_on IS NULL"),
            postgresql_where=sa.text("ended_on IS NULL"),
        )

    op.create_table(
        "entitlements",
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("laborer_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("policy_id", sa.Uuid(), nullable=False),
        sa.Column("placement_id", sa.Uuid(), nullable=True),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("stay_started_on", sa.Date(), nullable=True),
        sa.Column("ongoing", sa.Boolean(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("earned", sa.Integer(), nullable=False),
        sa.Column("earned_units", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("next_due_on", sa.Date(), nullable=True),
        sa.Column("next_due_amount", sa.Integer(), nullable=True),
        sa.Column("schedule", JSON, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("fingerprint", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["laborer_id"],
            ["laborers.id"],
            name=op.f("fk_entitlements_laborer_id_laborers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_entitlements_placement_id_placements"),
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["subsidy_policies.id"],
            name=op.f("fk_entitlements_policy_id_subsidy_policies"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_entitlements_tenant_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("family_id", "laborer_id", name=op.f("pk_entitlements")),
    )
    with op.batch_alter_table("entitlements", schema=None) as batch_op:
        batch_op.create_index("ix_entitlements_laborer", ["laborer_id"], unique=False)
        batch_op.create_index(
            "ix_entitlements_tenant_due", ["tenant_id", "next_due_on"], unique=False
        )

    op.create_table(
        "holiday_leaves",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("placement_id", sa.Uuid(), nullable=False),
        sa.Column("laborer_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=False),
        sa.Column("expected_return_on", sa.Date(), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("trip", sa.String(length=120), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(
            "expected_return_on >= left_on", name=op.f("ck_holiday_leaves_expected_after_leaving")
        ),
        sa.CheckConstraint(
            "returned_on IS NULL OR returned_on >= left_on", name=op.f("ck_holiday_leaves_returned")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_holiday_leaves_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["laborer_id"], ["laborers.id"], name=op.f("fk_holiday_leaves_laborer_id_laborers")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_holiday_leaves_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holiday_leaves")),
    )
    with op.batch_alter_table("holiday_leaves", schema=None) as batch_op:
        batch_op.create_index(
            "ix_holiday_leaves_placement", ["placement_id", "left_on"], unique=False
        )
        batch_op.create_index(
            "ix_holiday_leaves_tenant_open",
            ["tenant_id", "returned_on", "expected_return_on"],
            unique=False,
        )

    op.create_table(
        "stay_verifications",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("placement_id", sa.Uuid(), nullable=False),
        sa.Column("laborer_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("in_post", sa.Boolean(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "liaison_visit",
                "employer",
                "social_insurance",
                "payroll",
                name="evidencesource",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_by_label", sa.String(length=120), nullable=False),
        sa.Column("recorded_by_tenant", sa.Uuid(), nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["laborer_id"], ["laborers.id"], name=op.f("fk_stay_verifications_laborer_id_laborers")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_stay_verifications_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_stay_verifications_recorded_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_tenant"],
            ["organizations.id"],
            name=op.f("fk_stay_verifications_recorded_by_tenant_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stay_verifications")),
        sa.UniqueConstraint(
            "placement_id", "month", name=op.f("uq_stay_verifications_placement_id_month")
        ),
    )
    with op.batch_alter_table("stay_verifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stay_verifications_laborer", ["laborer_id", "month"], unique=False
        )

    op.create_table(
        "subsidy_claims",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("laborer_tenant_id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("policy_id", sa.Uuid(), nullable=False),
        sa.Column("laborer_id", sa.Uuid(), nullable=False),
        sa.Column("placement_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("first_unit", sa.Integer(), nullable=False),
        sa.Column("last_unit", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "raised",
                "verified",
                "approved",
                "batched",
                "paid",
                "rejected",
                name="claimstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("raised_by", sa.Uuid(), nullable=False),
        sa.Column("raised_by_label", sa.String(length=120), nullable=False),
        sa.Column("verified_by", sa.Uuid(), nullable=True),
        sa.Column("verified_by_label", sa.String(length=120), nullable=True),
        sa.Column("verified_at", TS, nullable=True),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("approved_by_label", sa.String(length=120), nullable=True),
        sa.Column("approved_at", TS, nullable=True),
        sa.Column("batch_id", sa.Uuid(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("bank_reference", sa.String(length=60), nullable=True),
        sa.Column("rejected_reason", sa.String(length=500), nullable=True),
        sa.Column("rejected_by_label", sa.String(length=120), nullable=True),
        sa.Column("rejected_at", TS, nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_subsidy_claims_amount")),
        sa.CheckConstraint(
            "approved_by IS NULL OR approved_by <> raised_by",
            name=op.f("ck_subsidy_claims_two_person"),
        ),
        sa.CheckConstraint(
            "last_unit >= first_unit AND first_unit >= 1", name=op.f("ck_subsidy_claims_units")
        ),
        sa.ForeignKeyConstraint(
            ["approved_by"], ["users.id"], name=op.f("fk_subsidy_claims_approved_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["payment_batches.id"],
            name=op.f("fk_subsidy_claims_batch_id_payment_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["laborer_id"], ["laborers.id"], name=op.f("fk_subsidy_claims_laborer_id_laborers")
        ),
        sa.ForeignKeyConstraint(
            ["laborer_tenant_id"],
            ["organizations.id"],
            name=op.f("fk_subsidy_claims_laborer_tenant_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_subsidy_claims_placement_id_placements"),
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["subsidy_policies.id"],
            name=op.f("fk_subsidy_claims_policy_id_subsidy_policies"),
        ),
        sa.ForeignKeyConstraint(
            ["raised_by"], ["users.id"], name=op.f("fk_subsidy_claims_raised_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organizations.id"],
            name=op.f("fk_subsidy_claims_tenant_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["verified_by"], ["users.id"], name=op.f("fk_subsidy_claims_verified_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_claims")),
    )
    with op.batch_alter_table("subsidy_claims", schema=None) as batch_op:
        batch_op.create_index("ix_subsidy_claims_batch", ["batch_id"], unique=False)
        batch_op.create_index("ix_subsidy_claims_laborer", ["laborer_id"], unique=False)
        batch_op.create_index(
            "ix_subsidy_claims_tenant_status", ["tenant_id", "status", "created_at"], unique=False
        )

    op.create_table(
        "claim_units",
        sa.Column("claim_id", sa.Uuid(), nullable=False),
        sa.Column("unit", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("laborer_id", sa.Uuid(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["subsidy_claims.id"],
            name=op.f("fk_claim_units_claim_id_subsidy_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("claim_id", "unit", name=op.f("pk_claim_units")),
    )
    with op.batch_alter_table("claim_units", schema=None) as batch_op:
        batch_op.create_index(
            "uq_claim_units_live",
            ["family_id", "laborer_id", "unit"],
            unique=True,
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )

    enum_check("placements", "channel", ["organized", "self_found", "public_post", "workshop"])
    enum_check(
        "placements",
        "separation_reason",
        ["quit", "dismissed", "contract_ended", "injury_or_illness", "family", "other"],
        nullable=True,
    )
    enum_check(
        "stay_verifications",
        "source",
        ["liaison_visit", "employer", "social_insurance", "payroll"],
    )
    enum_check("subsidy_policies", "kind", ["on_transfer", "milestone", "monthly"])
    enum_check(
        "subsidy_claims",
        "status",
        ["raised", "verified", "approved", "batched", "paid", "rejected"],
    )
    enum_check("payment_batches", "status", ["open", "exported", "paid"])
    if rls.is_postgres():
        _postgres_security()


def _postgres_security() -> None:
    me = rls.ids("app.tenant_id")
    # A placement is the county's; the bureau where the employer is reads it and may
    # record a separation, row by row (its read_placement names the sending sides, the
    # employer column narrows them to its own employers).
    county_or_employer = (
        "tenant_id = ANY ({sets}) AND (tenant_id = ANY ({laborer})"
        " OR employer_tenant_id = ANY ({me}))"
    )
    rls.enable("placements")
    rls.policy(
        "placements",
        "read",
        "SELECT",
        using=county_or_employer.format(
            sets=rls.ids("app.read_placement"), laborer=rls.ids("app.read_laborer"), me=me
        ),
    )
    county_writes = (
        f"tenant_id = ANY ({rls.ids('app.write_placement')})"
        f" AND tenant_id = ANY ({rls.ids('app.write_laborer')})"
    )
    # A hire recorded by either side of a referral starts the placement.
    hired = (
        "EXISTS (SELECT 1 FROM referrals r WHERE r.id = placements.referral_id"
        " AND r.status = 'hired'"
        f" AND (r.tenant_id = ANY ({rls.ids('app.write_referral')})"
        f" OR r.vacancy_tenant_id = ANY ({rls.ids('app.write_referral_vacancy')})))"
    )
    rls.policy("placements", "insert", "INSERT", check=f"({county_writes}) OR {hired}")
    either = county_or_employer.format(
        sets=rls.ids("app.write_placement"), laborer=rls.ids("app.write_laborer"), me=me
    )
    rls.policy("placements", "update", "UPDATE", using=either, check=either)
    rls.grant("placements", "SELECT, INSERT, UPDATE")
    for table in ("stay_verifications", "holiday_leaves"):
        placed_with_me = (
            f"EXISTS (SELECT 1 FROM placements p WHERE p.id = {table}.placement_id"
            f" AND p.employer_tenant_id = ANY ({me}))"
        )
        rls.enable(table)
        rls.policy(
            table,
            "read",
            "SELECT",
            using=f"tenant_id = ANY ({rls.ids('app.read_placement')})"
            f" AND (tenant_id = ANY ({rls.ids('app.read_laborer')}) OR {placed_with_me})",
        )
        rls.policy(table, "insert", "INSERT", check=county_writes)
        rls.policy(table, "update", "UPDATE", using=county_writes, check=county_writes)
        rls.policy(table, "delete", "DELETE", using=county_writes)
        rls.grant(table, "SELECT, INSERT, UPDATE, DELETE")
    for table in ("subsidy_policies", "payment_batches"):
        rls.tenant_policies(table, "subsidy")
        rls.grant(table, "SELECT, INSERT, UPDATE")
    # Entitlements are derived from placements: whoever changes a placement refreshes them.
    derived = (
        f"tenant_id = ANY ({rls.ids('app.write_subsidy')})"
        f" OR tenant_id = ANY ({rls.ids('app.write_placement')})"
    )
    rls.enable("entitlements")
    rls.policy(
        "entitlements", "read", "SELECT", using=f"tenant_id = ANY ({rls.ids('app.read_subsidy')})"
    )
    rls.policy("entitlements", "insert", "INSERT", check=derived)
    rls.policy("entitlements", "update", "UPDATE", using=derived, check=derived)
    rls.policy("entitlements", "delete", "DELETE", using=derived)
    rls.grant("entitlements", "SELECT, INSERT, UPDATE, DELETE")
    # Claims: the paying bureau raises, approves and pays; its liaison offices verify (or
    # send back) the claims of their county.
    handles = (
        f"tenant_id = ANY ({rls.ids('app.write_subsidy')})"
        f" OR tenant_id = ANY ({rls.ids('app.write_claim_verify')})"
    )
    for table in ("subsidy_claims", "claim_units"):
        rls.enable(table)
        rls.policy(
            table, "read", "SELECT", using=f"tenant_id = ANY ({rls.ids('app.read_subsidy')})"
        )
        rls.policy(
            table, "insert", "INSERT", check=f"tenant_id = ANY ({rls.ids('app.write_subsidy')})"
        )
        rls.policy(table, "update", "UPDATE", using=handles, check=handles)
        rls.grant(table, "SELECT, INSERT, UPDATE")
    rls.tenant_policies("payee_accounts", "laborer")
    rls.grant("payee_accounts", "SELECT, INSERT, UPDATE, DELETE")
    rls.enable("idempotency_records")
    mine = f"tenant_id = ANY ({me})"
    rls.policy("idempotency_records", "read", "SELECT", using=mine)
    rls.policy("idempotency_records", "insert", "INSERT", check=mine)
    rls.policy("idempotency_records", "update", "UPDATE", using=mine, check=mine)
    rls.grant("idempotency_records", "SELECT, INSERT, UPDATE")


def downgrade() -> None:
    with op.batch_alter_table("claim_units", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_claim_units_live",
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )

    op.drop_table("claim_units")
    with op.batch_alter_table("subsidy_claims", schema=None) as batch_op:
        batch_op.drop_index("ix_subsidy_claims_tenant_status")
        batch_op.drop_index("ix_subsidy_claims_laborer")
        batch_op.drop_index("ix_subsidy_claims_batch")

    op.drop_table("subsidy_claims")
    with op.batch_alter_table("stay_verifications", schema=None) as batch_op:
        batch_op.drop_index("ix_stay_verifications_laborer")

    op.drop_table("stay_verifications")
    with op.batch_alter_table("holiday_leaves", schema=None) as batch_op:
        batch_op.drop_index("ix_holiday_leaves_tenant_open")
        batch_op.drop_index("ix_holiday_leaves_placement")

    op.drop_table("holiday_leaves")
    with op.batch_alter_table("entitlements", schema=None) as batch_op:
        batch_op.drop_index("ix_entitlements_tenant_due")
        batch_op.drop_index("ix_entitlements_laborer")

    op.drop_table("entitlements")
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_placements_open",
            sqlite_where=sa.text("ended_on IS NULL"),
            postgresql_where=sa.text("ended_on IS NULL"),
        )
        batch_op.drop_index("ix_placements_tenant_start")
        batch_op.drop_index("ix_placements_laborer")
        batch_op.drop_index("ix_placements_employer_tenant")

    op.drop_table("placements")
    with op.batch_alter_table("subsidy_policies", schema=None) as batch_op:
        batch_op.drop_index("ix_subsidy_policies_tenant")

    op.drop_table("subsidy_policies")
    op.drop_table("payee_accounts")
    with op.batch_alter_table("payment_batches", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_batches_tenant")

    op.drop_table("payment_batches")
    op.drop_table("idempotency_records")
