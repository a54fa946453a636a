"""How a laborer and a vacancy fit: the hard filters and the score, in plain Python.

This module is the definition; `api.matching.repository` computes the same score in
SQL to rank thousands of rows, and the tests hold the two to the same answer. Every
result carries this module's explanation: each filter passed and each criterion with
the points it earned.

Hard filters (a vacancy failing one is never offered):
  available  — the laborer is job-seeking: unemployed or farming, or says they need a
               job; never someone unable to work or at school;
  age        — within the vacancy's age range;
  education  — at least the vacancy's minimum (an unknown education does not pass);
  place      — without transfer intention: only in their own county; willing: within
               their chosen scope (county, province, anywhere).

Score, 0–100:
  skill      40 the vacancy's occupation is one of their skills (by code or name);
             25 one of the skills it asks for; 15 its industry is one they prefer
  place      25 a city they prefer, or their own county; 10 their own province
  wage       15 pays at least what they expect from the start; 7 within its range;
             10 when they gave no expectation
  threshold  10 no threshold, or their skill level meets it; 6 low threshold, no skill;
             4 skilled work at basic level
  housing    10 housing provided, or the job is at home
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shared_models.enums import (
    Education,
    EmploymentNeed,
    EmploymentStatus,
    EntryThreshold,
    PovertyStatus,
    SkillLevel,
    TransferScope,
)

EDUCATION_RANK = {level: rank for rank, level in enumerate(Education, start=1)}
SEEKING = (EmploymentStatus.UNEMPLOYED, EmploymentStatus.FARMING)
NEVER = (EmploymentStatus.UNABLE, EmploymentStatus.STUDENT)
# Poverty-alleviation policy: those lifted out of poverty or monitored are referred first.
PRIORITY = (PovertyStatus.REGISTERED_POOR, PovertyStatus.LIFTED, PovertyStatus.MONITORED)
PLACE_SUFFIXES = ("市", "区", "县")

SKILL, PLACE, WAGE, THRESHOLD, HOUSING = 40, 25, 15, 10, 10
MAX_SCORE = SKILL + PLACE + WAGE + THRESHOLD + HOUSING


@dataclass(frozen=True)
class LaborerFacts:
    id: uuid.UUID
    region_code: str
    birth_date: date
    education: Education | None
    skill_level: SkillLevel
    employment_status: EmploymentStatus
    employment_need: EmploymentNeed
    transfer_willing: bool
    transfer_scope: TransferScope | None
    expected_wage: int | None
    poverty_status: PovertyStatus
    skill_names: frozenset[str] = frozenset()
    skill_codes: frozenset[str] = frozenset()
    cities: frozenset[str] = frozenset()
    industries: frozenset[str] = frozenset()


@dataclass(frozen=True)
class VacancyFacts:
    id: uuid.UUID
    region_code: str
    city: str
    occupation_name: str
    occupation_code: str | None
    industry: str
    wage_min: int
    wage_max: int
    age_min: int | None
    age_max: int | None
    education_min: Education | None
    threshold: EntryThreshold
    offers_housing: bool
    skills: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Check:
    """One criterion: its key, the points earned of the most, and why (a reason code
    the pages turn into a sentence, with its values)."""

    key: str
    points: int
    most: int
    reason: str
    values: Mapping[str, object] = field(default_factory=dict)

    @property
    def met(self) -> bool:
        return self.points == self.most


@dataclass(frozen=True)
class Explanation:
    filters: tuple[Check, ...]  # hard filters: points 1 of 1 when passed
    criteria: tuple[Check, ...]

    @property
    def eligible(self) -> bool:
        return all(f.met for f in self.filters)

    @property
    def score(self) -> int:
        return sum(c.points for c in self.criteria)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def city_forms(city: str) -> frozenset[str]:
    """The ways an intention may name the vacancy's city: 烟台, 烟台市, …"""
    return frozenset({city, *(city + s for s in PLACE_SUFFIXES)})


def cities_named(intention: str) -> frozenset[str]:
    """The vacancy cities an intention names (the inverse of `city_forms`)."""
    names = {intention}
    if len(intention) > 1 and intention[-1] in PLACE_SUFFIXES:
        names.add(intention[:-1])
    return frozenset(names)


def province(region_code: str) -> str:
    return region_code[:2]


def is_available(lab: LaborerFacts) -> bool:
    if lab.employment_status in NEVER:
        return False
    return lab.employment_status in SEEKING or lab.employment_need is EmploymentNeed.JOB


def place_allowed(lab: LaborerFacts, vac: VacancyFacts) -> bool:
    if vac.region_code == lab.region_code:
        return True
    if not lab.transfer_willing or lab.transfer_scope is TransferScope.IN_COUNTY:
        return False
    if lab.transfer_scope is TransferScope.IN_PROVINCE:
        return province(vac.region_code) == province(lab.region_code)
    return True


