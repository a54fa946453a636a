"""JSON API of trainings: courses, sessions, enrollment with a waitlist, attendance,
completion, outcomes and the training subsidy list for finance."""

import uuid
from urllib.parse import quote

from fastapi import APIRouter, Response, status

from api.deps import Access, DbSession
from api.errors import BadRequest
from api.i18n import _
from api.paging import Pager
from api.routing import JsonRoute, file_download
from api.trainings import enrollment, reads, service
from api.trainings import outcomes as course_outcomes
from api.trainings.schemas import (
    AttendanceMark,
    AttendanceOut,
    CompleteIn,
    EnrollIn,
    EnrollmentOut,
    OutcomesOut,
    SessionIn,
    SessionOut,
    SuggestionOut,
    TrainingCreate,
    TrainingOut,
    TrainingPage,
    TrainingUpdate,
    WithdrawIn,
)
from shared_models import Training

router = APIRouter(prefix="/api/v1", route_class=JsonRoute, tags=["trainings"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def training_out(training: Training, counts: dict[str, int]) -> TrainingOut:
    out = TrainingOut.model_validate(training)
    out.counts = counts
    return out


def _one(session: DbSession, access: Access, training: Training) -> TrainingOut:
    counts = reads.status_counts(session, access, [training.id])[training.id]
    return training_out(training, counts)


@router.get("/trainings", response_model=TrainingPage)
def list_trainings(
    access: Access,
    session: DbSession,
    paging: Pager,
) -> TrainingPage:
    """The trainings of your pairings, latest first."""
    rows, total = reads.listing(session, access, offset=paging.offset, limit=paging.limit)
    counts = reads.status_counts(session, access, [t.id for t in rows])
    items = [training_out(t, counts[t.id]) for t in rows]
    return TrainingPage(items=items, total=total, page=paging.page, page_size=paging.page_size)


@router.post("/trainings", response_model=TrainingOut, status_code=status.HTTP_201_CREATED)
def create_training(body: TrainingCreate, access: Access, session: DbSession) -> TrainingOut:
    data = body.model_dump()
    training = service.create(session, access, service.TrainingInput(**data))
    return _one(session, access, service.get(session, access, training.id))


@router.get("/trainings/{training_id}", response_model=TrainingOut)
def get_training(training_id: uuid.UUID, access: Access, session: DbSession) -> TrainingOut:
    return _one(session, access, service.get(session, access, training_id))


@router.patch("/trainings/{training_id}", response_model=TrainingOut)
def update_training(
    training_id: uuid.UUID, body: TrainingUpdate, access: Access, session: DbSession
) -> TrainingOut:
    """The organizer changes the fields sent (dates keep every session inside them)."""
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    for name in (
        "title",
        "occupation",
        "training_type",
        "provider",
        "location",
        "starts_on",
        "ends_on",
        "capacity",
        "teachers",
    ):
        if name in changes and changes[name] is None:
            raise BadRequest(_("{field} cannot be emptied."), params={"field": name})
    training = service.update(session, access, training_id, changes, version=body.version)
    return _one(session, access, training)


@router.get("/trainings/{training_id}/sessions", response_model=list[SessionOut])
def list_sessions(training_id: uuid.UUID, access: Access, session: DbSession) -> list[SessionOut]:
    training = service.get(session, access, training_id)
    return [SessionOut.model_validate(s) for s in training.sessions]


@router.post(
    "/trainings/{training_id}/sessions",
    response_model=SessionOut,
    status_code=status.HTTP_201_CREATED,
)
def add_session(
    training_id: uuid.UUID, body: SessionIn, access: Access, session: DbSession
) -> SessionOut:
    """A class day; it must fall within the training's dates (422 otherwise)."""
    row = service.add_session(session, access, training_id, **body.model_dump())
    return SessionOut.model_validate(row)


@router.get("/trainings/{training_id}/suggestions", response_model=list[SuggestionOut])
def suggestions(training_id: uuid.UUID, access: Access, session: DbSession) -> list[SuggestionOut]:
    """Your county's laborers whose training need is this course's occupation, not yet
    enrolled (the training-need roster)."""
    return [
        SuggestionOut(
            laborer_id=lab.id,
            name=lab.name,
            id_number_masked=lab.id_number_masked,
            township=lab.township,
            village=lab.village,
        )
        for lab in service.suggestions(session, access, training_id)
    ]


@router.get("/trainings/{training_id}/enrollments", response_model=list[EnrollmentOut])
def list_enrollments(
    training_id: uuid.UUID, access: Access, session: DbSession
) -> list[EnrollmentOut]:
    """The roster and the waitlist, in enrollment order. The organizers see everyone, the
    laborers' county and its liaison offices their own; other members get 403."""
    training = service.get(session, access, training_id)
    return [EnrollmentOut.model_validate(e) for e in service.roster(session, access, training)]


@router.post(
    "/trainings/{training_id}/enrollments",
    response_model=list[EnrollmentOut],
    status_code=status.HTTP_201_CREATED,
)
def enroll(
    training_id: uuid.UUID, body: EnrollIn, access: Access, session: DbSession
) -> list[EnrollmentOut]:
    """Enroll one or many of your laborers. Past capacity they go on the waitlist (status
    `waitlisted`), not an error; someone already on the training is a 409. A past
    `enrolled_on` enters a ledger as it happened (a future one is a 422)."""
    rows = enrollment.enroll(
        session, access, training_id, body.laborer_ids, enrolled_on=body.enrolled_on
    )
    return [EnrollmentOut.model_validate(e) for e in rows]


@router.post(
    "/trainings/{training_id}/enrollments/{enrollment_id}/withdraw",
    response_model=EnrollmentOut,
)
def withdraw(
    training_id: uuid.UUID,
    enrollment_id: uuid.UUID,
    body: WithdrawIn,
    access: Access,
    session: DbSession,
) -> EnrollmentOut:
    """Off the roster, with a reason; the first on the waitlist takes the seat."""
    row = enrollment.withdraw(
        session, access, training_id, enrollment_id, reason=body.reason, version=body.version
    )
    return EnrollmentOut.model_validate(row)


@router.post(
    "/trainings/{training_id}/enrollments/{enrollment_id}/complete",
    response_model=EnrollmentOut,
)
def complete(
    training_id: uuid.UUID,
    enrollment_id: uuid.UUID,
    body: CompleteIn,
    access: Access,
    session: DbSession,
) -> EnrollmentOut:
    """Completion with the assessment result and certificate number (organizers)."""
    row = enrollment.complete(session, access, training_id, enrollment_id, **body.model_dump())
    return EnrollmentOut.model_validate(row)


@router.put(
    "/trainings/{training_id}/sessions/{session_id}/attendance",
    response_model=list[AttendanceOut],
)
def record_attendance(
    training_id: uuid.UUID,
    session_id: uuid.UUID,
    body: list[AttendanceMark],
    access: Access,
    session: DbSession,
) -> list[AttendanceOut]:
    """Present or absent per enrollee for one session; a second sheet replaces marks."""
    rows = enrollment.record_attendance(
        session,
        access,
        training_id,
        session_id,
        [(m.enrollment_id, m.present) for m in body],
    )
    return [AttendanceOut.model_validate(r) for r in rows]


@router.get("/trainings/{training_id}/outcomes", response_model=OutcomesOut)
def outcomes(training_id: uuid.UUID, access: Access, session: DbSession) -> OutcomesOut:
    """Trained (completed), then employed within 90 days after completion (placements),
    and the training subsidy due for the completers."""
    result = course_outcomes.outcomes(session, access, training_id)
    return OutcomesOut.model_validate(result)


@router.get("/trainings/{training_id}/subsidy-list", **file_download(XLSX))
def subsidy_list(training_id: uuid.UUID, access: Access, session: DbSession) -> Response:
    """The training subsidy per completer (.xlsx, masked ID numbers) for finance."""
    data = course_outcomes.subsidy_list(session, access, training_id)
    disposition = (
        f"attachment; filename=training-subsidy.xlsx; filename*=UTF-8''{quote('培训补贴名单.xlsx')}"
    )
    return Response(data, media_type=XLSX, headers={"Content-Disposition": disposition})
