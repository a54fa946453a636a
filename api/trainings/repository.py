"""All SQL of trainings: courses, sessions, enrollments, attendance and outcomes."""

import uuid
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from api.access import AccessContext, DataKind
from api.placements.repository import visible as placement_visible
from api.sort_keys import EnrollmentSort
from shared_models import (
    Laborer,
    LaborerTag,
    Placement,
    Training,
    TrainingAttendance,
    TrainingEnrollment,
    TrainingSession,
)
from shared_models.enums import EnrollmentStatus, TagKind

EMPLOYED_WITHIN_DAYS = 90


def visible(access: AccessContext) -> ColumnElement[bool]:
    """A training is shared with the pairing it belongs to (both bureaus, liaison offices)."""
    return and_(
        Training.pairing_id.in_(access.pairing_ids),
        Training.tenant_id.in_(access.read_ids(DataKind.EVENT)),
    )


def add(session: Session, access: AccessContext, *objects: object) -> None:
    access.check_rows(*objects)
    session.add_all(objects)
    session.flush()


def get(session: Session, access: AccessContext, training_id: uuid.UUID) -> Training | None:
    return session.scalars(
        select(Training)
        .options(selectinload(Training.sessions))
        .where(Training.id == training_id, visible(access))
    ).first()


def lock(session: Session, access: AccessContext, training: Training) -> None:
    """Serialise changes to one training's roster against its capacity. An advisory
    lock, not FOR UPDATE: the county enrolling into a course another bureau organizes
    may read the training row but not lock it (row-level security). SQLite locks the
    whole file on write."""
    if training.pairing_id not in access.pairing_ids:
        raise PermissionError("training outside the caller's pairings")
    training_id = training.id
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(func.pg_advisory_xact_lock(func.hashtextextended(str(training_id), 0)))
        )


def listing(
    session: Session, access: AccessContext, *, offset: int = 0, limit: int = 100
) -> tuple[Sequence[Training], int]:
    rows = session.scalars(
        select(Training)
        .where(visible(access))
        .order_by(Training.starts_on.desc(), Training.id)
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.scalar(select(func.count()).select_from(Training).where(visible(access))) or 0
    return rows, total


def roster_visible(access: AccessContext) -> ColumnElement[bool]:
    """Enrollments the caller may see (joined with their training): the organizers see
    the whole roster, the county and its liaison offices their own laborers. Counts
    follow the same rule, so both databases (with and without RLS) agree."""
    return or_(
        TrainingEnrollment.tenant_id.in_(access.read_ids(DataKind.LABORER)),
        Training.tenant_id == access.tenant_id,
        Training.co_organizer_id == access.tenant_id,
    )


def status_counts(
    session: Session, access: AccessContext, training_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, int]]:
    """Per training, the enrollments the caller may see, by status."""
    out: dict[uuid.UUID, dict[str, int]] = {t: {} for t in training_ids}
    if not training_ids:
        return out
    rows = session.execute(
        select(TrainingEnrollment.training_id, TrainingEnrollment.status, func.count())
        .join(Training, Training.id == TrainingEnrollment.training_id)
        .where(TrainingEnrollment.training_id.in_(training_ids), roster_visible(access))
        .group_by(TrainingEnrollment.training_id, TrainingEnrollment.status)
    ).all()
    for training_id, status, count in rows:
        out[training_id][EnrollmentStatus(status).value] = count
    return out


def session_of(
    session: Session, access: AccessContext, training: Training, session_id: uuid.UUID
) -> TrainingSession | None:
    return session.scalars(
        select(TrainingSession).where(
            TrainingSession.id == session_id, TrainingSession.training_id == training.id
        )
    ).first()


def roster_condition(access: AccessContext, training: Training) -> ColumnElement[bool]:
    """Enrollments whose names the caller may see: all of them for the organizers, the
    county's own for the county and its liaison offices."""
    if access.tenant_id in (training.tenant_id, training.co_organizer_id):
        return TrainingEnrollment.training_id == training.id
    return and_(
        TrainingEnrollment.training_id == training.id,
        TrainingEnrollment.tenant_id.in_(access.read_ids(DataKind.LABORER)),
    )


def enrollments(
    session: Session, access: AccessContext, training: Training
) -> Sequence[TrainingEnrollment]:
    return session.scalars(
        select(TrainingEnrollment)
        .where(roster_condition(access, training))
        .order_by(TrainingEnrollment.position)
    ).all()


def enrollments_page(
    session: Session,
    access: AccessContext,
    training: Training,
    *,
    waitlisted: bool,
    offset: int = 0,
    limit: int | None = 50,
    sort: EnrollmentSort | None = None,
    descending: bool = False,
) -> tuple[Sequence[TrainingEnrollment], int]:
    """A page of the roster (`waitlisted` false) or of the waitlist, in order of
    enrollment (or by `sort`, that order breaking ties), and the true count."""
    on_list = TrainingEnrollment.status == EnrollmentStatus.WAITLISTED
    conditions = [roster_condition(access, training), on_list if waitlisted else ~on_list]
    column = {
        None: None,
        EnrollmentSort.POSITION: TrainingEnrollment.position,
        EnrollmentSort.NAME: TrainingEnrollment.name,
        EnrollmentSort.STATUS: TrainingEnrollment.status,
    }[sort]
    chosen = [] if column is None else [column.desc() if descending else column.asc()]
    rows = session.scalars(
        select(TrainingEnrollment)
        .where(*conditions)
        .order_by(*chosen, TrainingEnrollment.position, TrainingEnrollment.id)
        .offset(offset)
        .limit(limit)
    ).all()
    total = (
        session.scalar(select(func.count()).select_from(TrainingEnrollment).where(*conditions)) or 0
    )
    return rows, total


