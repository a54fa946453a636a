"""Request and response bodies of the employer and vacancy API."""

import uuid
from datetime import date, datetime

from pydantic import Field

from api.paging import CappedPage, Page
from api.schemas import Input, Schema
from shared_models.enums import Education, EmployerSize, EntryThreshold, VacancyStatus


class EmployerFields(Input):
    address: str | None = Field(default=None, max_length=200)
    contact_name: str | None = Field(default=None, max_length=40)
    contact_phone: str | None = Field(default=None, max_length=20)
    size: EmployerSize | None = None
    is_employment_base: bool = False
    is_workshop: bool = False
    is_model_workshop: bool = False
    offers_housing: bool = False
    offers_meals: bool = False
    offers_transport: bool = False
    note: str | None = Field(default=None, max_length=500)


class EmployerCreate(EmployerFields):
    name: str = Field(min_length=1, max_length=120)
    credit_code: str = Field(min_length=1, max_length=30, description="统一社会信用代码")
    industry: str = Field(min_length=1, max_length=40)
    region_code: str | None = Field(
        default=None, max_length=6, description="Defaults to the bureau's own region code"
    )


class EmployerUpdate(Input):
    """Only the fields sent are changed. `version` is the one you read (409 if stale)."""

    version: int
    name: str | None = Field(default=None, min_length=1, max_length=120)
    credit_code: str | None = Field(default=None, min_length=1, max_length=30)
    industry: str | None = Field(default=None, min_length=1, max_length=40)
    region_code: str | None = Field(default=None, max_length=6)
    address: str | None = Field(default=None, max_length=200)
    contact_name: str | None = Field(default=None, max_length=40)
    contact_phone: str | None = Field(default=None, max_length=20)
    size: EmployerSize | None = None
    is_employment_base: bool | None = None
    is_workshop: bool | None = None
    is_model_workshop: bool | None = None
    offers_housing: bool | None = None
    offers_meals: bool | None = None
    offers_transport: bool | None = None
    note: str | None = Field(default=None, max_length=500)


class EmployerOut(Schema):
    id: uuid.UUID
    tenant_id: uuid.UUID
    version: int
    name: str
    credit_code: str
    industry: str
    region_code: str
    address: str | None
    contact_name: str | None
    contact_phone: str | None
    size: EmployerSize | None
    is_employment_base: bool
    is_workshop: bool
    is_model_workshop: bool
    offers_housing: bool
    offers_meals: bool
    offers_transport: bool
    note: str | None
    open_vacancies: int | None = None
    open_disputes: int = Field(
        default=0, description="Disputes with the employer not yet settled (liaison offices')"
    )
    created_at: datetime
    updated_at: datetime


EmployerPage = Page[EmployerOut]


class VacancyCreate(Input):
    employer_id: uuid.UUID
    title: str = Field(min_length=1, max_length=80)
    occupation_name: str = Field(min_length=1, max_length=60)
    occupation_code: str | None = Field(default=None, max_length=20)
    headcount: int = Field(ge=1, le=10_000)
    wage_min: int = Field(ge=0, le=100_000, description="Yuan per month")
    wage_max: int = Field(ge=0, le=100_000)
    region_code: str | None = Field(
        default=None, max_length=6, description="Work place; defaults to the employer's"
    )
    city: str | None = Field(default=None, max_length=40, description="From the region code")
    address: str | None = Field(default=None, max_length=200)
    age_min: int | None = None
    age_max: int | None = None
    education_min: Education | None = None
    requirements: str | None = Field(default=None, max_length=500)
    skills: list[str] = Field(default_factory=list, max_length=20)
    threshold: EntryThreshold = EntryThreshold.NONE
    offers_housing: bool | None = Field(default=None, description="Defaults to the employer's")
    offers_meals: bool | None = None
    offers_transport: bool | None = None
    offers_insurance: bool = False
    contract_months: int | None = None
    valid_from: date | None = Field(default=None, description="Defaults to today")
    valid_until: date | None = None
    status: VacancyStatus = VacancyStatus.OPEN


class VacancyUpdate(Input):
    version: int
    title: str | None = Field(default=None, min_length=1, max_length=80)
    occupation_name: str | None = Field(default=None, min_length=1, max_length=60)
    occupation_code: str | None = Field(default=None, max_length=20)
    headcount: int | None = Field(default=None, ge=1, le=10_000)
    wage_min: int | None = Field(default=None, ge=0, le=100_000)
    wage_max: int | None = Field(default=None, ge=0, le=100_000)
    region_code: str | None = Field(default=None, max_length=6)
    city: str | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=200)
    age_min: int | None = None
    age_max: int | None = None
    education_min: Education | None = None
    requirements: str | None = Field(default=None, max_length=500)
    skills: list[str] | None = Field(default=None, max_length=20)
    threshold: EntryThreshold | None = None
    offers_housing: bool | None = None
    offers_meals: bool | None = None
    offers_transport: bool | None = None
    offers_insurance: bool | None = None
    contract_months: int | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    status: VacancyStatus | None = None


class EmployerBrief(Schema):
    id: uuid.UUID
    name: str
    industry: str
    is_employment_base: bool
    is_workshop: bool
    is_model_workshop: bool
    contact_name: str | None
    contact_phone: str | None


class VacancyOut(Schema):
    id: uuid.UUID
    tenant_id: uuid.UUID
    version: int
    employer: EmployerBrief
    employer_open_disputes: int = Field(
        default=0, description="Disputes with the employer not yet settled (liaison offices')"
    )
    title: str
    occupation_name: str
    occupation_code: str | None
    headcount: int
    filled: int
    wage_min: int
    wage_max: int
    city: str
    region_code: str
    address: str | None
    age_min: int | None
    age_max: int | None
    education_min: Education | None
    requirements: str | None
    skills: list[str]
    threshold: EntryThreshold
    offers_housing: bool
    offers_meals: bool
    offers_transport: bool
    offers_insurance: bool
    contract_months: int | None
    valid_from: date
    valid_until: date | None
    status: VacancyStatus = Field(description="As of today: past its end date reads expired")
    created_at: datetime
    updated_at: datetime


class VacancyPageOut(CappedPage[VacancyOut]):
    next_after: str | None = Field(
        None,
        description="Pass as `after` for the page that follows (keyset paging: it starts"
        " right after this page's last row, whatever was added before it); null on the"
        " last page",
    )
