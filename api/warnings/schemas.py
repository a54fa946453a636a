"""Request and response bodies of early-warning flags and thresholds."""

import uuid
from datetime import date, datetime

from pydantic import Field

from api.paging import Page
from api.schemas import Input, Schema
from shared_models.enums import WarningCloseReason, WarningRule, WarningSeverity, WarningStatus


class WarningOut(Schema):
    id: uuid.UUID
    tenant_id: uuid.UUID
    laborer_id: uuid.UUID
    laborer_name: str
    version: int
    rule: WarningRule
    severity: WarningSeverity
    reason: str
    since: date
    raised_on: date
    status: WarningStatus
    acknowledged_at: datetime | None
    acknowledged_by_label: str | None
    assignee_id: uuid.UUID | None
    assignee_label: str | None
    closed_on: date | None
    close_reason: WarningCloseReason | None
    close_note: str | None
    closed_by_label: str | None
    answered_by_case_id: uuid.UUID | None


WarningPage = Page[WarningOut]


class AssignIn(Input):
    version: int
    user_id: uuid.UUID | None = Field(description="A user of your office; null to unassign")


class CloseIn(Input):
    version: int
    note: str = Field(min_length=1, max_length=500)


class VisitIn(Input):
    version: int
    occurred_on: date
    summary: str = Field(min_length=1, max_length=500)
    place: str | None = Field(default=None, max_length=200)


class VisitOut(Schema):
    warning: WarningOut
    case_id: uuid.UUID


class ThresholdsIn(Input):
    unverified_days: int | None = Field(default=None, ge=1, le=3650)
    dispute_days: int | None = Field(default=None, ge=1, le=3650)
    idle_days: int | None = Field(default=None, ge=1, le=3650)
    leave_grace_days: int | None = Field(default=None, ge=0, le=365)
    employer_disputes: int | None = Field(default=None, ge=1, le=100)


class ThresholdsOut(Schema):
    tenant_id: uuid.UUID
    unverified_days: int = Field(description="Not verified in post for more than N days")
    dispute_days: int = Field(description="A dispute open for more than N days")
    idle_days: int = Field(description="Unemployed, willing to transfer, for more than N days")
    leave_grace_days: int = Field(description="Days past the expected return from leave")
    employer_disputes: int = Field(description="Open disputes that flag an employer")
