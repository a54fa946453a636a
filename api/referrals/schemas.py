"""Request and response bodies of the referral API."""

import uuid
from datetime import date, datetime

from pydantic import Field

from api.paging import Page
from api.schemas import Input, Schema
from shared_models.enums import (
    Education,
    ReferralStatus,
    Sex,
    SkillLevel,
)


class ReferralCreate(Input):
    """One laborer to several vacancies, or several laborers to one vacancy."""

    laborer_ids: list[uuid.UUID] = Field(min_length=1, max_length=200)
    vacancy_ids: list[uuid.UUID] = Field(min_length=1, max_length=200)
    note: str | None = Field(default=None, max_length=500)
    occurred_on: date | None = Field(
        default=None, description="When the referral was made (a past day); default today"
    )


class ReferralStep(Input):
    status: ReferralStatus
    version: int
    occurred_on: date | None = Field(
        default=None,
        description="When the step happened: today or a past day, not before the previous step",
    )
    note: str | None = Field(default=None, max_length=500)


class Candidate(Schema):
    """The laborer as the referral shows them. For the vacancy's bureau the name is
    masked and there is no ID, phone or address: a candidate profile."""

    id: uuid.UUID
    name: str
    masked: bool
    sex: Sex
    age: int
    county: str
    education: Education | None
    skill_level: SkillLevel
    skills: list[str]
    certificates: list[str]
    expected_wage: int | None


class EventOut(Schema):
    from_status: ReferralStatus | None
    to_status: ReferralStatus
    occurred_on: date
    recorded_by_label: str
    note: str | None
    created_at: datetime


class ReferralOut(Schema):
    id: uuid.UUID
    version: int
    status: ReferralStatus
    status_on: date
    hired_on: date | None
    match_score: int | None
    note: str | None
    laborer: Candidate
    vacancy_id: uuid.UUID
    vacancy_title: str
    employer_id: uuid.UUID
    employer_name: str
    next_steps: list[ReferralStatus] = Field(description="What the caller may record next")
    events: list[EventOut]
    created_at: datetime


class ReferralBoard(Page[ReferralOut]):
    counts: dict[str, int] = Field(description="Referrals per status (before the status filter)")
