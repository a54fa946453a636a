"""A few hundred realistic laborers per demo county, deterministic (seeded).

ID numbers carry the county's code as it was when they were issued: 开州 was 开县
(500234) until 2016, so most 开州 numbers start 500234 and a few 500154; 巫山 is 500237.
Townships and villages are real places of each county.
"""

import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TypeVar

from api.supply.records import LaborerRecord, Occupation
from shared_models.enums import (
    AssistanceMeasure,
    Education,
    EmploymentDifficulty,
    EmploymentNeed,
    EmploymentStatus,
    HealthStatus,
    PovertyStatus,
    SkillLevel,
    TransferScope,
)
from shared_models.validators.idnumber import with_check_character

SURNAMES = "陈李张刘王杨黄周吴谭向冉邓唐彭何罗胡余蒋郑熊曾谢龚汪袁田牟"
GIVEN = {
    "male": "建国华明军勇强平志伟俊杰飞波涛成林海云刚斌辉鹏",
    "female": "华兰芳秀英平春梅红霞丽娟燕敏静琴玉云艳萍莉",
}

PLACES = {
    "500237": {  # 巫山县
        "巫峡镇": ["江东村", "早阳村", "龙水村"],
        "大昌镇": ["白坪村", "洋溪村", "七里村"],
        "福田镇": ["向阳村", "太平村", "龙淌村"],
        "庙宇镇": ["柳坪村", "红椿村", "板桥村"],
        "骡坪镇": ["玉灵村", "茶园村", "新坪村"],
        "官渡镇": ["中坝村", "马营村"],
        "双龙镇": ["双龙村", "安静村"],
        "建平乡": ["青台村", "大坪村"],
    },
    "500154": {  # 开州区
        "中和镇": ["新桥村", "鹿鸣村", "五龙村"],
        "三汇口乡": ["黄金村", "新龙村", "柳溪村"],
        "大进镇": ["红旗村", "云寨村"],
        "温泉镇": ["仙桥村", "大园村", "西街社区"],
        "临江镇": ["福德村", "迎风村"],
        "义和镇": ["白鹤村", "桂花村"],
        "白桥镇": ["大兴村", "双坪村"],
        "赵家街道": ["长坝村", "普里社区"],
    },
}
ID_PREFIXES = {"500237": [("500237", 1.0)], "500154": [("500234", 0.8), ("500154", 0.2)]}
SKILLS = [
    Occupation("中式烹调师", "4-03-02-01"),
    Occupation("中式面点师", "4-03-02-02"),
    Occupation("茶艺师", "4-03-02-07"),
    Occupation("养老护理员", "4-10-01-05"),
    Occupation("育婴员", "4-10-01-02"),
    Occupation("家政服务员", "4-10-01-06"),
    Occupation("电工", "6-31-01-03"),
    Occupation("焊工", "6-18-02-04"),
    Occupation("美容师", "4-10-03-01"),
    Occupation("叉车司机"),
    Occupation("建筑木工"),
    Occupation("缝纫工"),
]
TRAINING = [
    Occupation("中式面点师", "4-03-02-02"),
    Occupation("茶艺师", "4-03-02-07"),
    Occupation("中式烹调师", "4-03-02-01"),
    Occupation("小儿推拿"),
    Occupation("烘焙"),
    Occupation("电工", "6-31-01-03"),
    Occupation("养老护理员", "4-10-01-05"),
]
CERTIFICATES = ["电工证", "焊工证", "中式面点师（五级）", "健康证", "叉车证", "育婴员证"]
CITIES = {"500237": ["烟台", "青岛", "威海", "重庆主城"], "500154": ["潍坊", "青岛", "重庆主城"]}
INDUSTRIES = ["制造业", "建筑业", "餐饮服务", "家政服务", "电子", "纺织服装", "物流"]
SURVEYORS = ["谭明", "向红梅", "冉志强", "邓小华", "彭丽", "唐建国"]


T = TypeVar("T")


def _pick(rng: random.Random, weighted: Sequence[tuple[T, float]]) -> T:
    values, weights = zip(*weighted, strict=True)
    chosen: T = rng.choices(values, weights)[0]
    return chosen


def _id_number(rng: random.Random, county: str, born: date) -> str:
    prefix = _pick(rng, ID_PREFIXES[county])
    sequence = rng.randint(1, 999)
    return with_check_character(f"{prefix}{born:%Y%m%d}{sequence:03d}")


