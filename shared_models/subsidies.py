"""Subsidy policies (data, versioned), computed entitlements, claims and payments."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared_models.base import Base, JsonDoc, Timestamps, UuidPrimaryKey, str_enum, utcnow
from shared_models.enums import BatchStatus, ClaimStatus, PolicyKind

_ACTIVE = text("active")


class SubsidyPolicy(UuidPrimaryKey, Base):
    """One version of a policy. Versions of one policy share `family_id`; a placement is
    judged by the version in force when its stay started (the latest `effective_from`
    on or before that day; the first version has none and covers everything before)."""

    __tablename__ = "subsidy_policies"
    __table_args__ = (
        UniqueConstraint("family_id", "version"),
        Index("ix_subsidy_policies_tenant", "tenant_id", "year"),
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("months >= 0 AND months <= 120", name="months"),
        CheckConstraint("cap IS NULL OR cap >= amount", name="cap"),
        CheckConstraint("max_gap_days >= 0 AND max_leave_days >= 0", name="continuity"),
        CheckConstraint(
            "transfer_until IS NULL OR transfer_from IS NULL OR transfer_until >= transfer_from",
            name="window",
        ),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))  # who pays
    family_id: Mapped[uuid.UUID]
    version: Mapped[int]
    effective_from: Mapped[date | None] = mapped_column(Date)
    superseded: Mapped[bool] = mapped_column(default=False)  # a later version exists
    pairing_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pairings.id"))
    year: Mapped[int]
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[PolicyKind] = mapped_column(str_enum(PolicyKind, 16))
    amount: Mapped[int]  # yuan: once, or per month for the monthly kind
    months: Mapped[int] = mapped_column(default=0)  # N: the milestone or the threshold
    cap: Mapped[int | None]  # monthly kind: at most this much in all
    # Eligibility: empty lists and NULLs mean "any".
    poverty_statuses: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    household_region: Mapped[str | None] = mapped_column(String(6))  # prefix of the county
    destination_regions: Mapped[list[str]] = mapped_column(JsonDoc, default=list)  # prefixes
    channels: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    transfer_from: Mapped[date | None] = mapped_column(Date)
    transfer_until: Mapped[date | None] = mapped_column(Date)
    # Continuity and verification
    max_gap_days: Mapped[int] = mapped_column(default=30)
    max_leave_days: Mapped[int] = mapped_column(default=45)
    requires_verification: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Entitlement(Base):
    """What a policy owes a laborer, as of the last evaluation (`laborbridge subsidies
    evaluate` or a change to the laborer's placements). Derived: recomputed, never typed."""

    __tablename__ = "entitlements"
    __table_args__ = (
        Index("ix_entitlements_tenant_due", "tenant_id", "next_due_on"),
        Index("ix_entitlements_laborer", "laborer_id"),
    )

    family_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    laborer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("laborers.id", ondelete="CASCADE"), primary_key=True
    )
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))  # who pays
    policy_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subsidy_policies.id"))
    placement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("placements.id"))
    eligible: Mapped[bool]
    reasons: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    stay_started_on: Mapped[date | None] = mapped_column(Date)
    ongoing: Mapped[bool] = mapped_column(default=False)
    months: Mapped[int] = mapped_column(default=0)
    earned: Mapped[int] = mapped_column(default=0)  # yuan due so far
    earned_units: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)  # yuan if the laborer stays to the end
    next_due_on: Mapped[date | None] = mapped_column(Date)
    next_due_amount: Mapped[int | None]
    # Upcoming (day, yuan) pairs if the laborer stays, for the budget projection.
    schedule: Mapped[list[Any]] = mapped_column(JsonDoc, default=list)
    as_of: Mapped[date] = mapped_column(Date)  # the evaluation that last changed it
    # A digest of the fields above (as_of aside): the nightly run compares it to skip the
    # rows that are already right without reading them back.
    fingerprint: Mapped[str] = mapped_column(String(16))


