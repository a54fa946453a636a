"""The demo demand pool: employers and vacancies posted by the four demo bureaus.

From the seed reports, all posted by the county they are in: 紫建电子 (a near-home
employment base 潍坊 and 开州 chose) and 天致药业, where 开州 sent 636 laborers;
字轩电子 and 勇华鞋业, its employment bases (勇华 also its model workshop); 巫山's
非遗手套 model workshop (piece rate, about 29,100 yuan a year). Posted in Shandong: the
巫山 grilled-fish restaurant opened in 烟台 and the 开州 couple's 石锅鱼 restaurant in
寿光. The rest are well-known employers of 烟台 and 潍坊 and invented local firms. Credit codes are generated with valid check characters,
never the companies' real ones; vacancies, wages and headcounts are illustrative.

Occupations are the demo laborers' skills (api/demo/laborers.py) with the same codes,
so matching has something to find; industries use their words too (制造业, 电子, …).
"""

# ruff: noqa: E501 - the two tables below keep one job, one employer a line
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from api.demand.records import EmployerRecord
from shared_models.enums import Education, EmployerSize, EntryThreshold, VacancyStatus
from shared_models.validators.credit_code import with_check_character

NONE, LOW, SKILLED = EntryThreshold.NONE, EntryThreshold.LOW, EntryThreshold.SKILLED
JUNIOR, SENIOR = Education.JUNIOR_HIGH, Education.SENIOR_HIGH
SEED = 2021  # the year of the 鲁渝 fair in 巫山
PAUSED = 6  # vacancies posted paused
EXPIRED_IN = ("yantai", "weifang")  # a vacancy past its end date in each


@dataclass(frozen=True)
class Job:
    title: str
    occupation: str
    code: str | None
    wage: tuple[int, int]  # yuan a month in Shandong; a firm's `pay` scales it
    headcount: tuple[int, int]
    threshold: EntryThreshold = NONE
    skills: tuple[str, ...] = ()
    ages: tuple[int, int] = (18, 45)
    education: Education | None = JUNIOR
    requirements: str | None = None
    scaled: bool = True  # False: a home-county workshop's own piece rate, never scaled