def generate(county: str, count: int, seed: int, today: date | None = None) -> list[LaborerRecord]:
    rng = random.Random(seed)
    today = today or date(2026, 11, 1)
    used: set[str] = set()
    last_head: dict[str, str] = {}  # village → the head of the household last seen there
    records: list[LaborerRecord] = []
    while len(records) < count:
        age = rng.randint(16, 58)
        born = today - timedelta(days=age * 365 + rng.randint(0, 364))
        id_number = _id_number(rng, county, born)
        if id_number in used:
            continue
        used.add(id_number)
        township = rng.choice(list(PLACES[county]))
        status = _pick(
            rng,
            [
                (EmploymentStatus.EMPLOYED, 55),
                (EmploymentStatus.UNEMPLOYED, 20),
                (EmploymentStatus.FARMING, 12),
                (EmploymentStatus.SELF_EMPLOYED, 5),
                (EmploymentStatus.STUDENT, 5 if age < 23 else 0),
                (EmploymentStatus.UNABLE, 3),
            ],
        )
        education = _pick(
            rng,
            [
                (Education.PRIMARY, 20 if age > 40 else 5),
                (Education.JUNIOR_HIGH, 45),
                (Education.SENIOR_HIGH, 25),
                (Education.COLLEGE, 8),
                (Education.BACHELOR, 2),
            ],
        )
        poverty = _pick(
            rng,
            [
                (PovertyStatus.LIFTED, 45),
                (PovertyStatus.MONITORED, 10),
                (PovertyStatus.REGISTERED_POOR, 5),
                (PovertyStatus.DIBAO, 5),
                (PovertyStatus.TEKUN, 1),
                (PovertyStatus.NONE, 34),
            ],
        )
        disabled = status is EmploymentStatus.UNABLE or rng.random() < 0.02
        skills = tuple(rng.sample(SKILLS, rng.choice([0, 0, 1, 1, 2])))
        unemployed = status is EmploymentStatus.UNEMPLOYED
        willing = unemployed or (status is EmploymentStatus.EMPLOYED and rng.random() < 0.3)
        training = tuple(rng.sample(TRAINING, rng.choice([0, 0, 0, 1, 1, 2])))
        surveyed = rng.random() < 0.8
        name = rng.choice(SURNAMES) + "".join(
            rng.sample(GIVEN["male" if int(id_number[16]) % 2 else "female"], rng.choice([1, 2, 2]))
        )
        village = rng.choice(PLACES[county][township])
        # About four in ten join the household last seen in their village: households of
        # one to a few members, as a village's ledger has them.
        head = last_head.get(village) if rng.random() < 0.4 else None
        last_head[village] = head or name
        records.append(
            LaborerRecord(
                name=name,
                household_head=head or name,
                id_number=id_number,
                phone="1" + rng.choice("3578") + "".join(rng.choices("0123456789", k=9)),
                region_code=county,
                township=township,
                village=village,
                poverty_status=poverty,
                poverty_year=rng.choice([2016, 2017, 2018, 2019, 2020])
                if poverty in (PovertyStatus.LIFTED, PovertyStatus.REGISTERED_POOR)
                else None,
                education=education,
                health_status=HealthStatus.DISABLED
                if disabled
                else _pick(
                    rng,
                    [
                        (HealthStatus.HEALTHY, 90),
                        (HealthStatus.CHRONIC, 8),
                        (HealthStatus.SERIOUS_ILLNESS, 2),
                    ],
                ),
                disability_level=rng.randint(2, 4) if disabled else None,
                two_after=16 <= age <= 22
                and education in (Education.JUNIOR_HIGH, Education.SENIOR_HIGH)
                and status is not EmploymentStatus.STUDENT,
                employment_status=status,
                employment_need=EmploymentNeed.JOB
                if unemployed
                else (EmploymentNeed.TRAINING if training else EmploymentNeed.NONE),
                skill_level=rng.choice([SkillLevel.BASIC, SkillLevel.INTERMEDIATE])
                if skills
                else SkillLevel.NONE,
                employment_difficulty=EmploymentDifficulty.LACKS_SKILLS
                if unemployed and not skills
                else (EmploymentDifficulty.HEALTH if disabled else EmploymentDifficulty.NONE),
                assistance_measure=AssistanceMeasure.JOB_REFERRAL
                if unemployed
                else (AssistanceMeasure.SKILL_TRAINING if training else AssistanceMeasure.NONE),
                surveyed_on=today - timedelta(days=rng.randint(5, 200)) if surveyed else None,
                surveyor=rng.choice(SURVEYORS) if surveyed else None,
                transfer_willing=willing,
                transfer_scope=rng.choice(list(TransferScope)) if willing else None,
                preferred_cities=tuple(rng.sample(CITIES[county], rng.randint(1, 2)))
                if willing
                else (),
                preferred_industries=tuple(rng.sample(INDUSTRIES, rng.randint(0, 2))),
                expected_wage=rng.choice([3000, 3500, 4000, 4500, 5000, 6000]) if willing else None,
                entrepreneurship_intention=rng.random() < 0.06,
                skills=skills,
                certificates=tuple(rng.sample(CERTIFICATES, 1))
                if skills and rng.random() < 0.5
                else (),
                training_needs=training,
            )
        )
    return records
