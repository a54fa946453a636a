"""Match results: the ranked item, its score and why."""

import uuid
from datetime import date

from pydantic import Field

from api.demand.schemas import VacancyOut
from api.schemas import Schema
from shared_models.enums import (
    Education,
    EmploymentStatus,
    PovertyStatus,
    Sex,
    SkillLevel,
    TransferScope,
)


class CheckOut(Schema):
    key: str = Field(description="available, age, education, place; skill, place, wage, ...")
    points: int
    most: int
    met: bool
    reason: str = Field(description="A stable code for why, e.g. occupation, preferred_city")
    text: str = Field(description="The reason as a sentence in the request's language")
    values: dict[str, object]


class ExplanationOut(Schema):
    score: int
    filters: list[CheckOut]
    criteria: list[CheckOut]


class VacancyMatchOut(Schema):
    vacancy: VacancyOut
    score: int = Field(ge=0, le=100)
    explanation: ExplanationOut


class LaborerBrief(Schema):
    """What a match shows of a laborer: no ID or phone number."""

    id: uuid.UUID
    name: str
    sex: Sex
    age: int
    township: str
    village: str
    poverty_status: PovertyStatus
    education: Education | None
    skill_level: SkillLevel
    employment_status: EmploymentStatus
    transfer_willing: bool
    transfer_scope: TransferScope | None
    expected_wage: int | None
    skills: list[str]
    preferred_cities: list[str]


class LaborerMatchOut(Schema):
    laborer: LaborerBrief
    score: int = Field(ge=0, le=100)
    explanation: ExplanationOut


class VacancyMatchesOut(Schema):
    laborer_id: uuid.UUID
    reason: str | None = Field(description="Why there are no matches at all, if known")
    as_of: date
    items: list[VacancyMatchOut]


class LaborerMatchesOut(Schema):
    vacancy_id: uuid.UUID
    reason: str | None
    as_of: date
    items: list[LaborerMatchOut]
