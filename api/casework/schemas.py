"""Request and response bodies of cases, notes, attachments and figures."""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from api.paging import Page
from api.schemas import Input, Schema
from shared_models.enums import CaseKind, CaseStatus, DisputeKind

Detail = Annotated[str, StringConstraints(max_length=500)] | int | bool | None
Yuan = Annotated[int, Field(ge=0, le=100_000_000)]


class CaseCreate(Input):
    kind: CaseKind
    occurred_on: date = Field(description="Visit, aid or arrival date; when a dispute came in")
    summary: str = Field(min_length=1, max_length=500)
    laborer_ids: list[uuid.UUID] = Field(min_length=1, max_length=50)
    place: str | None = Field(default=None, max_length=200)
    aid_amount: Yuan | None = Field(default=None, description="Aid paid or gifts given (yuan)")
    dispute_kind: DisputeKind | None = None
    employer_id: uuid.UUID | None = Field(default=None, description="From the demand pool")
    employer_name: str | None = Field(default=None, max_length=120)
    amount_disputed: Yuan | None = None
    amount_recovered: Yuan | None = None
    authority: str | None = Field(default=None, max_length=120)
    deadline: date | None = None
    outcome: str | None = Field(default=None, max_length=500)
    details: dict[str, Detail] = Field(
        default_factory=dict,
        max_length=10,
        description=(
            "visit: visitors, findings, gifts; hardship_aid: cause, goods, approved_by, "
            "approved_on; onboarding: arrived_on, accommodation, contract_signed, "
            "first_wage_paid_on; dispute: claim, respondent_contact"
        ),
    )


class CaseUpdate(Input):
    version: int
    status: CaseStatus | None = None
    summary: str | None = Field(default=None, min_length=1, max_length=500)
    place: str | None = Field(default=None, max_length=200)
    aid_amount: Yuan | None = None
    amount_disputed: Yuan | None = None
    amount_recovered: Yuan | None = None
    authority: str | None = Field(default=None, max_length=120)
    deadline: date | None = None
    outcome: str | None = Field(default=None, max_length=500)
    details: dict[str, Detail] | None = Field(default=None, max_length=10)


class CaseLaborerOut(Schema):
    laborer_id: uuid.UUID | None
    name: str


class CaseOut(Schema):
    id: uuid.UUID
    tenant_id: uuid.UUID
    county_id: uuid.UUID
    version: int
    kind: CaseKind
    status: CaseStatus
    occurred_on: date
    summary: str | None
    place: str | None
    aid_amount: int | None
    dispute_kind: DisputeKind | None
    employer_id: uuid.UUID | None
    employer_name: str | None
    amount_disputed: int | None
    amount_recovered: int | None
    authority: str | None
    deadline: date | None
    outcome: str | None
    closed_on: date | None
    details: dict[str, Detail]
    opened_by_label: str
    laborers: list[CaseLaborerOut]
    masked: bool = Field(description="The employer's bureau's view: names masked, no details")
    created_at: datetime
    updated_at: datetime


CasePage = Page[CaseOut]


class NoteIn(Input):
    body: str = Field(min_length=1, max_length=4000)
    written_on: date | None = Field(default=None, description="Default: today")
    author: str | None = Field(default=None, max_length=60, description="Default: you")


class NoteOut(Schema):
    id: uuid.UUID
    written_on: date
    author: str
    body: str
    recorded_by_label: str
    created_at: datetime


class AttachmentOut(Schema):
    id: uuid.UUID
    note_id: uuid.UUID | None
    display_name: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_by_label: str
    created_at: datetime


class FiguresOut(Schema):
    month: int | None
    visits: int
    visit_aid: int
    people_helped: int
    hardship_cases: int
    hardship_aid_paid: int
    onboarding: int
    disputes: dict[str, int]
    disputes_total: int
    disputes_settled: int
    amount_disputed: int
    amount_recovered: int


class FiguresReport(Schema):
    year: int
    month: int | None
    months: list[FiguresOut]
    total: FiguresOut
