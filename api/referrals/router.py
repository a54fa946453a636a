"""JSON API of referrals: refer, follow each step, the boards per vacancy and laborer."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status

from api import clock
from api.access import AccessContext
from api.deps import Access, DbSession
from api.errors import BadRequest
from api.i18n import _
from api.paging import Pager100
from api.referrals import service
from api.referrals.candidates import candidate
from api.referrals.schemas import (
    EventOut,
    ReferralBoard,
    ReferralCreate,
    ReferralOut,
    ReferralStep,
)
from api.routing import JsonRoute
from shared_models import Referral
from shared_models.enums import ReferralStatus

router = APIRouter(prefix="/api/v1/referrals", route_class=JsonRoute, tags=["referrals"])


def referral_out(access: AccessContext, referral: Referral, today: date) -> ReferralOut:
    return ReferralOut(
        id=referral.id,
        version=referral.version,
        status=referral.status,
        status_on=referral.status_on,
        hired_on=referral.hired_on,
        match_score=referral.match_score,
        note=referral.note,
        laborer=candidate(access, referral, today),
        vacancy_id=referral.vacancy_id,
        vacancy_title=referral.vacancy.title,
        employer_id=referral.employer_id,
        employer_name=referral.vacancy.employer.name,
        next_steps=service.next_steps(access, referral),
        events=[EventOut.model_validate(e) for e in referral.events],
        created_at=referral.created_at,
    )


@router.post("", response_model=list[ReferralOut], status_code=status.HTTP_201_CREATED)
def refer(body: ReferralCreate, access: Access, session: DbSession) -> list[ReferralOut]:
    """Refer one laborer to several vacancies or several laborers to one vacancy: all are
    recorded or none (a live referral of the same pair is a 409 naming it)."""
    created = service.refer(
        session,
        access,
        laborer_ids=body.laborer_ids,
        vacancy_ids=body.vacancy_ids,
        note=body.note,
        occurred_on=body.occurred_on,
    )
    today = clock.today()
    return [referral_out(access, service.get(session, access, r.id), today) for r in created]


@router.get("", response_model=ReferralBoard)
def list_referrals(
    access: Access,
    session: DbSession,
    paging: Pager100,
    vacancy_id: uuid.UUID | None = None,
    laborer_id: uuid.UUID | None = None,
    status_: Annotated[ReferralStatus | None, Query(alias="status")] = None,
) -> ReferralBoard:
    """The referral board of a vacancy or of a laborer (or all the caller sees)."""
    board = service.board(
        session,
        access,
        vacancy_id=vacancy_id,
        laborer_id=laborer_id,
        status=status_,
        page=paging.page,
        page_size=paging.page_size,
    )
    today = clock.today()
    return ReferralBoard(
        items=[referral_out(access, r, today) for r in board.items],
        total=board.total,
        counts=board.counts,
        page=paging.page,
        page_size=paging.page_size,
    )


@router.get("/{referral_id}", response_model=ReferralOut)
def get_referral(referral_id: uuid.UUID, access: Access, session: DbSession) -> ReferralOut:
    return referral_out(access, service.get(session, access, referral_id), clock.today())


@router.post("/{referral_id}/steps", response_model=ReferralOut)
def record_step(
    referral_id: uuid.UUID, body: ReferralStep, access: Access, session: DbSession
) -> ReferralOut:
    """Record the next step: interviewed, offered, hired, declined, or (the county only)
    withdrawn. A step that does not follow is a 409 listing the ones that do; a hire
    when every place is taken is a 409 and nothing changes."""
    if body.status is ReferralStatus.RECOMMENDED:
        raise BadRequest(_("A referral starts as recommended; record a later step."))
    referral = service.advance(
        session,
        access,
        referral_id,
        body.status,
        version=body.version,
        occurred_on=body.occurred_on,
        note=body.note,
    )
    return referral_out(access, service.get(session, access, referral.id), clock.today())
