"""The words ledgers use for each enumerated value, and the variants they accept.

These are file formats (the laborer 台账, the 岗位信息汇总表), so they are Chinese
whatever the page language. The first word of each list is the one we write; all are
accepted on import.
"""

from enum import StrEnum

from shared_models.enums import (
    AssistanceMeasure,
    Education,
    EmployerSize,
    EmploymentDifficulty,
    EmploymentNeed,
    EmploymentStatus,
    EntryThreshold,
    HealthStatus,
    PovertyStatus,
    Sex,
    SkillLevel,
    TransferScope,
    VacancyStatus,
)

WORDS: dict[type[StrEnum], dict[StrEnum, tuple[str, ...]]] = {
    Sex: {Sex.MALE: ("男",), Sex.FEMALE: ("女",)},
    PovertyStatus: {
        PovertyStatus.REGISTERED_POOR: ("建档立卡贫困户", "建卡贫困户", "贫困户", "建档立卡户"),
        PovertyStatus.LIFTED: ("脱贫户", "已脱贫", "脱贫人口"),
        PovertyStatus.MONITORED: ("监测对象", "防返贫监测对象", "边缘户"),
        PovertyStatus.DIBAO: ("低保", "低保户"),
        PovertyStatus.TEKUN: ("特困", "特困供养", "特困人员"),
        PovertyStatus.NONE: ("无", "一般户", "非贫困户"),
    },
    Education: {
        Education.PRIMARY: ("小学及以下", "小学", "文盲或半文盲"),
        Education.JUNIOR_HIGH: ("初中",),
        Education.SENIOR_HIGH: ("高中/中专", "高中", "中专", "技校", "职高"),
        Education.COLLEGE: ("大专", "专科", "高职"),
        Education.BACHELOR: ("本科及以上", "本科", "研究生"),
    },
    HealthStatus: {
        HealthStatus.HEALTHY: ("健康", "良好"),
        HealthStatus.CHRONIC: ("慢性病", "长期慢性病"),
        HealthStatus.SERIOUS_ILLNESS: ("大病", "患有大病"),
        HealthStatus.DISABLED: ("残疾",),
    },
    EmploymentStatus: {
        EmploymentStatus.EMPLOYED: ("已就业", "务工", "就业"),
        EmploymentStatus.SELF_EMPLOYED: ("自主创业", "创业", "个体经营"),
        EmploymentStatus.FARMING: ("务农", "农业生产"),
        EmploymentStatus.UNEMPLOYED: ("未就业", "失业", "待业"),
        EmploymentStatus.STUDENT: ("在校学生", "在校生", "学生"),
        EmploymentStatus.UNABLE: ("无劳动能力", "丧失劳动能力"),
    },
    EmploymentNeed: {
        EmploymentNeed.JOB: ("就业岗位", "就业", "求职"),
        EmploymentNeed.TRAINING: ("技能培训", "培训"),
        EmploymentNeed.ENTREPRENEURSHIP: ("创业扶持", "创业"),
        EmploymentNeed.NONE: ("暂无需求", "无", "无需求"),
    },
    SkillLevel: {
        SkillLevel.NONE: ("无技能", "无"),
        SkillLevel.BASIC: ("初级", "初级工", "五级"),
        SkillLevel.INTERMEDIATE: ("中级", "中级工", "四级"),
        SkillLevel.ADVANCED: ("高级及以上", "高级", "高级工", "技师", "高级技师", "三级"),
    },
    EmploymentDifficulty: {
        EmploymentDifficulty.NONE: ("无", "无困难"),
        EmploymentDifficulty.LACKS_SKILLS: ("缺乏技能", "缺技能", "无技能"),
        EmploymentDifficulty.AGE: ("年龄偏大", "年龄大"),
        EmploymentDifficulty.HEALTH: ("身体原因", "身体状况差"),
        EmploymentDifficulty.FAMILY_CARE: ("家庭照护", "照顾家庭"),
        EmploymentDifficulty.LACKS_INFORMATION: ("缺乏岗位信息", "缺岗位信息"),
        EmploymentDifficulty.OTHER: ("其他",),
    },
    AssistanceMeasure: {
        AssistanceMeasure.JOB_REFERRAL: ("岗位推荐", "推荐就业"),
        AssistanceMeasure.SKILL_TRAINING: ("技能培训", "培训"),
        AssistanceMeasure.ENTREPRENEURSHIP_SUPPORT: ("创业扶持", "创业帮扶"),
        AssistanceMeasure.PUBLIC_WELFARE_POST: ("公益性岗位", "公益岗位", "公益性岗位安置"),
        AssistanceMeasure.EMPLOYMENT_AID: ("就业援助",),
        AssistanceMeasure.NONE: ("暂无", "无"),
    },
    TransferScope: {
        TransferScope.IN_COUNTY: ("县内", "区内", "就近"),
        TransferScope.IN_PROVINCE: ("省内", "市内", "区外市内"),
        TransferScope.OUT_OF_PROVINCE: ("省外", "市外", "外省"),
    },
    EmployerSize: {
        EmployerSize.MICRO: ("20人以下", "微型"),
        EmployerSize.SMALL: ("20-99人", "小型"),
        EmployerSize.MEDIUM: ("100-299人", "中型"),
        EmployerSize.LARGE: ("300-999人", "大型"),
        EmployerSize.HUGE: ("1000人以上", "特大型"),
    },
    EntryThreshold: {
        EntryThreshold.NONE: ("无门槛", "无", "不限"),
        EntryThreshold.LOW: ("低门槛", "低", "简单培训可上岗"),
        EntryThreshold.SKILLED: ("需技能", "技能型", "需持证"),
    },
    VacancyStatus: {
        VacancyStatus.OPEN: ("招聘中", "开放", "在招"),
        VacancyStatus.PAUSED: ("暂停", "暂停招聘"),
        VacancyStatus.FILLED: ("已招满", "招满"),
        VacancyStatus.EXPIRED: ("已过期", "过期"),
    },
}

YES = ("是", "有", "Y", "YES", "TRUE", "1")
NO = ("否", "无", "N", "NO", "FALSE", "0")


def word(value: StrEnum | None) -> str:
    """The ledger word for a value ('' for none)."""
    if value is None:
        return ""
    return WORDS[type(value)][value][0]


def lookup(enum_class: type[StrEnum], text: str) -> StrEnum | None:
    """The value a ledger word stands for (or the English value itself), else None."""
    cleaned = text.strip()
    for member, words in WORDS[enum_class].items():
        if cleaned in words or cleaned.lower() == member.value:
            return member
    return None


def choices(enum_class: type[StrEnum]) -> str:
    return "、".join(words[0] for words in WORDS[enum_class].values())


# Stored value → ledger word, per enumeration (exports map text without making enums).
WORD_OF_VALUE: dict[type[StrEnum], dict[str, str]] = {
    enum: {member.value: words[0] for member, words in members.items()}
    for enum, members in WORDS.items()
}
