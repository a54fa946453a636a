"""The built-in indicators, each defined once as data (issue 13).

An indicator's value is always computed from the records (statistics_repository.py),
never typed in. A stock is read as at the last day of the period, a flow counts what
happened during it; a rate is its numerator's value over its denominator's. Person
counts are of the caller's own register (its county); pool and event counts are of
what the caller reads through its pairings.
"""

from api.oversight.indicators.activity import ACTIVITY
from api.oversight.indicators.model import POVERTY, Indicator, Measure, Unit
from api.oversight.indicators.people import PEOPLE
from api.oversight.indicators.warnings import RULE_NAMES, WARNINGS
from shared_models.enums import PairingMetric

__all__ = [
    "BUILT_IN",
    "BY_CODE",
    "POVERTY",
    "RULE_NAMES",
    "TARGET_INDICATORS",
    "Indicator",
    "Measure",
    "Unit",
    "get",
]

BUILT_IN: tuple[Indicator, ...] = (*PEOPLE, *ACTIVITY, *WARNINGS)

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
