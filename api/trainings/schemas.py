"""Request and response bodies of trainings, sessions, enrollments and outcomes."""

import uuid
from datetime import date, datetime, time

from pydantic import Field

from api.paging import Page
from api.schemas import Input, Schema
from shared_models.enums import EnrollmentStatus, TrainingType


class Teacher(Input):
    name: str = Field(min_length=1, max_length=40)
    origin: str | None = Field(default=None, max_length=60, description="e.g. 潍坊面点大师")


class TrainingCreate(Input):
    title: str = Field(min_length=1, max_length=120)
    occupation: str = Field(min_length=1, max_length=60, description="中式面点师, 茶艺师")
    occupation_code: str | None = Field(default=None, max_length=20)
    training_type: TrainingType
    provider: str = Field(min_length=1, max_length=120)
    location: str = Field(min_length=1, max_length=200)
    starts_on: date
    ends_on: date
    capacity: int = Field(ge=1, le=10_000)
    teachers: list[Teacher] = Field(default_factory=list, max_length=50)
    subsidy_amount: int | None = Field(default=None, ge=0, le=1_000_000, description="yuan")
    subsidy_payer_id: uuid.UUID | None = None
    co_organizer_id: uuid.UUID | None = None
    pairing_id: uuid.UUID | None = Field(default=None, description="Default: your one pairing")
    note: str | None = Field(default=None, max_length=500)


class TrainingUpdate(Input):
    version: int
    title: str | None = Field(default=None, min_length=1, max_length=120)
    occupation: str | None = Field(default=None, min_length=1, max_length=60)
    occupation_code: str | None = Field(default=None, max_length=20)
    training_type: TrainingType | None = None
    provider: str | None = Field(default=None, min_length=1, max_length=120)
    location: str | None = Field(default=None, min_length=1, max_length=200)
    starts_on: date | None = None
    ends_on: date | None = None
    capacity: int | None = Field(default=None, ge=1, le=10_000)
    teachers: list[Teacher] | None = Field(default=None, max_length=50)
    subsidy_amount: int | None = Field(default=None, ge=0, le=1_000_000)
    subsidy_payer_id: uuid.UUID | None = None
    co_organizer_id: uuid.UUID | None = None
    note: str | None = Field(default=None, max_length=500)


class SessionIn(Input):
    held_on: date
    starts_at: time
    ends_at: time
    topic: str | None = Field(default=None, max_length=120)


class SessionOut(Schema):
    id: uuid.UUID
    held_on: date
    starts_at: time
    ends_at: time
    topic: str | None


class TrainingOut(Schema):
    id: uuid.UUID
    tenant_id: uuid.UUID
    co_organizer_id: uuid.UUID | None
    pairing_id: uuid.UUID
    version: int
    title: str
    occupation: str
    occupation_code: str | None
    training_type: TrainingType
    provider: str
    location: str
    starts_on: date
    ends_on: date
    capacity: int
    teachers: list[dict[str, str | None]]
    subsidy_amount: int | None
    subsidy_payer_id: uuid.UUID | None
    note: str | None
    sessions: list[SessionOut] = Field(default_factory=list)
    counts: dict[str, int] = Field(
        default_factory=dict, description="Enrollments by status, as far as you see the roster"
    )


TrainingPage = Page[TrainingOut]


class SuggestionOut(Schema):
    laborer_id: uuid.UUID
    name: str
    id_number_masked: str
    township: str
    village: str


class EnrollIn(Input):
    laborer_ids: list[uuid.UUID] = Field(min_length=1, max_length=500)
    enrolled_on: date | None = Field(
        default=None, description="When they enrolled: today (default) or a past day"
    )


class EnrollmentOut(Schema):
    id: uuid.UUID
    version: int
    training_id: uuid.UUID
    laborer_id: uuid.UUID
    name: str
    id_number_masked: str
    status: EnrollmentStatus
    position: int
    enrolled_by_label: str
    enrolled_on: date
    created_at: datetime
    withdrawn_on: date | None
    withdrawal_reason: str | None
    completed_on: date | None
    assessment_result: str | None
    certificate_number: str | None


class WithdrawIn(Input):
    reason: str = Field(min_length=1, max_length=200)
    version: int | None = None


class CompleteIn(Input):
    assessment_result: str = Field(min_length=1, max_length=60, description="合格, 优秀")
    certificate_number: str | None = Field(default=None, max_length=40)
    completed_on: date | None = Field(
        default=None,
        description="Default: the last day (today while it runs); not before the enrollment",
    )
    version: int | None = None


class AttendanceMark(Input):
    enrollment_id: uuid.UUID
    present: bool


class AttendanceOut(Schema):
    enrollment_id: uuid.UUID
    present: bool
    recorded_by_label: str


class OutcomesOut(Schema):
    enrolled: int
    waitlisted: int
    withdrawn: int
    completed: int = Field(description="Trained: person-times who completed")
    employed_within_90_days: int = Field(
        description="Completers with a placement started within 90 days after completion"
    )
    employment_rate: float | None
    subsidy_per_completer: int | None
    subsidy_total: int | None