# fmt: off
JOBS = {
    # The demo laborers' skills and training (same names and codes).
    "welder": Job("电焊工", "焊工", "6-18-02-04", (6000, 8500), (10, 40), SKILLED, ("焊工",), (20, 50), requirements="持焊工证优先"),
    "electrician": Job("维修电工", "电工", "6-31-01-03", (5500, 8000), (4, 12), SKILLED, ("电工",), (20, 50), requirements="持电工证"),
    "cook": Job("厨师", "中式烹调师", "4-03-02-01", (5000, 8000), (2, 8), SKILLED, ("中式烹调师",), (20, 55), None),
    "pastry": Job("面点师", "中式面点师", "4-03-02-02", (4500, 7000), (3, 10), LOW, ("中式面点师",), (18, 55), None),
    "frozen": Job("速冻面点包制工", "中式面点师", "4-03-02-02", (4500, 6500), (20, 60), LOW, ("中式面点师",), (18, 50), None, "会包水饺、包子者优先，需健康证"),
    "tea": Job("茶艺师", "茶艺师", "4-03-02-07", (4000, 6000), (2, 6), LOW, ("茶艺师",), (18, 40)),
    "elder_care": Job("养老护理员", "养老护理员", "4-10-01-05", (4000, 6000), (5, 20), LOW, ("养老护理员",), (25, 58), None),
    "nanny": Job("育婴员", "育婴员", "4-10-01-02", (5500, 8500), (5, 15), SKILLED, ("育婴员",), (25, 50), requirements="持育婴员证优先"),
    "housekeeping": Job("家政服务员", "家政服务员", "4-10-01-06", (4500, 6500), (5, 20), LOW, ("家政服务员",), (25, 55), None),
    "beauty": Job("美容师", "美容师", "4-10-03-01", (4000, 7000), (3, 8), LOW, ("美容师",), (18, 35)),
    "forklift": Job("叉车司机", "叉车司机", None, (5500, 7500), (3, 10), SKILLED, ("叉车司机",), (20, 50), requirements="持叉车证（N1）"),
    "carpenter": Job("建筑木工", "建筑木工", None, (7000, 9000), (10, 30), SKILLED, ("建筑木工",), (20, 55), None, "工地提供宿舍"),
    "sewing": Job("缝纫工", "缝纫工", None, (4500, 7000), (20, 60), LOW, ("缝纫工",), (18, 48), None, "计件工资，熟练工优先"),
    # Work without a skill: most of the pool (入职门槛低、用工数量大).
    "assembly": Job("电子装配普工", "电子设备装配工", None, (4800, 6500), (80, 220), requirements="两班倒，无经验可培训"),
    "car": Job("汽车总装工", "汽车装调工", None, (5500, 7500), (30, 80), requirements="流水线作业，岗前培训"),
    "operator": Job("化工操作工", "化工总控工", None, (6500, 9000), (10, 30), LOW, (), (20, 40), SENIOR, "岗前培训合格上岗"),
    "fitter": Job("装配钳工", "装配钳工", None, (6000, 8500), (10, 30), SKILLED, ("钳工",)),
    "cnc": Job("数控车床操作工", "车工", None, (6000, 8000), (5, 20), LOW, ("车工",), (18, 40)),
    "painter": Job("喷涂工", "涂装工", None, (5500, 7500), (5, 20), ages=(18, 45), education=None),
    "rebar": Job("钢筋工", "钢筋工", None, (6500, 9000), (10, 30), LOW, (), (20, 55), None),
    "textile": Job("纺织挡车工", "织布工", None, (5000, 7000), (20, 60), LOW, (), (18, 45)),
    "quality": Job("质检员", "质检员", None, (4500, 6000), (5, 20), LOW, (), (18, 40), SENIOR),
    "packer": Job("包装工", "包装工", None, (4000, 5500), (20, 60), ages=(18, 50), education=None),
    "food": Job("食品加工工", "食品加工工", None, (4200, 6000), (30, 90), ages=(18, 50), education=None, requirements="需健康证，企业协助办理"),
    "seafood": Job("海产品加工工", "水产品加工工", None, (4500, 7000), (30, 100), ages=(18, 55), education=None, requirements="计件，旺季加班另计"),
    "sorter": Job("分拣员", "分拣员", None, (4500, 6500), (20, 60), requirements="两班倒"),
    "loader": Job("装卸工", "装卸搬运工", None, (5500, 8000), (10, 30), ages=(18, 50), education=None, requirements="计件"),
    "greenhouse": Job("蔬菜大棚种植工", "蔬菜园艺工", None, (4000, 6000), (10, 40), ages=(20, 58), education=None, requirements="夫妻工优先"),
    "kite": Job("风筝扎制工", "工艺品制作工", None, (4000, 6000), (10, 30), ages=(18, 58), education=None),
    "waiter": Job("餐厅服务员", "餐厅服务员", None, (4000, 5500), (3, 10), ages=(18, 40), education=None),
    "cleaner": Job("保洁员", "保洁员", None, (3500, 4500), (3, 8), ages=(30, 60), education=None),
    "clerk": Job("电商客服", "电子商务师", None, (4000, 5500), (3, 8), LOW, (), (18, 35), SENIOR),
    "streamer": Job("农产品直播带货主播", "互联网营销师", None, (4500, 7000), (2, 6), LOW, (), (18, 35), SENIOR),
    # Home-county workshops pay by the piece (the seeds: about 2,000 yuan a month).
    "glove": Job("手套缝制工", "缝纫工", None, (2400, 3500), (40, 100), NONE, ("缝纫工",), (18, 60), None, "计件，多劳多得，离家近可照顾家庭", scaled=False),
    "shoe": Job("制鞋工", "制鞋工", None, (3000, 4500), (20, 60), NONE, (), (18, 55), None, "生产中低档胶鞋，技术要求不高，岗前培训", scaled=False),
    "plum": Job("脆李分拣包装工", "分拣员", None, (2500, 3500), (20, 50), NONE, (), (18, 60), None, "按件计酬", scaled=False),
}
# fmt: on


