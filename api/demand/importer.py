"""Vacancy list import: read, check every row, plan, then save all rows or none.

A row names its employer by credit code. An employer new to the bureau is registered
from the row; a known one must carry the name it is registered under (a mistyped code
would otherwise attach vacancies to the wrong company). A row whose employer already
has a vacancy of the same title updates that vacancy.
"""

import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext
from api.demand import ledger, repository
from api.demand.records import EmployerRecord, VacancyRecord, check_employer, check_vacancy
from api.demand.service import new_vacancy, vacancy_record, vacancy_values
from api.errors import FieldError
from api.i18n import _
from api.spreadsheets.cells import file_error, map_headers, read_cells, with_column
from api.spreadsheets.reader import UnreadableFile, read_table
from api.supply.importer import FILE_MESSAGES, reported_errors
from shared_models import Employer, Vacancy
from shared_models.enums import EntryThreshold, VacancyStatus

MAX_ROWS = 50_000


@dataclass
class Row:
    number: int
    employer: EmployerRecord
    vacancy: VacancyRecord


@dataclass
class Plan:
    rows: int = 0
    new_employers: dict[str, EmployerRecord] = field(default_factory=dict)
    new: list[Row] = field(default_factory=list)
    updated: list[tuple[Vacancy, VacancyRecord, list[str]]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[FieldError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "new": len(self.new),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "new_employers": len(self.new_employers),
            "error_count": len(self.errors),
            "ignored_columns": self.ignored_columns,
            "errors": reported_errors(self.errors),
        }


def _records(
    values: dict[str, Any], default_region: str, today: date
) -> tuple[EmployerRecord, VacancyRecord]:
    labels = values.get("labels") or ()
    region = values.get("region_code") or default_region
    occupation = values.get("occupation") or ("", None)
    # Said of the employer and of the vacancy alike.
    housing = bool(values.get("offers_housing"))
    meals = bool(values.get("offers_meals"))
    transport = bool(values.get("offers_transport"))
    employer = EmployerRecord(
        name=values.get("employer_name") or "",
        credit_code=values.get("credit_code") or "",
        industry=values.get("industry") or "",
        region_code=region,
        contact_name=values.get("contact_name"),
        contact_phone=values.get("contact_phone"),
        size=values.get("size"),
        is_employment_base="is_employment_base" in labels,
        is_workshop="is_workshop" in labels,
        is_model_workshop="is_model_workshop" in labels,
        offers_housing=housing,
        offers_meals=meals,
        offers_transport=transport,
    )
    vacancy = VacancyRecord(
        title=values.get("title") or "",
        occupation_name=occupation[0],
        occupation_code=occupation[1],
        headcount=values.get("headcount") or 0,
        wage_min=values.get("wage_min") or 0,
        wage_max=values.get("wage_max") or 0,
        region_code=region,
        city=values.get("city"),
        address=values.get("address"),
        age_min=values.get("age_min"),
        age_max=values.get("age_max"),
        education_min=values.get("education_min"),
        requirements=values.get("requirements"),
        skills=values.get("skills") or (),
        threshold=values.get("threshold") or EntryThreshold.NONE,
        offers_insurance=bool(values.get("offers_insurance")),
        contract_months=values.get("contract_months"),
        valid_from=values.get("valid_from") or today,
        valid_until=values.get("valid_until"),
        # Filled and expired are the system's reading (an export says so); on import they
        # leave the vacancy posted open, to be read again from its places and dates.
        status=VacancyStatus.PAUSED
        if values.get("status") is VacancyStatus.PAUSED
        else VacancyStatus.OPEN,
        offers_housing=housing,
        offers_meals=meals,
        offers_transport=transport,
    )
    return employer, vacancy


def _row_errors(number: int, problems: list[FieldError]) -> list[FieldError]:
    by_field = {**ledger.BY_FIELD, "name": ledger.BY_FIELD["employer_name"]}
    by_field["occupation_name"] = by_field["occupation_code"] = ledger.BY_FIELD["occupation"]
    return [with_column(p, number, by_field) for p in problems]


def _read_rows(
    data: bytes, filename: str, plan: Plan, default_region: str, today: date
) -> list[Row]:
    try:
        table = read_table(data, filename)
    except UnreadableFile as exc:
        plan.errors.append(file_error("file_" + exc.reason, FILE_MESSAGES[exc.reason]))
        return []
    mapped = map_headers(table.headers, ledger.HEADER_INDEX, ledger.REQUIRED)
    plan.ignored_columns, plan.errors = mapped.ignored, list(mapped.errors)
    if plan.errors:
        return []
    rows: list[Row] = []
    for number, cells in table.rows:
        read = read_cells(number, cells, mapped.columns, table.formulas, ledger.REQUIRED)
        if read is None:
            continue
        plan.rows += 1
        if plan.rows > MAX_ROWS:
            plan.errors = [
                file_error(
                    "too_many_rows",
                    _("The file has more than {count} rows; split it."),
                    count=MAX_ROWS,
                )
            ]
            return []
        values, errors = read
        if errors:
            plan.errors.extend(errors)
            continue
        employer, vacancy = _records(values, default_region, today)
        problems = check_employer(employer) + check_vacancy(vacancy, today=today)
        if problems:
            plan.errors.extend(_row_errors(number, problems))
            continue
        rows.append(Row(number, employer, vacancy))
    if plan.rows == 0 and not plan.errors:
        plan.errors.append(file_error("no_rows", _("The file has no data rows.")))
    return rows


def _in_file_conflicts(rows: list[Row], plan: Plan) -> None:
    names: dict[str, tuple[str, int]] = {}
    keys: dict[tuple[str, str], int] = {}
    for row in rows:
        code = row.employer.credit_code
        name, first = names.setdefault(code, (row.employer.name, row.number))
        if name != row.employer.name:
            plan.errors.append(
                FieldError(
                    "employer_name",
                    _("Row {row} gives this credit code to {name}."),
                    "credit_code_other_name",
                    {"row": first, "name": name},
                    row=row.number,
                    column=ledger.BY_FIELD["employer_name"].header,
                )
            )
        key = (code, row.vacancy.title)
        if key in keys:
            plan.errors.append(
                FieldError(
                    "title",
                    _("This employer's vacancy of the same title is also on row {row}."),
                    "duplicate_in_file",
                    {"row": keys[key]},
                    row=row.number,
                    column=ledger.BY_FIELD["title"].header,
                )
            )
        else:
            keys[key] = row.number


def plan_import(
    session: Session,
    access: AccessContext,
    data: bytes,
    filename: str,
    *,
    today: date | None = None,
) -> Plan:
    today = today or clock.today()
    plan = Plan()
    rows = _read_rows(data, filename, plan, access.tenant_region_code, today)
    _in_file_conflicts(rows, plan)
    if plan.errors:
        plan.errors.sort(key=lambda e: (e.row or 0, e.column or ""))
        return plan
    known = repository.employers_by_code(
        session, access, sorted({r.employer.credit_code for r in rows})
    )
    existing = repository.vacancies_by_key(session, access, [e.id for e in known.values()])
    for row in rows:
        employer = known.get(row.employer.credit_code)
        if employer is None:
            plan.new_employers.setdefault(row.employer.credit_code, row.employer)
            plan.new.append(row)
            continue
        if employer.name != row.employer.name:
            plan.errors.append(
                FieldError(
                    "employer_name",
                    _("This credit code is registered here as {name}."),
                    "credit_code_other_name",
                    {"name": employer.name},
                    row=row.number,
                    column=ledger.BY_FIELD["employer_name"].header,
                )
            )
            continue
        stored = existing.get((employer.id, row.vacancy.title))
        if stored is None:
            plan.new.append(row)
            continue
        before, after = asdict(vacancy_record(stored)), asdict(row.vacancy)
        changed = [k for k in after if after[k] != before[k]]
        if row.vacancy.headcount < stored.filled:
            plan.errors.append(
                FieldError(
                    "headcount",
                    _("{filled} people are already hired; the headcount cannot be lower."),
                    "headcount_below_filled",
                    {"filled": stored.filled},
                    row=row.number,
                    column=ledger.BY_FIELD["headcount"].header,
                )
            )
        elif changed:
            plan.updated.append((stored, row.vacancy, changed))
        else:
            plan.unchanged += 1
    return plan


def apply_plan(session: Session, access: AccessContext, plan: Plan) -> None:
    employers: dict[str, Employer] = {}
    for code, record in plan.new_employers.items():
        employer = Employer(id=uuid.uuid4(), tenant_id=access.tenant_id, **asdict(record))
        session.add(employer)
        employers[code] = employer
    session.flush()
    known = repository.employers_by_code(
        session, access, sorted({r.employer.credit_code for r in plan.new})
    )
    for row in plan.new:
        vacancy = new_vacancy(access, known[row.employer.credit_code], row.vacancy)
        session.add(vacancy)
        session.flush()
        repository.replace_skills(session, access, vacancy, row.vacancy.skills)
    for stored, record, changed in plan.updated:
        values = vacancy_values(record)
        for name in changed:
            if name != "skills":
                setattr(stored, name, values[name])
        if stored.filled >= stored.headcount:
            stored.status = VacancyStatus.FILLED
        session.flush()
        if "skills" in changed:
            repository.replace_skills(session, access, stored, record.skills)
