"""Employer and vacancy forms: what the inputs hold, to and from API-shaped dicts."""

from typing import Any

from api.labels import options
from api.spreadsheets.cells import join_list, read_list
from shared_models import Employer, Vacancy
from shared_models.enums import Education, EmployerSize, EntryThreshold, VacancyStatus
from web.forms import checkbox, clean

EMPLOYER_TEXT = [
    "name",
    "credit_code",
    "industry",
    "region_code",
    "address",
    "contact_name",
    "contact_phone",
    "size",
    "note",
]
EMPLOYER_FLAGS = [
    "is_employment_base",
    "is_workshop",
    "is_model_workshop",
    "offers_housing",
    "offers_meals",
    "offers_transport",
]
VACANCY_TEXT = [
    "title",
    "occupation_name",
    "occupation_code",
    "headcount",
    "wage_min",
    "wage_max",
    "region_code",
    "address",
    "age_min",
    "age_max",
    "education_min",
    "requirements",
    "threshold",
    "contract_months",
    "valid_from",
    "valid_until",
    "status",
]
REQUIRED_VACANCY = [
    "title",
    "occupation_name",
    "headcount",
    "wage_min",
    "wage_max",
    "region_code",
    "threshold",
    "valid_from",
    "status",
]
VACANCY_FLAGS = ["offers_housing", "offers_meals", "offers_transport", "offers_insurance"]
# A poster chooses open or paused; filled and expired follow from the records.
POSTED_STATUSES = [VacancyStatus.OPEN, VacancyStatus.PAUSED]
CHOICES = {
    "size": options(EmployerSize),
    "education_min": options(Education),
    "threshold": options(EntryThreshold),
    "status": [(v, label) for v, label in options(VacancyStatus) if v in POSTED_STATUSES],
}


def employer_data(form: Any) -> dict[str, Any]:
    data = clean(form, EMPLOYER_TEXT)
    for name in EMPLOYER_FLAGS:
        data[name] = checkbox(form, name)
    return data


def employer_values(employer: Employer) -> dict[str, Any]:
    values = {n: getattr(employer, n) for n in EMPLOYER_TEXT + EMPLOYER_FLAGS}
    values["version"] = employer.version
    return values


def vacancy_data(form: Any, *, editing: bool) -> dict[str, Any]:
    data = clean(form, VACANCY_TEXT + ([] if editing else ["employer_id"]))
    for name in VACANCY_FLAGS:
        data[name] = checkbox(form, name)
    data["skills"] = list(read_list(form.get("skills")))
    if editing:
        # An emptied required input is an error (not "unchanged"): the model says so.
        for name in REQUIRED_VACANCY:
            data.setdefault(name, "")
        # An emptied optional input clears the stored value.
        for name in (
            "occupation_code",
            "address",
            "age_min",
            "age_max",
            "education_min",
            "requirements",
            "contract_months",
            "valid_until",
        ):
            data.setdefault(name, None)
    return data


def vacancy_values(vacancy: Vacancy) -> dict[str, Any]:
    values = {n: getattr(vacancy, n) for n in VACANCY_TEXT + VACANCY_FLAGS}
    values["skills"] = join_list(s.name for s in vacancy.skills)
    values["employer_id"] = str(vacancy.employer_id)
    values["version"] = vacancy.version
    return values


def submitted_values(data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    if isinstance(values.get("skills"), list):
        values["skills"] = join_list(values["skills"])
    return values
