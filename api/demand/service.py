"""Posting employers and vacancies into the shared demand pool (its reads: pool_reads.py)."""

import uuid
from dataclasses import asdict
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.demand import repository
from api.demand.pool import effective_status
from api.demand.records import (
    EMPLOYER_FIELDS,
    EmployerRecord,
    VacancyRecord,
    check_employer,
    check_vacancy,
    normalize_words,
)
from api.errors import Conflict, FieldError, Forbidden, NotFound, StaleVersion, ValidationFailed
from api.i18n import _
from api.paging import Paging
from shared_models import Employer, Vacancy
from shared_models.base import utcnow
from shared_models.enums import Permission, VacancyStatus

VACANCY_COLUMNS = (
    "title",
    "occupation_name",
    "occupation_code",
    "headcount",
    "wage_min",
    "wage_max",
    "city",
    "region_code",
    "address",
    "age_min",
    "age_max",
    "education_min",
    "requirements",
    "threshold",
    "offers_housing",
    "offers_meals",
    "offers_transport",
    "offers_insurance",
    "contract_months",
    "valid_from",
    "valid_until",
    "status",
)
BENEFITS = ("offers_housing", "offers_meals", "offers_transport")


def plain(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the audit log stores them."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, StrEnum):
            value = value.value
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[key] = value
    return out


def require_poster(access: AccessContext, tenant_id: uuid.UUID | None = None) -> None:
    access.require(Permission.WRITE)
    if not access.can_write(DataKind.DEMAND, tenant_id or access.tenant_id):
        raise Forbidden(
            detail=_("Only the bureau that posted an employer or vacancy may change it.")
        )


def _check_version(current: int, given: int) -> None:
    if current != given:
        raise StaleVersion(
            _("Reload the record: it is at version {current}, you edited version {given}."),
            params={"current": current, "given": given},
            extra={"current_version": current},
        )


# --- employers ---------------------------------------------------------------------------------


def _duplicate(existing: Employer) -> Conflict:
    return Conflict(
        _("This credit code is already registered here as {name} (employer {id})."),
        params={"name": existing.name, "id": existing.id},
        extra={"existing_id": str(existing.id)},
    )


def create_employer(session: Session, access: AccessContext, record: EmployerRecord) -> Employer:
    require_poster(access)
    errors = check_employer(record)
    if errors:
        raise ValidationFailed(errors=errors)
    existing = repository.employer_by_code(session, access, access.tenant_id, record.credit_code)
    if existing is not None:
        raise _duplicate(existing)
    employer = Employer(id=uuid.uuid4(), tenant_id=access.tenant_id, **asdict(record))
    repository.add(session, access, employer)
    audit.record(
        session,
        access,
        action="employer.create",
        entity_type="employer",
        entity_id=employer.id,
        after=plain(asdict(record)),
    )
    return employer


def get_employer(session: Session, access: AccessContext, employer_id: uuid.UUID) -> Employer:
    employer = repository.get_employer(session, access, employer_id)
    if employer is None:
        raise NotFound()
    return employer


def employer_record(employer: Employer) -> EmployerRecord:
    return EmployerRecord(**{name: getattr(employer, name) for name in EMPLOYER_FIELDS})


def update_employer(
    session: Session,
    access: AccessContext,
    employer_id: uuid.UUID,
    changes: dict[str, Any],
    *,
    version: int,
) -> Employer:
    employer = get_employer(session, access, employer_id)
    require_poster(access, employer.tenant_id)
    _check_version(employer.version, version)
    current = employer_record(employer)
    updated = EmployerRecord(**{**asdict(current), **changes})
    errors = check_employer(updated)
    if errors:
        raise ValidationFailed(errors=errors)
    after = asdict(updated)
    before = asdict(current)
    changed = [k for k in after if after[k] != before[k]]
    if not changed:
        return employer
    if "credit_code" in changed:
        other = repository.employer_by_code(
            session, access, employer.tenant_id, updated.credit_code
        )
        if other is not None and other.id != employer.id:
            raise _duplicate(other)
    for name in changed:
        setattr(employer, name, after[name])
    employer.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        access,
        action="employer.update",
        entity_type="employer",
        entity_id=employer.id,
        before=plain({k: before[k] for k in changed}),
        after=plain({k: after[k] for k in changed}),
        tenant_id=employer.tenant_id,
    )
    return employer


def list_employers(
    session: Session,
    access: AccessContext,
    *,
    q: str | None = None,
    owner_id: uuid.UUID | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[Employer], int]:
    paging = Paging(page, page_size)
    rows, total = repository.employers(
        session, access, q=q, owner_id=owner_id, offset=paging.offset, limit=paging.limit
    )
    return list(rows), total


def open_vacancy_counts(
    session: Session, access: AccessContext, employers: list[Employer]
) -> dict[uuid.UUID, int]:
    return repository.open_vacancy_counts(session, access, [e.id for e in employers], clock.today())


# --- vacancies ---------------------------------------------------------------------------------


def vacancy_values(record: VacancyRecord | Vacancy) -> dict[str, Any]:
    """The stored columns, of a record or of the row it became (same names)."""
    return {name: getattr(record, name) for name in VACANCY_COLUMNS}


def new_vacancy(access: AccessContext, employer: Employer, record: VacancyRecord) -> Vacancy:
    vacancy = Vacancy(
        id=uuid.uuid4(),
        tenant_id=access.tenant_id,
        employer_id=employer.id,
        filled=0,
        **vacancy_values(record),
    )
    vacancy.employer = employer
    return vacancy


