"""A trend is worked out in one grouped statement per figure (service.trend through
statistics_repository.values_by_period), not one query per period: each of its points
must equal service.statistic over that period alone, for every indicator, period kind
and township, on generated records (issue 13's speed work must not change a figure).

The generated laborers are registered on days over the last two years and placed with
starts on month ends (31 January + 3 months clamps to 30 April) and around the milestone
marks, some ended on the mark's day, before it or after it, some placed twice; the demo's
own fairs, referrals, courses, claims, cases and warnings are compared as well.
"""

import random
from collections import Counter
from datetime import date, timedelta

import pytest

from api import clock
from api.access import build_access_context
from api.db import apply_access
from api.oversight import service, statistics_repository
from api.oversight.indicators import BUILT_IN
from api.oversight.periods import PeriodKind, periods_between
from api.subsidies.stay import add_months
from shared_models import Laborer, Placement
from tests.api.test_oversight_statistics import _ok, _on, _place
from tests.fixtures.factories import id_number, laborer_payload

TOWNSHIPS = ("分组测试一镇", "分组测试二乡", "分组测试三街道")


def _month_ends_and_marks(today: date) -> list[date]:
    """Starts that test the month arithmetic and the milestone edges."""
    days = [
        date(today.year - 1, 1, 31),
        date(today.year - 1, 1, 29),
        date(today.year - 1, 8, 31),
        date(today.year - 1, 11, 30),
        date(today.year - 1, 12, 31),
        date(2024, 2, 29),  # a leap day
        date(2024, 8, 31),
        today - timedelta(days=92),
        today - timedelta(days=183),
        today - timedelta(days=1),
        today,
    ]
    return [d for d in days if today - timedelta(days=700) <= d <= today]


MILESTONES = {
    "reached_3_months": (3, False),
    "in_post_3_months": (3, True),
    "reached_6_months": (6, False),
    "in_post_6_months": (6, True),
}


def _milestone_in_python(session, access, code: str, start: date, last: date):  # type: ignore[no-untyped-def]
    """The milestones as they were counted before they moved into SQL: every placement
    read, its mark worked out with add_months (relativedelta)."""
    months, stayed_only = MILESTONES[code]
    rows = session.execute(
        statistics_repository.placements(access).with_only_columns(
            Placement.started_on, Placement.ended_on, Laborer.township
        )
    ).all()
    counted = Counter()
    for started, ended, township in rows:
        mark = add_months(started, months)
        if start <= mark <= last and (not stayed_only or ended is None or ended >= mark):
            counted[township] += 1
    return sum(counted.values()), dict(counted)


def _generate(login, today: date) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(13)
    marks = _month_ends_and_marks(today)
    for n in range(36):
        # Those given a start of `marks` are registered before all of them.
        early = n < 2 * len(marks)
        registered = today - timedelta(
            days=rng.randint(720, 730) if early else rng.randint(200, 700)
        )
        with _on(registered.isoformat()):
            staff = login("wushan.staff")
            sex = rng.choice(("male", "female"))
            born = date(1960, 1, 1) + timedelta(days=rng.randint(0, 365 * 45))
            body = laborer_payload(
                id_number=id_number(sex=sex, born=born),
                township=TOWNSHIPS[n % len(TOWNSHIPS)],
                poverty_status=rng.choice(("none", "lifted", "monitored")),
            )
            laborer_id = _ok(staff.post("/api/v1/laborers", json=body))["id"]
        if n % 6 == 5:
            continue  # never placed
        started = (
            marks[n % len(marks)] if early else registered + timedelta(days=rng.randint(0, 150))
        )
        ended = None
        if n % 3 == 1:  # ended on, before or after the third month's mark
            mark = started + timedelta(days=rng.choice((28, 89, 91, 92, 120, 200)))
            ended = min(mark, today)
        staff = login("wushan.staff")
        _place(
            staff,
            laborer_id,
            started.isoformat(),
            ended.isoformat() if ended else None,
            region_code=rng.choice(("370602", "500237", "500101", "370702")),
            channel=rng.choice(("organized", "self_found", "public_post", "workshop")),
        )
        if ended is not None and n % 2 == 0 and ended + timedelta(days=10) <= today:
            _place(staff, laborer_id, (ended + timedelta(days=10)).isoformat())


