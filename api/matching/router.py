"""JSON API of matching: a laborer's vacancies and a vacancy's laborers, explained."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api import clock
from api.demand.outputs import vacancy_out
from api.deps import Access, DbSession
from api.matching import service
from api.matching.criteria import Check, Explanation, age_on
from api.matching.reasons import sentence
from api.matching.schemas import (
    CheckOut,
    ExplanationOut,
    LaborerBrief,
    LaborerMatchesOut,
    LaborerMatchOut,
    VacancyMatchesOut,
    VacancyMatchOut,
)
from api.routing import JsonRoute, validated_json
from api.supply.convert import tag_values
from shared_models import Laborer

router = APIRouter(prefix="/api/v1", route_class=JsonRoute, tags=["matching"])


def check_out(check: Check) -> CheckOut:
    return CheckOut(
        key=check.key,
        points=check.points,
        most=check.most,
        met=check.met,
        reason=check.reason,
        text=sentence(check),
        values=dict(check.values),
    )


def explanation_out(explanation: Explanation) -> ExplanationOut:
    return ExplanationOut(
        score=explanation.score,
        filters=[check_out(c) for c in explanation.filters],
        criteria=[check_out(c) for c in explanation.criteria],
    )


def laborer_brief(laborer: Laborer, today: date) -> LaborerBrief:
    lists = tag_values(laborer.tags)
    return LaborerBrief(
        id=laborer.id,
        name=laborer.name,
        sex=laborer.sex,
        age=age_on(laborer.birth_date, today),
        township=laborer.township,
        village=laborer.village,
        poverty_status=laborer.poverty_status,
        education=laborer.education,
        skill_level=laborer.skill_level,
        employment_status=laborer.employment_status,
        transfer_willing=laborer.transfer_willing,
        transfer_scope=laborer.transfer_scope,
        expected_wage=laborer.expected_wage,
        skills=[o.text() for o in lists["skills"]],
        preferred_cities=list(lists["preferred_cities"]),
    )


@router.get("/laborers/{laborer_id}/matches", response_model=VacancyMatchesOut)
def laborer_matches(
    laborer_id: uuid.UUID,
    access: Access,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=100)] = service.VACANCY_LIMIT,
) -> Response:
    """The open vacancies of the pool this laborer could take, best first, each with the
    criteria it meets and misses. None when the laborer is not looking for work."""
    today = clock.today()
    _laborer, matches = service.for_laborer(session, access, laborer_id, limit=limit, today=today)
    answer = VacancyMatchesOut(
        laborer_id=laborer_id,
        reason=matches.reason,
        as_of=today,
        items=[
            VacancyMatchOut(
                vacancy=vacancy_out(m.vacancy),
                score=m.score,
                explanation=explanation_out(m.explanation),
            )
            for m in matches.items
        ],
    )
    return validated_json(answer)


@router.get("/vacancies/{vacancy_id}/matches", response_model=LaborerMatchesOut)
def vacancy_matches(
    vacancy_id: uuid.UUID,
    access: Access,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=200)] = service.LABORER_LIMIT,
) -> LaborerMatchesOut:
    """The laborers of the caller's county who fit this vacancy, best first (for the
    sending county and its liaison offices)."""
    today = clock.today()
    _vacancy, matches = service.for_vacancy(session, access, vacancy_id, limit=limit, today=today)
    return LaborerMatchesOut(
        vacancy_id=vacancy_id,
        reason=matches.reason,
        as_of=today,
        items=[
            LaborerMatchOut(
                laborer=laborer_brief(m.laborer, today),
                score=m.score,
                explanation=explanation_out(m.explanation),
            )
            for m in matches.items
        ],
    )
