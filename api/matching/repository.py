"""Matching in SQL: the score of `api.matching.criteria` as a CASE expression, ranked by
the database, one tier at a time.

Ranking everything would score every open vacancy (or every laborer of the county) for
each request. The score is dominated by the skill and place criteria, so candidates are
fetched in tiers that an index finds (same occupation; a skill asked for; a preferred
industry; a preferred city or home county; home province; the rest), each with the
highest score a row first found in it can reach. Each tier returns its own top k; once
k rows are in hand and the k-th beats the next tier's ceiling, no later row can enter
the top k and the search stops. The answer is exactly the top k of scoring everything
(`brute_force=True` does just that; the benchmarks and tests compare them).

A vacancy's laborers are searched in finer tiers, skill × place with ceilings for that
vacancy (see `_laborer_tiers`): in a county of a million, a skill tier alone holds tens
of thousands of laborers, and a vacancy in a city nobody prefers must not scan all of
them who prefer its industry. bench/bench_matching.py measures both directions.
"""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session, joinedload, selectinload

from api.access import AccessContext, DataKind
from api.db import is_postgres
from api.demand.pool import open_condition
from api.demand.repository import vacancy_visible
from api.matching.criteria import (
    EDUCATION_RANK,
    HOUSING,
    NEVER,
    PLACE,
    PRIORITY,
    SEEKING,
    SKILL,
    THRESHOLD,
    WAGE,
    LaborerFacts,
    VacancyFacts,
    age_on,
    cities_named,
    city_forms,
    province,
    threshold_points,
)
from api.sql_types import AnyCompoundSelect, AnySelect
from api.supply.repository import visible as laborer_visible
from shared_models import Employer, Laborer, LaborerTag, Vacancy, VacancySkill
from shared_models.enums import (
    EmploymentNeed,
    EntryThreshold,
    SkillLevel,
    TagKind,
    TransferScope,
)

# The most a row first found in a tier can score (see the module docstring).
OTHER = PLACE + WAGE + THRESHOLD + HOUSING  # 60: no skill criterion met
CEILINGS = (100, 25 + OTHER, 15 + OTHER, OTHER, OTHER - PLACE + 10, OTHER - PLACE)


@dataclass(frozen=True)
class Ranked:
    id: uuid.UUID
    score: int
    order: tuple[Any, ...]


def _top(rows: dict[uuid.UUID, Ranked], k: int) -> list[Ranked]:
    return sorted(rows.values(), key=lambda r: r.order)[:k]


def _search(
    tiers: Sequence[tuple[int, ColumnElement[bool] | None]],
    fetch: Callable[[ColumnElement[bool] | None], list[Ranked]],
    k: int,
    brute_force: bool,
) -> list[Ranked]:
    if brute_force:
        return fetch(None)
    found: dict[uuid.UUID, Ranked] = {}
    for ceiling, condition in tiers:
        best = _top(found, k)
        if len(best) == k and best[-1].score > ceiling:
            break
        for row in fetch(condition):
            found.setdefault(row.id, row)
    return _top(found, k)


def _without_jit(session: Session) -> None:
    """Ranking reads tens of thousands of rows, which PostgreSQL's cost model prices high
    enough to compile the query first; compiling took longer than the query itself
    (1.2 to 1.9 s of queries of 2 to 4.6 s, on a million laborers). For this transaction
    only."""
    if is_postgres(session):
        session.execute(text("SET LOCAL jit = off"))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _province_range(column: SQLColumnExpression[str], code: str) -> ColumnElement[bool]:
    """Same province as `code`, as a range an index on the column can use."""
    return and_(column >= province(code) + "0000", column <= province(code) + "9999")


# --- a laborer's vacancies ---------------------------------------------------------------------


def _vacancy_filters(lab: LaborerFacts, today: date) -> list[ColumnElement[bool]]:
    age = age_on(lab.birth_date, today)
    conditions = [
        or_(Vacancy.age_min.is_(None), Vacancy.age_min <= age),
        or_(Vacancy.age_max.is_(None), Vacancy.age_max >= age),
    ]
    if lab.education is None:
        conditions.append(Vacancy.education_min.is_(None))
    else:
        rank = EDUCATION_RANK[lab.education]
        reachable = [e for e, r in EDUCATION_RANK.items() if r <= rank]
        conditions.append(
            or_(Vacancy.education_min.is_(None), Vacancy.education_min.in_(reachable))
        )
    if not lab.transfer_willing or lab.transfer_scope is TransferScope.IN_COUNTY:
        conditions.append(Vacancy.region_code == lab.region_code)
    elif lab.transfer_scope is TransferScope.IN_PROVINCE:
        conditions.append(_province_range(Vacancy.region_code, lab.region_code))
    return conditions


