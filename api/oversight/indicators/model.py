"""What an indicator is: its unit, whether a stock or a flow, and how it is defined."""

from dataclasses import dataclass
from enum import StrEnum

from shared_models.enums import PovertyStatus


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
