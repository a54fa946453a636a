"""The early-warning indicators: raised and closed, in all and rule by rule."""

from api.i18n import _
from api.oversight.indicators.model import C, F, Indicator
from shared_models.enums import WarningRule

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


WARNINGS: tuple[Indicator, ...] = (
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