def enrollment(
    session: Session, access: AccessContext, training: Training, enrollment_id: uuid.UUID
) -> TrainingEnrollment | None:
    return session.scalars(
        select(TrainingEnrollment).where(
            TrainingEnrollment.id == enrollment_id, roster_condition(access, training)
        )
    ).first()


def enrolled_laborer_ids(
    session: Session, access: AccessContext, training: Training
) -> set[uuid.UUID]:
    return set(
        session.scalars(
            select(TrainingEnrollment.laborer_id).where(
                TrainingEnrollment.training_id == training.id
            )
        )
    )


def seats_taken(session: Session, access: AccessContext, training: Training) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                TrainingEnrollment.training_id == training.id,
                TrainingEnrollment.status.in_(
                    [EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED]
                ),
            )
        )
        or 0
    )


def next_position(session: Session, access: AccessContext, training: Training) -> int:
    last = session.scalar(
        select(func.max(TrainingEnrollment.position)).where(
            TrainingEnrollment.training_id == training.id
        )
    )
    return (last or 0) + 1


def waitlist(
    session: Session, access: AccessContext, training: Training, limit: int
) -> Sequence[TrainingEnrollment]:
    """The first `limit` waiting, in the order they enrolled."""
    return session.scalars(
        select(TrainingEnrollment)
        .where(
            TrainingEnrollment.training_id == training.id,
            TrainingEnrollment.status == EnrollmentStatus.WAITLISTED,
        )
        .order_by(TrainingEnrollment.position)
        .limit(limit)
    ).all()


def suggestions(
    session: Session, access: AccessContext, training: Training, *, limit: int = 200
) -> Sequence[Laborer]:
    """The caller's county's laborers whose training need is the course's occupation (by
    occupation code where both have one, else by name), not yet on the training."""
    readable = access.read_ids(DataKind.LABORER)
    match = LaborerTag.value == training.occupation
    if training.occupation_code:
        match = or_(match, LaborerTag.code == training.occupation_code)
    needing = select(LaborerTag.laborer_id).where(
        LaborerTag.tenant_id.in_(readable), LaborerTag.kind == TagKind.TRAINING, match
    )
    taken = select(TrainingEnrollment.laborer_id).where(
        TrainingEnrollment.training_id == training.id
    )
    return session.scalars(
        select(Laborer)
        .where(
            Laborer.tenant_id.in_(readable),
            Laborer.id.in_(needing),
            Laborer.id.not_in(taken),
        )
        .order_by(Laborer.township, Laborer.village, Laborer.name, Laborer.id)
        .limit(limit)
    ).all()


def attendance(
    session: Session, access: AccessContext, class_session: TrainingSession
) -> dict[uuid.UUID, TrainingAttendance]:
    rows = session.scalars(
        select(TrainingAttendance).where(TrainingAttendance.session_id == class_session.id)
    ).all()
    return {row.enrollment_id: row for row in rows}


def attendance_counts(
    session: Session, access: AccessContext, training: Training
) -> dict[uuid.UUID, int]:
    """Sessions attended, per enrollment."""
    rows = session.execute(
        select(TrainingAttendance.enrollment_id, func.count())
        .where(TrainingAttendance.training_id == training.id, TrainingAttendance.present)
        .group_by(TrainingAttendance.enrollment_id)
    ).all()
    return {row[0]: row[1] for row in rows}


def employed_after(
    session: Session, access: AccessContext, training: Training
) -> dict[uuid.UUID, Placement]:
    """Per completed enrollment, the first placement of the laborer that started within
    90 days after completion (the day of completion included), over the enrollments
    and the placements the caller may see: the county and its liaison offices count
    every job; a receiving bureau counts the jobs with its own employers (all it may
    read of the county's placements, here as on PostgreSQL's row-level security)."""
    window_end = TrainingEnrollment.completed_on + timedelta(days=EMPLOYED_WITHIN_DAYS)
    if session.get_bind().dialect.name == "sqlite":
        window_end = func.date(TrainingEnrollment.completed_on, f"+{EMPLOYED_WITHIN_DAYS} days")
    rows = session.execute(
        select(TrainingEnrollment.id, Placement)
        .join(
            Placement,
            and_(
                Placement.laborer_id == TrainingEnrollment.laborer_id,
                Placement.tenant_id == TrainingEnrollment.tenant_id,
                Placement.started_on >= TrainingEnrollment.completed_on,
                Placement.started_on <= window_end,
            ),
        )
        .where(
            roster_condition(access, training),
            TrainingEnrollment.status == EnrollmentStatus.COMPLETED,
            placement_visible(access),
        )
        .order_by(TrainingEnrollment.id, Placement.started_on)
    ).all()
    out: dict[uuid.UUID, Placement] = {}
    for enrollment_id, placement in rows:
        out.setdefault(enrollment_id, placement)
    return out