def _named_cities(lab: LaborerFacts) -> list[str]:
    return sorted(set().union(*(cities_named(c) for c in lab.cities))) if lab.cities else []


def vacancy_score(lab: LaborerFacts) -> ColumnElement[int]:
    names, codes = sorted(lab.skill_names), sorted(lab.skill_codes)
    skill_whens = []
    if names or codes:
        skill_whens.append(
            (or_(Vacancy.occupation_code.in_(codes), Vacancy.occupation_name.in_(names)), SKILL)
        )
    if names:
        asked = exists().where(VacancySkill.vacancy_id == Vacancy.id, VacancySkill.name.in_(names))
        skill_whens.append((asked, 25))
    if lab.industries:
        skill_whens.append((Employer.industry.in_(sorted(lab.industries)), 15))
    skill = case(*skill_whens, else_=0) if skill_whens else literal(0)
    place = case(
        (
            or_(Vacancy.city.in_(_named_cities(lab)), Vacancy.region_code == lab.region_code),
            PLACE,
        ),
        (func.substr(Vacancy.region_code, 1, 2) == province(lab.region_code), 10),
        else_=0,
    )
    if lab.expected_wage is None:
        wage: ColumnElement[int] = literal(10)
    else:
        wage = case(
            (Vacancy.wage_min >= lab.expected_wage, WAGE),
            (Vacancy.wage_max >= lab.expected_wage, 7),
            else_=0,
        )
    threshold = case(
        *[
            (Vacancy.threshold == t.value, threshold_points(t, lab.skill_level))
            for t in EntryThreshold
        ],
        else_=0,
    )
    housing = case(
        (or_(Vacancy.region_code == lab.region_code, Vacancy.offers_housing.is_(True)), HOUSING),
        else_=0,
    )
    return skill + place + wage + threshold + housing


def _vacancy_tiers(lab: LaborerFacts) -> list[tuple[int, ColumnElement[bool] | None]]:
    names, codes = sorted(lab.skill_names), sorted(lab.skill_codes)
    tiers: list[tuple[int, ColumnElement[bool] | None]] = []
    if names or codes:
        tiers.append(
            (
                CEILINGS[0],
                or_(Vacancy.occupation_code.in_(codes), Vacancy.occupation_name.in_(names)),
            )
        )
    if names:
        asked = select(VacancySkill.vacancy_id).where(VacancySkill.name.in_(names))
        tiers.append((CEILINGS[1], Vacancy.id.in_(asked)))
    if lab.industries:
        tiers.append((CEILINGS[2], Employer.industry.in_(sorted(lab.industries))))
    near = [Vacancy.region_code == lab.region_code]
    if lab.cities:
        near.append(Vacancy.city.in_(_named_cities(lab)))
    tiers.append((CEILINGS[3], or_(*near)))
    tiers.append((CEILINGS[4], _province_range(Vacancy.region_code, lab.region_code)))
    tiers.append((CEILINGS[5], None))
    return tiers


def rank_vacancies(
    session: Session,
    access: AccessContext,
    lab: LaborerFacts,
    *,
    k: int,
    today: date,
    brute_force: bool = False,
) -> list[Ranked]:
    """The top k open vacancies of the caller's pool for this laborer."""
    _without_jit(session)
    score = vacancy_score(lab).label("score")
    base: AnySelect = (
        select(Vacancy.id, score, Vacancy.wage_max)
        .join(Employer, Employer.id == Vacancy.employer_id)
        .where(vacancy_visible(access), open_condition(today), *_vacancy_filters(lab, today))
        .order_by(score.desc(), Vacancy.wage_max.desc(), Vacancy.id)
        .limit(k)
    )

    def fetch(condition: ColumnElement[bool] | None) -> list[Ranked]:
        statement = base.where(condition) if condition is not None else base
        return [
            Ranked(row.id, int(row.score), (-int(row.score), -row.wage_max, row.id))
            for row in session.execute(statement)
        ]

    return _search(_vacancy_tiers(lab), fetch, k, brute_force)


# --- a vacancy's laborers ----------------------------------------------------------------------


def _tags(access: AccessContext, kind: TagKind, condition: ColumnElement[bool]) -> AnySelect:
    """The laborers with such a tag: read from the tag index alone. Never correlated
    with an enclosing query, not even one on the tags (a set inside a set of tags)."""
    return (
        select(LaborerTag.laborer_id)
        .where(
            LaborerTag.tenant_id.in_(access.read_ids(DataKind.LABORER)),
            LaborerTag.kind == kind,
            condition,
        )
        .correlate(None)
    )


