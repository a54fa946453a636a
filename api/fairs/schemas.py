"""Request and response bodies of fairs."""

import uuid
from datetime import date, datetime, time

from pydantic import Field

from api.paging import Page
from api.schemas import Input, Schema
from shared_models.enums import FairMode, FairStatus, IntentionOutcome


class FairCreate(Input):
    title: str = Field(min_length=1, max_length=120)
    mode: FairMode
    held_on: date
    starts_at: time
    ends_at: time
    registration_deadline: date
    pairing_id: uuid.UUID | None = Field(default=None, description="Default: the only one")
    co_organizer_id: uuid.UUID | None = None
    venue: str | None = Field(default=None, max_length=200)
    region_code: str | None = Field(default=None, max_length=6)
    online_url: str | None = Field(default=None, max_length=300)
    note: str | None = Field(default=None, max_length=500)


class FairStatusIn(Input):
    status: FairStatus
    version: int


class FairOut(Schema):
    id: uuid.UUID
    version: int
    tenant_id: uuid.UUID
    co_organizer_id: uuid.UUID | None
    pairing_id: uuid.UUID
    title: str
    mode: FairMode
    venue: str | None
    region_code: str | None
    online_url: str | None
    held_on: date
    starts_at: time
    ends_at: time
    registration_deadline: date
    status: FairStatus
    note: str | None


class FairEmployerIn(Input):
    employer_id: uuid.UUID
    vacancy_ids: list[uuid.UUID] = Field(min_length=1, max_length=100)
    booth: str | None = Field(default=None, max_length=20)


class FairEmployerOut(Schema):
    id: uuid.UUID
    employer_id: uuid.UUID
    employer_name: str
    side: str
    booth: str | None
    positions: int


class RegistrationIn(Input):
    """Laborers of the caller's register, or one walk-in at the door (name, ID number)."""

    laborer_ids: list[uuid.UUID] = Field(default_factory=list, max_length=2000)
    name: str | None = Field(default=None, max_length=40)
    id_number: str | None = Field(default=None, max_length=30)
    checked_in_at: datetime | None = Field(
        default=None, description="A walk-in's check-in: now (default) or a past moment"
    )


class RegistrationOut(Schema):
    id: uuid.UUID
    laborer_id: uuid.UUID | None
    name: str
    id_number_masked: str
    code: str
    walk_in: bool
    registered_at: datetime
    checked_in_at: datetime | None = Field(description="When the person came in")
    check_in_recorded_at: datetime | None = Field(
        default=None, description="When the check-in was recorded"
    )


RegistrationPage = Page[RegistrationOut]


class CheckInIn(Input):
    code: str = Field(min_length=1, max_length=40)
    checked_in_at: datetime | None = Field(
        default=None,
        description="When the person came in: now (default) or a past moment within the "
        "fair's days (without a zone: the bureau's clock)",
    )


class IntentionIn(Input):
    registration_id: uuid.UUID
    vacancy_id: uuid.UUID
    outcome: IntentionOutcome = IntentionOutcome.AGREED
    note: str | None = Field(default=None, max_length=200)


class IntentionOut(Schema):
    id: uuid.UUID
    registration_id: uuid.UUID
    vacancy_id: uuid.UUID
    outcome: IntentionOutcome
    referral_id: uuid.UUID | None
    note: str | None
    recorded_by_label: str
    created_at: datetime


class ReferredOut(Schema):
    referrals_made: int


class ResultsOut(Schema):
    employers_receiving: int
    employers_sending: int
    positions: int
    registrants: int
    walk_ins: int
    attendees: int
    interviews: int
    intentions: int
    referrals: int
    hires: int
    in_post_3_months: int = Field(
        description="Still in post 3 months after starting: the verified count where a "
        "policy requires verification, else by the placement records"
    )
    in_post_6_months: int
    verification_required: bool = Field(
        description="A policy in force for the fair's pairing counts only verified months"
    )
    in_post_3_months_verified: int = Field(description="Each of the 3 months verified in post")
    in_post_3_months_unverified: int = Field(
        description="In post by the records, but a month not verified"
    )
    in_post_6_months_verified: int
    in_post_6_months_unverified: int