def create_vacancy(
    session: Session,
    access: AccessContext,
    employer_id: uuid.UUID,
    values: dict[str, Any],
    *,
    today: date | None = None,
) -> Vacancy:
    """`values` as sent; the place and benefits left out are the employer's, the start
    date today."""
    employer = get_employer(session, access, employer_id)
    require_poster(access, employer.tenant_id)
    given = {k: v for k, v in values.items() if v is not None}
    given.setdefault("region_code", employer.region_code)
    given.setdefault("valid_from", today or clock.today())
    for name in BENEFITS:
        given.setdefault(name, getattr(employer, name))
    given["skills"] = normalize_words(given.get("skills") or ())
    record = VacancyRecord(**given)
    errors = check_vacancy(record, today=today)
    if errors:
        raise ValidationFailed(errors=errors)
    vacancy = new_vacancy(access, employer, record)
    repository.add(session, access, vacancy)
    repository.replace_skills(session, access, vacancy, record.skills)
    audit.record(
        session,
        access,
        action="vacancy.create",
        entity_type="vacancy",
        entity_id=vacancy.id,
        after=plain({"employer_id": str(employer.id), **asdict(record)}),
    )
    return vacancy


def get_vacancy(session: Session, access: AccessContext, vacancy_id: uuid.UUID) -> Vacancy:
    vacancy = repository.get_vacancy(session, access, vacancy_id)
    if vacancy is None:
        raise NotFound()
    return vacancy


def vacancy_record(vacancy: Vacancy) -> VacancyRecord:
    values = vacancy_values(vacancy)
    # A stored `filled`/`expired` is the vacancy's doing, not the poster's: edits keep it.
    if values["status"] not in (VacancyStatus.OPEN, VacancyStatus.PAUSED):
        values["status"] = VacancyStatus.OPEN
    return VacancyRecord(**values, skills=tuple(s.name for s in vacancy.skills))


def update_vacancy(
    session: Session,
    access: AccessContext,
    vacancy_id: uuid.UUID,
    changes: dict[str, Any],
    *,
    version: int,
    today: date | None = None,
) -> Vacancy:
    vacancy = get_vacancy(session, access, vacancy_id)
    require_poster(access, vacancy.tenant_id)
    _check_version(vacancy.version, version)
    current = vacancy_record(vacancy)
    if "skills" in changes:
        changes = {**changes, "skills": normalize_words(changes["skills"] or ())}
    if "region_code" in changes and "city" not in changes:
        changes = {**changes, "city": None}  # a new place: its city follows
    updated = VacancyRecord(**{**asdict(current), **changes})
    errors = check_vacancy(updated, today=today)
    if "headcount" in changes and updated.headcount < vacancy.filled:
        errors.append(_headcount_below_filled(vacancy.filled))
    if errors:
        raise ValidationFailed(errors=errors)
    before, after = asdict(current), asdict(updated)
    stored_status = vacancy.status
    if stored_status not in (VacancyStatus.OPEN, VacancyStatus.PAUSED) and "status" not in changes:
        after["status"] = before["status"] = stored_status
    changed = [k for k in after if after[k] != before[k]]
    if not changed:
        return vacancy
    for name in changed:
        if name != "skills":
            setattr(vacancy, name, after[name])
    _settle_status(vacancy, today or clock.today(), explicit="status" in changed)
    vacancy.updated_at = utcnow()
    session.flush()
    if "skills" in changed:
        repository.replace_skills(session, access, vacancy, updated.skills)
    audit.record(
        session,
        access,
        action="vacancy.update",
        entity_type="vacancy",
        entity_id=vacancy.id,
        before=plain({k: before[k] for k in changed}),
        after=plain({k: after[k] for k in changed}),
        tenant_id=vacancy.tenant_id,
    )
    return vacancy


def _headcount_below_filled(filled: int) -> FieldError:
    return FieldError(
        "headcount",
        _("{filled} people are already hired; the headcount cannot be lower."),
        "headcount_below_filled",
        {"filled": filled},
    )


def _settle_status(vacancy: Vacancy, today: date, *, explicit: bool) -> None:
    """After an edit: more places reopen a filled vacancy, a later end date an expired one
    (unless the poster paused it); a full one reads filled."""
    if vacancy.filled >= vacancy.headcount:
        vacancy.status = VacancyStatus.FILLED
    elif vacancy.status is VacancyStatus.FILLED:
        vacancy.status = VacancyStatus.OPEN
    still_valid = vacancy.valid_until is None or vacancy.valid_until >= today
    if vacancy.status is VacancyStatus.EXPIRED and not explicit and still_valid:
        vacancy.status = VacancyStatus.OPEN


def status_of(vacancy: Vacancy, today: date | None = None) -> VacancyStatus:
    return effective_status(vacancy, today or clock.today())


def expire(session: Session, access: AccessContext, today: date | None = None) -> int:
    """Store `expired` on this bureau's vacancies past their end date (nightly job)."""
    today = today or clock.today()
    count = repository.expire(session, access, today)
    if count:
        audit.record(
            session,
            access,
            action="vacancy.expire",
            entity_type="vacancy",
            entity_id=None,
            after={"count": count, "on": today.isoformat()},
        )
    return count
