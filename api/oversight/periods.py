"""Reporting periods: ISO week, 旬, month, quarter and year (pure calendar code, no DB).

Every period has a code that names it in URLs, the API and the CLI:

- week `2026-W49`: Monday to Sunday. The year is the ISO week-year, so week 1 may start
  in December of the year before, and a year that starts on a Thursday (or a leap year
  that starts on a Wednesday) has a week 53.
- 旬 (xun) `2026-12-2`: 1 is the 1st–10th, 2 the 11th–20th, 3 the 21st to month end
  (8 to 11 days).
- month `2026-12`, quarter `2026-Q4`, year `2026`.

Periods of one kind tile the calendar: each day lies in exactly one, and `next()` starts
the day after `end`. Bad input raises `ValueError` with a Chinese and an English message
in one string, so the CLI and the API can show it as it is.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from api import clock


class PeriodKind(StrEnum):
    WEEK = "week"
    XUN = "xun"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_XUN_ZH = {1: "上旬", 2: "中旬", 3: "下旬"}
_XUN_EN = {1: "Early", 2: "Mid-", 3: "Late"}
_QUARTER_ZH = {1: "一", 2: "二", 3: "三", 4: "四"}


@dataclass(frozen=True)
class Period:
    """One period, `start` to `end` inclusive. Build it with `parse` or `period_of`."""

    kind: PeriodKind
    start: date
    end: date
    code: str

    def __str__(self) -> str:
        return self.code

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> "Period":
        return period_of(self.kind, self.start - timedelta(days=1))

    def next(self) -> "Period":
        return period_of(self.kind, self.end + timedelta(days=1))

    @property
    def label_zh(self) -> str:
        match self.kind:
            case PeriodKind.WEEK:
                year, week, _ = self.start.isocalendar()
                return f"{year}年第{week}周"
            case PeriodKind.XUN:
                return f"{self.start.year}年{self.start.month}月{_XUN_ZH[_xun_number(self.start)]}"
            case PeriodKind.MONTH:
                return f"{self.start.year}年{self.start.month}月"
            case PeriodKind.QUARTER:
                return f"{self.start.year}年第{_QUARTER_ZH[_quarter_number(self.start)]}季度"
            case _:
                return f"{self.start.year}年"

    @property
    def label_en(self) -> str:
        match self.kind:
            case PeriodKind.WEEK:
                year, week, _ = self.start.isocalendar()
                return f"Week {week}, {year}"
            case PeriodKind.XUN:
                # 上旬/中旬/下旬 read as early/mid/late month; the days make it exact.
                n = _xun_number(self.start)
                month = calendar.month_name[self.start.month]
                sep = "" if n == 2 else " "
                return (
                    f"{_XUN_EN[n]}{sep}{month} {self.start.year} ({self.start.day}–{self.end.day})"
                )
            case PeriodKind.MONTH:
                return f"{calendar.month_name[self.start.month]} {self.start.year}"
            case PeriodKind.QUARTER:
                return f"Q{_quarter_number(self.start)} {self.start.year}"
            case _:
                return str(self.start.year)


def _invalid(code: str, why_zh: str, why_en: str) -> ValueError:
    return ValueError(f"周期代码无效 / invalid period code: {code!r} — {why_zh} / {why_en}")


def _kind(kind: PeriodKind | str) -> PeriodKind:
    try:
        return PeriodKind(kind)
    except ValueError:
        names = ", ".join(k.value for k in PeriodKind)
        raise ValueError(
            f"周期类型无效 / invalid period kind: {kind!r} (expected one of {names})"
        ) from None


def _xun_number(day: date) -> int:
    return 1 if day.day <= 10 else 2 if day.day <= 20 else 3


def _quarter_number(day: date) -> int:
    return (day.month - 1) // 3 + 1


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _week(iso_year: int, week: int) -> Period:
    start = date.fromisocalendar(iso_year, week, 1)
    return Period(PeriodKind.WEEK, start, start + timedelta(days=6), f"{iso_year}-W{week:02d}")


def _xun(year: int, month: int, n: int) -> Period:
    start = date(year, month, 1 + 10 * (n - 1))
    end = date(year, month, 10 * n) if n < 3 else _month_end(year, month)
    return Period(PeriodKind.XUN, start, end, f"{year}-{month:02d}-{n}")


def _month(year: int, month: int) -> Period:
    return Period(
        PeriodKind.MONTH, date(year, month, 1), _month_end(year, month), f"{year}-{month:02d}"
    )


def _quarter(year: int, q: int) -> Period:
    first = 3 * (q - 1) + 1
    return Period(
        PeriodKind.QUARTER, date(year, first, 1), _month_end(year, first + 2), f"{year}-Q{q}"
    )


def _year(year: int) -> Period:
    return Period(PeriodKind.YEAR, date(year, 1, 1), date(year, 12, 31), f"{year:04d}")


def period_of(kind: PeriodKind | str, day: date) -> Period:
    """The period of `kind` that contains `day`."""
    match _kind(kind):
        case PeriodKind.WEEK:
            iso_year, week, _ = day.isocalendar()
            return _week(iso_year, week)
        case PeriodKind.XUN:
            return _xun(day.year, day.month, _xun_number(day))
        case PeriodKind.MONTH:
            return _month(day.year, day.month)
        case PeriodKind.QUARTER:
            return _quarter(day.year, _quarter_number(day))
        case _:
            return _year(day.year)


# [0-9], not \d: \d also matches other scripts' digits, which int() would then accept.
_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")
_XUN = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9])")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_QUARTER = re.compile(r"([0-9]{4})-Q([0-9])")
_YEAR = re.compile(r"[0-9]{4}")


def parse(code: str) -> Period:
    """The period a code names: `2026-W49`, `2026-12-2`, `2026-12`, `2026-Q4` or `2026`.

    Strict: the canonical spelling only (zero-padded week and month, capital W and Q),
    so every period has exactly one code.
    """
    if not isinstance(code, str):
        raise _invalid(str(code), "不是字符串", "not a string")
    # Every form starts with a four-digit year; only its value still needs checking.
    head = _YEAR.match(code)
    year = int(head[0]) if head else -1  # -1: no form below can match
    if year == 0:
        raise _invalid(code, "年份须在0001至9999之间", "the year must be 0001 to 9999")
    if m := _WEEK.fullmatch(code):
        week = int(m[2])
        last = date(year, 12, 28).isocalendar().week  # 28 Dec always lies in the last week
        if not 1 <= week <= last:
            raise _invalid(
                code, f"{year}年共{last}周", f"ISO year {year} has weeks 01 to {last:02d}"
            )
        return _week(year, week)
    if m := _XUN.fullmatch(code):
        month, n = int(m[2]), int(m[3])
        if not 1 <= month <= 12:
            raise _invalid(code, "月份须在01至12之间", "the month must be 01 to 12")
        if not 1 <= n <= 3:
            raise _invalid(
                code,
                "旬须为1、2或3，即上旬、中旬或下旬",
                "the 10-day period must be 1, 2 or 3",
            )
        return _xun(year, month, n)
    if m := _MONTH.fullmatch(code):
        month = int(m[2])
        if not 1 <= month <= 12:
            raise _invalid(code, "月份须在01至12之间", "the month must be 01 to 12")
        return _month(year, month)
    if m := _QUARTER.fullmatch(code):
        q = int(m[2])
        if not 1 <= q <= 4:
            raise _invalid(code, "季度须在1至4之间", "the quarter must be 1 to 4")
        return _quarter(year, q)
    if _YEAR.fullmatch(code):
        return _year(year)
    raise _invalid(
        code,
        "应为 2026-W49、2026-12-2、2026-12、2026-Q4 或 2026",
        "expected 2026-W49, 2026-12-2, 2026-12, 2026-Q4 or 2026",
    )


def periods_between(kind: PeriodKind | str, start_day: date, end_day: date) -> list[Period]:
    """Every period of `kind` that touches `start_day`..`end_day` (inclusive), in order.

    The first and last may reach outside the range: a range from a Wednesday gets that
    whole week.
    """
    if end_day < start_day:
        raise ValueError(
            f"日期范围无效：结束早于开始 / invalid range: {end_day} is before {start_day}"
        )
    periods = [period_of(kind, start_day)]
    while periods[-1].end < end_day:
        periods.append(periods[-1].next())
    return periods


def expected_share(day: date, year: int) -> float:
    """The share of `year` elapsed by the end of `day`: the expected percent done by today.

    1 January is 1/365 (1/366 in a leap year), 31 December is 1.0; a day before the year
    is 0.0 and a day after it 1.0.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    if day < first:
        return 0.0
    if day >= last:
        return 1.0
    return ((day - first).days + 1) / ((last - first).days + 1)


def due_at(period: Period, weekday: int = 4, at: time = time(12, 0)) -> datetime:
    """When the report for `period` is due, as an aware datetime in bureau time.

    A week's report (周统计) is due within the week itself: on `weekday` (Monday = 0, so
    the default 4 is Friday) of that ISO week, at `at`. Every other kind (旬分析, 月调度,
    and quarter and year alike) is due on the first day after the period at `at`;
    `weekday` does not apply to them. Bureau time is api.clock's zone at call time.
    """
    if period.kind == PeriodKind.WEEK:
        if not 0 <= weekday <= 6:
            raise ValueError(
                f"星期无效（0为周一至6为周日） / invalid weekday (0 Monday to 6 Sunday): {weekday}"
            )
        day = period.start + timedelta(days=weekday)
    else:
        day = period.end + timedelta(days=1)
    return datetime.combine(day, at.replace(tzinfo=None), tzinfo=clock.zone())
