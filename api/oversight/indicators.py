"""The built-in indicators, each defined once as data (issue 13).

An indicator's value is always computed from the records (statistics_repository.py),
never typed in. A stock is read as at the last day of the period, a flow counts what
happened during it; a rate is its numerator's value over its denominator's. Person
counts are of the caller's own register (its county); pool and event counts are of
what the caller reads through its pairings.
"""

from dataclasses import dataclass
from enum import StrEnum

from api.i18n import _
from shared_models.enums import PairingMetric, PovertyStatus, WarningRule


class Unit(StrEnum):
    PEOPLE = "people"
    PERSON_TIMES = "person-times"
    YUAN = "yuan"
    COUNT = "count"
    PERCENT = "percent"


class Measure(StrEnum):
    STOCK = "stock"  # as at the end of the period
    FLOW = "flow"  # during the period


# 脱贫人口 and those monitored for relapse, as the reports count them (and matching
# gives priority to).
POVERTY = (PovertyStatus.REGISTERED_POOR, PovertyStatus.LIFTED, PovertyStatus.MONITORED)


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str  # English msgid
    unit: Unit
    measure: Measure
    counts: str  # what it counts, one line (English msgid)
    numerator: str | None = None
    denominator: str | None = None
    # Grouped by the laborer's township (`by_township`): the person-based ones.
    by_township: bool = False

    @property
    def is_rate(self) -> bool:
        return self.denominator is not None


P, PT, Y, C, PCT = Unit.PEOPLE, Unit.PERSON_TIMES, Unit.YUAN, Unit.COUNT, Unit.PERCENT
S, F = Measure.STOCK, Measure.FLOW


# warnings_raised_<rule>, one per rule: a rule added to the enum without a name here
# fails at import (the check below), so no rule goes uncounted.
RULE_NAMES: dict[WarningRule, tuple[str, str]] = {
    WarningRule.LEFT_BEFORE_MILESTONE: (
        "未满补贴期离岗",
        _("Warnings raised: left before the subsidy milestone"),
    ),
    WarningRule.UNVERIFIED: ("长期未核实在岗", _("Warnings raised: not verified in post for long")),
    WarningRule.OPEN_DISPUTE: ("纠纷久拖未决", _("Warnings raised: dispute open for long")),
    WarningRule.LEAVE_OVERDUE: ("返乡逾期未返岗", _("Warnings raised: overdue back from leave")),
    WarningRule.IDLE_WILLING: (
        "有转移意愿但长期失业",
        _("Warnings raised: willing to move but long out of work"),
    ),
    WarningRule.EMPLOYER_DISPUTES: (
        "用工单位纠纷多发",
        _("Warnings raised: employer with frequent disputes"),
    ),
}
CLOSED_NAMES: dict[WarningRule, str] = {
    WarningRule.LEFT_BEFORE_MILESTONE: _("Warnings closed: left before the subsidy milestone"),
    WarningRule.UNVERIFIED: _("Warnings closed: not verified in post for long"),
    WarningRule.OPEN_DISPUTE: _("Warnings closed: dispute open for long"),
    WarningRule.LEAVE_OVERDUE: _("Warnings closed: overdue back from leave"),
    WarningRule.IDLE_WILLING: _("Warnings closed: willing to move but long out of work"),
    WarningRule.EMPLOYER_DISPUTES: _("Warnings closed: employer with frequent disputes"),
}
if set(RULE_NAMES) != set(WarningRule) or set(CLOSED_NAMES) != set(WarningRule):
    raise RuntimeError(f"name these warning rules: {set(WarningRule) - set(RULE_NAMES)}")


