"""Request and response bodies of the laborer API. The create and update bodies are
built from the field declaration (api/supply/fields.py)."""

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import Field, create_model

from api.paging import CappedPage
from api.schemas import Input, Schema
from api.supply.fields import INPUT, LIST_LIMIT, Kind, LaborerField
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


def _python_type(f: LaborerField) -> Any:
    if f.kind is Kind.ENUM:
        return f.enum
    return {
        Kind.TEXT: str,
        Kind.INT: int,
        Kind.BOOL: bool,
        Kind.DATE: date,
        Kind.LIST: list[str],
        Kind.OCCUPATIONS: list[OccupationIO],
    }[f.kind]


def _limits(f: LaborerField) -> dict[str, Any]:
    if f.kind in (Kind.LIST, Kind.OCCUPATIONS):
        return {"max_length": LIST_LIMIT}
    limits: dict[str, Any] = {"max_length": f.max_length} if f.max_length else {}
    if f.required and f.kind is Kind.TEXT:
        limits["min_length"] = 1
    return limits


def _on_create(f: LaborerField) -> tuple[Any, Any]:
    kind = _python_type(f)
    if f.required:
        return kind, Field(**_limits(f))
    if f.kind in (Kind.LIST, Kind.OCCUPATIONS):
        return kind, Field(default_factory=list, **_limits(f))
    if f.default is not None:
        return kind, Field(default=f.default, **_limits(f))
    return kind | None, Field(default=None, **_limits(f))


def _on_update(f: LaborerField) -> tuple[Any, Any]:
    return _python_type(f) | None, Field(default=None, **_limits(f))


if TYPE_CHECKING:
    # Built at run time from the declaration; to the type checker, input models whose
    # fields are read by name (their types are the declaration's, checked by pydantic).
    class LaborerCreate(Input):
        def __getattr__(self, name: str) -> Any: ...

    class LaborerUpdate(Input):
        version: int

        def __getattr__(self, name: str) -> Any: ...

else:
    LaborerCreate = create_model(
        "LaborerCreate",
        __base__=Input,
        __doc__="Everything a caller may set. Birth date and sex come from the ID number.",
        **{f.name: _on_create(f) for f in INPUT},
    )
    LaborerUpdate = create_model(
        "LaborerUpdate",
        __base__=Input,
        __doc__="Only the fields sent are changed. `version` is the one you read (409 if stale).",
        version=(int, ...),
        **{f.name: _on_update(f) for f in INPUT if f.on_edit},
    )


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