@dataclass(frozen=True)
class Firm:
    name: str
    region: str
    address: str
    industry: str
    size: EmployerSize
    jobs: str  # JOBS keys; "key/title" where the firm names the post its own way
    labels: str = ""  # B 就业扶贫基地, W 扶贫车间, M 示范车间
    perks: str = "HM"  # H housing, M meals, T transport (班车、接站)
    kind: str = "91"  # 91 company, 92 individual business, 93 cooperative, 52 non-profit
    pay: float = 1.0  # wages relative to Shandong's
    note: str | None = None


H, L, M, S, X = (
    EmployerSize.HUGE,
    EmployerSize.LARGE,
    EmployerSize.MEDIUM,
    EmployerSize.SMALL,
    EmployerSize.MICRO,
)
KAIFAQU = "烟台经济技术开发区"  # no GB/T 2260 code of its own: registered under 烟台市
GAOXINQU = "潍坊高新技术产业开发区"

# fmt: off
FIRMS: dict[str, list[Firm]] = {
    "yantai": [
        Firm("万华化学集团股份有限公司", "370600", KAIFAQU, "制造业", H, "operator operator/储运操作工 electrician/仪表维修电工 welder/管道焊工 forklift cook/员工食堂厨师"),
        Firm("烟台杰瑞石油服务集团股份有限公司", "370613", "烟台市莱山区", "制造业", H, "welder welder/氩弧焊工 fitter painter electrician cnc"),
        Firm("鸿富锦精密电子（烟台）有限公司", "370600", KAIFAQU, "电子", H, "assembly assembly/SMT操作员 quality forklift electrician cook/食堂厨师 pastry/食堂面点师", perks="HMT", note="富士康烟台科技工业园"),
        Firm("烟台张裕葡萄酿酒股份有限公司", "370602", "烟台市芝罘区", "食品加工", H, "packer/灌装包装工 forklift electrician cook/食堂厨师"),
        Firm("东方电子股份有限公司", "370602", "烟台市芝罘区", "电子", L, "assembly/电子产品装配工 quality electrician"),
        Firm("烟台梨乡食品有限公司", "370682", "烟台市莱阳市", "食品加工", L, "frozen food packer forklift", "B"),
        Firm("龙口市龙源粉丝食品有限公司", "370681", "烟台市龙口市", "食品加工", M, "food/粉丝生产工 packer"),
        Firm("烟台蓬莱海珍品食品有限公司", "370614", "烟台市蓬莱区", "食品加工", L, "seafood seafood/扇贝剥壳工 packer forklift", "B"),
        Firm("烟台顺港物流有限公司", "370602", "烟台市芝罘区", "物流", L, "sorter loader forklift sorter/夜班分拣员"),
        Firm("海阳市海鸥针织服装有限公司", "370687", "烟台市海阳市", "纺织服装", L, "sewing sewing/平车工 packer/成衣包装工 quality/服装质检员", "B", "HMT"),
        Firm("烟台鲁东建设工程有限公司", "370613", "烟台市莱山区", "建筑业", L, "carpenter rebar welder/钢结构焊工 electrician/水电工"),
        Firm("烟台巫山烤鱼餐饮有限公司", "370613", "烟台市莱山区", "餐饮服务", S, "cook/川菜厨师 cook/烤鱼师傅 waiter", note="巫山籍人员在烟台创业开办的巫山烤鱼主题餐厅"),
        Firm("烟台福山鲁菜餐饮管理有限公司", "370611", "烟台市福山区", "餐饮服务", M, "cook/鲁菜厨师 pastry/福山大面面点师 waiter tea"),
        Firm("烟台芝罘茶舍文化有限公司", "370602", "烟台市芝罘区", "餐饮服务", X, "tea tea/茶艺讲解员 waiter/茶室服务员", perks="M"),
        Firm("烟台康乐颐养中心", "370612", "烟台市牟平区", "养老服务", M, "elder_care elder_care/失能老人护理员 cook/食堂厨师 cleaner", kind="52"),
        Firm("烟台巾帼家政服务有限公司", "370602", "烟台市芝罘区", "家政服务", S, "housekeeping nanny elder_care/居家养老护理员", perks="H"),
        Firm("烟台丽人美容美体连锁有限公司", "370613", "烟台市莱山区", "生活服务", S, "beauty beauty/美容学徒", perks="H"),
    ],
    "weifang": [
        Firm("歌尔股份有限公司", "370700", GAOXINQU, "电子", H, "assembly/声学产品装配工 assembly/智能硬件组装工 quality electrician/设备维修电工 forklift cook/食堂厨师", perks="HMT"),
        Firm("潍柴动力股份有限公司", "370700", GAOXINQU, "制造业", H, "fitter/发动机装配工 welder cnc electrician painter"),
        Firm("北汽福田汽车股份有限公司诸城奥铃汽车厂", "370782", "潍坊市诸城市", "制造业", H, "car welder/车身焊装工 painter/汽车涂装工 forklift"),
        Firm("孚日集团股份有限公司", "370785", "潍坊市高密市", "纺织服装", H, "sewing/毛巾缝纫工 textile packer quality"),
        Firm("昌邑市华昌纺织有限公司", "370786", "潍坊市昌邑市", "纺织服装", L, "textile sewing forklift", "B"),
        Firm("寿光市鲁蔬蔬菜专业合作社", "370783", "潍坊市寿光市", "农业", M, "greenhouse greenhouse/番茄采摘工 sorter/蔬菜分拣包装工", "B", kind="93"),
        Firm("寿光市鲁蔬农产品物流有限公司", "370783", "潍坊市寿光市", "物流", L, "sorter/蔬菜分拣员 loader forklift packer/蔬菜包装工"),
        Firm("寿光市石锅鱼川菜馆", "370783", "潍坊市寿光市", "餐饮服务", X, "cook/川菜厨师 waiter", kind="92", note="开州区渠口镇张邦明夫妻经鲁渝协作来寿光创业，2019年2月开业"),
        Firm("潍坊杨家埠风筝扎制有限公司", "370703", "潍坊市寒亭区", "制造业", M, "kite sewing/风筝面料缝纫工 packer", "B"),
        Firm("潍坊朝天锅餐饮管理有限公司", "370705", "潍坊市奎文区", "餐饮服务", M, "cook pastry/火烧面点师 waiter"),
        Firm("安丘市绿源食品有限公司", "370784", "潍坊市安丘市", "食品加工", L, "food/蔬菜加工工 packer forklift quality", "B"),
        Firm("潍坊好帮手家政服务有限公司", "370705", "潍坊市奎文区", "家政服务", S, "housekeeping nanny elder_care/居家养老护理员", perks="H"),
        Firm("潍坊颐和养老服务中心", "370702", "潍坊市潍城区", "养老服务", M, "elder_care cook/食堂厨师 cleaner", kind="52"),
        Firm("潍坊鸢都建设工程有限公司", "370703", "潍坊市寒亭区", "建筑业", L, "carpenter rebar welder electrician/水电工"),
    ],
    "kaizhou": [
        Firm("重庆市紫建电子有限公司", "500154", "重庆市开州区", "电子", L, "assembly/锂电池装配工 quality electrician forklift", "B", pay=0.75, note="鲁渝协作确定的开州就近就业基地之一"),
        Firm("重庆字轩电子有限公司", "500154", "重庆市开州区", "电子", M, "assembly/电子元件装配工 quality", "B", pay=0.75, note="开州区精准就业扶贫基地"),
        Firm("重庆市勇华鞋业有限责任公司", "500154", "重庆市开州区", "制造业", L, "shoe shoe/胶鞋成型工 sewing/鞋面缝纫工 packer", "BM", pay=0.7, note="开州区精准扶贫示范车间、精准就业扶贫基地，吸纳建卡贫困人员80余名"),
        Firm("重庆天致药业有限公司", "500154", "重庆市开州区", "医药", M, "packer/药品包装工 quality/药品质检员 cleaner", perks="M", pay=0.75),
        Firm("开州区中和镇服装加工扶贫车间", "500154", "重庆市开州区中和镇", "纺织服装", S, "glove/服装缝纫工 packer", "W", perks="", pay=0.7),
        Firm("重庆市开州区汉丰湖酒店管理有限公司", "500154", "重庆市开州区", "餐饮服务", M, "cook pastry waiter tea", perks="M", pay=0.75),
        Firm("开州区颐康养老服务中心", "500154", "重庆市开州区", "养老服务", S, "elder_care cleaner", perks="M", kind="52", pay=0.75),
    ],
    "wushan": [
        Firm("巫山县非遗手套扶贫车间", "500237", "重庆市巫山县骡坪镇", "纺织服装", L, "glove glove/手套熟练缝制工 packer/手套质检包装工", "BM", perks="", pay=0.6, note="鲁渝协作就业扶贫示范车间：年产手套100万双，工人500余人、贫困户过半"),
        Firm("巫山县曲尺乡脆李分拣扶贫车间", "500237", "重庆市巫山县曲尺乡", "农业", S, "plum plum/脆李装箱工", "W", perks="M"),
        Firm("巫山县鲁渝协作电子线束扶贫车间", "500237", "重庆市巫山县巫峡镇", "电子", S, "assembly/线束加工工 quality/线束检验员", "W", perks="M", pay=0.65),
        Firm("巫山县农特产品电子商务有限公司", "500237", "重庆市巫山县巫峡镇", "电子商务", S, "streamer clerk packer/快递打包员", perks="", pay=0.7),
        Firm("巫山县峡江大酒店有限公司", "500237", "重庆市巫山县巫峡镇", "餐饮服务", M, "cook pastry tea waiter cleaner", perks="M", pay=0.75),
        Firm("巫山县夕阳红养老服务中心", "500237", "重庆市巫山县巫峡镇", "养老服务", S, "elder_care cook/食堂厨师", perks="M", kind="52", pay=0.7),
    ],
}
# fmt: on

