"""What a figure is counted over: one Period, or a Periods list (a trend) counted in one
grouped statement, each offering the same dates and instants to the builders."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import QueryableAttribute

from api import clock
from api.oversight.statistics_repository.sql_functions import Bucket
from api.sql_types import AnySelect
from api.subsidies.stay import add_months
from shared_models import Laborer

# The instant a row came onto the register: a timestamp column.
OnRegister = ColumnElement[datetime] | QueryableAttribute[datetime]


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    today: date  # what is known: a milestone after today is not reached yet

    @property
    def last(self) -> date:
        """The last day known: a milestone is reached by then or not yet."""
        return min(self.end, self.today)

    def since(self) -> datetime:
        """The instant the period's first bureau day begins."""
        return clock.start_of_day(self.start)

    def until(self) -> datetime:
        """The instant after the period's last bureau day."""
        return _until(self.end)

    def years_before_end(self, years: int) -> date:
        return add_months(self.end, -12 * years)

    def on_register(self, column: OnRegister) -> tuple[list[ColumnElement[bool]], bool]:
        """The conditions of a stock that only grows (on the register by `column` <
        until()), and whether the counts are to be summed along the periods (for one
        period: no)."""
        return [column < self.until()], False

    def started_between(self, months: int) -> tuple[date, date]:
        """Starts whose `months`-th month may complete in the period: a few days either
        side, as month ends clamp (31 Jan + 1 month is 28 Feb); the exact mark is
        checked by the query."""
        return (
            add_months(self.start, -months) - _SLACK,
            add_months(self.last, -months) + _SLACK,
        )


_SLACK = timedelta(days=4)
# The ages whose birthdays bound the age bands (registered_aged): a period list carries
# the birth date of each for its periods' ends.
_AGE_YEARS = (16, 31, 46, 61)


class Periods:
    """Many periods in one grouped statement (a trend): the period list as a FROM of
    one row per period, whose columns stand where a builder uses a Period's dates.
    Every derived bound is worked out here in Python, exactly as Period works it out,
    so a grouped figure is the per-period one (tests/api/test_oversight_grouped.py)."""

    def __init__(self, bounds: list[tuple[date, date]], today: date) -> None:
        self.periods = [Period(start, end, today) for start, end in bounds]
        self.tiled = all(
            b.start == a.end + timedelta(days=1)
            for a, b in zip(self.periods, self.periods[1:], strict=False)
        )
        instant = Laborer.created_at.type
        rows = [
            select(
                literal(i, Integer).label("i"),
                literal(p.start, Date).label("start"),
                literal(p.end, Date).label("end"),
                literal(p.last, Date).label("last"),
                literal(p.since(), instant).label("since"),
                literal(p.until(), instant).label("until"),
                *(literal(p.years_before_end(n), Date).label(f"born_{n}") for n in _AGE_YEARS),
            )
            for i, p in enumerate(self.periods)
        ]
        self.table = union_all(*rows).subquery("periods")
        self.index = self.table.c.i
        self.start = self.table.c.start
        self.end = self.table.c.end
        self.last = self.table.c.last
        self.today = today
        self.entry: OnRegister | None = None

    def joined(self, query: AnySelect) -> AnySelect:
        """The query over every period: its rows crossed with the period list (the
        builder's conditions on the period's columns pick each row's periods; the list
        is named as a join so that a builder using it only in a subquery, correlated,
        still has it in its FROM)."""
        left = next(f for f in query.get_final_froms() if f is not self.table)
        return query.join_from(left, self.table, true())

    def since(self) -> ColumnElement[datetime]:
        return self.table.c.since

    def until(self) -> ColumnElement[datetime]:
        return self.table.c.until

    def years_before_end(self, years: int) -> ColumnElement[date]:
        return self.table.c[f"born_{years}"]

    def on_register(self, column: OnRegister) -> tuple[list[ColumnElement[bool]], bool]:
        """For a stock that only grows (registered by `column` < until()) over periods
        that tile the calendar: each row counted once, in the one period it came in (its
        bucket, found by a binary search on PostgreSQL), and summed along the periods,
        rather than in every period after it (a week trend would count each laborer 52
        times)."""
        if not self.tiled:
            return [column < self.until()], False
        self.entry = column
        # Not past the last period's end (the running sum does the rest).
        return [column < self.periods[-1].until()], True

    def bucket(self) -> ColumnElement[int]:
        """The index of the period `entry` (on_register) came in: 0 for any before the
        first period's end."""
        if self.entry is None:
            raise ValueError("bucket() counts what on_register() was asked of; it was not")
        entry = self.entry
        return Bucket(entry, *(literal(p.until(), entry.type) for p in self.periods[:-1]))

    def started_between(self, months: int) -> tuple[date, date]:
        """The widest window of all the periods (it only narrows the rows read)."""
        windows = [p.started_between(months) for p in self.periods]
        return min(w[0] for w in windows), max(w[1] for w in windows)


def _until(end: date) -> datetime:
    """Before the end of the bureau's day `end`."""
    return clock.start_of_day(end + timedelta(days=1))
