"""Response bodies of the indicators and their values."""

from datetime import date

from pydantic import Field

from api.oversight.indicators import Measure, Unit
from api.schemas import Schema


class IndicatorOut(Schema):
    code: str
    name: str = Field(description="In the caller's language")
    name_zh: str
    name_en: str
    unit: Unit
    measure: Measure = Field(description="stock: as at the period's end; flow: during it")
    description: str = Field(description="What it counts, in the caller's language")
    numerator: str | None = Field(None, description="A rate: the indicator counted above")
    denominator: str | None = Field(None, description="A rate: the indicator counted below")
    by_township: bool = Field(description="Can be broken down by the laborer's township")


class PeriodValueOut(Schema):
    period: str = Field(description="The period's code: 2026-W49, 2026-12-2 (旬), 2026-12, ...")
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to", description="Today, for the period under way")
    numerator: int
    denominator: int | None
    value: float | int | None
    by_township: dict[str, int] | None = None


class StatisticOut(Schema):
    indicator: str
    unit: Unit
    measure: Measure
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    numerator: int
    denominator: int | None
    value: float | int | None = Field(
        description="The count or sum; for a rate the percent, null when the denominator is 0"
    )
    by_township: dict[str, int] | None = None
    values: list[PeriodValueOut] | None = Field(
        None, description="With `period`: the value of each period touching [from, to]"
    )
