"""Reporting periods: ISO weeks, 旬, months, quarters and years, their codes, labels,
boundaries and deadlines. Pure calendar code, no database."""

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest

from api import clock
from api.oversight.periods import (
    Period,
    PeriodKind,
    due_at,
    expected_share,
    parse,
    period_of,
    periods_between,
)

D = date


@pytest.mark.parametrize(
    ("code", "kind", "start", "end", "days"),
    [
        # The third 旬 runs to month end: 8, 9 or 11 days.
        ("2026-02-3", PeriodKind.XUN, D(2026, 2, 21), D(2026, 2, 28), 8),
        ("2024-02-3", PeriodKind.XUN, D(2024, 2, 21), D(2024, 2, 29), 9),
        ("2028-02-3", PeriodKind.XUN, D(2028, 2, 21), D(2028, 2, 29), 9),
        ("2026-12-3", PeriodKind.XUN, D(2026, 12, 21), D(2026, 12, 31), 11),
        ("2026-04-3", PeriodKind.XUN, D(2026, 4, 21), D(2026, 4, 30), 10),
        ("2026-12-1", PeriodKind.XUN, D(2026, 12, 1), D(2026, 12, 10), 10),
        ("2026-12-2", PeriodKind.XUN, D(2026, 12, 11), D(2026, 12, 20), 10),
        # ISO week 1 of 2026 starts on Monday 29 December 2025.
        ("2026-W01", PeriodKind.WEEK, D(2025, 12, 29), D(2026, 1, 4), 7),
        ("2021-W01", PeriodKind.WEEK, D(2021, 1, 4), D(2021, 1, 10), 7),
        ("2020-W53", PeriodKind.WEEK, D(2020, 12, 28), D(2021, 1, 3), 7),
        ("2026-W53", PeriodKind.WEEK, D(2026, 12, 28), D(2027, 1, 3), 7),
        ("2026-W49", PeriodKind.WEEK, D(2026, 11, 30), D(2026, 12, 6), 7),
        ("2024-02", PeriodKind.MONTH, D(2024, 2, 1), D(2024, 2, 29), 29),
        ("2026-12", PeriodKind.MONTH, D(2026, 12, 1), D(2026, 12, 31), 31),
        ("2026-01", PeriodKind.MONTH, D(2026, 1, 1), D(2026, 1, 31), 31),
        ("2026-02", PeriodKind.MONTH, D(2026, 2, 1), D(2026, 2, 28), 28),
        ("2026-Q1", PeriodKind.QUARTER, D(2026, 1, 1), D(2026, 3, 31), 90),
        ("2024-Q1", PeriodKind.QUARTER, D(2024, 1, 1), D(2024, 3, 31), 91),
        ("2026-Q4", PeriodKind.QUARTER, D(2026, 10, 1), D(2026, 12, 31), 92),
        ("2026", PeriodKind.YEAR, D(2026, 1, 1), D(2026, 12, 31), 365),
        ("2024", PeriodKind.YEAR, D(2024, 1, 1), D(2024, 12, 31), 366),
    ],
)
def test_a_code_names_its_days(code, kind, start, end, days):  # type: ignore[no-untyped-def]
    period = parse(code)
    assert (period.kind, period.start, period.end, period.days) == (kind, start, end, days)
    assert period.code == code == str(period)
    assert period_of(kind, start) == period == period_of(kind, end)
    assert period.contains(start) and period.contains(end)
    assert not period.contains(start - timedelta(days=1))
    assert not period.contains(end + timedelta(days=1))


@pytest.mark.parametrize(
    ("kind", "day", "code"),
    [
        # 1 January 2021 is a Friday: it belongs to the last week of 2020.
        (PeriodKind.WEEK, D(2021, 1, 1), "2020-W53"),
        (PeriodKind.WEEK, D(2021, 1, 3), "2020-W53"),
        (PeriodKind.WEEK, D(2021, 1, 4), "2021-W01"),
        (PeriodKind.WEEK, D(2025, 12, 29), "2026-W01"),
        (PeriodKind.WEEK, D(2025, 12, 28), "2025-W52"),
        (PeriodKind.WEEK, D(2027, 1, 3), "2026-W53"),
        (PeriodKind.XUN, D(2026, 12, 10), "2026-12-1"),
        (PeriodKind.XUN, D(2026, 12, 11), "2026-12-2"),
        (PeriodKind.XUN, D(2026, 12, 20), "2026-12-2"),
        (PeriodKind.XUN, D(2026, 12, 21), "2026-12-3"),
        (PeriodKind.XUN, D(2026, 12, 31), "2026-12-3"),
        (PeriodKind.MONTH, D(2026, 1, 1), "2026-01"),
        (PeriodKind.QUARTER, D(2026, 7, 1), "2026-Q3"),
        (PeriodKind.QUARTER, D(2026, 6, 30), "2026-Q2"),
        (PeriodKind.YEAR, D(2021, 1, 1), "2021"),
        ("xun", D(2026, 2, 28), "2026-02-3"),  # the kind may come as its plain string
    ],
)
def test_the_period_of_a_day(kind, day, code):  # type: ignore[no-untyped-def]
    assert period_of(kind, day).code == code