def _tagged_ids(
    access: AccessContext, kind: TagKind, condition: ColumnElement[bool]
) -> ColumnElement[bool]:
    return Laborer.id.in_(_tags(access, kind, condition))


def _occupation_tags(access: AccessContext, vac: VacancyFacts) -> AnySelect | AnyCompoundSelect:
    """Has the vacancy's occupation as a skill, by name or by code: two index-only scans
    (an OR of the two would read every matching tag row from the table)."""
    by_name = _tags(access, TagKind.SKILL, LaborerTag.value == vac.occupation_name)
    if not vac.occupation_code:
        return by_name
    by_code = _tags(access, TagKind.SKILL, LaborerTag.code == vac.occupation_code)
    return union_all(by_name, by_code)


def _laborer_filters(vac: VacancyFacts, today: date) -> list[ColumnElement[bool]]:
    conditions = [
        Laborer.employment_status.not_in([s.value for s in NEVER]),
        or_(
            Laborer.employment_status.in_([s.value for s in SEEKING]),
            Laborer.employment_need == EmploymentNeed.JOB,
        ),
        or_(
            Laborer.region_code == vac.region_code,
            and_(
                Laborer.transfer_willing.is_(True),
                or_(
                    Laborer.transfer_scope.is_(None),
                    Laborer.transfer_scope == TransferScope.OUT_OF_PROVINCE,
                ),
            ),
            and_(
                Laborer.transfer_willing.is_(True),
                Laborer.transfer_scope == TransferScope.IN_PROVINCE,
                _province_range(Laborer.region_code, vac.region_code),
            ),
        ),
    ]
    if vac.age_min is not None:
        conditions.append(Laborer.birth_date <= _years_before(today, vac.age_min))
    if vac.age_max is not None:
        conditions.append(Laborer.birth_date > _years_before(today, vac.age_max + 1))
    if vac.education_min is not None:
        rank = EDUCATION_RANK[vac.education_min]
        conditions.append(
            Laborer.education.in_([e for e, r in EDUCATION_RANK.items() if r >= rank])
        )
    return conditions


def _tagged(
    access: AccessContext, kind: TagKind, condition: ColumnElement[bool]
) -> ColumnElement[bool]:
    # Correlated, so PostgreSQL may probe each row's tags (a tier of few rows) or hash the
    # whole set once (many rows). The tenants, implied by the laborer's, let the hashed
    # form read the set from the index instead of every county's tags.
    return exists().where(
        LaborerTag.laborer_id == Laborer.id,
        LaborerTag.tenant_id.in_(access.read_ids(DataKind.LABORER)),
        LaborerTag.kind == kind,
        condition,
    )


def _has_occupation(access: AccessContext, vac: VacancyFacts) -> ColumnElement[bool]:
    by_name = _tagged(access, TagKind.SKILL, LaborerTag.value == vac.occupation_name)
    if not vac.occupation_code:
        return by_name
    return or_(by_name, _tagged(access, TagKind.SKILL, LaborerTag.code == vac.occupation_code))


def laborer_score(access: AccessContext, vac: VacancyFacts) -> ColumnElement[int]:
    skill_whens = [(_has_occupation(access, vac), SKILL)]
    if vac.skills:
        skill_whens.append(
            (_tagged(access, TagKind.SKILL, LaborerTag.value.in_(sorted(vac.skills))), 25)
        )
    skill_whens.append((_tagged(access, TagKind.INDUSTRY, LaborerTag.value == vac.industry), 15))
    skill = case(*skill_whens, else_=0)
    place = case(
        (
            or_(
                _tagged(access, TagKind.CITY, LaborerTag.value.in_(sorted(city_forms(vac.city)))),
                Laborer.region_code == vac.region_code,
            ),
            PLACE,
        ),
        (func.substr(Laborer.region_code, 1, 2) == province(vac.region_code), 10),
        else_=0,
    )
    wage = case(
        (Laborer.expected_wage.is_(None), 10),
        (Laborer.expected_wage <= vac.wage_min, WAGE),
        (Laborer.expected_wage <= vac.wage_max, 7),
        else_=0,
    )
    threshold = case(
        *[(Laborer.skill_level == s.value, threshold_points(vac.threshold, s)) for s in SkillLevel],
        else_=0,
    )
    housing: ColumnElement[int] = (
        literal(HOUSING)
        if vac.offers_housing
        else case((Laborer.region_code == vac.region_code, HOUSING), else_=0)
    )
    return skill + place + wage + threshold + housing


