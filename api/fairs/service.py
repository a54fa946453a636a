"""Joint recruitment fairs (专场招聘会): plan one fair across the pairing, bring real
vacancies, register job seekers (by their county, or at the door), check them in with a
code, record what the booths agreed and turn it into referrals; count the results from
the records, the way the bureaus report them."""

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, time
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.demand import repository as demand_repository
from api.demand.pool import is_open
from api.errors import Conflict, FieldError, Forbidden, NotFound, StaleVersion, ValidationFailed
from api.fairs import repository
from api.i18n import _
from api.labels import label
from api.referrals import service as referrals
from api.security.masking import mask_id_number
from api.security.pii import PiiCipher
from api.supply import repository as supply_repository
from api.supply.convert import id_hash
from api.supply.records import ID_MESSAGES
from shared_models import Fair, FairEmployer, FairIntention, FairRegistration, FairVacancy
from shared_models.base import utcnow
from shared_models.enums import FairMode, FairStatus, IntentionOutcome, OrgKind, Permission
from shared_models.validators.idnumber import IdNumberError, parse

CHINA = ZoneInfo("Asia/Shanghai")  # what the clock at the door says
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # no 0/O, 1/I, 2/Z, 5/S, 6/G, 8/B lookalikes
CODE_LENGTH = 8
OPEN_FOR_REGISTRATION = (FairStatus.PUBLISHED, FairStatus.ONGOING)
NEXT_STATUS = {
    FairStatus.DRAFT: {FairStatus.PUBLISHED, FairStatus.CANCELLED},
    FairStatus.PUBLISHED: {FairStatus.ONGOING, FairStatus.CANCELLED, FairStatus.DRAFT},
    FairStatus.ONGOING: {FairStatus.FINISHED, FairStatus.CANCELLED},
    FairStatus.FINISHED: set(),
    FairStatus.CANCELLED: set(),
}


