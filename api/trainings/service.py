"""Trainings: the course planned by one bureau (with a co-organizer of the same
pairing), its sessions within the course's dates, its roster and waitlist promotion. Enrolling,
withdrawing, attendance and completion are in `enrollment`; what a course produced
(outcomes, the subsidy list) in `outcomes`.

Who does what:
- the organizer (`tenant_id`) changes the course and its sessions;
- the organizer and the co-organizer run the class: they see the whole roster, take
  attendance, record completion and may withdraw anyone (a receiving bureau that
  organizes or co-organizes sees its enrollees: it runs the class);
- the laborer's county and its liaison offices enroll and withdraw their own laborers and
  see them on the roster;
- every other member of the pairing sees the course and its sessions, not who is on it.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from sqlalchemy.orm import Session

from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.errors import FieldError, Forbidden, NotFound, StaleVersion, ValidationFailed
from api.i18n import _
from api.tenancy import repository as tenancy_repository
from api.trainings import repository
from shared_models import Training, TrainingEnrollment, TrainingSession
from shared_models.enums import EnrollmentStatus, Permission, TrainingType

TRAINING_FIELDS = (
    "title",
    "occupation",
    "occupation_code",
    "training_type",
    "provider",
    "location",
    "starts_on",
    "ends_on",
    "capacity",
    "teachers",
    "subsidy_amount",
    "subsidy_payer_id",
    "co_organizer_id",
    "note",
)


@dataclass
class TrainingInput:
    title: str
    occupation: str
    training_type: TrainingType
    provider: str
    location: str
    starts_on: date
    ends_on: date
    capacity: int
    occupation_code: str | None = None
    teachers: list[dict[str, str]] = field(default_factory=list)
    subsidy_amount: int | None = None
    subsidy_payer_id: uuid.UUID | None = None
    co_organizer_id: uuid.UUID | None = None
    pairing_id: uuid.UUID | None = None
    note: str | None = None


def get(session: Session, access: AccessContext, training_id: uuid.UUID) -> Training:
    training = repository.get(session, access, training_id)
    if training is None:
        raise NotFound()
    return training


def is_organizer(access: AccessContext, training: Training) -> bool:
    return access.tenant_id in (training.tenant_id, training.co_organizer_id)


def sees_roster(access: AccessContext, training: Training) -> bool:
    """Whether the caller sees names on the roster (all, or its county's)."""
    return is_organizer(access, training) or bool(access.read_ids(DataKind.LABORER))


def require_organizer(access: AccessContext, training: Training) -> None:
    access.require(Permission.WRITE)
    if not access.can_write(DataKind.EVENT, training.tenant_id):
        raise Forbidden(detail=_("Only the organizer changes the training and its sessions."))


def require_runner(access: AccessContext, training: Training) -> None:
    access.require(Permission.WRITE)
    if not is_organizer(access, training):
        raise Forbidden(
            detail=_("Attendance and completion are recorded by the training's organizers.")
        )


def _dates(starts_on: date, ends_on: date) -> list[FieldError]:
    if ends_on < starts_on:
        return [FieldError("ends_on", _("The end date is before the start date."), "date_order")]
    return []


def _pairing_checks(
    session: Session, access: AccessContext, pairing_id: uuid.UUID, values: dict[str, Any]
) -> list[FieldError]:
    pairing = tenancy_repository.pairing_by_id(session, pairing_id)
    bureaus = {pairing.sending_org_id, pairing.receiving_org_id} if pairing else set()
    errors = []
    co = values.get("co_organizer_id")
    if co is not None and (co not in bureaus or co == access.tenant_id):
        errors.append(
            FieldError(
                "co_organizer_id",
                _("The co-organizer is the other bureau of the pairing."),
                "not_in_pairing",
            )
        )
    payer = values.get("subsidy_payer_id")
    if payer is not None and payer not in bureaus:
        errors.append(
            FieldError(
                "subsidy_payer_id",
                _("The training subsidy is paid by a bureau of the pairing."),
                "not_in_pairing",
            )
        )
    if values.get("subsidy_amount") and payer is None:
        errors.append(
            FieldError(
                "subsidy_payer_id", _("Name the bureau that pays the subsidy."), "missing_payer"
            )
        )
    return errors


def _snapshot(training: Training) -> dict[str, Any]:
    return audit.snapshot(training, TRAINING_FIELDS)


def create(session: Session, access: AccessContext, data: TrainingInput) -> Training:
    access.require(Permission.WRITE)
    if not access.can_write(DataKind.EVENT, access.tenant_id):
        raise Forbidden(Permission.WRITE)
    pairing_id = data.pairing_id
    if pairing_id is None and len(access.pairing_ids) == 1:
        pairing_id = next(iter(access.pairing_ids))
    errors = _dates(data.starts_on, data.ends_on)
    if pairing_id is None or pairing_id not in access.pairing_ids:
        errors.append(
            FieldError("pairing_id", _("Choose one of your pairings."), "pairing_unknown")
        )
    else:
        errors += _pairing_checks(session, access, pairing_id, vars(data))
    if errors:
        raise ValidationFailed(errors=errors)
    values = {k: v for k, v in vars(data).items() if k != "pairing_id"}
    training = Training(
        id=uuid.uuid4(),
        tenant_id=access.tenant_id,
        pairing_id=pairing_id,
        created_by=access.user_id,
        **values,
    )
    repository.add(session, access, training)
    audit.record(
        session,
        access,
        action="training.create",
        entity_type="training",
        entity_id=training.id,
        after=_snapshot(training),
    )
    return training


def update(
    session: Session,
    access: AccessContext,
    training_id: uuid.UUID,
    changes: dict[str, Any],
    *,
    version: int,
) -> Training:
    training = get(session, access, training_id)
    require_organizer(access, training)
    if training.version != version:
        raise StaleVersion(
            _("Reload the record: it is at version {current}, you edited version {given}."),
            params={"current": training.version, "given": version},
            extra={"current_version": training.version},
        )
    merged = {**{k: getattr(training, k) for k in TRAINING_FIELDS}, **changes}
    errors = _dates(merged["starts_on"], merged["ends_on"])
    errors += _pairing_checks(session, access, training.pairing_id, merged)
    outside = [
        s for s in training.sessions if not merged["starts_on"] <= s.held_on <= merged["ends_on"]
    ]
    if outside and not errors:
        errors.append(
            FieldError(
                "starts_on",
                _("The session on {day} would fall outside the training's dates."),
                "sessions_outside",
                {"day": outside[0].held_on.isoformat()},
            )
        )
    if "capacity" in changes and changes["capacity"] < repository.seats_taken(
        session, access, training
    ):
        errors.append(
            FieldError(
                "capacity",
                _("More people are already enrolled than this capacity."),
                "below_enrolled",
            )
        )
    if errors:
        raise ValidationFailed(errors=errors)
    before = _snapshot(training)
    for name, value in changes.items():
        setattr(training, name, value)
    session.flush()
    old, new = audit.changed_only(before, _snapshot(training))
    if new:
        audit.record(
            session,
            access,
            action="training.update",
            entity_type="training",
            entity_id=training.id,
            before=old,
            after=new,
        )
    promote_from_waitlist(session, access, training)
    return training


def add_session(
    session: Session,
    access: AccessContext,
    training_id: uuid.UUID,
    *,
    held_on: date,
    starts_at: time,
    ends_at: time,
    topic: str | None = None,
) -> TrainingSession:
    training = get(session, access, training_id)
    require_organizer(access, training)
    errors = []
    if not training.starts_on <= held_on <= training.ends_on:
        errors.append(
            FieldError(
                "held_on",
                _("A session is held within the training's dates, {start} to {end}."),
                "outside_training_dates",
                {"start": training.starts_on.isoformat(), "end": training.ends_on.isoformat()},
            )
        )
    if ends_at <= starts_at:
        errors.append(FieldError("ends_at", _("The session ends after it starts."), "hours_order"))
    if errors:
        raise ValidationFailed(errors=errors)
    row = TrainingSession(
        id=uuid.uuid4(),
        training_id=training.id,
        tenant_id=training.tenant_id,
        held_on=held_on,
        starts_at=starts_at,
        ends_at=ends_at,
        topic=topic,
    )
    repository.add(session, access, row)
    audit.record(
        session,
        access,
        action="training.session.add",
        entity_type="training",
        entity_id=training.id,
        after={"session_id": str(row.id), "held_on": held_on.isoformat()},
    )
    session.refresh(training, ["sessions"])
    return row


# --- the roster ----------------------------------------------------------------------


def roster(session: Session, access: AccessContext, training: Training) -> list[TrainingEnrollment]:
    if not sees_roster(access, training):
        raise Forbidden(
            detail=_("The roster is shown to the organizers and to the laborers' county.")
        )
    return list(repository.enrollments(session, access, training))


def roster_page(
    session: Session, access: AccessContext, training: Training, *, waitlisted: bool, **page: Any
) -> tuple[Sequence[TrainingEnrollment], int]:
    """A page of the roster or of the waitlist and its true total (`offset`, `limit`,
    `sort`, `descending`)."""
    if not sees_roster(access, training):
        raise Forbidden(
            detail=_("The roster is shown to the organizers and to the laborers' county.")
        )
    return repository.enrollments_page(session, access, training, waitlisted=waitlisted, **page)


def suggestions(session: Session, access: AccessContext, training_id: uuid.UUID) -> list[Any]:
    training = get(session, access, training_id)
    return list(repository.suggestions(session, access, training))


def promote_from_waitlist(session: Session, access: AccessContext, training: Training) -> list[Any]:
    """Fill free seats from the waitlist, first come first served."""
    free = training.capacity - repository.seats_taken(session, access, training)
    promoted = list(repository.waitlist(session, access, training, free)) if free > 0 else []
    for row in promoted:
        row.status = EnrollmentStatus.ENROLLED
        session.flush()
        audit.record(
            session,
            access,
            action="training.promote",
            entity_type="training_enrollment",
            entity_id=row.id,
            before={"status": EnrollmentStatus.WAITLISTED.value},
            after={"status": EnrollmentStatus.ENROLLED.value},
        )
    return promoted
