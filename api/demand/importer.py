"""The vacancy list as a kind of import (api/imports/pipeline.py): its row rules, its
comparison with the register and its write.

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
from api.imports import pipeline
from api.spreadsheets.cells import read_cells, with_column
from shared_models import Employer, Vacancy
from shared_models.enums import EntryThreshold, VacancyStatus

MAX_ROWS = 50_000


@dataclass
class Row:
    number: int
    employer: EmployerRecord
    vacancy: VacancyRecord


@dataclass
class Plan(pipeline.Plan):
    new_employers: dict[str, EmployerRecord] = field(default_factory=dict)
    new: list[Row] = field(default_factory=list)
    updated: list[tuple[Vacancy, VacancyRecord, list[str]]] = field(default_factory=list)
    unchanged: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "new_employers": len(self.new_employers),
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


def _error(number: int, field: str, message: str, code: str, params: dict[str, Any]) -> FieldError:
    """A check across rows or against the register, placed on its row and column."""
    header = ledger.BY_FIELD[field].header
    return FieldError(field, message, code, params, row=number, column=header)


def _row_errors(number: int, problems: list[FieldError]) -> list[FieldError]:
    by_field = {**ledger.BY_FIELD, "name": ledger.BY_FIELD["employer_name"]}
    by_field["occupation_name"] = by_field["occupation_code"] = ledger.BY_FIELD["occupation"]
    return [with_column(p, number, by_field) for p in problems]


@dataclass
class VacancyList:
    """The vacancy list's columns (api/demand/ledger.py) and its row rules."""

    default_region: str
    today: date = field(default_factory=clock.today)
    sheet = pipeline.Sheet(ledger.HEADER_INDEX, ledger.REQUIRED, max_rows=MAX_ROWS)
    batch_kind = "vacancies"
    audit_action = "vacancy.import"

    def new_plan(self) -> Plan:
        return Plan()

    def read_row(
        self, number: int, cells: list[Any], layout: pipeline.Layout
    ) -> pipeline.RowRead[Row] | None:
        read = read_cells(number, cells, layout.columns, layout.formulas, ledger.REQUIRED)
        if read is None:
            return None
        values, errors = read
        if errors:
            return pipeline.RowRead(None, errors)
        employer, vacancy = _records(values, self.default_region, self.today)
        problems = check_employer(employer) + check_vacancy(vacancy, today=self.today)
        if problems:
            return pipeline.RowRead(None, _row_errors(number, problems))
        return pipeline.RowRead(Row(number, employer, vacancy), [])

    def check_file(self, rows: list[tuple[int, Row]], plan: Plan) -> list[tuple[int, Row]]:
        """One credit code, one name; one vacancy per employer and title."""
        names: dict[str, tuple[str, int]] = {}
        keys: dict[tuple[str, str], int] = {}
        for _number, row in rows:
            code = row.employer.credit_code
            name, first = names.setdefault(code, (row.employer.name, row.number))
            if name != row.employer.name:
                plan.errors.append(
                    _error(
                        row.number,
                        "employer_name",
                        _("Row {row} gives this credit code to {name}."),
                        "credit_code_other_name",
                        {"row": first, "name": name},
                    )
                )
            key = (code, row.vacancy.title)
            if key in keys:
                plan.errors.append(
                    _error(
                        row.number,
                        "title",
                        _("This employer's vacancy of the same title is also on row {row}."),
                        "duplicate_in_file",
                        {"row": keys[key]},
                    )
                )
            else:
                keys[key] = row.number
        return rows

    def compare(
        self, session: Session, access: AccessContext, rows: list[tuple[int, Row]], plan: Plan
    ) -> None:
        codes = sorted({r.employer.credit_code for _n, r in rows})
        known = repository.employers_by_code(session, access, codes)
        existing = repository.vacancies_by_key(session, access, [e.id for e in known.values()])
        for _number, row in rows:
            employer = known.get(row.employer.credit_code)
            if employer is None:
                plan.new_employers.setdefault(row.employer.credit_code, row.employer)
                plan.new.append(row)
                continue
            if employer.name != row.employer.name:
                plan.errors.append(
                    _error(
                        row.number,
                        "employer_name",
                        _("This credit code is registered here as {name}."),
                        "credit_code_other_name",
                        {"name": employer.name},
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
                    _error(
                        row.number,
                        "headcount",
                        _("{filled} people are already hired; the headcount cannot be lower."),
                        "headcount_below_filled",
                        {"filled": stored.filled},
                    )
                )
            elif changed:
                plan.updated.append((stored, row.vacancy, changed))
            else:
                plan.unchanged += 1

    def write(
        self, session: Session, access: AccessContext, plan: Plan, batch_id: uuid.UUID | None
    ) -> None:
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
