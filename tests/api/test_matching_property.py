"""Matching in SQL agrees with its definition in api.matching.criteria, on generated data.

Each example builds a fresh county with generated laborers and vacancies (rolled back
afterwards), then for every laborer and every vacancy compares the service's ranking,
tiered and brute force, with a ranking computed in plain Python from the definition:
same items in the same order, hard filters never violated, every explanation summing
to the score the database computed.
"""

import uuid
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.access import DataKind
from api.db import use_operator_access
from api.demand.pool import is_open
from api.matching import service
from api.matching.criteria import (
    explain,
    is_available,
    laborer_order,
    vacancy_order,
)
from api.tenancy import service as tenancy
from shared_models import Employer, Laborer, LaborerTag, Vacancy, VacancySkill
from shared_models.enums import (
    Education,
    EmploymentNeed,
    EmploymentStatus,
    EntryThreshold,
    PovertyStatus,
    SkillLevel,
    TagKind,
    TransferScope,
    VacancyStatus,
)
from shared_models.validators import city_name

TODAY = date(2026, 11, 25)
HOME = "500237"
OCCUPATIONS = [
    ("焊工", "6-18-02-04"),
    ("电工", "6-31-01-03"),
    ("中式面点师", None),
    ("保洁员", None),
]
REGIONS = [HOME, "500154", "500101", "370602", "370687", "370705"]
CITIES = ["烟台", "烟台市", "潍坊", "开州区", "巫山", "重庆主城"]
INDUSTRIES = ["制造业", "电子", "家政服务"]

maybe = st.none()
laborers = st.lists(
    st.fixed_dictionaries(
        {
            "region": st.sampled_from([HOME, HOME, "500154"]),
            # Ages at the vacancies' limits, born on, before or after that birthday.
            "age": st.sampled_from([17, 18, 19, 24, 25, 39, 40, 41, 50, 51]),
            "shift": st.sampled_from([-1, 0, 1]),
            "education": st.none() | st.sampled_from(list(Education)),
            "skill_level": st.sampled_from(list(SkillLevel)),
            "status": st.sampled_from(list(EmploymentStatus)),
            "need": st.sampled_from(list(EmploymentNeed)),
            "willing": st.booleans(),
            "scope": st.none() | st.sampled_from(list(TransferScope)),
            "wage": st.none() | st.sampled_from([3000, 4500, 6000, 8000]),
            "poverty": st.sampled_from(list(PovertyStatus)),
            "skills": st.lists(st.sampled_from(range(len(OCCUPATIONS))), max_size=2, unique=True),
            "coded": st.booleans(),
            "cities": st.lists(st.sampled_from(CITIES), max_size=2, unique=True),
            "industries": st.lists(st.sampled_from(INDUSTRIES), max_size=2, unique=True),
        }
    ),
    min_size=1,
    max_size=14,
)
vacancies = st.lists(
    st.fixed_dictionaries(
        {
            "region": st.sampled_from(REGIONS),
            "occupation": st.sampled_from(range(len(OCCUPATIONS))),
            "coded": st.booleans(),
            "skills": st.lists(
                st.sampled_from([o[0] for o in OCCUPATIONS]), max_size=2, unique=True
            ),
            "industry": st.sampled_from(INDUSTRIES),
            "wage_min": st.sampled_from([3000, 4000, 5000]),
            "spread": st.sampled_from([0, 1000, 3000]),
            "age_min": st.none() | st.sampled_from([18, 25]),
            "age_max": st.none() | st.sampled_from([40, 50]),
            "education": st.none() | st.sampled_from(list(Education)),
            "threshold": st.sampled_from(list(EntryThreshold)),
            "housing": st.booleans(),
            "status": st.sampled_from(
                [VacancyStatus.OPEN, VacancyStatus.OPEN, VacancyStatus.PAUSED]
            ),
            "ended": st.booleans(),
            "full": st.booleans(),
        }
    ),
    min_size=1,
    max_size=14,
)


def _born(age: int, shift: int) -> date:
    return TODAY.replace(year=TODAY.year - age) + timedelta(days=shift)


def _add_laborer(session, tenant_id, i, spec):
    lab = Laborer(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        name=f"测试{i}",
        id_number_cipher=b"x",
        id_number_hash=uuid.uuid4().hex,
        id_number_masked="5002**********0000",
        id_number_tail="0000",
        sex="male",
        birth_date=_born(spec["age"], spec["shift"]),
        region_code=spec["region"],
        township="巫峡镇",
        village="江东村",
        poverty_status=spec["poverty"],
        education=spec["education"],
        employment_status=spec["status"],
        employment_need=spec["need"],
        skill_level=spec["skill_level"],
        employment_difficulty="none",
        assistance_measure="none",
        transfer_willing=spec["willing"],
        transfer_scope=spec["scope"],
        expected_wage=spec["wage"],
    )
    session.add(lab)
    tags = [
        (TagKind.SKILL, OCCUPATIONS[s][0], OCCUPATIONS[s][1] if spec["coded"] else None)
        for s in spec["skills"]
    ]
    tags += [(TagKind.CITY, c, None) for c in spec["cities"]]
    tags += [(TagKind.INDUSTRY, n, None) for n in spec["industries"]]
    for position, (kind, value, code) in enumerate(tags):
        session.add(
            LaborerTag(
                id=uuid.uuid4(),
                tenant_id=tenant_id,
                laborer_id=lab.id,
                kind=kind,
                value=value,
                code=code,
                position=position,
            )
        )


