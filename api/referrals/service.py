"""Referrals (岗位推荐): a county refers laborers to vacancies and both sides follow each
one to a hire. Every step is dated and signed; a hire takes one of the vacancy's places
or fails with a conflict, so the headcount is never exceeded."""

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from api import clock, history
from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.demand import repository as demand_repository
from api.demand.pool import is_open
from api.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidTransition,
    NotFound,
    StaleVersion,
    ValidationFailed,
)
from api.events.bus import publish
from api.events.catalog import LaborerHired
from api.i18n import _
from api.labels import label
from api.matching import repository as matching_repository
from api.matching.criteria import explain
from api.matching.service import laborer_facts, vacancy_facts
from api.paging import Paging
from api.referrals import repository
from api.referrals.transitions import COUNTY_ONLY, NEXT, allowed
from shared_models import Referral, ReferralEvent
from shared_models.base import utcnow
from shared_models.enums import Permission, ReferralStatus

MAX_PAIRS = 200


@dataclass
class Board:
    items: list[Referral]
    total: int
    counts: dict[str, int]


def require_referrer(access: AccessContext) -> None:
    access.require(Permission.WRITE)
    if not access.write_ids(DataKind.REFERRAL):
        raise Forbidden(
            detail=_("Referrals are made by the laborer's county and its liaison offices.")
        )


def _event(
    access: AccessContext,
    referral: Referral,
    before: ReferralStatus | None,
    on: date,
    note: str | None,
) -> ReferralEvent:
    return ReferralEvent(
        id=uuid.uuid4(),
        referral=referral,  # back-populates referral.events, so the response shows it
        tenant_id=referral.tenant_id,
        vacancy_tenant_id=referral.vacancy_tenant_id,
        from_status=before,
        to_status=referral.status,
        occurred_on=on,
        recorded_by=access.user_id,
        recorded_by_label=access.recorded_as,
        recorded_by_tenant=access.tenant_id,
        note=note,
    )


def refer(
    session: Session,
    access: AccessContext,
    *,
    laborer_ids: list[uuid.UUID],
    vacancy_ids: list[uuid.UUID],
    note: str | None = None,
    today: date | None = None,
    occurred_on: date | None = None,
) -> list[Referral]:
    """Refer each laborer to each vacancy (one side is a single item). All or none.
    `occurred_on` backdates the referral (a ledger entered later); default today."""
    today = today or clock.today()
    require_referrer(access)
    on = occurred_on or today
    history.raise_any(history.not_ahead("occurred_on", on, today))
    laborer_ids, vacancy_ids = list(dict.fromkeys(laborer_ids)), list(dict.fromkeys(vacancy_ids))
    if not laborer_ids or not vacancy_ids or min(len(laborer_ids), len(vacancy_ids)) != 1:
        raise ValidationFailed(
            _("Refer one laborer to several vacancies, or several laborers to one vacancy.")
        )
    if len(laborer_ids) * len(vacancy_ids) > MAX_PAIRS:
        raise ValidationFailed(_("At most {count} referrals at once."), params={"count": MAX_PAIRS})
    laborers = matching_repository.laborers_with_tags(session, access, laborer_ids)
    vacancies = matching_repository.vacancies_with_employer(session, access, vacancy_ids)
    errors: list[FieldError] = []
    for laborer_id in laborer_ids:
        laborer = laborers.get(laborer_id)
        if laborer is None or not access.can_write(DataKind.REFERRAL, laborer.tenant_id):
            errors.append(
                FieldError(
                    "laborer_ids",
                    _("Laborer {id} is not in your register."),
                    "laborer_not_found",
                    {"id": laborer_id},
                )
            )
    for vacancy_id in vacancy_ids:
        vacancy = vacancies.get(vacancy_id)
        if vacancy is None:
            errors.append(
                FieldError(
                    "vacancy_ids",
                    _("Vacancy {id} is not in your demand pool."),
                    "vacancy_not_found",
                    {"id": vacancy_id},
                )
            )
        elif not is_open(vacancy, on):
            errors.append(
                FieldError(
                    "vacancy_ids",
                    _("{title} is not open for referrals."),
                    "vacancy_not_open",
                    {"title": vacancy.title},
                )
            )
    if errors:
        raise ValidationFailed(errors=errors)
    pairs = [(lab, vac) for lab in laborer_ids for vac in vacancy_ids]
    existing = repository.live_pairs(session, access, pairs)
    if existing:
        (laborer_id, vacancy_id), referral_id = next(iter(existing.items()))
        raise Conflict(
            _("{name} is already referred to {title} (referral {id})."),
            params={
                "name": laborers[laborer_id].name,
                "title": vacancies[vacancy_id].title,
                "id": referral_id,
            },
            extra={"existing_ids": [str(i) for i in existing.values()]},
        )
    created = []
    for laborer_id, vacancy_id in pairs:
        laborer, vacancy = laborers[laborer_id], vacancies[vacancy_id]
        score = explain(laborer_facts(laborer), vacancy_facts(vacancy), today).score
        referral = Referral(
            id=uuid.uuid4(),
            tenant_id=laborer.tenant_id,
            vacancy_tenant_id=vacancy.tenant_id,
            laborer_id=laborer.id,
            vacancy_id=vacancy.id,
            employer_id=vacancy.employer_id,
            status=ReferralStatus.RECOMMENDED,
            status_on=on,
            match_score=score,
            note=note,
            created_by=access.user_id,
        )
        repository.add(session, access, referral)
        repository.add_event(session, access, _event(access, referral, None, on, note))
        audit.record(
            session,
            access,
            action="referral.create",
            entity_type="referral",
            entity_id=referral.id,
            after={
                "laborer_id": str(laborer.id),
                "vacancy_id": str(vacancy.id),
                "vacancy": vacancy.title,
                "score": score,
            },
        )
        created.append(referral)
    return created


