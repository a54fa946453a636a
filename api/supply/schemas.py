"""Request and response bodies of the laborer API."""

import uuid
from datetime import date, datetime

from pydantic import Field

from api.paging import CappedPage
from api.schemas import Input, Schema
from shared_models.enums import (
    AssistanceMeasure,
    Education,
    EmploymentDifficulty,
    EmploymentNeed,
    EmploymentStatus,
    HealthStatus,
    PovertyStatus,
    Sex,
    SkillLevel,
    StateSource,
    TagKind,
    TransferScope,
    WorkScope,
)

ShortText = Field(max_length=60)


class OccupationIO(Schema):
    name: str = Field(min_length=1, max_length=60)
    code: str | None = Field(default=None, max_length=20)


class LaborerFields(Input):
    """Everything a caller may set. Birth date and sex come from the ID number."""

    phone: str | None = Field(default=None, max_length=20)
    region_code: str | None = Field(default=None, max_length=6)
    household_head: str | None = Field(default=None, max_length=40)
    poverty_year: int | None = None
    education: Education | None = None
    health_status: HealthStatus = HealthStatus.HEALTHY
    disability_level: int | None = None
    two_after: bool = False
    employment_need: EmploymentNeed = EmploymentNeed.NONE
    skill_level: SkillLevel = SkillLevel.NONE
    employment_difficulty: EmploymentDifficulty = EmploymentDifficulty.NONE
    assistance_measure: AssistanceMeasure = AssistanceMeasure.NONE
    surveyed_on: date | None = None
    surveyor: str | None = Field(default=None, max_length=40)
    transfer_willing: bool = False
    transfer_scope: TransferScope | None = None
    preferred_cities: list[str] = Field(default_factory=list, max_length=20)
    preferred_industries: list[str] = Field(default_factory=list, max_length=20)
    expected_wage: int | None = None
    entrepreneurship_intention: bool = False
    skills: list[OccupationIO] = Field(default_factory=list, max_length=20)
    certificates: list[str] = Field(default_factory=list, max_length=20)
    training_needs: list[OccupationIO] = Field(default_factory=list, max_length=20)
    note: str | None = Field(default=None, max_length=500)


class LaborerCreate(LaborerFields):
    name: str = Field(min_length=1, max_length=40)
    id_number: str = Field(min_length=1, max_length=30)
    township: str = Field(min_length=1, max_length=40)
    village: str = Field(min_length=1, max_length=40)
    poverty_status: PovertyStatus
    employment_status: EmploymentStatus


class LaborerUpdate(Input):
    """Only the fields sent are changed. `version` is the one you read (409 if stale)."""

    version: int
    name: str | None = Field(default=None, min_length=1, max_length=40)
    id_number: str | None = Field(default=None, min_length=1, max_length=30)
    phone: str | None = Field(default=None, max_length=20)
    region_code: str | None = Field(default=None, max_length=6)
    township: str | None = Field(default=None, min_length=1, max_length=40)
    village: str | None = Field(default=None, min_length=1, max_length=40)
    household_head: str | None = Field(default=None, max_length=40)
    poverty_status: PovertyStatus | None = None
    poverty_year: int | None = None
    education: Education | None = None
    health_status: HealthStatus | None = None
    disability_level: int | None = None
    two_after: bool | None = None
    employment_status: EmploymentStatus | None = None
    transfer_willing: bool | None = None
    transfer_scope: TransferScope | None = None
    preferred_cities: list[str] | None = Field(default=None, max_length=20)
    preferred_industries: list[str] | None = Field(default=None, max_length=20)
    expected_wage: int | None = None
    entrepreneurship_intention: bool | None = None
    skills: list[OccupationIO] | None = Field(default=None, max_length=20)
    certificates: list[str] | None = Field(default=None, max_length=20)
    training_needs: list[OccupationIO] | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, max_length=500)


class DerivedTagOut(Schema):
    kind: TagKind
    value: str
    source: StateSource
    source_id: uuid.UUID | None = Field(description="The training enrollment")
    as_of: date | None


class LaborerOut(Schema):
    id: uuid.UUID
    tenant_id: uuid.UUID
    version: int
    name: str
    id_number: str = Field(description="Masked: 500237********123X")
    phone: str | None = Field(description="Masked: 138****5678")
    sex: Sex
    birth_date: date
    age: int
    region_code: str
    township: str
    village: str
    household_head: str | None
    poverty_status: PovertyStatus
    poverty_year: int | None
    education: Education | None
    health_status: HealthStatus
    disability_level: int | None
    two_after: bool
    employment_status: EmploymentStatus
    employment_need: EmploymentNeed
    skill_level: SkillLevel
    employment_difficulty: EmploymentDifficulty
    assistance_measure: AssistanceMeasure
    last_surveyed_on: date | None
    last_surveyor: str | None
    employment_source: StateSource = Field(
        description="Where the status came from: record, survey or placement (latest by date)"
    )
    employment_as_of: date | None = Field(description="The day of that fact; null: as registered")
    employment_source_id: uuid.UUID | None = Field(description="The survey or placement")
    employer_name: str | None = Field(description="Current employer (open placement)")
    work_region_code: str | None
    work_city: str | None
    work_scope: WorkScope | None = Field(description="区内 / 区外市内 / 市外 of the current job")
    skill_level_source: StateSource
    skill_level_as_of: date | None
    derived_tags: list[DerivedTagOut] = Field(
        default_factory=list, description="Skills and certificates a training added"
    )
    transfer_willing: bool
    transfer_scope: TransferScope | None
    preferred_cities: list[str]
    preferred_industries: list[str]
    expected_wage: int | None
    entrepreneurship_intention: bool
    skills: list[OccupationIO]
    certificates: list[str]
    training_needs: list[OccupationIO]
    note: str | None
    possible_duplicate: bool = Field(
        description="Another county of the pairing registered the same ID number"
    )
    created_at: datetime
    updated_at: datetime


class LaborerPage(CappedPage[LaborerOut]):
    """A roster page."""


class SurveyIn(Input):
    surveyed_on: date
    surveyor: str = Field(min_length=1, max_length=40)
    employment_status: EmploymentStatus
    employment_need: EmploymentNeed
    skill_level: SkillLevel
    employment_difficulty: EmploymentDifficulty
    assistance_measure: AssistanceMeasure
    note: str | None = Field(default=None, max_length=500)


class SurveyOut(Schema):
    id: uuid.UUID
    surveyed_on: date
    surveyor: str
    employment_status: EmploymentStatus
    employment_need: EmploymentNeed
    skill_level: SkillLevel
    employment_difficulty: EmploymentDifficulty
    assistance_measure: AssistanceMeasure
    note: str | None
    created_at: datetime


class RevealOut(Schema):
    id_number: str
    phone: str | None
