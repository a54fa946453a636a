"""The matching benches' data: a pool of vacancies in 烟台 and a county of laborers in 巫山,
COPYed in as the superuser (bench_matching and bench_handbook share it)."""

import multiprocessing
import random
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import psycopg
from sqlalchemy import select

from api.db import Database
from api.demo.laborers import INDUSTRIES, SKILLS
from bench.bench_roster import load as load_laborers
from bench.common import BenchDatabase, peak_rss_mib
from shared_models import Organization, User
from shared_models.validators import city_name
from shared_models.validators.credit_code import with_check_character

YANTAI = ["370602", "370611", "370612", "370613", "370614", "370681", "370682", "370683",
          "370685", "370686", "370687"]  # fmt: skip
WEIFANG = ["370702", "370703", "370704", "370705", "370724", "370725", "370781", "370782",
           "370783", "370784", "370785", "370786"]  # fmt: skip
HOME = "500237"  # 巫山: workshops at home, posted in the shared pool
CODES = {s.name: s.code for s in SKILLS}
# What each industry hires, with weights: the laborers' skill vocabulary, and general work
# (普工 and the like) that no laborer lists as a skill.
HIRES: dict[str, list[tuple[str, int]]] = {
    "制造业": [("普工", 30), ("装配工", 15), ("焊工", 15), ("电工", 10), ("叉车司机", 10),
             ("缝纫工", 5)],
    "建筑业": [("建筑木工", 35), ("焊工", 20), ("电工", 20), ("普工", 25)],
    "餐饮服务": [("中式烹调师", 30), ("中式面点师", 20), ("服务员", 35), ("茶艺师", 10),
              ("保洁员", 5)],
    "家政服务": [("家政服务员", 35), ("养老护理员", 25), ("育婴员", 20), ("保洁员", 15),
              ("美容师", 5)],
    "电子": [("普工", 45), ("装配工", 30), ("电工", 15), ("叉车司机", 10)],
    "纺织服装": [("缝纫工", 60), ("普工", 30), ("叉车司机", 10)],
    "物流": [("叉车司机", 35), ("普工", 45), ("电工", 5), ("保洁员", 15)],
}  # fmt: skip
INDUSTRY_WEIGHTS = [30, 15, 15, 10, 12, 10, 8]  # in the order of INDUSTRIES
EMPLOYER_WORDS = "华鑫恒泰瑞丰盛宏达兴隆祥和源通海诚信德利康运远东方晟宇"
NOT_OPEN = ("paused", "filled", "expired")


