"""Matching both ways (人岗匹配): a laborer's best open vacancies, a vacancy's best
laborers of the caller's county, each with the explanation of its score."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, DataKind
from api.demand import service as demand
from api.demand.pool import is_open
from api.errors import Forbidden
from api.i18n import _
from api.matching import repository
from api.matching.criteria import Explanation, LaborerFacts, VacancyFacts, explain, is_available
from api.supply import service as supply
from shared_models import Laborer, Vacancy
from shared_models.enums import TagKind

T = TypeVar("T")
LABORER_LIMIT = 50
VACANCY_LIMIT = 20


def laborer_facts(laborer: Laborer) -> LaborerFacts:
    tags = {kind: [t for t in laborer.tags if t.kind == kind] for kind in TagKind}
    return LaborerFacts(
        id=laborer.id,
        region_code=laborer.region_code,
        birth_date=laborer.birth_date,
        education=laborer.education,
        skill_level=laborer.skill_level,
        employment_status=laborer.employment_status,
        employment_need=laborer.employment_need,
        transfer_willing=laborer.transfer_willing,
        transfer_scope=laborer.transfer_scope,
        expected_wage=laborer.expected_wage,
        poverty_status=laborer.poverty_status,
        skill_names=frozenset(t.value for t in tags[TagKind.SKILL]),
        skill_codes=frozenset(t.code for t in tags[TagKind.SKILL] if t.code),
        cities=frozenset(t.value for t in tags[TagKind.CITY]),
        industries=frozenset(t.value for t in tags[TagKind.INDUSTRY]),
    )


def vacancy_facts(vacancy: Vacancy) -> VacancyFacts:
    return VacancyFacts(
        id=vacancy.id,
        region_code=vacancy.region_code,
        city=vacancy.city,
        occupation_name=vacancy.occupation_name,
        occupation_code=vacancy.occupation_code,
        industry=vacancy.employer.industry,
        wage_min=vacancy.wage_min,
        wage_max=vacancy.wage_max,
        age_min=vacancy.age_min,
        age_max=vacancy.age_max,
        education_min=vacancy.education_min,
        threshold=vacancy.threshold,
        offers_housing=vacancy.offers_housing,
        skills=frozenset(s.name for s in vacancy.skills),
    )


@dataclass
class VacancyMatch:
    vacancy: Vacancy
    score: int
    explanation: Explanation


@dataclass
class LaborerMatch:
    laborer: Laborer
    score: int
    explanation: Explanation


@dataclass
class Matches(Generic[T]):
    items: list[T]
    # Why there are none at all, when that is known up front ('not_available',
    # 'vacancy_not_open'); None when the search ran.
    reason: str | None = None


def for_laborer(
    session: Session,
    access: AccessContext,
    laborer_id: uuid.UUID,
    *,
    limit: int = VACANCY_LIMIT,
    today: date | None = None,
    brute_force: bool = False,
) -> tuple[Laborer, Matches[VacancyMatch]]:
    today = today or clock.today()
    laborer = supply.get(session, access, laborer_id).laborer
    facts = laborer_facts(laborer)
    if not is_available(facts):
        return laborer, Matches([], "not_available")
    ranked = repository.rank_vacancies(
        session, access, facts, k=limit, today=today, brute_force=brute_force
    )
    vacancies = repository.vacancies_with_employer(session, access, [r.id for r in ranked])
    items = []
    for row in ranked:
        vacancy = vacancies[row.id]
        items.append(
            VacancyMatch(vacancy, row.score, explain(facts, vacancy_facts(vacancy), today))
        )
    return laborer, Matches(items)


def require_laborer_reader(access: AccessContext) -> None:
    if not access.read_ids(DataKind.LABORER):
        raise Forbidden(
            detail=_(
                "Matching laborers to a vacancy is for the sending county and its liaison "
                "offices; you see the candidates referred to your vacancies."
            )
        )


def for_vacancy(
    session: Session,
    access: AccessContext,
    vacancy_id: uuid.UUID,
    *,
    limit: int = LABORER_LIMIT,
    today: date | None = None,
    brute_force: bool = False,
) -> tuple[Vacancy, Matches[LaborerMatch]]:
    today = today or clock.today()
    vacancy = demand.get_vacancy(session, access, vacancy_id)
    require_laborer_reader(access)
    if not is_open(vacancy, today):
        return vacancy, Matches([], "vacancy_not_open")
    facts = vacancy_facts(vacancy)
    ranked = repository.rank_laborers(
        session, access, facts, k=limit, today=today, brute_force=brute_force
    )
    laborers = repository.laborers_with_tags(session, access, [r.id for r in ranked])
    items = []
    for row in ranked:
        laborer = laborers[row.id]
        items.append(
            LaborerMatch(laborer, row.score, explain(laborer_facts(laborer), facts, today))
        )
    return vacancy, Matches(items)
