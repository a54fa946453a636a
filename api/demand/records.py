"""Employers and vacancies as entered (form, API or 岗位信息汇总表 row), checked the same
way for all: `check_employer` and `check_vacancy` return every problem at once."""

import re
from dataclasses import dataclass, fields
from datetime import date

from api import clock
from api.errors import FieldError
from api.i18n import _
from api.supply.records import LANDLINE, MOBILE, OCCUPATION_CODE
from shared_models.enums import Education, EmployerSize, EntryThreshold, VacancyStatus
from shared_models.validators import RegionCodeError, city_name, validate_region_code
from shared_models.validators.credit_code import CreditCodeError, validate_credit_code
from shared_models.validators.region import short_place

MAX_WAGE = 100_000
MAX_HEADCOUNT = 10_000
WORKING_AGE = (16, 70)

CREDIT_CODE_MESSAGES = {
    "format": _(
        "A unified social credit code has 18 characters: digits and capital letters "
        "except I, O, S, V and Z."
    ),
    "checksum": _("The check character of this credit code is wrong."),
    "region": _("Characters 3 to 8 of this credit code are not a region code."),
}


@dataclass(slots=True)
class EmployerRecord:
    name: str
    credit_code: str
    industry: str
    region_code: str
    address: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    size: EmployerSize | None = None
    is_employment_base: bool = False
    is_workshop: bool = False
    is_model_workshop: bool = False
    offers_housing: bool = False
    offers_meals: bool = False
    offers_transport: bool = False
    note: str | None = None


@dataclass(slots=True)
class VacancyRecord:
    title: str
    occupation_name: str
    headcount: int
    wage_min: int
    wage_max: int
    region_code: str
    valid_from: date
    threshold: EntryThreshold = EntryThreshold.NONE
    city: str | None = None  # from the region code when not given
    occupation_code: str | None = None
    address: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    education_min: Education | None = None
    requirements: str | None = None
    skills: tuple[str, ...] = ()
    offers_housing: bool = False
    offers_meals: bool = False
    offers_transport: bool = False
    offers_insurance: bool = False
    contract_months: int | None = None
    valid_until: date | None = None
    status: VacancyStatus = VacancyStatus.OPEN


EMPLOYER_FIELDS = tuple(f.name for f in fields(EmployerRecord))
VACANCY_FIELDS = tuple(f.name for f in fields(VacancyRecord))


def _too_long(name: str, value: str | None, limit: int) -> FieldError | None:
    if value is not None and len(value) > limit:
        return FieldError(
            name, _("Too long: at most {max_length} characters."), "too_long", {"max_length": limit}
        )
    return None


def _required_text(name: str, value: str | None, limit: int) -> FieldError | None:
    if not value:
        return FieldError(name, _("This field is required."), "missing")
    return _too_long(name, value, limit)


def _region(record: EmployerRecord | VacancyRecord) -> FieldError | None:
    try:
        record.region_code = validate_region_code(record.region_code, known=True)
    except RegionCodeError as exc:
        message = (
            _("A region code has exactly 6 digits.")
            if exc.reason == "format"
            else _("{code} is not a known region code (GB/T 2260).")
        )
        return FieldError(
            "region_code", message, "region_" + exc.reason, {"code": record.region_code}
        )
    return None


def check_credit_code(value: str) -> tuple[str, FieldError | None]:
    try:
        return validate_credit_code(value), None
    except CreditCodeError as exc:
        return value, FieldError(
            "credit_code", CREDIT_CODE_MESSAGES[exc.reason], "credit_code_" + exc.reason
        )


def check_employer(record: EmployerRecord) -> list[FieldError]:
    """Checks that need more than a field's type; normalises the credit code."""
    record.credit_code, credit_error = check_credit_code(record.credit_code)
    problems = [
        _required_text("name", record.name, 120),
        credit_error,
        _required_text("industry", record.industry, 40),
        _region(record),
        _too_long("address", record.address, 200),
        _too_long("contact_name", record.contact_name, 40),
        _too_long("note", record.note, 500),
    ]
    phone = record.contact_phone
    if phone is not None and not (MOBILE.fullmatch(phone) or LANDLINE.fullmatch(phone)):
        problems.append(
            FieldError("contact_phone", _("Not a valid mobile or landline number."), "phone")
        )
    if record.is_model_workshop and not record.is_workshop:
        record.is_workshop = True  # a model workshop (示范车间) is a workshop first
    return [p for p in problems if p is not None]