def _all_of(*conditions: ColumnElement[bool] | None) -> ColumnElement[bool] | None:
    present = [c for c in conditions if c is not None]
    return and_(*present) if present else None


def _laborer_tiers(
    access: AccessContext, vac: VacancyFacts
) -> list[tuple[int, ColumnElement[bool] | None]]:
    """Cells of skill × place, highest ceiling first.

    A laborer's skill criterion (occupation 40, a skill asked 25, the industry 15, none)
    and place criterion (a preferred city or the home county 25, the province 10, else 0)
    put them in one cell; wage and threshold add at most 25, housing 10 when the job
    is at home and otherwise only if the vacancy offers it. So each cell has a ceiling
    that holds for this vacancy, and a cell may hold more rows than its own (those with
    a better place, say): they are found there or earlier at their real score.

    Splitting by place lets a vacancy that nobody prefers stop at its skill tiers
    without scanning the tens of thousands of laborers who prefer its industry, and the
    place conditions are cheap: tags against tags, and an index on the region code."""
    rest = WAGE + THRESHOLD
    housing = HOUSING if vac.offers_housing else 0
    skills: list[tuple[int, AnySelect | AnyCompoundSelect | None]] = [
        (SKILL, _occupation_tags(access, vac))
    ]
    if vac.skills:
        skills.append((25, _tags(access, TagKind.SKILL, LaborerTag.value.in_(sorted(vac.skills)))))
    skills.append((15, _tags(access, TagKind.INDUSTRY, LaborerTag.value == vac.industry)))
    skills.append((0, None))
    in_city = LaborerTag.value.in_(sorted(city_forms(vac.city)))
    cells: list[tuple[int, ColumnElement[bool] | None]] = []
    for points, tagged in skills:
        has_skill = Laborer.id.in_(tagged) if tagged is not None else None
        # Preferring the city: the skill's laborers among the city's, tags against tags
        # before any laborer is read.
        city = in_city if tagged is None else and_(in_city, LaborerTag.laborer_id.in_(tagged))
        home = Laborer.region_code == vac.region_code
        same_province = _province_range(Laborer.region_code, vac.region_code)
        cells += [
            (points + PLACE + housing + rest, _tagged_ids(access, TagKind.CITY, city)),
            (points + PLACE + HOUSING + rest, _all_of(has_skill, home)),
            (points + 10 + housing + rest, _all_of(has_skill, same_province)),
            (points + housing + rest, has_skill),
        ]
    return sorted(cells, key=lambda cell: -cell[0])  # stable: narrower cells first on ties


def rank_laborers(
    session: Session,
    access: AccessContext,
    vac: VacancyFacts,
    *,
    k: int,
    today: date,
    brute_force: bool = False,
) -> list[Ranked]:
    """The top k laborers of the caller's county for this vacancy."""
    _without_jit(session)
    score = laborer_score(access, vac).label("score")
    priority = case((Laborer.poverty_status.in_([p.value for p in PRIORITY]), 0), else_=1).label(
        "priority"
    )
    base: AnySelect = (
        select(Laborer.id, score, priority)
        .where(laborer_visible(access), *_laborer_filters(vac, today))
        .order_by(score.desc(), priority, Laborer.id)
        .limit(k)
    )

    def fetch(condition: ColumnElement[bool] | None) -> list[Ranked]:
        statement = base.where(condition) if condition is not None else base
        return [
            Ranked(row.id, int(row.score), (-int(row.score), row.priority, row.id))
            for row in session.execute(statement)
        ]

    return _search(_laborer_tiers(access, vac), fetch, k, brute_force)


# --- facts -------------------------------------------------------------------------------------


def laborers_with_tags(
    session: Session, access: AccessContext, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Laborer]:
    if not ids:
        return {}
    rows = session.scalars(
        select(Laborer)
        .options(selectinload(Laborer.tags))
        .where(Laborer.id.in_(ids), laborer_visible(access))
    ).all()
    return {lab.id: lab for lab in rows}


def vacancies_with_employer(
    session: Session, access: AccessContext, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Vacancy]:
    if not ids:
        return {}
    rows = session.scalars(
        select(Vacancy)
        .options(joinedload(Vacancy.employer), selectinload(Vacancy.skills))
        .where(Vacancy.id.in_(ids), vacancy_visible(access))
    ).all()
    return {v.id: v for v in rows}