@pytest.mark.parametrize(
    ("code", "previous", "following"),
    [
        ("2026-W01", "2025-W52", "2026-W02"),
        ("2020-W53", "2020-W52", "2021-W01"),
        ("2026-W53", "2026-W52", "2027-W01"),
        ("2026-01-1", "2025-12-3", "2026-01-2"),
        ("2026-12-3", "2026-12-2", "2027-01-1"),
        ("2024-02-3", "2024-02-2", "2024-03-1"),
        ("2026-01", "2025-12", "2026-02"),
        ("2026-12", "2026-11", "2027-01"),
        ("2026-Q1", "2025-Q4", "2026-Q2"),
        ("2026-Q4", "2026-Q3", "2027-Q1"),
        ("2026", "2025", "2027"),
    ],
)
def test_previous_and_next_cross_year_ends(code, previous, following):  # type: ignore[no-untyped-def]
    period = parse(code)
    assert period.previous().code == previous
    assert period.next().code == following
    assert period.previous().end + timedelta(days=1) == period.start
    assert period.next().start - timedelta(days=1) == period.end
    assert period.next().previous() == period


@pytest.mark.parametrize("kind", list(PeriodKind))
def test_periods_tile_two_whole_years_and_codes_round_trip(kind):  # type: ignore[no-untyped-def]
    first, last = D(2024, 1, 1), D(2025, 12, 31)  # a leap year and a common one
    periods = periods_between(kind, first, last)
    assert periods[0].contains(first) and periods[-1].contains(last)
    for before, after in itertools.pairwise(periods):
        assert before.end + timedelta(days=1) == after.start  # no gap, no overlap
    day = first
    while day <= last:
        period = period_of(kind, day)
        assert period.contains(day) and period in periods
        assert parse(period.code) == period
        day += timedelta(days=1)
    for period in periods:
        assert parse(period.code) == period
        assert period.start <= period.end
    counts = {
        PeriodKind.WEEK: 105,  # 2024-W01 (1 Jan 2024) to 2026-W01 (29 Dec 2025 – 4 Jan 2026)
        PeriodKind.XUN: 72,
        PeriodKind.MONTH: 24,
        PeriodKind.QUARTER: 8,
        PeriodKind.YEAR: 2,
    }
    assert len(periods) == counts[kind]
    assert len({p.code for p in periods}) == len(periods)
    if kind == PeriodKind.WEEK:
        assert {p.days for p in periods} == {7}
        assert {p.start.isoweekday() for p in periods} == {1}
    if kind == PeriodKind.XUN:
        # 2024's February ends on the 29th (9 days), 2025's on the 28th (8 days).
        assert {p.days for p in periods} == {8, 9, 10, 11}


@pytest.mark.parametrize(
    "code",
    [
        "2026-13",
        "2026-00",
        "2026-12-4",
        "2026-12-0",
        "2026-W54",
        "2026-W00",
        "2021-W53",  # 2021 has 52 ISO weeks (it starts on a Friday)
        "2027-W53",
        "2026-Q0",
        "2026-Q5",
        "",
        "abc",
        "0000",
        "2026-W1",  # the canonical code pads: 2026-W01
        "2026-w49",
        "2026-2",
        "2026-12-2 ",
        "26-12",
        "２０２６",  # full-width digits are not ASCII digits
    ],
)
def test_bad_codes_are_refused_in_both_languages(code):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="周期代码无效 / invalid period code") as raised:
        parse(code)
    assert repr(code) in str(raised.value)


def test_week_53_exists_only_in_long_iso_years():
    # A year has 53 ISO weeks when it starts on a Thursday (2026) or is a leap year
    # starting on a Wednesday (2020); 2021 starts on a Friday and has 52.
    assert parse("2020-W53").start == D(2020, 12, 28)
    assert parse("2026-W53").end == D(2027, 1, 3)
    with pytest.raises(ValueError, match="52"):
        parse("2021-W53")


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="周期类型无效 / invalid period kind"):
        period_of("fortnight", D(2026, 1, 1))


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        ("2026-12-1", "2026年12月上旬", "Early December 2026 (1–10)"),
        ("2026-12-2", "2026年12月中旬", "Mid-December 2026 (11–20)"),
        ("2026-02-3", "2026年2月下旬", "Late February 2026 (21–28)"),
        ("2026-W49", "2026年第49周", "Week 49, 2026"),
        ("2026-W01", "2026年第1周", "Week 1, 2026"),  # the ISO year, not 2025
        ("2026-12", "2026年12月", "December 2026"),
        ("2026-Q4", "2026年第四季度", "Q4 2026"),
        ("2026-Q1", "2026年第一季度", "Q1 2026"),
        ("2026", "2026年", "2026"),
    ],
)
def test_labels(code, zh, en):  # type: ignore[no-untyped-def]
    assert (parse(code).label_zh, parse(code).label_en) == (zh, en)