def _add_vacancy(session, tenant_id, i, spec):
    employer = Employer(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        name=f"企业{i}",
        credit_code=f"C{i:017d}",
        industry=spec["industry"],
        region_code=spec["region"],
    )
    name, code = OCCUPATIONS[spec["occupation"]]
    headcount = 3
    vacancy = Vacancy(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        employer_id=employer.id,
        title=f"岗位{i}",
        occupation_name=name,
        occupation_code=code if spec["coded"] else None,
        headcount=headcount,
        filled=headcount if spec["full"] else 0,
        wage_min=spec["wage_min"],
        wage_max=spec["wage_min"] + spec["spread"],
        city=city_name(spec["region"]),
        region_code=spec["region"],
        age_min=spec["age_min"],
        age_max=spec["age_max"],
        education_min=spec["education"],
        threshold=spec["threshold"],
        offers_housing=spec["housing"],
        valid_from=TODAY - timedelta(days=10),
        valid_until=TODAY - timedelta(days=1) if spec["ended"] else None,
        status=spec["status"],
    )
    session.add_all([employer, vacancy])
    for position, skill in enumerate(spec["skills"]):
        session.add(
            VacancySkill(
                id=uuid.uuid4(),
                tenant_id=tenant_id,
                vacancy_id=vacancy.id,
                name=skill,
                position=position,
            )
        )


@pytest.fixture
def scratch(world):
    """A session whose work is rolled back: each example starts from the same world."""
    database = world.owner_database()

    def begin():
        session = database.sessions()
        session.begin()
        county = tenancy.create_organization(
            session, kind="sending", name=f"测试县{uuid.uuid4().hex[:8]}", region_code=HOME
        )
        kinds = [DataKind.LABORER, DataKind.DEMAND]
        access = use_operator_access(session, county.id, read=kinds, write=kinds)
        return session, access

    return begin


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(laborer_specs=laborers, vacancy_specs=vacancies, k=st.sampled_from([1, 3, 50]))
def test_sql_ranking_matches_the_definition(scratch, laborer_specs, vacancy_specs, k):
    session, access = scratch()
    try:
        for i, spec in enumerate(laborer_specs):
            _add_laborer(session, access.tenant_id, i, spec)
        for i, spec in enumerate(vacancy_specs):
            _add_vacancy(session, access.tenant_id, i, spec)
        session.flush()
        session.expire_all()
        all_laborers = session.query(Laborer).filter_by(tenant_id=access.tenant_id).all()
        all_vacancies = session.query(Vacancy).filter_by(tenant_id=access.tenant_id).all()
        lab_facts = {lab.id: service.laborer_facts(lab) for lab in all_laborers}
        vac_facts = {v.id: service.vacancy_facts(v) for v in all_vacancies}

        for lab in all_laborers:
            facts = lab_facts[lab.id]
            expected = []
            if is_available(facts):
                for v in all_vacancies:
                    e = explain(facts, vac_facts[v.id], TODAY)
                    if is_open(v, TODAY) and e.eligible:
                        expected.append((vacancy_order(e.score, vac_facts[v.id]), v.id, e.score))
            expected = [(vid, score) for _o, vid, score in sorted(expected)[:k]]
            for brute in (False, True):
                _l, matches = service.for_laborer(
                    session, access, lab.id, limit=k, today=TODAY, brute_force=brute
                )
                got = [(m.vacancy.id, m.score) for m in matches.items]
                assert got == expected, (brute, facts)
                for m in matches.items:
                    assert m.explanation.eligible  # hard filters never violated
                    assert m.explanation.score == m.score  # the explanation is the score

        for v in all_vacancies:
            facts = vac_facts[v.id]
            expected = []
            if is_open(v, TODAY):
                for lab in all_laborers:
                    e = explain(lab_facts[lab.id], facts, TODAY)
                    if e.eligible:
                        expected.append(
                            (laborer_order(e.score, lab_facts[lab.id]), lab.id, e.score)
                        )
            expected = [(lid, score) for _o, lid, score in sorted(expected)[:k]]
            for brute in (False, True):
                _v, matches = service.for_vacancy(
                    session, access, v.id, limit=k, today=TODAY, brute_force=brute
                )
                got = [(m.laborer.id, m.score) for m in matches.items]
                assert got == expected, (brute, facts)
                for m in matches.items:
                    assert m.explanation.eligible
                    assert m.explanation.score == m.score
    finally:
        session.rollback()
        session.close()