@pytest.mark.parametrize(
    ("kind", "span"),
    [
        (PeriodKind.MONTH, 730),
        (PeriodKind.WEEK, 200),
        (PeriodKind.XUN, 200),
        (PeriodKind.QUARTER, 730),
    ],
)
def test_a_grouped_trend_equals_each_period_counted_alone(world, login, kind, span):
    today = clock.today()
    _generate(login, today)
    start = today - timedelta(days=span)
    periods = periods_between(kind, start, today)
    assert len(periods) > 6
    database = world.app_database()
    with database.transaction() as session:
        access = build_access_context(
            session,
            tenant_id=world.orgs["wushan"],
            role="staff",
            can_reveal_pii=False,
            user_id=world.users["wushan.staff"],
            actor_label="wushan.staff",
        )
        apply_access(session, access)  # RLS in force on PostgreSQL, as a request runs
        compared = nonzero = milestones = 0
        for found in BUILT_IN:
            points = service.trend(
                session,
                access,
                found.code,
                kind,
                start,
                today,
                today=today,
                by_township=found.by_township,
            )
            assert [p.period for p in points] == periods
            for point in points:
                alone = service.statistic(
                    session,
                    access,
                    found.code,
                    point.period.start,
                    min(point.period.end, today),
                    by_township=found.by_township,
                )
                assert point.statistic == alone, (found.code, point.period.code)
                if found.code in MILESTONES:
                    assert (alone.numerator, alone.by_township) == _milestone_in_python(
                        session, access, found.code, alone.start, min(alone.end, today)
                    ), (found.code, point.period.code)
                    milestones += bool(alone.numerator)
                compared += 1
                nonzero += bool(alone.numerator)
    database.dispose()
    assert compared == len(BUILT_IN) * len(periods)
    # The generated records make most figures move, so equal is not merely all zero.
    assert nonzero > compared // 4
    assert milestones > 4


def test_the_grouped_builders_are_sql_builders():
    """GROUPED names SQL builders only (a row builder, or one not listed, is counted
    period by period in a trend: the comparison above covers those too)."""
    assert set(statistics_repository.BUILDERS) >= statistics_repository.GROUPED
    assert not statistics_repository.GROUPED & set(statistics_repository.ROW_BUILDERS)
    assert len(statistics_repository.GROUPED) >= 50


def test_the_retention_curve_and_overlapping_periods_are_counted_as_before(world, login):
    """The curve's marks are counted in one statement; before, every placement's span
    was read and its marks worked out with add_months: both give the same points. And
    periods that do not tile (the pack's) are grouped as each counted alone."""
    today = clock.today()
    _generate(login, today)
    database = world.app_database()
    with database.transaction() as session:
        access = build_access_context(
            session,
            tenant_id=world.orgs["wushan"],
            role="staff",
            can_reveal_pii=False,
            user_id=world.users["wushan.staff"],
            actor_label="wushan.staff",
        )
        apply_access(session, access)
        for start, end in [
            (today - timedelta(days=730), today),
            (date(today.year, 1, 1), date(today.year, 12, 31)),
            (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        ]:
            curve = service.retention_curve(session, access, start, end, today)
            spans = statistics_repository.placement_spans(session, access, start, min(end, today))
            expected = []
            for n in range(1, 13):
                marks = [(add_months(s, n), e) for s, e in spans]
                reached = [(m, e) for m, e in marks if m <= today]
                stayed = sum(e is None or e >= m for m, e in reached)
                expected.append((n, len(reached), stayed))
            assert [(p.months, p.reached, p.stayed) for p in curve] == expected
            assert any(p.reached for p in curve)
        # Periods that overlap or run backwards, as the 月调度 pack asks (the month, the
        # month before, the year to date): each as counted alone.
        month = date(today.year, today.month, 1) - timedelta(days=1)
        bounds = [
            (month.replace(day=1), month),
            ((month.replace(day=1) - timedelta(days=1)).replace(day=1), month.replace(day=1)),
            (date(month.year, 1, 1), month),
            (today - timedelta(days=400), today),
        ]
        for found in BUILT_IN:
            grouped = service.statistics(session, access, found.code, bounds, today=today)
            alone = [
                service.statistic(session, access, found.code, start, end, today=today)
                for start, end in bounds
            ]
            assert grouped == alone, found.code
    database.dispose()