def _label(access: AccessContext) -> str:
    return f"{access.actor_label} · {access.tenant_name}"[:120]


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """What a scanner or a person types: spaces, dashes and case do not matter."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


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
    repository.add(session, fair)
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


def is_organizer(access: AccessContext, fair: Fair) -> bool:
    return access.can(Permission.WRITE) and access.tenant_id in (
        fair.tenant_id,
        fair.co_organizer_id,
    )


def require_organizer(access: AccessContext, fair: Fair) -> None:
    if not is_organizer(access, fair):
        raise Forbidden(detail=_("Only the organizers of this fair may do this."))


def set_status(
    session: Session, access: AccessContext, fair_id: uuid.UUID, status: FairStatus, *, version: int
) -> Fair:
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
    today = today or date.today()
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
    if repository.fair_employer(session, fair.id, employer.id) is not None:
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
    repository.add(session, row)
    audit.record(
        session,
        access,
        action="fair.employer",
        entity_type="fair",
        entity_id=fair.id,
        after={"employer": employer.name, "vacancies": len(found)},
    )
    return row


# --- registration and check-in -----------------------------------------------------------------


def _open_for_registration(fair: Fair, today: date, *, walk_in: bool) -> None:
    if fair.status not in OPEN_FOR_REGISTRATION:
        raise Conflict(
            _("This fair is {status}: no registration."), params={"status": label(fair.status)}
        )
    if not walk_in and today > fair.registration_deadline:
        raise Conflict(
            _("Registration closed on {date}; register people at the door on the day."),
            params={"date": fair.registration_deadline.isoformat()},
        )


def _insert(session: Session, rows: list[FairRegistration]) -> None:
    """New codes until none collides (8 characters of 25: a collision is very rare)."""
    for _attempt in range(3):
        try:
            with session.begin_nested():
                repository.add(session, *rows)
            return
        except IntegrityError:
            for row in rows:
                row.code = new_code()
    raise Conflict(_("The data changed meanwhile; try again."))


def register(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    fair_id: uuid.UUID,
    laborer_ids: list[uuid.UUID],
    *,
    today: date | None = None,
) -> list[FairRegistration]:
    """The county registers laborers of its register (one or many; all or none)."""
    today = today or date.today()
    fair = get(session, access, fair_id)
    access.require(Permission.WRITE)
    _open_for_registration(fair, today, walk_in=False)
    laborers = {lab.id: lab for lab in supply_repository.by_ids(session, access, laborer_ids)}
    errors = [
        FieldError(
            "laborer_ids",
            _("Laborer {id} is not in your register."),
            "laborer_not_found",
            {"id": i},
        )
        for i in dict.fromkeys(laborer_ids)
        if i not in laborers or not access.can_write(DataKind.LABORER, laborers[i].tenant_id)
    ]
    if errors:
        raise ValidationFailed(errors=errors)
    already = repository.registered(
        session, fair.id, [lab.id_number_hash for lab in laborers.values()]
    )
    if already:
        names = "、".join(lab.name for lab in laborers.values() if lab.id_number_hash in already)
        raise Conflict(_("Already registered for this fair: {names}."), params={"names": names})
    rows = [
        FairRegistration(
            id=uuid.uuid4(),
            fair_id=fair.id,
            fair_tenant_id=fair.tenant_id,
            tenant_id=access.tenant_id,
            laborer_id=lab.id,
            laborer_tenant_id=lab.tenant_id,
            name=lab.name,
            id_number_hash=lab.id_number_hash,
            id_number_masked=lab.id_number_masked,
            code=new_code(),
        )
        for lab in (laborers[i] for i in dict.fromkeys(laborer_ids))
    ]
    _insert(session, rows)
    audit.record(
        session,
        access,
        action="fair.register",
        entity_type="fair",
        entity_id=fair.id,
        after={"registered": len(rows)},
    )
    return rows


def walk_in(
    session: Session,
    access: AccessContext,
    cipher: PiiCipher,
    fair_id: uuid.UUID,
    *,
    name: str,
    id_number: str,
    check_in: bool = True,
    today: date | None = None,
) -> FairRegistration:
    """Quick registration at the door, matched to the registry by ID number."""
    today = today or date.today()
    fair = get(session, access, fair_id)
    require_organizer(access, fair)
    _open_for_registration(fair, today, walk_in=True)
    errors = []
    if not name.strip():
        errors.append(FieldError("name", _("This field is required."), "missing"))
    try:
        number = parse(id_number).value
    except IdNumberError as exc:
        errors.append(FieldError("id_number", ID_MESSAGES[exc.reason], "id_" + exc.reason))
        number = ""
    if errors:
        raise ValidationFailed(errors=errors)
    digest = id_hash(cipher, number)
    if repository.registered(session, fair.id, [digest]):
        raise Conflict(_("This ID number is already registered for this fair."))
    known = repository.identity(session, access, digest)
    row = FairRegistration(
        id=uuid.uuid4(),
        fair_id=fair.id,
        fair_tenant_id=fair.tenant_id,
        tenant_id=access.tenant_id,
        laborer_id=known.laborer_id if known else None,
        laborer_tenant_id=known.tenant_id if known else None,
        name=name.strip()[:40],
        id_number_hash=digest,
        id_number_masked=mask_id_number(number) or "",
        code=new_code(),
        walk_in=True,
        checked_in_at=utcnow() if check_in else None,
        checked_in_by_label=_label(access) if check_in else None,
    )
    _insert(session, [row])
    audit.record(
        session,
        access,
        action="fair.walk_in",
        entity_type="fair",
        entity_id=fair.id,
        after={"registration_id": str(row.id), "matched": known is not None},
    )
    return row


def check_in(
    session: Session, access: AccessContext, fair_id: uuid.UUID, code: str
) -> FairRegistration:
    """At the door: one scan, one row locked and updated."""
    fair = get(session, access, fair_id)
    require_organizer(access, fair)
    if fair.status not in OPEN_FOR_REGISTRATION:
        raise Conflict(
            _("This fair is {status}: no registration."), params={"status": label(fair.status)}
        )
    normalized = normalize_code(code)
    row = repository.registration_by_code(session, fair.id, normalized)
    if row is None:
        other = repository.code_elsewhere(session, access, normalized) if normalized else None
        if other is not None:
            raise ValidationFailed(
                _("This code is for another fair: {title} on {date}."),
                params={"title": other.title, "date": other.held_on.isoformat()},
                extra={"code": "other_fair"},
            )
        raise NotFound(
            _("No registration has the code {code}."), params={"code": normalized or "—"}
        )
    if row.checked_in_at is not None:
        raise Conflict(
            _("{name} was checked in already, at {time}."),
            params={"name": row.name, "time": f"{row.checked_in_at.astimezone(CHINA):%H:%M}"},
            extra={"code": "used_twice"},
        )
    row.checked_in_at = utcnow()
    row.checked_in_by_label = _label(access)
    session.flush()
    return row


# --- booths ------------------------------------------------------------------------------------


def record_intention(
    session: Session,
    access: AccessContext,
    fair_id: uuid.UUID,
    *,
    registration_id: uuid.UUID,
    vacancy_id: uuid.UUID,
    outcome: IntentionOutcome,
    note: str | None = None,
) -> FairIntention:
    fair = get(session, access, fair_id)
    require_organizer(access, fair)
    registration = repository.registration(session, fair.id, registration_id)
    if registration is None:
        raise NotFound()
    errors = []
    if registration.checked_in_at is None:
        errors.append(
            FieldError("registration_id", _("Check the person in first."), "not_checked_in")
        )
    if vacancy_id not in repository.fair_vacancy_ids(session, fair.id):
        errors.append(
            FieldError(
                "vacancy_id", _("This vacancy was not brought to the fair."), "vacancy_not_at_fair"
            )
        )
    if errors:
        raise ValidationFailed(errors=errors)
    row = FairIntention(
        id=uuid.uuid4(),
        fair_id=fair.id,
        fair_tenant_id=fair.tenant_id,
        tenant_id=access.tenant_id,
        registration_id=registration.id,
        vacancy_id=vacancy_id,
        outcome=outcome,
        note=note,
        recorded_by_label=_label(access),
    )
    try:
        with session.begin_nested():
            repository.add(session, row)
    except IntegrityError:
        raise Conflict(_("This booth talk is recorded already.")) from None
    return row


def refer_intentions(
    session: Session, access: AccessContext, fair_id: uuid.UUID, *, today: date | None = None
) -> int:
    """One action: the caller's county refers every laborer who reached an intention to
    that vacancy (those already referred, or whose vacancy closed, are left as they are)."""
    fair = get(session, access, fair_id)
    referrals.require_referrer(access)
    counties = sorted(access.write_ids(DataKind.REFERRAL))
    made = 0
    for intention, registration in repository.open_intentions_of(session, fair.id, counties):
        if registration.laborer_id is None:
            continue
        try:
            with session.begin_nested():
                [referral] = referrals.refer(
                    session,
                    access,
                    laborer_ids=[registration.laborer_id],
                    vacancy_ids=[intention.vacancy_id],
                    note=fair.title[:500],
                    today=today,
                )
        except (ValidationFailed, Conflict):
            continue  # closed vacancy or a live referral already: nothing to add
        intention.referral_id = referral.id
        made += 1
    session.flush()
    return made


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


def _stayed(started: date | None, ended: date | None, months: int, today: date) -> bool:
    if started is None:
        return False
    mark = started + relativedelta(months=months)
    return mark <= today and (ended is None or ended >= mark)


def results(
    session: Session, access: AccessContext, fair_id: uuid.UUID, *, today: date | None = None
) -> Results:
    today = today or date.today()
    fair = get(session, access, fair_id)
    rows = repository.employers(session, fair.id)
    counts = repository.counts(session, fair.id)
    outcomes = repository.referral_outcomes(session, fair.id)
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
        in_post_3_months=sum(1 for o in outcomes if _stayed(o.started_on, o.ended_on, 3, today)),
        in_post_6_months=sum(1 for o in outcomes if _stayed(o.started_on, o.ended_on, 6, today)),
    )
