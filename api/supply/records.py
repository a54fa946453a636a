"""A laborer's data as entered (form, API or ledger row), validated the same way for all.

`LaborerRecord` holds typed, normalised values; `check_record` applies the rules that
need more than one field or outside knowledge (ID numbers, region codes, phone numbers).
"""

import re
from dataclasses import dataclass, field, fields
from datetime import date

from api import clock
from api.errors import FieldError
from api.i18n import _
from shared_models.enums import (
    AssistanceMeasure,
    Education,
    EmploymentDifficulty,
    EmploymentNeed,
    EmploymentStatus,
    HealthStatus,
    PovertyStatus,
    SkillLevel,
    TransferScope,
)
from shared_models.validators import RegionCodeError, validate_region_code
from shared_models.validators.idnumber import IdNumber, IdNumberError, parse

MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")
OCCUPATION_CODE = re.compile(r"\d-\d{2}-\d{2}-\d{2}(-\d{2})?")
NAME = re.compile(r"[\u3400-\u9fffA-Za-z·•. ]{2,20}")
MAX_WAGE = 100_000

ID_MESSAGES = {
    "masked": _("This ID number is masked (*); only a full number can be registered."),
    "format": _("An ID number has 18 characters: 17 digits, then a digit or X."),
    "checksum": _("The check character of this ID number is wrong."),
    "date": _("The birth date in this ID number is impossible."),
    "region": _("This ID number does not start with a known region code."),
}


@dataclass(frozen=True, slots=True)
class Occupation:
    """A skill or training need: an occupation name, with its code where known."""

    name: str
    code: str | None = None

    def text(self) -> str:
        return f"{self.name}({self.code})" if self.code else self.name


@dataclass(slots=True)
class LaborerRecord:
    name: str
    id_number: str
    region_code: str
    township: str
    village: str
    poverty_status: PovertyStatus
    employment_status: EmploymentStatus
    phone: str | None = None
    household_head: str | None = None
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
    surveyor: str | None = None
    transfer_willing: bool = False
    transfer_scope: TransferScope | None = None
    preferred_cities: tuple[str, ...] = ()
    preferred_industries: tuple[str, ...] = ()
    expected_wage: int | None = None
    entrepreneurship_intention: bool = False
    skills: tuple[Occupation, ...] = ()
    certificates: tuple[str, ...] = ()
    training_needs: tuple[Occupation, ...] = ()
    note: str | None = None
    identity: IdNumber | None = field(default=None, compare=False, repr=False)


RECORD_FIELDS = tuple(f.name for f in fields(LaborerRecord) if f.name != "identity")
SURVEY_FIELDS = (
    "employment_status",
    "employment_need",
    "skill_level",
    "employment_difficulty",
    "assistance_measure",
)


def normalize_phone(raw: str | None) -> str | None:
    if raw is None:
        return None
    phone = "".join(raw.split()).replace("+86", "", 1)
    return phone or None


def check_record(record: LaborerRecord, *, today: date | None = None) -> list[FieldError]:
    """Cross-field and reference checks; sets `record.identity` when the ID is valid."""
    today = today or clock.today()
    errors: list[FieldError] = []
    if not NAME.fullmatch(record.name):
        errors.append(
            FieldError("name", _("A name has 2 to 20 characters (Chinese, letters or ·)."), "name")
        )
    if "*" in record.id_number:
        errors.append(FieldError("id_number", ID_MESSAGES["masked"], "id_masked"))
    else:
        try:
            record.identity = parse(record.id_number, today=today)
            record.id_number = record.identity.value
        except IdNumberError as exc:
            errors.append(FieldError("id_number", ID_MESSAGES[exc.reason], "id_" + exc.reason))
    if record.phone is not None and "*" in record.phone:
        errors.append(
            FieldError(
                "phone", _("This phone number is masked (*); give the full number."), "phone_masked"
            )
        )
    elif record.phone is not None and not (
        MOBILE.fullmatch(record.phone) or LANDLINE.fullmatch(record.phone)
    ):
        errors.append(FieldError("phone", _("Not a valid mobile or landline number."), "phone"))
    try:
        record.region_code = validate_region_code(record.region_code, known=True)
    except RegionCodeError as exc:
        message = (
            _("A region code has exactly 6 digits.")
            if exc.reason == "format"
            else _("{code} is not a known region code (GB/T 2260).")
        )
        errors.append(
            FieldError("region_code", message, "region_" + exc.reason, {"code": record.region_code})
        )
    if record.household_head is not None and len(record.household_head) > 40:
        errors.append(
            FieldError(
                "household_head",
                _("Too long: at most {max_length} characters."),
                "too_long",
                {"max_length": 40},
            )
        )
    for name in ("township", "village"):
        value = getattr(record, name)
        if not value:
            errors.append(FieldError(name, _("This field is required."), "missing"))
        elif len(value) > 40:
            errors.append(
                FieldError(
                    name,
                    _("Too long: at most {max_length} characters."),
                    "too_long",
                    {"max_length": 40},
                )
            )
    if record.poverty_year is not None and not 2013 <= record.poverty_year <= today.year:
        errors.append(
            FieldError(
                "poverty_year",
                _("Give a year between {low} and {high}."),
                "year_range",
                {"low": 2013, "high": today.year},
            )
        )
    if record.disability_level is not None and (
        record.health_status is not HealthStatus.DISABLED or not 1 <= record.disability_level <= 4
    ):
        errors.append(
            FieldError(
                "disability_level",
                _("A disability level is 1 to 4, and only for people with a disability."),
                "disability_level",
            )
        )
    if record.expected_wage is not None and not 0 <= record.expected_wage <= MAX_WAGE:
        errors.append(
            FieldError(
                "expected_wage",
                _("Give an amount between {low} and {high}."),
                "wage_range",
                {"low": 0, "high": MAX_WAGE},
            )
        )
    if record.surveyed_on is not None:
        if record.surveyed_on > today:
            errors.append(FieldError("surveyed_on", _("The date is in the future."), "future"))
        if not record.surveyor:
            errors.append(
                FieldError(
                    "surveyor", _("Say who surveyed when a survey date is given."), "missing"
                )
            )
    for name in ("skills", "training_needs"):
        for occupation in getattr(record, name):
            if occupation.code and not OCCUPATION_CODE.fullmatch(occupation.code):
                errors.append(
                    FieldError(name, _("Occupation codes look like 6-04-02-01."), "occupation_code")
                )
            if len(occupation.name) > 60:
                errors.append(
                    FieldError(
                        name,
                        _("Too long: at most {max_length} characters."),
                        "too_long",
                        {"max_length": 60},
                    )
                )
    for name in ("preferred_cities", "preferred_industries", "certificates"):
        if any(len(v) > 60 for v in getattr(record, name)):
            errors.append(
                FieldError(
                    name,
                    _("Too long: at most {max_length} characters."),
                    "too_long",
                    {"max_length": 60},
                )
            )
    if record.note is not None and len(record.note) > 500:
        errors.append(
            FieldError(
                "note",
                _("Too long: at most {max_length} characters."),
                "too_long",
                {"max_length": 500},
            )
        )
    return errors
