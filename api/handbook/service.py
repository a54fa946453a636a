"""The job handbook (岗位对接服务手册): for a village or a roster, the best-matching open
vacancies per household, to print and hand out on door-to-door visits.

Each household's job seekers are matched one by one with the same exact top-k search as
a laborer's matches page; the household's list is the best of those, each vacancy once,
naming the member it suits best. Laborers with the same matching facts (the same age
today, skills, intentions, wage, ...) get the same vacancies, so each distinct profile
is searched once per handbook."""

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext, DataKind
from api.errors import Forbidden, ValidationFailed
from api.handbook import repository
from api.i18n import _
from api.matching import repository as matching_repository
from api.matching.criteria import Explanation, LaborerFacts, age_on, explain, is_available
from api.matching.service import laborer_facts, vacancy_facts
from api.supply.rosters import RosterFilter
from shared_models import Laborer, Vacancy
from shared_models.enums import PovertyStatus

PER_HOUSEHOLD = 5  # vacancies listed per household
PER_MEMBER = 5  # searched per job seeker
MAX_LABORERS = 10_000  # about 3,000 households: a township's handbook, made on the page
MAX_LABORERS_JOB = 200_000  # a whole county's, made by a background worker
NIL = uuid.UUID(int=0)


@dataclass
class Suggestion:
    vacancy: Vacancy
    score: int
    member: Laborer
    explanation: Explanation


@dataclass
class Household:
    township: str
    village: str
    head: str
    members: list[Laborer] = field(default_factory=list)
    seekers: int = 0
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def priority(self) -> bool:
        """A poverty-alleviation household (脱贫户 and the like) is visited first."""
        return any(m.poverty_status is not PovertyStatus.NONE for m in self.members)


@dataclass
class Handbook:
    title: str
    made_on: date
    households: list[Household]
    laborers: int
    seekers: int
    profiles: int  # distinct matching profiles searched
    vacancies: int  # distinct vacancies suggested


def _profile(facts: LaborerFacts, today: date) -> tuple[Any, ...]:
    """What the vacancy search depends on: everything but who the laborer is and their
    exact birthday (the age filters compare whole years)."""
    anonymous = dataclasses.replace(
        facts, id=NIL, birth_date=date.min, poverty_status=PovertyStatus.NONE
    )
    return (age_on(facts.birth_date, today), anonymous)


def _households(laborers: list[Laborer]) -> list[Household]:
    out: dict[tuple[str, str, str], Household] = {}
    for lab in laborers:
        head = lab.household_head or lab.name
        key = (lab.township, lab.village, head)
        if key not in out:
            out[key] = Household(lab.township, lab.village, head)
        out[key].members.append(lab)
    return list(out.values())


def require_maker(access: AccessContext) -> None:
    if not access.read_ids(DataKind.LABORER):
        raise Forbidden(detail=_("The job handbook is made by the sending county."))


def build(
    session: Session,
    access: AccessContext,
    f: RosterFilter,
    *,
    title: str,
    today: date | None = None,
    progress: Callable[[int, int], None] = lambda _done, _total: None,
    limit: int = MAX_LABORERS,
) -> Handbook:
    today = today or clock.today()
    require_maker(access)
    total = repository.count(session, access, f)
    if total > limit:
        raise ValidationFailed(
            _(
                "{count} laborers are selected; a handbook takes at most {limit}. "
                "Choose a township or village."
            ),
            params={"count": total, "limit": limit},
        )
    laborers = list(repository.laborers(session, access, f))
    households = _households(laborers)
    ranked_by_profile: dict[tuple[Any, ...], list[matching_repository.Ranked]] = {}
    facts_of: dict[uuid.UUID, LaborerFacts] = {}
    for done, household in enumerate(households, start=1):
        for member in household.members:
            facts = laborer_facts(member)
            if not is_available(facts):
                continue
            household.seekers += 1
            facts_of[member.id] = facts
            key = _profile(facts, today)
            if key not in ranked_by_profile:
                ranked_by_profile[key] = matching_repository.rank_vacancies(
                    session, access, facts, k=PER_MEMBER, today=today
                )
        progress(done, len(households))
    wanted = {r.id for ranked in ranked_by_profile.values() for r in ranked}
    vacancies = matching_repository.vacancies_with_employer(session, access, list(wanted))
    for household in households:
        best: dict[uuid.UUID, Suggestion] = {}
        for member in household.members:
            facts = facts_of.get(member.id)
            if facts is None:
                continue
            for row in ranked_by_profile[_profile(facts, today)]:
                if row.id not in best or row.score > best[row.id].score:
                    vacancy = vacancies[row.id]
                    best[row.id] = Suggestion(
                        vacancy, row.score, member, explain(facts, vacancy_facts(vacancy), today)
                    )
        household.suggestions = sorted(
            best.values(), key=lambda s: (-s.score, -s.vacancy.wage_max, s.vacancy.title)
        )[:PER_HOUSEHOLD]
    return Handbook(
        title=title,
        made_on=today,
        households=households,
        laborers=len(laborers),
        seekers=sum(h.seekers for h in households),
        profiles=len(ranked_by_profile),
        vacancies=len(wanted),
    )
