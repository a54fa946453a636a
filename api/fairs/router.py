"""JSON API of joint recruitment fairs."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, status

from api.deps import Access, AppSettings, Cipher, DbSession
from api.errors import BadRequest
from api.fairs import door, reads, service
from api.fairs.schemas import (
    CheckInIn,
    FairCreate,
    FairEmployerIn,
    FairEmployerOut,
    FairOut,
    FairStatusIn,
    IntentionIn,
    IntentionOut,
    ReferredOut,
    RegistrationIn,
    RegistrationOut,
    RegistrationPage,
    ResultsOut,
)
from api.i18n import _
from api.paging import Paging
from api.paging import paging as paging_of
from api.routing import JsonRoute
from shared_models.enums import OrgKind

router = APIRouter(prefix="/api/v1", route_class=JsonRoute, tags=["fairs"])


@router.get("/fairs", response_model=list[FairOut])
def list_fairs(access: Access, session: DbSession, since: date | None = None) -> list[FairOut]:
    """The fairs of the caller's pairings, latest first."""
    return [FairOut.model_validate(f) for f in reads.listing(session, access, since=since)]


@router.post("/fairs", response_model=FairOut, status_code=status.HTTP_201_CREATED)
def create_fair(body: FairCreate, access: Access, session: DbSession) -> FairOut:
    """A draft fair organized by the caller's bureau (with the partner as co-organizer)."""
    return FairOut.model_validate(
        service.create(session, access, service.FairInput(**body.model_dump()))
    )


@router.get("/fairs/{fair_id}", response_model=FairOut)
def get_fair(fair_id: uuid.UUID, access: Access, session: DbSession) -> FairOut:
    return FairOut.model_validate(service.get(session, access, fair_id))


@router.post("/fairs/{fair_id}/status", response_model=FairOut)
def set_status(
    fair_id: uuid.UUID, body: FairStatusIn, access: Access, session: DbSession
) -> FairOut:
    """draft → published → ongoing → finished; cancelled from any but finished."""
    return FairOut.model_validate(
        service.set_status(session, access, fair_id, body.status, version=body.version)
    )


@router.get("/fairs/{fair_id}/employers", response_model=list[FairEmployerOut])
def list_employers(fair_id: uuid.UUID, access: Access, session: DbSession) -> list[FairEmployerOut]:
    fair = service.get(session, access, fair_id)
    return [
        FairEmployerOut(
            id=row.FairEmployer.id,
            employer_id=row.FairEmployer.employer_id,
            employer_name=row.name,
            side="receiving" if row.kind is OrgKind.RECEIVING else "sending",
            booth=row.FairEmployer.booth,
            positions=int(row.positions),
        )
        for row in reads.employers(session, access, fair)
    ]


@router.post(
    "/fairs/{fair_id}/employers",
    response_model=FairEmployerOut,
    status_code=status.HTTP_201_CREATED,
)
def add_employer(
    fair_id: uuid.UUID, body: FairEmployerIn, access: Access, session: DbSession
) -> FairEmployerOut:
    """An employer from the pool with the vacancies it brings (either side registers)."""
    row = service.add_employer(
        session,
        access,
        fair_id,
        employer_id=body.employer_id,
        vacancy_ids=body.vacancy_ids,
        booth=body.booth,
    )
    [out] = [e for e in list_employers(fair_id, access, session) if e.id == row.id]
    return out


@router.get("/fairs/{fair_id}/registrations", response_model=RegistrationPage)
def list_registrations(
    fair_id: uuid.UUID,
    access: Access,
    session: DbSession,
    paging: Annotated[Paging, Depends(paging_of(200))],
) -> RegistrationPage:
    fair = service.get(session, access, fair_id)
    rows, total = reads.registrations(
        session, access, fair, offset=paging.offset, limit=paging.limit
    )
    return RegistrationPage(
        items=[RegistrationOut.model_validate(r) for r in rows],
        total=total,
        page=paging.page,
        page_size=paging.page_size,
    )


@router.post(
    "/fairs/{fair_id}/registrations",
    response_model=list[RegistrationOut],
    status_code=status.HTTP_201_CREATED,
)
def register(
    fair_id: uuid.UUID,
    body: RegistrationIn,
    access: Access,
    session: DbSession,
    cipher: Cipher,
    settings: AppSettings,
) -> list[RegistrationOut]:
    """The county registers its laborers (all or none, until the deadline); or the
    organizers register one walk-in at the door, checked in at once."""
    if body.laborer_ids:
        rows = door.register(session, access, cipher, fair_id, body.laborer_ids)
    elif body.name and body.id_number:
        rows = [
            door.walk_in(
                session,
                access,
                cipher,
                fair_id,
                name=body.name,
                id_number=body.id_number,
                checked_in_at=body.checked_in_at,
                opens_days_before=settings.checkin_opens_days_before,
            )
        ]
    else:
        raise BadRequest(_("Send laborer_ids, or the name and ID number of a walk-in."))
    return [RegistrationOut.model_validate(r) for r in rows]


@router.post("/fairs/{fair_id}/checkins", response_model=RegistrationOut)
def check_in(
    fair_id: uuid.UUID, body: CheckInIn, access: Access, session: DbSession, settings: AppSettings
) -> RegistrationOut:
    """A code scanned or typed at the door. A code of another fair, an unknown one, or
    one used already is refused, saying which. The desk is open on the fair's day (and
    `LB_CHECKIN_OPENS_DAYS_BEFORE` days before): 409 otherwise. A past `checked_in_at`
    enters a ledger as it happened; outside the fair's days or ahead of now it is a 422."""
    row = door.check_in(
        session,
        access,
        fair_id,
        body.code,
        checked_in_at=body.checked_in_at,
        opens_days_before=settings.checkin_opens_days_before,
    )
    return RegistrationOut.model_validate(row)


@router.get("/fairs/{fair_id}/intentions", response_model=list[IntentionOut])
def list_intentions(fair_id: uuid.UUID, access: Access, session: DbSession) -> list[IntentionOut]:
    fair = service.get(session, access, fair_id)
    return [IntentionOut.model_validate(i) for i in reads.intentions(session, access, fair)]


@router.post(
    "/fairs/{fair_id}/intentions", response_model=IntentionOut, status_code=status.HTTP_201_CREATED
)
def record_intention(
    fair_id: uuid.UUID, body: IntentionIn, access: Access, session: DbSession
) -> IntentionOut:
    return IntentionOut.model_validate(
        door.record_intention(session, access, fair_id, **body.model_dump())
    )


@router.post("/fairs/{fair_id}/intentions/referrals", response_model=ReferredOut)
def refer_intentions(fair_id: uuid.UUID, access: Access, session: DbSession) -> ReferredOut:
    """Turn the county's intentions reached at this fair into referrals, in one action."""
    return ReferredOut(referrals_made=door.refer_intentions(session, access, fair_id))


@router.get("/fairs/{fair_id}/results", response_model=ResultsOut)
def results(fair_id: uuid.UUID, access: Access, session: DbSession) -> ResultsOut:
    """Counted from the records: employers by side, positions, attendees, intentions,
    then referrals, hires, and those still in post after 3 and 6 months."""
    return ResultsOut(**service.results(session, access, fair_id).__dict__)
