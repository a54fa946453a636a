"""Enrollment in a training: the county enrolls its laborers (past capacity they wait
in line), withdraws them, and the organizers take attendance and record completion.
Who may do what is set out in `service`, with the course, its roster and the waitlist
promotion that a withdrawal or a larger capacity sets off."""

import uuid
from datetime import date

from sqlalchemy.orm import Session

from api import clock, history
from api.access import AccessContext, DataKind
from api.audit import service as audit
from api.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidTransition,
    NotFound,
    StaleVersion,
    ValidationFailed,
)
from api.i18n import _
from api.labels import label
from api.supply import derived
from api.supply import repository as supply_repository
from api.trainings import repository
from api.trainings.service import get, is_organizer, promote_from_waitlist, require_runner, roster
from shared_models import Training, TrainingAttendance, TrainingEnrollment, TrainingSession
from shared_models.enums import EnrollmentStatus, Permission


def enroll(
    session: Session,
    access: AccessContext,
    training_id: uuid.UUID,
    laborer_ids: list[uuid.UUID],
    *,
    enrolled_on: date | None = None,
) -> list[TrainingEnrollment]:
    """Enroll the county's laborers; past capacity they go on the waitlist, in order.
    `enrolled_on` backdates the enrollment (a ledger entered later); default today."""
    access.require(Permission.WRITE)
    enrolled_on = enrolled_on or clock.today()
    history.raise_any(history.not_ahead("enrolled_on", enrolled_on))
    training = get(session, access, training_id)
    repository.lock(session, access, training)
    unique = list(dict.fromkeys(laborer_ids))
    laborers = {lab.id: lab for lab in supply_repository.by_ids(session, access, unique)}
    errors = [
        FieldError(
            f"laborer_ids.{index}",
            _("Laborer {id} is not in your register."),
            "laborer_not_found",
            {"id": laborer_id},
        )
        for index, laborer_id in enumerate(unique)
        if laborer_id not in laborers
    ]
    if errors:
        raise ValidationFailed(errors=errors)
    for laborer in laborers.values():
        if not access.can_write(DataKind.LABORER, laborer.tenant_id):
            raise Forbidden(
                detail=_("Laborers are enrolled by their county and its liaison offices.")
            )
    taken = repository.enrolled_laborer_ids(session, access, training)
    already = [laborers[i].name for i in unique if i in taken]
    if already:
        raise Conflict(
            _("Already on this training: {names}."), params={"names": "、".join(already)}
        )
    free = training.capacity - repository.seats_taken(session, access, training)
    position = repository.next_position(session, access, training)
    if free > 0 and repository.waitlist(session, access, training, 1):
        free = 0  # those waiting go first
    created = []
    for laborer_id in unique:
        laborer = laborers[laborer_id]
        status = EnrollmentStatus.ENROLLED if free > 0 else EnrollmentStatus.WAITLISTED
        free -= 1
        created.append(
            TrainingEnrollment(
                id=uuid.uuid4(),
                training_id=training.id,
                training_tenant_id=training.tenant_id,
                tenant_id=laborer.tenant_id,
                laborer_id=laborer.id,
                name=laborer.name,
                id_number_masked=laborer.id_number_masked,
                status=status,
                position=position,
                enrolled_by_label=access.recorded_as,
                enrolled_on=enrolled_on,
            )
        )
        position += 1
    repository.add(session, access, *created)
    for row in created:
        audit.record(
            session,
            access,
            action="training.enroll",
            entity_type="training_enrollment",
            entity_id=row.id,
            after={
                "training_id": str(training.id),
                "laborer_id": str(row.laborer_id),
                "status": row.status.value,
            },
        )
    return created


def _enrollment(
    session: Session, access: AccessContext, training: Training, enrollment_id: uuid.UUID
) -> TrainingEnrollment:
    row = repository.enrollment(session, access, training, enrollment_id)
    if row is None:
        raise NotFound()
    return row


def _check_version(row: TrainingEnrollment, version: int | None) -> None:
    if version is not None and row.version != version:
        raise StaleVersion(
            _("Reload the record: it is at version {current}, you edited version {given}."),
            params={"current": row.version, "given": version},
            extra={"current_version": row.version},
        )


def withdraw(
    session: Session,
    access: AccessContext,
    training_id: uuid.UUID,
    enrollment_id: uuid.UUID,
    *,
    reason: str,
    version: int | None = None,
    today: date | None = None,
) -> TrainingEnrollment:
    """Off the roster with a reason; the first on the waitlist takes the seat."""
    access.require(Permission.WRITE)
    training = get(session, access, training_id)
    row = _enrollment(session, access, training, enrollment_id)
    if not (is_organizer(access, training) or access.can_write(DataKind.LABORER, row.tenant_id)):
        raise Forbidden(detail=_("Withdrawals are recorded by the organizers or the county."))
    _check_version(row, version)
    if row.status not in (EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITLISTED):
        raise InvalidTransition(
            _("Only someone enrolled or waiting can withdraw (this one is {status})."),
            params={"status": label(row.status)},
        )
    repository.lock(session, access, training)
    before = row.status
    row.status = EnrollmentStatus.WITHDRAWN
    row.withdrawal_reason = reason
    row.withdrawn_on = today or clock.today()
    session.flush()
    audit.record(
        session,
        access,
        action="training.withdraw",
        entity_type="training_enrollment",
        entity_id=row.id,
        before={"status": before.value},
        after={"status": row.status.value, "reason": reason},
    )
    promote_from_waitlist(session, access, training)
    return row


