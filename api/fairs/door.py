"""The door of a joint recruitment fair (专场招聘会): register job seekers (by their
county, or as walk-ins on the day), check them in with a code, record what the booths
agreed and turn it into referrals. Planning the fair and its results are in `service`."""

import secrets
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import clock, history
from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.errors import Conflict, FieldError, NotFound, ValidationFailed
from api.fairs import repository
from api.fairs.service import get, require_organizer
from api.i18n import _
from api.labels import label
from api.referrals import service as referrals
from api.security.masking import mask_id_number
from api.security.pii import PiiCipher
from api.supply import repository as supply_repository
from api.supply.convert import id_hash
from api.supply.records import ID_MESSAGES
from shared_models import Fair, FairIntention, FairRegistration
from shared_models.enums import FairStatus, IntentionOutcome, Permission
from shared_models.validators.idnumber import IdNumberError, parse

CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # no 0/O, 1/I, 2/Z, 5/S, 6/G, 8/B lookalikes
CODE_LENGTH = 8
OPEN_FOR_REGISTRATION = (FairStatus.PUBLISHED, FairStatus.ONGOING)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """What a scanner or a person types: spaces, dashes and case do not matter."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


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


def _check_in_moment(fair: Fair, given: datetime | None, opens_days_before: int) -> datetime:
    """When the person came in: now, or a past moment given for a ledger entered later.
    Either way within the fair's days; the desk may open `opens_days_before` days early
    (setting LB_CHECKIN_OPENS_DAYS_BEFORE), never after the fair."""
    moment = history.instant_or_now(given)
    day = clock.day_of(moment)
    opens = fair.held_on - timedelta(days=opens_days_before)
    window = {"opens": opens.isoformat(), "last": fair.held_on.isoformat()}
    if given is None:
        if not opens <= day <= fair.held_on:
            raise Conflict(
                _("The check-in desk is open from {opens} to {last}; today is {today}."),
                params={**window, "today": day.isoformat()},
                extra={"code": "checkin_closed"},
            )
        return moment
    errors = []
    if moment > clock.now():
        errors.append(
            FieldError(
                "checked_in_at",
                _("{time} has not come yet: record what has happened, not what will."),
                "in_future",
                {"time": f"{clock.local(moment):%Y-%m-%d %H:%M}"},
            )
        )
    if not opens <= day <= fair.held_on:
        errors.append(
            FieldError(
                "checked_in_at",
                _("Check-in is open from {opens} to {last}, the fair's days; not on {date}."),
                "outside_fair_days",
                {**window, "date": day.isoformat()},
            )
        )
    history.raise_any(*errors)
    return moment


def _insert(session: Session, access: AccessContext, rows: list[FairRegistration]) -> None:
    """New codes until none collides (8 characters of 25: a collision is very rare)."""
    for _attempt in range(3):
        try:
            with session.begin_nested():
                repository.add(session, access, *rows)
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
    today = today or clock.today()
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
        session, access, fair, [lab.id_number_hash for lab in laborers.values()]
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
    _insert(session, access, rows)
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
    checked_in_at: datetime | None = None,
    opens_days_before: int = 1,
    today: date | None = None,
) -> FairRegistration:
    """Quick registration at the door, matched to the registry by ID number."""
    today = today or clock.today()
    fair = get(session, access, fair_id)
    require_organizer(access, fair)
    _open_for_registration(fair, today, walk_in=True)
    moment = _check_in_moment(fair, checked_in_at, opens_days_before) if check_in else None
    errors = []
    if not name.strip():
        errors.append(FieldError("name", _("This field is required."), "missing"))
    try:
        number = parse(id_number, today=clock.today()).value
    except IdNumberError as exc:
        errors.append(FieldError("id_number", ID_MESSAGES[exc.reason], "id_" + exc.reason))
        number = ""
    if errors:
        raise ValidationFailed(errors=errors)
    digest = id_hash(cipher, number)
    if repository.registered(session, access, fair, [digest]):
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
        checked_in_at=moment,
        check_in_recorded_at=clock.now() if check_in else None,
        checked_in_by_label=access.recorded_as if check_in else None,
    )
    _insert(session, access, [row])
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
    session: Session,
    access: AccessContext,
    fair_id: uuid.UUID,
    code: str,
    *,
    checked_in_at: datetime | None = None,
    opens_days_before: int = 1,
) -> FairRegistration:
    """At the door: one scan, one row locked and updated; only within the fair's days."""
    fair = get(session, access, fair_id)
    require_organizer(access, fair)
    if fair.status not in OPEN_FOR_REGISTRATION:
        raise Conflict(
            _("This fair is {status}: no registration."), params={"status": label(fair.status)}
        )
    moment = _check_in_moment(fair, checked_in_at, opens_days_before)
    normalized = normalize_code(code)
    row = repository.registration_by_code(session, access, fair, normalized)
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
            params={"name": row.name, "time": f"{clock.local(row.checked_in_at):%H:%M}"},
            extra={"code": "used_twice"},
        )
    row.checked_in_at = moment
    row.check_in_recorded_at = clock.now()
    row.checked_in_by_label = access.recorded_as
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
    registration = repository.registration(session, access, fair, registration_id)
    if registration is None:
        raise NotFound()
    errors = []
    if registration.checked_in_at is None:
        errors.append(
            FieldError("registration_id", _("Check the person in first."), "not_checked_in")
        )
    if vacancy_id not in repository.fair_vacancy_ids(session, access, fair):
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
        recorded_by_label=access.recorded_as,
    )
    try:
        with session.begin_nested():
            repository.add(session, access, row)
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
    for intention, registration in repository.open_intentions_of(session, access, fair, counties):
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
