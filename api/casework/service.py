"""Casework rules: who opens and changes a case, what each kind must carry, and the
status steps (notes and attachments are in `notes`). Every change is audited in the
office's log."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.casework import dispute_counts, repository
from api.demand import repository as demand_repository
from api.errors import (
    FieldError,
    Forbidden,
    InvalidTransition,
    NotFound,
    StaleVersion,
    ValidationFailed,
)
from api.events.bus import publish
from api.events.catalog import CaseChanged, CaseClosed, CaseEvent, CaseOpened
from api.i18n import _
from api.ids import new_id
from api.security.masking import mask_name
from api.supply import repository as supply_repository
from shared_models import Case, CaseLaborer
from shared_models.enums import CaseKind, CaseStatus, Permission

# The rest of each kind's form, kept in `details`: the keys each kind accepts.
DETAIL_KEYS: dict[CaseKind, frozenset[str]] = {
    CaseKind.VISIT: frozenset({"visitors", "findings", "gifts"}),
    CaseKind.HARDSHIP_AID: frozenset({"cause", "goods", "approved_by", "approved_on"}),
    CaseKind.ONBOARDING: frozenset(
        {"arrived_on", "accommodation", "contract_signed", "first_wage_paid_on"}
    ),
    CaseKind.DISPUTE: frozenset({"claim", "respondent_contact"}),
}
DISPUTE_FIELDS = ("dispute_kind", "employer_id", "employer_name", "amount_disputed",
                  "amount_recovered", "authority", "deadline", "outcome")  # fmt: skip
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.OPEN: frozenset(
        {CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED, CaseStatus.REFERRED, CaseStatus.CLOSED}
    ),
    CaseStatus.IN_PROGRESS: frozenset(
        {CaseStatus.RESOLVED, CaseStatus.REFERRED, CaseStatus.CLOSED}
    ),
    CaseStatus.REFERRED: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.CLOSED}),
    CaseStatus.RESOLVED: frozenset({CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}
FINISHED = frozenset({CaseStatus.RESOLVED, CaseStatus.REFERRED, CaseStatus.CLOSED})
AUDITED = ("kind", "status", "occurred_on", "summary", "place", "aid_amount", "dispute_kind",
           "employer_id", "employer_name", "amount_disputed", "amount_recovered", "authority",
           "deadline", "outcome", "closed_on", "details")  # fmt: skip


@dataclass
class CaseInput:
    kind: CaseKind
    occurred_on: date
    summary: str
    laborer_ids: list[uuid.UUID]
    place: str | None = None
    aid_amount: int | None = None
    dispute_kind: Any = None
    employer_id: uuid.UUID | None = None
    employer_name: str | None = None
    amount_disputed: int | None = None
    amount_recovered: int | None = None
    authority: str | None = None
    deadline: date | None = None
    outcome: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def full_view(access: AccessContext, case: Case) -> bool:
    """The office and its county see everything; the employer's bureau a masked view."""
    return case.tenant_id == access.tenant_id or access.can_read(DataKind.LABORER, case.county_id)


def laborer_names(access: AccessContext, case: Case) -> list[str]:
    full = full_view(access, case)
    return [lab.name if full else mask_name(lab.name) for lab in case.laborers]


def next_statuses(case: Case) -> list[CaseStatus]:
    return [s for s in CaseStatus if s in TRANSITIONS[case.status]]


def get(session: Session, access: AccessContext, case_id: uuid.UUID) -> Case:
    case = repository.get(session, access, case_id)
    if case is None:
        raise NotFound()
    return case


def get_full(session: Session, access: AccessContext, case_id: uuid.UUID) -> Case:
    """A case whose notes and attachments the caller may read."""
    case = get(session, access, case_id)
    if not full_view(access, case):
        raise Forbidden(
            detail=_("Notes and attachments stay with the liaison office and its county.")
        )
    return case


def require_office(access: AccessContext, tenant_id: uuid.UUID) -> None:
    access.require(Permission.WRITE)
    if not access.can_write(DataKind.CASE, tenant_id):
        raise Forbidden(detail=_("Cases are kept by the liaison office."))


def _check_fields(kind: CaseKind, values: dict[str, Any], today: date) -> list[FieldError]:
    errors = []
    unknown = set(values.get("details") or {}) - DETAIL_KEYS[kind]
    if unknown:
        errors.append(
            FieldError(
                "details",
                _("Unknown details for this kind of case: {keys}."),
                "unknown_details",
                {"keys": ", ".join(sorted(unknown))},
            )
        )
    if kind is CaseKind.DISPUTE:
        if values.get("dispute_kind") is None:
            errors.append(
                FieldError("dispute_kind", _("Say what the dispute is about."), "required")
            )
    else:
        errors.extend(
            FieldError(name, _("Only a dispute has this field."), "dispute_only")
            for name in DISPUTE_FIELDS
            if values.get(name) is not None
        )
    occurred = values.get("occurred_on")
    if occurred is not None and occurred > today:
        errors.append(
            FieldError("occurred_on", _("Record a case on or after its date."), "future_date")
        )
    return errors