def _employer_region(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.55:
        return rng.choice(YANTAI)
    return rng.choice(WEIFANG) if roll < 0.95 else HOME


def _age_limits(rng: random.Random) -> tuple[int | None, int | None]:
    low = rng.choice([None, None, 16, 18, 18])
    high = rng.choice([None, None, 35, 40, 45, 45, 50, 55, 60])
    return low, high


def load_vacancies(admin_url: str, tenant_id: uuid.UUID, count: int, today: date) -> float:
    """COPY `count` open vacancies (and count / 5 closed ones) of count / 20 employers."""
    rng = random.Random(4)
    now = f"{today:%Y-%m-%d} 00:00:00+00"
    started = time.perf_counter()
    employers = []
    for n in range(max(1, count // 20)):
        region = _employer_region(rng)
        industry = rng.choices(INDUSTRIES, INDUSTRY_WEIGHTS)[0]
        city = city_name(region)
        name = f"{city}{''.join(rng.sample(EMPLOYER_WORDS, 2))}{industry[:2]}有限公司{n:05d}"
        credit = with_check_character(f"91{region}{n:09d}")  # unique: the sequence
        housing = rng.random() < (0.2 if region == HOME else 0.7)
        employers.append((uuid.UUID(int=rng.getrandbits(128), version=4), region, industry,
                          housing, name, credit, rng.paretovariate(1.2)))  # fmt: skip
    weights = [e[-1] for e in employers]
    employer_cols = (
        "id, tenant_id, version, name, credit_code, industry, address, region_code,"
        " contact_name, contact_phone, size, is_employment_base, is_workshop,"
        " is_model_workshop, offers_housing, offers_meals, offers_transport, note,"
        " created_at, updated_at"
    )
    vacancy_cols = (
        "id, tenant_id, employer_id, version, title, occupation_name, occupation_code,"
        " headcount, filled, wage_min, wage_max, city, region_code, address, age_min, age_max,"
        " education_min, requirements, threshold, offers_housing, offers_meals,"
        " offers_transport, offers_insurance, contract_months, valid_from, valid_until,"
        " status, created_at, updated_at"
    )
    with psycopg.connect(admin_url) as conn, psycopg.connect(admin_url) as skill_conn:
        for c in (conn, skill_conn):
            c.execute("SET session_replication_role = replica")  # bulk load: no FK triggers
        with conn.cursor().copy(f"COPY employers ({employer_cols}) FROM STDIN") as copy:
            for eid, region, industry, housing, name, credit, _w in employers:
                copy.write_row((
                    eid, tenant_id, 1, name, credit, industry, f"{city_name(region)}某路 1 号",
                    region, "王经理", "0535-6000000", rng.choice(("small", "medium", "large")),
                    region == HOME and rng.random() < 0.3, region == HOME, False, housing,
                    rng.random() < 0.5, rng.random() < 0.2, None, now, now,
                ))  # fmt: skip
        with (
            conn.cursor().copy(f"COPY vacancies ({vacancy_cols}) FROM STDIN") as copy,
            skill_conn.cursor().copy(
                "COPY vacancy_skills (id, tenant_id, vacancy_id, name, position) FROM STDIN"
            ) as skill_copy,
        ):
            for n in range(count + count // 5):
                eid, region, industry, housing, *_ = rng.choices(employers, weights)[0]
                hires = HIRES[industry]
                occupation = rng.choices([h[0] for h in hires], [h[1] for h in hires])[0]
                code = CODES.get(occupation) if rng.random() < 0.8 else None
                wage_min = rng.choice([3000, 3500, 4000, 4000, 4500, 4500, 5000, 5000, 5500,
                                       6000, 6500, 7000, 8000])  # fmt: skip
                headcount = rng.choice([1, 2, 3, 5, 5, 10, 10, 20, 30, 50])
                age_min, age_max = _age_limits(rng)
                state = "open" if n < count else rng.choice(NOT_OPEN)
                filled = (headcount if state == "filled"
                          else rng.randint(0, headcount - 1))  # fmt: skip
                if state == "expired":
                    valid_until = today - timedelta(days=rng.randint(1, 300))
                else:
                    valid_until = (None if rng.random() < 0.3
                                   else today + timedelta(days=rng.randint(1, 180)))  # fmt: skip
                vid = uuid.UUID(int=rng.getrandbits(128), version=4)
                copy.write_row((
                    vid, tenant_id, eid, 1, f"招{occupation}", occupation, code, headcount,
                    filled, wage_min, wage_min + rng.choice([0, 500, 1000, 1000, 1500, 2000,
                                                             3000]),
                    city_name(region), region, None, age_min, age_max,
                    rng.choice([None] * 11 + ["primary"] * 2 + ["junior_high"] * 5
                               + ["senior_high"] * 2),
                    None,
                    "skilled" if code and rng.random() < 0.5 else rng.choice(("none", "low")),
                    housing or rng.random() < 0.1, rng.random() < 0.5, rng.random() < 0.3,
                    rng.random() < 0.6, rng.choice((None, 12, 24, 36)),
                    today - timedelta(days=rng.randint(0, 120)), valid_until,
                    state, now, now,
                ))  # fmt: skip
                asked = [h[0] for h in hires if h[0] in CODES and h[0] != occupation]
                for position, skill in enumerate(
                    rng.sample(asked, min(len(asked), rng.choice([0, 0, 0, 1, 1, 2])))
                ):
                    skill_copy.write_row((uuid.uuid4(), tenant_id, vid, skill, position))
        conn.commit()
        skill_conn.commit()
        conn.autocommit = True
        for table in ("employers", "vacancies", "vacancy_skills"):
            conn.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - started


def _load_all_into(
    admin_url: str,
    ids: dict[str, uuid.UUID],
    vacancies: int,
    laborers: int,
    today: date,
    out: "multiprocessing.Queue[tuple[float, float, float]]",
) -> None:
    vacancy_s = load_vacancies(admin_url, ids["yantai"], vacancies, today)
    laborer_s = load_laborers(admin_url, ids["wushan"], laborers, intentions=True)
    out.put((vacancy_s, laborer_s, peak_rss_mib()))


@dataclass(frozen=True)
class Loaded:
    ids: dict[str, uuid.UUID]  # "wushan" and "yantai": the two bureaus loaded
    staff_id: uuid.UUID  # wushan.staff, whom the benches time as
    vacancy_seconds: float
    laborer_seconds: float
    loader_rss_mib: float


def load_all(db: BenchDatabase, vacancies: int, laborers: int, today: date) -> Loaded:
    """Load the pool into 烟台 and the county into 巫山 in a child process (its memory is
    not the bench's)."""
    owner = Database(db.settings, as_owner=True)
    with owner.sessions() as s:
        orgs = dict(s.execute(select(Organization.name, Organization.id)).all())
        staff_id = s.scalars(select(User.id).where(User.username == "wushan.staff")).one()
    owner.dispose()
    ids = {"wushan": orgs["巫山县人社局"], "yantai": orgs["烟台市人社局"]}
    results: multiprocessing.Queue = multiprocessing.Queue()
    child = multiprocessing.Process(
        target=_load_all_into, args=(db.urls.admin, ids, vacancies, laborers, today, results)
    )
    child.start()
    vacancy_s, laborer_s, loader_rss = results.get()
    child.join()
    assert child.exitcode == 0
    return Loaded(ids, staff_id, vacancy_s, laborer_s, loader_rss)