def _filters(lab: LaborerFacts, vac: VacancyFacts, today: date) -> tuple[Check, ...]:
    age = age_on(lab.birth_date, today)
    age_ok = (vac.age_min is None or age >= vac.age_min) and (
        vac.age_max is None or age <= vac.age_max
    )
    education_ok = vac.education_min is None or (
        lab.education is not None
        and EDUCATION_RANK[lab.education] >= EDUCATION_RANK[vac.education_min]
    )
    return (
        Check(
            "available",
            int(is_available(lab)),
            1,
            "available" if is_available(lab) else "not_available",
            {"status": lab.employment_status.value},
        ),
        Check(
            "age",
            int(age_ok),
            1,
            "age_ok" if age_ok else "age_outside",
            {"age": age, "min": vac.age_min, "max": vac.age_max},
        ),
        Check(
            "education",
            int(education_ok),
            1,
            "education_ok" if education_ok else "education_below",
            {
                "education": lab.education.value if lab.education else None,
                "required": vac.education_min.value if vac.education_min else None,
            },
        ),
        Check(
            "place",
            int(place_allowed(lab, vac)),
            1,
            "place_ok" if place_allowed(lab, vac) else "place_outside_intention",
            {
                "willing": lab.transfer_willing,
                "scope": lab.transfer_scope.value if lab.transfer_scope else None,
            },
        ),
    )


def _skill(lab: LaborerFacts, vac: VacancyFacts) -> Check:
    if (vac.occupation_code and vac.occupation_code in lab.skill_codes) or (
        vac.occupation_name in lab.skill_names
    ):
        return Check("skill", SKILL, SKILL, "occupation", {"occupation": vac.occupation_name})
    shared = sorted(vac.skills & lab.skill_names)
    if shared:
        return Check("skill", 25, SKILL, "skill", {"skills": "、".join(shared)})
    if vac.industry in lab.industries:
        return Check("skill", 15, SKILL, "industry", {"industry": vac.industry})
    return Check("skill", 0, SKILL, "no_skill_match", {"occupation": vac.occupation_name})


def _place(lab: LaborerFacts, vac: VacancyFacts) -> Check:
    if lab.cities & city_forms(vac.city):
        return Check("place", PLACE, PLACE, "preferred_city", {"city": vac.city})
    if vac.region_code == lab.region_code:
        return Check("place", PLACE, PLACE, "home_county", {"city": vac.city})
    if province(vac.region_code) == province(lab.region_code):
        return Check("place", 10, PLACE, "home_province", {"city": vac.city})
    return Check("place", 0, PLACE, "elsewhere", {"city": vac.city})


def _wage(lab: LaborerFacts, vac: VacancyFacts) -> Check:
    values = {"expected": lab.expected_wage, "min": vac.wage_min, "max": vac.wage_max}
    if lab.expected_wage is None:
        return Check("wage", 10, WAGE, "no_expectation", values)
    if lab.expected_wage <= vac.wage_min:
        return Check("wage", WAGE, WAGE, "wage_meets", values)
    if lab.expected_wage <= vac.wage_max:
        return Check("wage", 7, WAGE, "wage_in_range", values)
    return Check("wage", 0, WAGE, "wage_below", values)


def threshold_points(threshold: EntryThreshold, level: SkillLevel) -> int:
    if threshold is EntryThreshold.NONE:
        return THRESHOLD
    if threshold is EntryThreshold.LOW:
        return THRESHOLD if level is not SkillLevel.NONE else 6
    if level in (SkillLevel.INTERMEDIATE, SkillLevel.ADVANCED):
        return THRESHOLD
    return 4 if level is SkillLevel.BASIC else 0


def _threshold(lab: LaborerFacts, vac: VacancyFacts) -> Check:
    points = threshold_points(vac.threshold, lab.skill_level)
    return Check(
        "threshold",
        points,
        THRESHOLD,
        "threshold_met" if points == THRESHOLD else "threshold_short",
        {"threshold": vac.threshold.value, "level": lab.skill_level.value},
    )


def _housing(lab: LaborerFacts, vac: VacancyFacts) -> Check:
    if vac.region_code == lab.region_code:
        return Check("housing", HOUSING, HOUSING, "lives_at_home")
    if vac.offers_housing:
        return Check("housing", HOUSING, HOUSING, "housing_provided")
    return Check("housing", 0, HOUSING, "no_housing")


def explain(lab: LaborerFacts, vac: VacancyFacts, today: date) -> Explanation:
    return Explanation(
        filters=_filters(lab, vac, today),
        criteria=(
            _skill(lab, vac),
            _place(lab, vac),
            _wage(lab, vac),
            _threshold(lab, vac),
            _housing(lab, vac),
        ),
    )


def vacancy_order(score: int, vac: VacancyFacts) -> tuple[Any, ...]:
    """Best first: score, then the better pay, then a stable id order."""
    return (-score, -vac.wage_max, vac.id)


def laborer_order(score: int, lab: LaborerFacts) -> tuple[Any, ...]:
    """Best first: score, then the poverty-alleviation priority groups, then id."""
    return (-score, 0 if lab.poverty_status in PRIORITY else 1, lab.id)
