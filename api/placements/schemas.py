"""Request and response bodies of placements, verifications and holiday leave."""

import uuid
from datetime import date, datetime

from pydantic import Field, field_validator

from api.paging import Page
from api.schemas import Input, Schema
from shared_models.enums import EvidenceSource, PlacementChannel, SeparationReason


def _month(value: object) -> object:
    """'2026-03' or '2026-03-01' → the first day of that month."""
    if isinstance(value, str) and len(value) == 7:
        return f"{value}-01"
    return value


class PlacementCreate(Input):
    laborer_id: uuid.UUID
    employer_id: uuid.UUID | None = Field(default=None, description="From the demand pool")
    employer_name: str | None = Field(
        default=None, max_length=120, description="For a self-found job outside the pool"
    )
    region_code: str | None = Field(default=None, max_length=6, description="Default: employer's")
    channel: PlacementChannel
    started_on: date
    ended_on: date | None = None
    separation_reason: SeparationReason | None = None
    note: str | None = Field(default=None, max_length=500)


class PlacementUpdate(Input):
    version: int
    employer_name: str | None = Field(default=None, min_length=1, max_length=120)
    region_code: str | None = Field(default=None, max_length=6)
    channel: PlacementChannel | None = None
    started_on: date | None = None
    ended_on: date | None = None
    separation_reason: SeparationReason | None = None
    note: str | None = Field(default=None, max_length=500)


class VerificationIn(Input):
    month: date = Field(description="YYYY-MM")
    in_post: bool = True
    source: EvidenceSource
    note: str | None = Field(default=None, max_length=500)

    _first_of_month = field_validator("month", mode="before")(_month)


class VerificationOut(Schema):
    month: date
    in_post: bool
    source: EvidenceSource
    note: str | None
    recorded_by_label: str
    recorded_at: datetime


class LeaveIn(Input):
    left_on: date
    expected_return_on: date
    trip: str | None = Field(default=None, max_length=120, description="The chartered trip")
    note: str | None = Field(default=None, max_length=500)


class ReturnIn(Input):
    version: int
    returned_on: date
    trip: str | None = Field(default=None, max_length=120)


class LeaveOut(Schema):
    id: uuid.UUID
    version: int
    placement_id: uuid.UUID
    laborer_id: uuid.UUID
    left_on: date
    expected_return_on: date
    returned_on: date | None
    trip: str | None
    note: str | None


class PlacementOut(Schema):
    id: uuid.UUID
    tenant_id: uuid.UUID
    version: int
    laborer_id: uuid.UUID
    laborer_name: str
    employer_id: uuid.UUID | None
    employer_name: str
    vacancy_id: uuid.UUID | None
    referral_id: uuid.UUID | None
    region_code: str
    city: str
    channel: PlacementChannel
    started_on: date
    ended_on: date | None
    separation_reason: SeparationReason | None
    note: str | None
    verifications: list[VerificationOut] = Field(default_factory=list)
    leaves: list[LeaveOut] = Field(default_factory=list)


PlacementPage = Page[PlacementOut]


class ReturnBoardOut(Schema):
    away: list[LeaveOut]
    overdue: list[LeaveOut]
    back: list[LeaveOut]


class VerificationImportOut(Schema):
    rows: int
    applied: int
    unmatched: list[dict[str, object]]
    errors: list[dict[str, object]]
    saved: bool