def complete(
    session: Session,
    access: AccessContext,
    training_id: uuid.UUID,
    enrollment_id: uuid.UUID,
    *,
    assessment_result: str,
    certificate_number: str | None = None,
    completed_on: date | None = None,
    version: int | None = None,
) -> TrainingEnrollment:
    training = get(session, access, training_id)
    require_runner(access, training)
    row = _enrollment(session, access, training, enrollment_id)
    _check_version(row, version)
    if row.status is not EnrollmentStatus.ENROLLED:
        raise InvalidTransition(
            _("Only someone enrolled can complete the training (this one is {status})."),
            params={"status": label(row.status)},
        )
    # By default the last day, or today while it runs, but never before the enrollment.
    day = completed_on or max(min(clock.today(), training.ends_on), row.enrolled_on)
    if day < training.starts_on:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "completed_on",
                    _("Completion comes on or after the training's start, {start}."),
                    "before_start",
                    {"start": training.starts_on.isoformat()},
                )
            ]
        )
    history.raise_any(
        history.not_ahead("completed_on", day),
        history.not_before(
            "completed_on",
            day,
            row.enrolled_on,
            _("Completion cannot be dated before the enrollment, {date}."),
            "before_enrollment",
        ),
    )
    row.status = EnrollmentStatus.COMPLETED
    row.completed_on = day
    row.assessment_result = assessment_result
    row.certificate_number = certificate_number
    session.flush()
    audit.record(
        session,
        access,
        action="training.complete",
        entity_type="training_enrollment",
        entity_id=row.id,
        after={
            "completed_on": day.isoformat(),
            "assessment_result": assessment_result,
            "certificate_number": certificate_number,
        },
    )
    # A certificate adds the skill and level and clears the need (the county's register).
    derived.refresh(session, access, row.tenant_id, [row.laborer_id])
    return row


def attendance_sheet(
    session: Session, access: AccessContext, training: Training, session_id: uuid.UUID
) -> tuple[TrainingSession, list[TrainingEnrollment], dict[uuid.UUID, TrainingAttendance]]:
    row = repository.session_of(session, access, training, session_id)
    if row is None:
        raise NotFound()
    enrollees = [
        e
        for e in roster(session, access, training)
        if e.status in (EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED)
    ]
    return row, enrollees, repository.attendance(session, access, row)


def _attendance_order(
    training: Training,
    class_session: TrainingSession,
    marks: list[tuple[uuid.UUID, bool]],
    enrollees: dict[uuid.UUID, TrainingEnrollment],
) -> list[FieldError]:
    """Attendance happened on the session's day: a day that has come, within the
    training's days, and on or after each marked person's enrollment."""
    if not marks:
        return []  # an empty sheet records nothing (it answers the marks so far)
    day = class_session.held_on
    errors = [e for e in [history.not_ahead("held_on", day)] if e is not None]
    if not training.starts_on <= day <= training.ends_on:
        errors.append(
            FieldError(
                "held_on",
                _("The session of {date} is outside the training's days, {start} to {end}."),
                "outside_training_dates",
                {
                    "date": day.isoformat(),
                    "start": training.starts_on.isoformat(),
                    "end": training.ends_on.isoformat(),
                },
            )
        )
    for index, (enrollment_id, _present) in enumerate(marks):
        row = enrollees.get(enrollment_id)
        if row is not None and row.enrolled_on > day:
            errors.append(
                FieldError(
                    f"{index}.enrollment_id",
                    _("{name} enrolled on {enrolled}, after this session of {date}."),
                    "before_enrollment",
                    {
                        "name": row.name,
                        "enrolled": row.enrolled_on.isoformat(),
                        "date": day.isoformat(),
                    },
                )
            )
    return errors


def record_attendance(
    session: Session,
    access: AccessContext,
    training_id: uuid.UUID,
    session_id: uuid.UUID,
    marks: list[tuple[uuid.UUID, bool]],
) -> list[TrainingAttendance]:
    training = get(session, access, training_id)
    class_session = repository.session_of(session, access, training, session_id)
    if class_session is None:
        raise NotFound()
    require_runner(access, training)
    enrollees = {
        e.id: e
        for e in repository.enrollments(session, access, training)
        if e.status in (EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED)
    }
    errors = [
        FieldError(
            f"{index}.enrollment_id",
            _("{id} is not on this training's roster."),
            "not_enrolled",
            {"id": enrollment_id},
        )
        for index, (enrollment_id, _present) in enumerate(marks)
        if enrollment_id not in enrollees
    ]
    errors += _attendance_order(training, class_session, marks, enrollees)
    if errors:
        raise ValidationFailed(errors=errors)
    existing = repository.attendance(session, access, class_session)
    label = access.recorded_as
    for enrollment_id, present in dict(marks).items():
        row = existing.get(enrollment_id)
        if row is None:
            row = TrainingAttendance(
                session_id=class_session.id,
                enrollment_id=enrollment_id,
                training_id=training.id,
                tenant_id=enrollees[enrollment_id].tenant_id,
                present=present,
                recorded_by_label=label,
            )
            session.add(row)
            existing[enrollment_id] = row
        else:
            row.present = present
            row.recorded_by_label = label
    session.flush()
    audit.record(
        session,
        access,
        action="training.attendance",
        entity_type="training",
        entity_id=training.id,
        after={
            "session_id": str(class_session.id),
            "present": sum(1 for _id, p in dict(marks).items() if p),
            "absent": sum(1 for _id, p in dict(marks).items() if not p),
        },
    )
    return list(existing.values())
