"""Response bodies of the indicators and their values."""

import uuid
from datetime import date, datetime

from pydantic import Field

from api.oversight.indicators import Measure, Unit
from api.schemas import Schema
from shared_models.enums import SnapshotReason


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


class WithheldOut(Schema):
    """A figure of a supervising organization's view (across tenants): withheld
    figures are null, with `suppressed` true and `reason` small (1 to 4) or
    complement (withheld so that a small one cannot be worked out from a total)."""

    numerator: int | None
    denominator: int | None
    value: float | int | None
    suppressed: bool = False
    reason: str | None = Field(None, description="small or complement, when suppressed")


class BureauValueOut(WithheldOut):
    bureau_id: uuid.UUID
    bureau: str


class SupervisedPeriodOut(WithheldOut):
    period: str
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    by_bureau: list[BureauValueOut] | None = None


class SupervisedStatisticOut(WithheldOut):
    """An indicator over the bureaus a supervising organization supervises, suppressed."""

    indicator: str
    unit: Unit
    measure: Measure
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    bureaus: int = Field(description="How many bureaus the figures cover")
    by_bureau: list[BureauValueOut] | None = None
    values: list[SupervisedPeriodOut] | None = None


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


class FigureOut(Schema):
    numerator: int
    denominator: int | None
    value: float | int | None = Field(description="The count or sum; for a rate the percent")


class SnapshotValueOut(FigureOut):
    indicator: str


class RevisionOut(Schema):
    indicator: str
    frozen: FigureOut
    now: FigureOut
    difference: float | int | None = Field(
        description="now − frozen (for a rate in percentage points)"
    )


class SnapshotOut(Schema):
    id: uuid.UUID
    period: str
    kind: str
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    as_of: date = Field(description="The last day counted: the period's end, or the day taken")
    taken_at: datetime
    taken_by: str
    reason: SnapshotReason
    values: list[SnapshotValueOut] = Field(description="Every indicator, as frozen")
    revisions: list[RevisionOut] = Field(
        description="The indicators whose value for the same days differs now"
    )