ORG_CODE_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
AREA_CODES = {"3706": "0535", "3707": "0536", "50": "023"}
HEADCOUNT_BY_SIZE = {H: 1.3, L: 1.0, M: 0.7, S: 0.5, X: 0.3}
SURNAMES = "王李张刘陈杨赵孙周吴徐谭向冉"


@dataclass
class Posting:
    """An employer and its vacancies, as the bureau posts them (`create_vacancy` values)."""

    employer: EmployerRecord
    vacancies: list[dict[str, Any]]


def credit_code(kind: str, region: str, rng: random.Random, *, numeric: bool) -> str:
    """Kind, region, a GB 11714 organisation code with its own check character, then
    the GB 32100 one. Codes issued since 2015 start 'MA'; older firms keep digits."""
    body = (
        "".join(rng.choices("0123456789", k=8))
        if numeric
        else "MA" + "".join(rng.choices(ORG_CODE_CHARACTERS, k=6))
    )
    check = 11 - sum(int(c, 36) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True)) % 11
    return with_check_character(kind + region + body + {10: "X", 11: "0"}.get(check, str(check)))


def _phone(firm: Firm, rng: random.Random) -> str:
    if firm.kind == "92" or firm.size is X:  # a small shop gives the owner's mobile
        return "1" + rng.choice("3578") + "".join(rng.choices("0123456789", k=9))
    area = AREA_CODES.get(firm.region[:4]) or AREA_CODES[firm.region[:2]]
    digits = 8 if area == "023" else 7
    return f"{area}-{rng.randint(2, 8)}" + "".join(rng.choices("0123456789", k=digits - 1))