BUILT_IN: tuple[Indicator, ...] = (
    # --- the register
    Indicator(
        "registered",
        "登记劳动力",
        _("Registered laborers"),
        P,
        S,
        _("Laborers on the register at the end of the period"),
        by_township=True,
    ),
    Indicator(
        "registered_poverty",
        "登记劳动力（脱贫人口）",
        _("Registered laborers: lifted out of poverty or monitored"),
        P,
        S,
        _("Registered laborers of registered-poor, lifted or monitored households"),
        by_township=True,
    ),
    Indicator(
        "registered_female",
        "登记劳动力（女性）",
        _("Registered laborers: women"),
        P,
        S,
        _("Registered laborers who are women"),
        by_township=True,
    ),
    Indicator(
        "registered_two_after",
        "登记劳动力（两后生）",
        _("Registered laborers: two-after youth"),
        P,
        S,
        _("Registered laborers who are 两后生 (no further schooling after junior or senior high)"),
        by_township=True,
    ),
    # Age at the period's last day, in whole years (born on 29 February, a year older
    # on 1 March in other years). Bands as the reports cut them; under 16 is not a laborer.
    Indicator(
        "registered_age_16_30",
        "登记劳动力（16-30岁）",
        _("Registered laborers: aged 16 to 30"),
        P,
        S,
        _("Registered laborers aged 16 to 30 at the end of the period"),
        by_township=True,
    ),
    Indicator(
        "registered_age_31_45",
        "登记劳动力（31-45岁）",
        _("Registered laborers: aged 31 to 45"),
        P,
        S,
        _("Registered laborers aged 31 to 45 at the end of the period"),
        by_township=True,
    ),
    Indicator(
        "registered_age_46_60",
        "登记劳动力（46-60岁）",
        _("Registered laborers: aged 46 to 60"),
        P,
        S,
        _("Registered laborers aged 46 to 60 at the end of the period"),
        by_township=True,
    ),
    Indicator(
        "registered_age_over_60",
        "登记劳动力（60岁以上）",
        _("Registered laborers: over 60"),
        P,
        S,
        _("Registered laborers aged 61 or more at the end of the period"),
        by_township=True,
    ),
    # --- employment, as at the end of the period
    Indicator(
        "employed",
        "转移就业人数",
        _("Employed"),
        P,
        S,
        _("Laborers with a placement running on the last day of the period"),
        by_township=True,
    ),
    Indicator(
        "employed_in_district",
        "区内就业",
        _("Employed in the home district"),
        P,
        S,
        _("Employed at the end of the period, in the household's own district or county"),
        by_township=True,
    ),
    Indicator(
        "employed_in_city",
        "区外市内就业",
        _("Employed elsewhere in the home city"),
        P,
        S,
        _("Employed at the end of the period, outside the district but in the home city"),
        by_township=True,
    ),
    Indicator(
        "employed_out_of_city",
        "市外就业",
        _("Employed outside the home city"),
        P,
        S,
        _("Employed at the end of the period, outside the home city"),
        by_township=True,
    ),
    Indicator(
        "public_posts",
        "公益性岗位",
        _("Public-benefit posts"),
        P,
        S,
        _("Employed at the end of the period in a public-benefit post"),
        by_township=True,
    ),
    Indicator(
        "workshop_jobs",
        "扶贫车间就业",
        _("Workshop jobs"),
        P,
        S,
        _("Employed at the end of the period in a poverty-alleviation workshop (扶贫车间)"),
        by_township=True,
    ),
    # --- transfers during the period
    Indicator(
        "transfers",
        "新增转移就业",
        _("New transfers"),
        P,
        F,
        _("Laborers whose placement started during the period"),
        by_township=True,
    ),
    Indicator(
        "transfers_organized",
        "新增转移就业（有组织）",
        _("New transfers: organized"),
        P,
        F,
        _("New transfers through the organized (pairing) channel"),
        by_township=True,
    ),
    Indicator(
        "transfers_poverty",
        "新增转移就业（脱贫人口）",
        _("New transfers: lifted out of poverty or monitored"),
        P,
        F,
        _("New transfers of registered-poor, lifted or monitored households"),
        by_township=True,
    ),
    Indicator(
        "transfers_to_pairing_cities",
        "新增转移就业（到协作城市）",
        _("New transfers: to the pairing's cities"),
        P,
        F,
        _("New transfers to work within a receiving bureau's area of the caller's pairings"),
        by_township=True,
    ),
    # Destination bands of the new transfers, the work's region against the household's.
    Indicator(
        "transfers_in_county",
        "新增转移就业（乡外县内）",
        _("New transfers: within the home county"),
        P,
        F,
        _("New transfers to work in the household's own county or district"),
        by_township=True,
    ),
    Indicator(
        "transfers_in_city",
        "新增转移就业（县外市内）",
        _("New transfers: elsewhere in the home city"),
        P,
        F,
        _("New transfers to work outside the county but in the home city"),
        by_township=True,
    ),
    Indicator(
        "transfers_in_province",
        "新增转移就业（市外省内）",
        _("New transfers: elsewhere in the home province"),
        P,
        F,
        _("New transfers to work outside the home city but in the home province"),
        by_township=True,
    ),
    Indicator(
        "transfers_out_of_province",
        "新增转移就业（省外）",
        _("New transfers: outside the home province"),
        P,
        F,
        _("New transfers to work outside the home province"),
        by_township=True,
    ),
    # --- Spring Festival returns (春节后返岗): the holiday leaves (返乡) of placed laborers
    Indicator(
        "spring_returns",
        "春节后返岗人数",
        _("Back at work after the Spring Festival"),
        P,
        F,
        _("Laborers whose first day back at work after a holiday leave fell in the period"),
        by_township=True,
    ),
    Indicator(
        "employed_last_year_end",
        "上年末务工人数",
        _("Employed at the end of last year"),
        P,
        S,
        _("Laborers with a placement running on 31 December of the year before the period ends"),
        by_township=True,
    ),
    Indicator(
        "spring_return_rate",
        "返岗率",
        _("Return rate after the Spring Festival"),
        PCT,
        F,
        _("Back at work after the Spring Festival, of those employed at the end of last year"),
        numerator="spring_returns",
        denominator="employed_last_year_end",
        by_township=True,
    ),
    # --- training
    Indicator(
        "trained",
        "培训人次",
        _("Trained"),
        PT,
        F,
        _("Roster enrollments (not the waitlist) of courses started during the period"),
        by_township=True,
    ),
    Indicator(
        "training_completed",
        "结业人次",
        _("Training completed"),
        PT,
        F,
        _("Enrollments completed during the period"),
        by_township=True,
    ),
    Indicator(
        "trained_employed_90_days",
        "培训后90天内就业",
        _("Employed within 90 days of training"),
        P,
        F,
        _("Of those who completed during the period, in work within 90 days of completing"),
        by_township=True,
    ),
    # --- the demand pool
    Indicator(
        "vacancies",
        "岗位信息条数",
        _("Vacancies in the pool"),
        C,
        F,
        _("Vacancies of the pool open at some time during the period"),
    ),
    Indicator(
        "positions",
        "提供岗位数",
        _("Positions offered"),
        C,
        F,
        _("Positions (headcount) of the vacancies open during the period"),
    ),
    # --- fairs and referrals
    Indicator(
        "fairs_held",
        "联合招聘会场次",
        _("Fairs held"),
        C,
        F,
        _("Fairs held during the period (published; not drafts or cancelled)"),
    ),
    Indicator(
        "fair_attendees",
        "招聘会入场人数",
        _("Fair attendees"),
        P,
        F,
        _("People checked in at the fairs held during the period"),
    ),
    Indicator(
        "fair_intentions",
        "达成就业意向",
        _("Intentions reached"),
        P,
        F,
        _("Intentions reached (达成就业意向) at the fairs held during the period"),
    ),
    Indicator(
        "referrals",
        "推荐就业",
        _("Referrals"),
        PT,
        F,
        _("Referrals of the county's laborers made during the period"),
        by_township=True,
    ),
    Indicator(
        "hires",
        "推荐入职",
        _("Hires"),
        P,
        F,
        _("Referrals that ended in a hire during the period"),
        by_township=True,
    ),
    # --- staying in post
    Indicator(
        "reached_3_months",
        "满3个月应稳岗人数",
        _("Placements reaching 3 months"),
        P,
        F,
        _("Placements whose third month completed during the period"),
        by_township=True,
    ),
    Indicator(
        "in_post_3_months",
        "稳岗满3个月",
        _("Still in post at 3 months"),
        P,
        F,
        _("Of the placements reaching 3 months during the period, those still in post then"),
        by_township=True,
    ),
    Indicator(
        "reached_6_months",
        "满6个月应稳岗人数",
        _("Placements reaching 6 months"),
        P,
        F,
        _("Placements whose sixth month completed during the period"),
        by_township=True,
    ),
    Indicator(
        "in_post_6_months",
        "稳岗满6个月",
        _("Still in post at 6 months"),
        P,
        F,
        _("Of the placements reaching 6 months during the period, those still in post then"),
        by_township=True,
    ),
    Indicator(
        "retention_rate",
        "稳岗率（6个月）",
        _("Retention rate at 6 months"),
        PCT,
        F,
        _("Still in post at 6 months, of the placements reaching 6 months"),
        numerator="in_post_6_months",
        denominator="reached_6_months",
        by_township=True,
    ),
    # --- subsidies (the paying bureau's claims)
    Indicator(
        "subsidies_due",
        "应发补贴金额",
        _("Subsidies due"),
        Y,
        F,
        _("Amount of the subsidy units earned during the period, claimed or not"),
    ),
    Indicator(
        "subsidies_claimed",
        "申报补贴金额",
        _("Subsidies claimed"),
        Y,
        F,
        _("Amount of the claims raised during the period, unless rejected"),
    ),
    Indicator(
        "subsidies_paid",
        "发放补贴金额",
        _("Subsidies paid"),
        Y,
        F,
        _("Amount of the claims paid during the period"),
    ),
    # --- liaison casework
    Indicator(
        "cases_visit",
        "走访慰问",
        _("Welfare visits"),
        C,
        F,
        _("Visit cases that took place during the period"),
    ),
    Indicator(
        "cases_hardship_aid",
        "困难帮扶",
        _("Hardship aid cases"),
        C,
        F,
        _("Hardship aid cases that took place during the period"),
    ),
    Indicator(
        "cases_onboarding",
        "入职援助",
        _("Onboarding assistance cases"),
        C,
        F,
        _("Onboarding assistance cases that took place during the period"),
    ),
    Indicator(
        "cases_dispute",
        "劳动纠纷",
        _("Labor disputes"),
        C,
        F,
        _("Disputes that arose during the period"),
    ),
    Indicator(
        "dispute_money_recovered",
        "劳动纠纷追回金额",
        _("Money recovered in disputes"),
        Y,
        F,
        _("Yuan recovered in the disputes finished (resolved, handed over, closed) in the period"),
    ),
    # --- early warning
    Indicator(
        "warnings_raised",
        "预警发出",
        _("Warnings raised"),
        C,
        F,
        _("Early-warning flags raised during the period"),
    ),
    Indicator(
        "warnings_closed",
        "预警关闭",
        _("Warnings closed"),
        C,
        F,
        _("Early-warning flags closed during the period"),
    ),
    *(
        Indicator(
            f"warnings_raised_{rule.value}",
            f"预警发出（{name_zh}）",
            name_en,
            C,
            F,
            _("Early-warning flags of this rule raised during the period"),
        )
        for rule, (name_zh, name_en) in RULE_NAMES.items()
    ),
    *(
        Indicator(
            f"warnings_closed_{rule.value}",
            f"预警关闭（{name_zh}）",
            CLOSED_NAMES[rule],
            C,
            F,
            _("Early-warning flags of this rule closed during the period"),
        )
        for rule, (name_zh, _name_en) in RULE_NAMES.items()
    ),
)

BY_CODE: dict[str, Indicator] = {i.code: i for i in BUILT_IN}

# Each annual target of a pairing agreement, and the indicator that measures it.
TARGET_INDICATORS: dict[PairingMetric, str] = {
    PairingMetric.LABORERS_TRANSFERRED: "transfers",
    PairingMetric.POVERTY_LABORERS_TRANSFERRED: "transfers_poverty",
    PairingMetric.PEOPLE_TRAINED: "trained",
    PairingMetric.FAIRS_HELD: "fairs_held",
    PairingMetric.POSITIONS_OFFERED: "positions",
}


def get(code: str) -> Indicator | None:
    return BY_CODE.get(code)
