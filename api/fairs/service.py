"""Planning joint recruitment fairs (专场招聘会): plan one fair across the pairing, move
it through its statuses, bring employers with real vacancies, and count the results
from the records, the way the bureaus report them. What happens at the door
(registration, check-in, booth talks and their referrals) is in `door`."""

import uuid
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext
from api.audit import service as audit
from api.demand import repository as demand_repository
from api.demand.pool import is_open
from api.errors import Conflict, FieldError, Forbidden, NotFound, StaleVersion, ValidationFailed
from api.fairs import funnel, repository
from api.i18n import _
from api.labels import label
from shared_models import Fair, FairEmployer, FairVacancy, Laborer
from shared_models.enums import FairMode, FairStatus, OrgKind, Permission

NEXT_STATUS = {
    FairStatus.DRAFT: {FairStatus.PUBLISHED, FairStatus.CANCELLED},
    FairStatus.PUBLISHED: {FairStatus.ONGOING, FairStatus.CANCELLED, FairStatus.DRAFT},
    FairStatus.ONGOING: {FairStatus.FINISHED, FairStatus.CANCELLED},
    FairStatus.FINISHED: set(),
    FairStatus.CANCELLED: set(),
}


@dataclass
class FairInput:
    title: str
    mode: FairMode
    held_on: date
    starts_at: time
    ends_at: time
    registration_deadline: date
    pairing_id: uuid.UUID | None = None
    co_organizer_id: uuid.UUID | None = None
    venue: str | None = None
    region_code: str | None = None
    online_url: str | None = None
    note: str | None = None


def _check(data: FairInput, access: AccessContext) -> list[FieldError]:
    errors = []
    if not data.title.strip():
        errors.append(FieldError("title", _("This field is required."), "missing"))
    if data.ends_at <= data.starts_at:
        errors.append(FieldError("ends_at", _("The fair ends before it starts."), "hours"))
    if data.registration_deadline > data.held_on:
        errors.append(
            FieldError(
                "registration_deadline",
                _("Registration closes on or before the day of the fair."),
                "deadline_after_fair",
            )
        )
    if data.mode in (FairMode.OFFLINE, FairMode.BOTH) and not (data.venue or "").strip():
        errors.append(FieldError("venue", _("An on-site fair needs a venue."), "missing"))
    if data.mode in (FairMode.ONLINE, FairMode.BOTH) and not (
        (data.online_url or "").startswith(("https://", "http://"))
    ):
        errors.append(
            FieldError("online_url", _("An online fair needs its link (https://…)."), "url")
        )
    return errors


def require_organizer_kind(access: AccessContext) -> None:
    access.require(Permission.WRITE)
    if access.tenant_kind is OrgKind.LIAISON:
        raise Forbidden(detail=_("Fairs are organized by the bureaus of a pairing."))


def create(session: Session, access: AccessContext, data: FairInput) -> Fair:
    require_organizer_kind(access)
    pairing_id = data.pairing_id
    if pairing_id is None and len(access.pairing_ids) == 1:
        pairing_id = next(iter(access.pairing_ids))
    errors = _check(data, access)
    if pairing_id not in access.pairing_ids:
        errors.append(
            FieldError("pairing_id", _("Choose one of your pairings."), "pairing_unknown")
        )
    if data.co_organizer_id is not None and data.co_organizer_id not in access.partner_ids:
        errors.append(
            FieldError(
                "co_organizer_id",
                _("The co-organizer is the partner bureau of the pairing."),
                "co_organizer",
            )
        )
    if errors:
        raise ValidationFailed(errors=errors)
    fair = Fair(
        id=uuid.uuid4(),
        tenant_id=access.tenant_id,
        co_organizer_id=data.co_organizer_id,
        pairing_id=pairing_id,
        title=data.title.strip(),
        mode=data.mode,
        venue=data.venue,
        region_code=data.region_code,
        online_url=data.online_url,
        held_on=data.held_on,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        registration_deadline=data.registration_deadline,
        status=FairStatus.DRAFT,
        note=data.note,
        created_by=access.user_id,
    )
    repository.add(session, access, fair)
    audit.record(
        session,
        access,
        action="fair.create",
        entity_type="fair",
        entity_id=fair.id,
        after={"title": fair.title, "held_on": fair.held_on.isoformat()},
    )
    return fair


def get(session: Session, access: AccessContext, fair_id: uuid.UUID) -> Fair:
    fair = repository.get(session, access, fair_id)
    if fair is None:
        raise NotFound()
    return fair


def already_registered(
    session: Session, access: AccessContext, fair: Fair, laborers: list[Laborer]
) -> set[uuid.UUID]:
    """Which of these laborers the fair has (by the ID's keyed hash): the registrants are
    paged, so the page in view cannot tell."""
    hashes = repository.registered(session, access, fair, [lab.id_number_hash for lab in laborers])
    return {lab.id for lab in laborers if lab.id_number_hash in hashes}


def is_organizer(access: AccessContext, fair: Fair) -> bool:
    return access.can(Permission.WRITE) and access.tenant_id in (
        fair.tenant_id,
        fair.co_organizer_id,
    )


def require_organizer(access: AccessContext, fair: Fair) -> None:
    if not is_organizer(access, fair):
        raise Forbidden(detail=_("Only the organizers of this fair may do this."))