class SubsidyClaim(UuidPrimaryKey, Timestamps, Base):
    """A claim for units of an entitlement: raised, verified by the liaison office,
    approved by a second person of the paying bureau, batched, paid (or rejected)."""

    __tablename__ = "subsidy_claims"
    __table_args__ = (
        Index("ix_subsidy_claims_tenant_status", "tenant_id", "status", "created_at"),
        Index("ix_subsidy_claims_laborer", "laborer_id"),
        Index("ix_subsidy_claims_batch", "batch_id"),
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("last_unit >= first_unit AND first_unit >= 1", name="units"),
        # Two people: the approver is never the one who raised it.
        CheckConstraint("approved_by IS NULL OR approved_by <> raised_by", name="two_person"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))  # who pays
    laborer_tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    family_id: Mapped[uuid.UUID]
    policy_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subsidy_policies.id"))
    laborer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("laborers.id"))
    placement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("placements.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API
    first_unit: Mapped[int]
    last_unit: Mapped[int]
    amount: Mapped[int]
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[ClaimStatus] = mapped_column(str_enum(ClaimStatus, 16))
    raised_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    raised_by_label: Mapped[str] = mapped_column(String(120))
    verified_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    verified_by_label: Mapped[str | None] = mapped_column(String(120))
    verified_at: Mapped[datetime | None]
    approved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    approved_by_label: Mapped[str | None] = mapped_column(String(120))
    approved_at: Mapped[datetime | None]
    batch_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payment_batches.id"))
    paid_on: Mapped[date | None] = mapped_column(Date)
    bank_reference: Mapped[str | None] = mapped_column(String(60))
    rejected_reason: Mapped[str | None] = mapped_column(String(500))
    rejected_by_label: Mapped[str | None] = mapped_column(String(120))
    rejected_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(String(500))

    policy: Mapped[SubsidyPolicy] = relationship()


class ClaimUnit(Base):
    """One unit of money (a month, or a one-time grant) held by a live claim. The
    partial unique index is what makes a second claim or payment of it impossible."""

    __tablename__ = "claim_units"
    __table_args__ = (
        Index(
            "uq_claim_units_live",
            "family_id",
            "laborer_id",
            "unit",
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
    )

    claim_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("subsidy_claims.id", ondelete="CASCADE"), primary_key=True
    )
    unit: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID]  # the claim's, for row-level security
    family_id: Mapped[uuid.UUID]
    laborer_id: Mapped[uuid.UUID]
    active: Mapped[bool] = mapped_column(default=True)  # false once the claim is rejected


class PaymentBatch(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "payment_batches"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        Index("ix_payment_batches_tenant", "tenant_id", "status"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    number: Mapped[str] = mapped_column(String(40))  # e.g. 2026-11-01
    status: Mapped[BatchStatus] = mapped_column(str_enum(BatchStatus, 16))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API
    claim_count: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    exported_at: Mapped[datetime | None]
    paid_on: Mapped[date | None] = mapped_column(Date)
    bank_reference: Mapped[str | None] = mapped_column(String(60))
    paid_by_label: Mapped[str | None] = mapped_column(String(120))


class PayeeAccount(Base):
    """The bank account (社保卡 / 一卡通) a county pays a laborer's subsidies into:
    encrypted like ID numbers, masked everywhere, shown in full only to pii.reveal."""

    __tablename__ = "payee_accounts"

    laborer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("laborers.id", ondelete="CASCADE"), primary_key=True
    )
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"))
    bank_name: Mapped[str] = mapped_column(String(60))
    account_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    account_masked: Mapped[str] = mapped_column(String(40))
    updated_by_label: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class IdempotencyRecord(Base):
    """An `Idempotency-Key` and the answer given to it: the same key with the same body
    gets the same answer; with another body, a 422."""

    __tablename__ = "idempotency_records"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    scope: Mapped[str] = mapped_column(String(60))  # the operation
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    response: Mapped[Any | None] = mapped_column(JsonDoc)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