def test_periods_between_takes_every_period_touching_the_range():
    # Wednesday 31 Dec 2025 to Tuesday 13 Jan 2026: three weeks, the first from 29 Dec.
    weeks = periods_between(PeriodKind.WEEK, D(2025, 12, 31), D(2026, 1, 13))
    assert [p.code for p in weeks] == ["2026-W01", "2026-W02", "2026-W03"]
    xuns = periods_between("xun", D(2026, 2, 20), D(2026, 3, 1))
    assert [p.code for p in xuns] == ["2026-02-2", "2026-02-3", "2026-03-1"]
    assert [p.code for p in periods_between("month", D(2026, 5, 5), D(2026, 5, 5))] == ["2026-05"]
    with pytest.raises(ValueError, match="invalid range"):
        periods_between("month", D(2026, 5, 5), D(2026, 5, 4))


@pytest.mark.parametrize(
    ("day", "year", "share"),
    [
        (D(2026, 1, 1), 2026, 1 / 365),
        (D(2024, 1, 1), 2024, 1 / 366),
        (D(2026, 12, 31), 2026, 1.0),
        (D(2024, 12, 31), 2024, 1.0),
        (D(2026, 7, 2), 2026, 183 / 365),
        (D(2024, 2, 29), 2024, 60 / 366),
        (D(2025, 12, 31), 2026, 0.0),  # before the year
        (D(2027, 1, 1), 2026, 1.0),  # after it
    ],
)
def test_expected_share_of_the_year(day, year, share):  # type: ignore[no-untyped-def]
    assert expected_share(day, year) == pytest.approx(share)


@pytest.fixture
def bureau_in_shanghai():  # type: ignore[no-untyped-def]
    before = clock.zone()
    clock.configure("Asia/Shanghai")
    yield
    clock.configure(before.key)


@pytest.mark.usefixtures("bureau_in_shanghai")
@pytest.mark.parametrize(
    ("code", "kwargs", "due"),
    [
        # A week's report is due on Friday of that same week, 12:00 Beijing time.
        ("2026-W49", {}, datetime(2026, 12, 4, 4, 0, tzinfo=UTC)),
        # Week 1 of 2026 starts in 2025; its Friday is 2 January 2026.
        ("2026-W01", {}, datetime(2026, 1, 2, 4, 0, tzinfo=UTC)),
        ("2026-W49", {"weekday": 0, "at": time(9, 30)}, datetime(2026, 11, 30, 1, 30, tzinfo=UTC)),
        # 旬 and month: the first day after the period (weekday has no say).
        ("2026-12-2", {}, datetime(2026, 12, 21, 4, 0, tzinfo=UTC)),
        ("2026-02-3", {"weekday": 0}, datetime(2026, 3, 1, 4, 0, tzinfo=UTC)),
        ("2024-02-3", {}, datetime(2024, 3, 1, 4, 0, tzinfo=UTC)),
        ("2026-12", {"at": time(17, 0)}, datetime(2027, 1, 1, 9, 0, tzinfo=UTC)),
    ],
)
def test_reports_fall_due_in_bureau_time(code, kwargs, due):  # type: ignore[no-untyped-def]
    deadline = due_at(parse(code), **kwargs)
    assert deadline == due
    assert deadline.tzinfo is not None and deadline.utcoffset() == timedelta(hours=8)


def test_the_deadline_follows_the_configured_zone(bureau_in_shanghai):  # type: ignore[no-untyped-def]
    clock.configure("Asia/Urumqi")  # UTC+6: noon there is 06:00 UTC
    assert due_at(parse("2026-W49")) == datetime(2026, 12, 4, 6, 0, tzinfo=UTC)


def test_a_bad_weekday_is_refused():
    with pytest.raises(ValueError, match="invalid weekday"):
        due_at(parse("2026-W49"), weekday=7)


def test_periods_are_values():
    assert parse("2026-12-2") == period_of("xun", D(2026, 12, 15))
    assert len({parse("2026-12"), period_of("month", D(2026, 12, 31))}) == 1
    assert isinstance(parse("2026"), Period)


def test_the_oversight_doc_lists_every_indicator():
    """docs/oversight.md is what operators read: a new indicator must be described there."""
    from pathlib import Path

    from api.oversight.indicators import BUILT_IN

    doc = (Path(__file__).resolve().parents[2] / "docs/oversight.md").read_text()
    missing = [i.code for i in BUILT_IN if f"`{i.code}`" not in doc]
    assert not missing, f"describe these indicators in docs/oversight.md: {missing}"