def get(session: Session, access: AccessContext, referral_id: uuid.UUID) -> Referral:
    referral = repository.get(session, access, referral_id)
    if referral is None:
        raise NotFound()
    return referral


def sides(access: AccessContext, referral: Referral) -> tuple[bool, bool]:
    """(may act for the laborer's county, may act for the vacancy's bureau)."""
    return (
        access.can_write(DataKind.REFERRAL, referral.tenant_id),
        access.can_write(DataKind.REFERRAL_VACANCY, referral.vacancy_tenant_id),
    )


def next_steps(access: AccessContext, referral: Referral) -> list[ReferralStatus]:
    """The steps this caller may record now, in pipeline order."""
    county, employer = sides(access, referral)
    if not (county or employer):
        return []
    return [
        s for s in ReferralStatus if s in NEXT[referral.status] and (county or s not in COUNTY_ONLY)
    ]


def advance(
    session: Session,
    access: AccessContext,
    referral_id: uuid.UUID,
    target: ReferralStatus,
    *,
    version: int,
    occurred_on: date | None = None,
    note: str | None = None,
    today: date | None = None,
) -> Referral:
    today = today or clock.today()
    occurred_on = occurred_on or today
    referral = get(session, access, referral_id)
    access.require(Permission.WRITE)
    county, employer = sides(access, referral)
    if not (county or employer):
        raise Forbidden(detail=_("You may read this referral but not record its steps."))
    if target in COUNTY_ONLY and not county:
        raise Forbidden(detail=_("Only the laborer's county withdraws a referral."))
    if referral.version != version:
        raise StaleVersion(
            _("Reload the record: it is at version {current}, you edited version {given}."),
            params={"current": referral.version, "given": version},
            extra={"current_version": referral.version},
        )
    if not allowed(referral.status, target):
        choices = "、".join(label(s) for s in ReferralStatus if s in NEXT[referral.status])
        raise InvalidTransition(
            _("A referral that is {current} cannot become {target}; next: {choices}."),
            params={
                "current": label(referral.status),
                "target": label(target),
                "choices": choices or "—",
            },
            extra={"allowed": [s.value for s in ReferralStatus if s in NEXT[referral.status]]},
        )
    _check_order(referral, target, occurred_on, today)
    if target is ReferralStatus.HIRED:
        if not demand_repository.take_place(session, access, referral.vacancy_id):
            raise Conflict(
                _("Every place of {title} is filled; the hire was not recorded."),
                params={"title": referral.vacancy.title},
            )
        session.expire(referral.vacancy, ["filled", "status", "version"])
        referral.hired_on = occurred_on
    before = referral.status
    referral.status = target
    referral.status_on = occurred_on
    referral.updated_at = utcnow()
    session.flush()
    if target is ReferralStatus.HIRED:
        # The placement starts in this transaction (a laborer still in another job is
        # refused); the warnings follow after the commit.
        publish(
            session,
            access,
            LaborerHired(
                referral_id=referral.id,
                laborer_id=referral.laborer_id,
                county_id=referral.tenant_id,
                vacancy_id=referral.vacancy_id,
                hired_on=occurred_on,
                recorded_on=today,
            ),
        )
    repository.add_event(session, access, _event(access, referral, before, occurred_on, note))
    audit.record(
        session,
        access,
        action="referral.step",
        entity_type="referral",
        entity_id=referral.id,
        before={"status": before.value},
        after={"status": target.value, "on": occurred_on.isoformat(), "note": note},
    )
    return referral


def _check_order(referral: Referral, target: ReferralStatus, on: date, today: date) -> None:
    """A step is dated on or after the step before it, and a hire on or after the
    referral itself, whatever order the ledger is typed in."""
    referred_on = min((e.occurred_on for e in referral.events), default=referral.status_on)
    order = None
    if target is ReferralStatus.HIRED and on < referred_on:
        order = history.not_before(
            "occurred_on",
            on,
            referred_on,
            _("A hire cannot be dated before the referral, {date}."),
            "hire_before_referral",
        )
    order = order or history.not_before(
        "occurred_on",
        on,
        referral.status_on,
        _("This step cannot be dated before the previous step, {date}."),
        "before_previous_step",
    )
    history.raise_any(history.not_ahead("occurred_on", on, today), order)


def board(
    session: Session,
    access: AccessContext,
    *,
    vacancy_id: uuid.UUID | None = None,
    laborer_id: uuid.UUID | None = None,
    status: ReferralStatus | None = None,
    page: int = 1,
    page_size: int = 100,
) -> Board:
    rows, total, counts = repository.listing(
        session,
        access,
        vacancy_id=vacancy_id,
        laborer_id=laborer_id,
        status=status,
        offset=Paging(page, page_size).offset,
        limit=page_size,
    )
    return Board(list(rows), total, counts)


def shows_identity(access: AccessContext, referral: Referral) -> bool:
    """The laborer's own county sees the name; the vacancy's bureau a masked profile."""
    return access.can_read(DataKind.LABORER, referral.tenant_id)