def _employer(firm: Firm, rng: random.Random) -> EmployerRecord:
    return EmployerRecord(
        name=firm.name,
        credit_code=credit_code(firm.kind, firm.region, rng, numeric=firm.size in (H, L)),
        industry=firm.industry,
        region_code=firm.region,
        address=firm.address,
        contact_name=rng.choice(SURNAMES) + rng.choice(("经理", "主管", "女士", "先生")),
        contact_phone=_phone(firm, rng),
        size=firm.size,
        is_employment_base="B" in firm.labels,
        is_workshop="W" in firm.labels or "M" in firm.labels,
        is_model_workshop="M" in firm.labels,
        offers_housing="H" in firm.perks,
        offers_meals="M" in firm.perks,
        offers_transport="T" in firm.perks,
        note=firm.note,
    )


def _hundreds(value: float) -> int:
    return int(round(value / 100) * 100)


def _vacancy(firm: Firm, entry: str, rng: random.Random, today: date) -> dict[str, Any]:
    key, _, title = entry.partition("/")
    job = JOBS[key]
    scale = firm.pay if job.scaled else 1.0
    shift = rng.choice((-300, -200, -100, 0, 100, 200, 300))
    wage_min = _hundreds(job.wage[0] * scale + shift)
    wage_max = min(9000, max(wage_min + 500, _hundreds(job.wage[1] * scale + shift)))
    headcount = rng.randint(*job.headcount) * HEADCOUNT_BY_SIZE[firm.size]
    headcount = round(headcount / 5) * 5 if headcount >= 20 else max(1, round(headcount))
    # Workshops, shops and cooperatives hire by the piece or the season: no contract, no 五险.
    formal = firm.kind in ("91", "52") and not set("WM") & set(firm.labels)
    return {
        "title": title or job.title,
        "occupation_name": job.occupation,
        "occupation_code": job.code,
        "skills": job.skills,
        "headcount": headcount,
        "wage_min": wage_min,
        "wage_max": wage_max,
        "threshold": job.threshold,
        "age_min": job.ages[0],
        "age_max": job.ages[1],
        "education_min": job.education,
        "requirements": job.requirements,
        "offers_insurance": formal,
        "contract_months": rng.choice((12, 24, 36)) if formal else None,
        "valid_from": today - timedelta(days=rng.randint(0, 45)),
        # One in ten is posted without an end date (长期招聘).
        "valid_until": None if rng.random() < 0.1 else today + timedelta(days=rng.randint(30, 180)),
    }


def postings(today: date, seed: int = SEED) -> dict[str, list[Posting]]:
    """Each demo bureau's postings, by its key in BUREAUS; the same for the same day."""
    rng = random.Random(seed)
    out = {
        key: [
            Posting(
                _employer(firm, rng), [_vacancy(firm, job, rng, today) for job in firm.jobs.split()]
            )
            for firm in firms
        ]
        for key, firms in FIRMS.items()
    }
    # A few paused, and one in each pairing past its end date for `vacancies expire`.
    every = [v for posts in out.values() for p in posts for v in p.vacancies]
    for values in rng.sample(every, PAUSED):
        values["status"] = VacancyStatus.PAUSED
    for key in EXPIRED_IN:
        values = rng.choice([v for p in out[key] for v in p.vacancies if "status" not in v])
        values["valid_from"] = today - timedelta(days=120)
        values["valid_until"] = today - timedelta(days=rng.randint(3, 20))
    return out
