"""Request and response bodies of subsidy policies, entitlements, claims and payments."""

import uuid
from datetime import date, datetime

from pydantic import Field

from api.paging import Page
from api.schemas import Input, Schema
from shared_models.enums import BatchStatus, ClaimStatus, PolicyKind


class PolicyFields(Input):
    pairing_id: uuid.UUID | None = None
    poverty_statuses: list[str] = Field(default_factory=list, max_length=10)
    household_region: str | None = Field(default=None, max_length=6)
    destination_regions: list[str] = Field(default_factory=list, max_length=50)
    channels: list[str] = Field(default_factory=list, max_length=4)
    transfer_from: date | None = None
    transfer_until: date | None = None
    max_gap_days: int = Field(default=30, ge=0, le=365)
    max_leave_days: int = Field(default=45, ge=0, le=365)
    requires_verification: bool = False
    note: str | None = Field(default=None, max_length=500)


class PolicyCreate(PolicyFields):
    year: int = Field(ge=2000, le=2100)
    name: str = Field(min_length=1, max_length=60)
    kind: PolicyKind
    amount: int = Field(gt=0, le=1_000_000, description="Yuan: once, or per month (monthly)")
    months: int = Field(default=0, ge=0, le=120)
    cap: int | None = Field(default=None, gt=0, le=10_000_000)


class PolicyUpdate(Input):
    """The fields sent change. With claims already made, a new version is written, in
    force for stays that start on or after `effective_from` (default today)."""

    version: int
    effective_from: date | None = None
    pairing_id: uuid.UUID | None = None
    year: int | None = Field(default=None, ge=2000, le=2100)
    name: str | None = Field(default=None, min_length=1, max_length=60)
    kind: PolicyKind | None = None
    amount: int | None = Field(default=None, gt=0, le=1_000_000)
    months: int | None = Field(default=None, ge=0, le=120)
    cap: int | None = Field(default=None, gt=0, le=10_000_000)
    poverty_statuses: list[str] | None = Field(default=None, max_length=10)
    household_region: str | None = Field(default=None, max_length=6)
    destination_regions: list[str] | None = Field(default=None, max_length=50)
    channels: list[str] | None = Field(default=None, max_length=4)
    transfer_from: date | None = None
    transfer_until: date | None = None
    max_gap_days: int | None = Field(default=None, ge=0, le=365)
    max_leave_days: int | None = Field(default=None, ge=0, le=365)
    requires_verification: bool | None = None
    note: str | None = Field(default=None, max_length=500)


class PolicyOut(Schema):
    id: uuid.UUID
    family_id: uuid.UUID
    version: int
    effective_from: date | None
    superseded: bool
    tenant_id: uuid.UUID
    pairing_id: uuid.UUID | None
    year: int
    name: str
    kind: PolicyKind
    amount: int
    months: int
    cap: int | None
    poverty_statuses: list[str]
    household_region: str | None
    destination_regions: list[str]
    channels: list[str]
    transfer_from: date | None
    transfer_until: date | None
    max_gap_days: int
    max_leave_days: int
    requires_verification: bool
    note: str | None
    created_at: datetime


class UnitOut(Schema):
    number: int
    amount: int
    due_on: date
    earned: bool
    claimed: bool


class EntitlementOut(Schema):
    family_id: uuid.UUID
    policy_id: uuid.UUID
    policy_version: int
    name: str
    kind: PolicyKind
    eligible: bool
    reasons: list[str]
    reason_texts: list[str]
    stay_started_on: date | None
    ongoing: bool
    months: int
    earned: int
    claimed: int
    paid: int
    unclaimed: int
    # Paid beyond what the records now say was earned (a correction): shown, never netted.
    overpaid: int = 0
    next_due_on: date | None
    next_due_amount: int | None
    units: list[UnitOut]


class EntitlementsOut(Schema):
    laborer_id: uuid.UUID
    as_of: date
    items: list[EntitlementOut]


class ClaimCreate(Input):
    """One laborer and policy, or `all_due` for everything due as of a day."""

    laborer_id: uuid.UUID | None = None
    family_id: uuid.UUID | None = None
    all_due: bool = False
    as_of: date | None = None
    note: str | None = Field(default=None, max_length=500)


class ClaimStep(Input):
    version: int


class ClaimReject(Input):
    version: int
    reason: str = Field(min_length=1, max_length=500)


class ClaimOut(Schema):
    id: uuid.UUID
    version: int
    tenant_id: uuid.UUID
    family_id: uuid.UUID
    policy_id: uuid.UUID
    policy_name: str
    laborer_id: uuid.UUID
    laborer_name: str
    placement_id: uuid.UUID | None
    first_unit: int
    last_unit: int
    amount: int
    due_on: date
    status: ClaimStatus
    raised_by_label: str
    verified_by_label: str | None
    approved_by_label: str | None
    batch_id: uuid.UUID | None
    paid_on: date | None
    bank_reference: str | None
    rejected_reason: str | None
    note: str | None
    created_at: datetime
    # The laborer's standing under this policy, judged from today's records: yuan paid
    # beyond what is earned, and yuan in unpaid claims beyond it (the queue flags both).
    overpaid: int = 0
    unearned: int = 0


class ClaimPage(Page[ClaimOut]):
    counts: dict[str, int]


class BatchCreate(Input):
    number: str = Field(min_length=1, max_length=40, description="e.g. 2026-11-01")
    claim_ids: list[uuid.UUID] | None = Field(
        default=None, description="Default: every approved claim"
    )


class BatchPay(Input):
    bank_reference: str = Field(min_length=1, max_length=60)
    paid_on: date


class BatchOut(Schema):
    id: uuid.UUID
    version: int
    number: str
    status: BatchStatus
    claim_count: int
    total: int
    exported_at: datetime | None
    paid_on: date | None
    bank_reference: str | None
    created_at: datetime


class PayeeAccountIn(Input):
    bank_name: str = Field(min_length=2, max_length=60)
    account_number: str = Field(min_length=8, max_length=32)


class PayeeAccountOut(Schema):
    laborer_id: uuid.UUID
    bank_name: str
    account_masked: str
    updated_by_label: str
    updated_at: datetime


class ProjectionOut(Schema):
    as_of: date
    days: int
    amount: int
    laborers: int
    by_policy: dict[str, int]