def check_vacancy(record: VacancyRecord, *, today: date | None = None) -> list[FieldError]:
    """Checks that need more than a field's type; fills the city from the region code."""
    today = today or clock.today()
    problems: list[FieldError | None] = [
        _required_text("title", record.title, 80),
        _required_text("occupation_name", record.occupation_name, 60),
        _region(record),
        _too_long("address", record.address, 200),
        _too_long("requirements", record.requirements, 500),
    ]
    if record.occupation_code and not OCCUPATION_CODE.fullmatch(record.occupation_code):
        problems.append(
            FieldError(
                "occupation_code", _("Occupation codes look like 6-04-02-01."), "occupation_code"
            )
        )
    if not problems[2]:
        record.city = short_place(record.city) if record.city else city_name(record.region_code)
    if record.city is not None:
        problems.append(_too_long("city", record.city, 40))
    if not 1 <= record.headcount <= MAX_HEADCOUNT:
        problems.append(
            FieldError(
                "headcount",
                _("Give a number between {low} and {high}."),
                "headcount_range",
                {"low": 1, "high": MAX_HEADCOUNT},
            )
        )
    problems.extend(_wage_problems(record))
    problems.extend(_age_problems(record))
    if record.contract_months is not None and not 1 <= record.contract_months <= 120:
        problems.append(
            FieldError(
                "contract_months",
                _("Give a number between {low} and {high}."),
                "contract_range",
                {"low": 1, "high": 120},
            )
        )
    if record.valid_until is not None and record.valid_until < record.valid_from:
        problems.append(
            FieldError("valid_until", _("The end date is before the start date."), "date_order")
        )
    if record.status not in (VacancyStatus.OPEN, VacancyStatus.PAUSED):
        problems.append(
            FieldError(
                "status",
                _("A vacancy is posted open or paused; filled and expired follow by themselves."),
                "status_derived",
            )
        )
    skills = []
    for skill in record.skills:
        if len(skill) > 60:
            problems.append(_too_long("skills", skill, 60))
        elif skill not in skills:
            skills.append(skill)
    if len(skills) > 20:
        problems.append(
            FieldError("skills", _("At most {count} entries."), "too_many", {"count": 20})
        )
    record.skills = tuple(skills)
    return [p for p in problems if p is not None]


def _wage_problems(record: VacancyRecord) -> list[FieldError]:
    problems = []
    for name in ("wage_min", "wage_max"):
        if not 0 <= getattr(record, name) <= MAX_WAGE:
            problems.append(
                FieldError(
                    name,
                    _("Give an amount between {low} and {high}."),
                    "wage_range",
                    {"low": 0, "high": MAX_WAGE},
                )
            )
    if not problems and record.wage_max < record.wage_min:
        problems.append(
            FieldError(
                "wage_max",
                _("The highest wage is below the lowest."),
                "wage_order",
            )
        )
    return problems


def _age_problems(record: VacancyRecord) -> list[FieldError]:
    low, high = WORKING_AGE
    problems = []
    for name in ("age_min", "age_max"):
        value = getattr(record, name)
        if value is not None and not low <= value <= high:
            problems.append(
                FieldError(
                    name,
                    _("Give an age between {low} and {high}."),
                    "age_range",
                    {"low": low, "high": high},
                )
            )
    if (
        not problems
        and record.age_min is not None
        and record.age_max is not None
        and record.age_max < record.age_min
    ):
        problems.append(
            FieldError("age_max", _("The highest age is below the lowest."), "age_order")
        )
    return problems


def normalize_words(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Trim, drop empties and repeats, keep order."""
    seen: dict[str, None] = {}
    for value in values:
        if value and value.strip():
            seen.setdefault(value.strip(), None)
    return tuple(seen)


_SPACES = re.compile(r"\s+")


def clean_text(value: str | None) -> str | None:
    if value is None:
        return None
    value = _SPACES.sub(" ", value).strip()
    return value or None