def set_status(
    session: Session,
    access: AccessContext,
    fair_id: uuid.UUID,
    status: FairStatus,
    *,
    version: int,
    today: date | None = None,
) -> Fair:
    today = today or clock.today()
    fair = get(session, access, fair_id)
    require_organizer(access, fair)
    if fair.version != version:
        raise StaleVersion(
            _("Reload the record: it is at version {current}, you edited version {given}."),
            params={"current": fair.version, "given": version},
            extra={"current_version": fair.version},
        )
    if status not in NEXT_STATUS[fair.status]:
        raise Conflict(
            _("A fair that is {current} cannot become {target}."),
            params={"current": label(fair.status), "target": label(status)},
            extra={"allowed": sorted(s.value for s in NEXT_STATUS[fair.status])},
        )
    if status is FairStatus.ONGOING and today < fair.held_on:
        # Under way from the fair's day (the bureau's), not from the day before.
        raise Conflict(
            _("A fair is under way only from its day, {date}."),
            params={"date": fair.held_on.isoformat()},
            extra={"code": "not_yet_held"},
        )
    before = fair.status.value
    fair.status = status
    session.flush()
    audit.record(
        session,
        access,
        action="fair.status",
        entity_type="fair",
        entity_id=fair.id,
        before={"status": before},
        after={"status": status.value},
        tenant_id=fair.tenant_id,
    )
    return fair


# --- employers at the fair ---------------------------------------------------------------------


def add_employer(
    session: Session,
    access: AccessContext,
    fair_id: uuid.UUID,
    *,
    employer_id: uuid.UUID,
    vacancy_ids: list[uuid.UUID],
    booth: str | None = None,
    today: date | None = None,
) -> FairEmployer:
    """Either side of the pairing brings an employer with vacancies from the pool."""
    today = today or clock.today()
    fair = get(session, access, fair_id)
    access.require(Permission.WRITE)
    if access.tenant_kind is OrgKind.LIAISON:
        raise Forbidden(detail=_("Employers are registered by the bureaus of the pairing."))
    if fair.status in (FairStatus.FINISHED, FairStatus.CANCELLED):
        raise Conflict(_("This fair is {status}."), params={"status": label(fair.status)})
    employer = demand_repository.get_employer(session, access, employer_id)
    if employer is None:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "employer_id",
                    _("This employer is not in your demand pool."),
                    "employer_not_found",
                )
            ]
        )
    if not vacancy_ids:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "vacancy_ids", _("Bring at least one vacancy of the employer."), "missing"
                )
            ]
        )
    found = {v.id: v for v in repository.vacancies_of(session, access, employer.id, vacancy_ids)}
    errors = []
    for vacancy_id in vacancy_ids:
        vacancy = found.get(vacancy_id)
        if vacancy is None:
            errors.append(
                FieldError(
                    "vacancy_ids",
                    _("Vacancy {id} is not one of this employer's."),
                    "vacancy_not_found",
                    {"id": vacancy_id},
                )
            )
        elif not is_open(vacancy, today):
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
    if repository.fair_employer(session, access, fair, employer.id) is not None:
        raise Conflict(_("{name} is already at this fair."), params={"name": employer.name})
    row = FairEmployer(
        id=uuid.uuid4(),
        fair_id=fair.id,
        fair_tenant_id=fair.tenant_id,
        tenant_id=access.tenant_id,
        employer_id=employer.id,
        booth=booth,
    )
    row.vacancies = [
        FairVacancy(
            vacancy_id=v.id,
            fair_id=fair.id,
            fair_tenant_id=fair.tenant_id,
            tenant_id=access.tenant_id,
            positions=v.headcount - v.filled,
        )
        for v in found.values()
    ]
    repository.add(session, access, row)
    audit.record(
        session,
        access,
        action="fair.employer",
        entity_type="fair",
        entity_id=fair.id,
        after={"employer": employer.name, "vacancies": len(found)},
    )
    return row


# --- results -----------------------------------------------------------------------------------


@dataclass
class Results:
    employers_receiving: int
    employers_sending: int
    positions: int
    registrants: int
    walk_ins: int
    attendees: int
    interviews: int
    intentions: int
    referrals: int
    hires: int
    in_post_3_months: int
    in_post_6_months: int
    verification_required: bool
    in_post_3_months_verified: int
    in_post_3_months_unverified: int
    in_post_6_months_verified: int
    in_post_6_months_unverified: int


def results(
    session: Session, access: AccessContext, fair_id: uuid.UUID, *, today: date | None = None
) -> Results:
    today = today or clock.today()
    fair = get(session, access, fair_id)
    rows = repository.employers(session, access, fair)
    counts = repository.counts(session, access, fair)
    outcomes = repository.referral_outcomes(session, access, fair.id)
    return Results(
        employers_receiving=sum(1 for r in rows if r.kind is OrgKind.RECEIVING),
        employers_sending=sum(1 for r in rows if r.kind is not OrgKind.RECEIVING),
        positions=counts["positions"],
        registrants=counts["registrants"],
        walk_ins=counts["walk_ins"],
        attendees=counts["attendees"],
        interviews=counts["interviews"],
        intentions=counts["intentions"],
        referrals=len(outcomes),
        hires=sum(1 for o in outcomes if o.status.value == "hired"),
        **funnel.in_post(session, access, fair, outcomes, today).__dict__,
    )