def create(
    session: Session, access: AccessContext, data: CaseInput, *, today: date | None = None
) -> Case:
    require_office(access, access.tenant_id)
    today = today or clock.today()
    values = data.__dict__
    errors = _check_fields(data.kind, values, today)
    laborer_ids = list(dict.fromkeys(data.laborer_ids))
    laborers = {lab.id: lab for lab in supply_repository.by_ids(session, access, laborer_ids)}
    missing = [i for i in laborer_ids if i not in laborers]
    if missing:
        errors.append(
            FieldError(
                "laborer_ids",
                _("Laborer {id} is not in your register."),
                "laborer_not_found",
                {"id": missing[0]},
            )
        )
    counties = {lab.tenant_id for lab in laborers.values()}
    if len(counties) > 1:
        errors.append(
            FieldError("laborer_ids", _("A case concerns laborers of one county."), "counties")
        )
    employer = None
    if data.employer_id is not None and data.kind is CaseKind.DISPUTE:
        employer = demand_repository.get_employer(session, access, data.employer_id)
        if employer is None:
            errors.append(_no_employer())
    if errors:
        raise ValidationFailed(errors=errors)
    case = Case(
        id=new_id(),
        tenant_id=access.tenant_id,
        county_id=counties.pop(),
        kind=data.kind,
        status=CaseStatus.OPEN,
        occurred_on=data.occurred_on,
        summary=data.summary,
        place=data.place,
        aid_amount=data.aid_amount,
        dispute_kind=data.dispute_kind,
        employer_id=employer.id if employer else None,
        employer_tenant_id=employer.tenant_id if employer else None,
        employer_name=employer.name if employer else data.employer_name,
        amount_disputed=data.amount_disputed,
        amount_recovered=data.amount_recovered,
        authority=data.authority,
        deadline=data.deadline,
        outcome=data.outcome,
        details=dict(data.details),
        opened_by_label=access.recorded_as,
    )
    case.laborers = [
        CaseLaborer(
            id=new_id(),
            tenant_id=access.tenant_id,
            laborer_id=lab_id,
            name=laborers[lab_id].name,
            position=n,
        )
        for n, lab_id in enumerate(laborer_ids)
    ]
    repository.add(session, access, case)
    audit.record(
        session,
        access,
        action="case.create",
        entity_type="case",
        entity_id=case.id,
        after={**audit.snapshot(case, AUDITED), "laborer_ids": [str(i) for i in laborer_ids]},
    )
    _refresh_derived(session, access, case, CaseOpened, today)
    return case


def _no_employer() -> FieldError:
    return FieldError("employer_id", _("No such employer in the pool."), "employer_not_found")


def _employer_key(case: Case) -> dispute_counts.EmployerKey:
    return (case.employer_id, case.employer_tenant_id)


def _refresh_derived(
    session: Session,
    access: AccessContext,
    case: Case,
    fact: type[CaseEvent],
    today: date,
    earlier: dispute_counts.EmployerKey = (None, None),
    *,
    recount: bool = True,
) -> None:
    """Raise the case's event (disputes drive two warning rules, re-judged after the
    commit for its laborers and those placed with the employers it names, before and
    after); and recount the pool's dispute counts of the employer (and the one it had
    before) when the case's status or employer moved."""
    employers = (earlier[0], case.employer_id)
    publish(
        session,
        access,
        fact(
            case_id=case.id,
            kind=case.kind,
            county_id=case.county_id,
            laborer_ids=tuple(lab.laborer_id for lab in case.laborers),
            employer_ids=tuple(dict.fromkeys(e for e in employers if e is not None)),
            recorded_on=today,
        ),
    )
    if recount:
        dispute_counts.recount(session, access, [earlier, _employer_key(case)])


def update(
    session: Session,
    access: AccessContext,
    case_id: uuid.UUID,
    changes: dict[str, Any],
    *,
    version: int,
    today: date | None = None,
) -> Case:
    today = today or clock.today()
    case = get(session, access, case_id)
    require_office(access, case.tenant_id)
    if case.version != version:
        raise StaleVersion()
    if "details" in changes:
        changes["details"] = {**case.details, **(changes["details"] or {})}
    merged = {name: getattr(case, name) for name in AUDITED} | changes
    errors = _check_fields(case.kind, merged, today)
    if errors:
        raise ValidationFailed(errors=errors)
    before = audit.snapshot(case, AUDITED)
    earlier = _employer_key(case)
    if changes.get("employer_id", case.employer_id) != case.employer_id:
        _move_employer(session, access, case, changes)
    status = changes.pop("status", None)
    was_finished = case.status in FINISHED
    if status is not None and status != case.status:
        if status not in TRANSITIONS[case.status]:
            raise InvalidTransition(
                _("A case cannot go from {old} to {new}."),
                params={"old": case.status, "new": status},  # shown by their labels
            )
        case.status = status
        case.closed_on = today if status in FINISHED else None
    for name, value in changes.items():
        setattr(case, name, value)
    session.flush()
    old, new = audit.changed_only(before, audit.snapshot(case, AUDITED))
    if new:
        audit.record(
            session,
            access,
            action="case.update",
            entity_type="case",
            entity_id=case.id,
            before=old,
            after=new,
            tenant_id=case.tenant_id,
        )
        moved = {"status", "employer_id"} & set(new)
        closed = case.status in FINISHED and not was_finished
        fact = CaseClosed if closed else CaseChanged
        _refresh_derived(session, access, case, fact, today, earlier, recount=bool(moved))
    return case


def _move_employer(
    session: Session, access: AccessContext, case: Case, changes: dict[str, Any]
) -> None:
    """Another employer of the pool: its bureau (who reads the dispute) and name too."""
    employer_id = changes.pop("employer_id")
    employer = None
    if employer_id is not None:
        employer = demand_repository.get_employer(session, access, employer_id)
        if employer is None:
            raise ValidationFailed(errors=[_no_employer()])
    case.employer_id = employer_id
    case.employer_tenant_id = employer.tenant_id if employer else None
    if employer is not None:
        case.employer_name = employer.name
