"""Indicators and their values for a period, and a pairing's targets against actual."""

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.errors import FieldError, ValidationFailed
from api.i18n import _
from api.oversight import figures, risk_repository, statistics_repository
from api.oversight.indicators import BUILT_IN, BY_CODE, TARGET_INDICATORS
from api.oversight.indicators import Indicator as Indicator  # re-exported for web
from api.oversight.periods import Period, PeriodKind, periods_between
from api.subsidies.stay import add_months
from shared_models import Pairing
from shared_models.enums import PairingMetric, WarningRule


@dataclass(frozen=True)
class Statistic:
    indicator: Indicator
    start: date
    end: date
    numerator: int
    denominator: int | None
    # The count or sum; for a rate the percent (None when nothing to divide by).
    value: float | int | None
    by_township: dict[str, int] | None = None


@dataclass(frozen=True)
class TargetProgress:
    metric: PairingMetric
    indicator: Indicator
    target: int
    actual: int
    percent_done: float  # of the target
    expected_percent: float  # of the year gone by today
    behind: bool


def indicators() -> tuple[Indicator, ...]:
    return BUILT_IN


def known(code: str) -> bool:
    return code in BY_CODE


def indicator(code: str) -> Indicator:
    found = BY_CODE.get(code)
    if found is None:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "indicator",
                    _("No indicator {code}: GET /api/v1/indicators lists them."),
                    "unknown_indicator",
                    {"code": code},
                )
            ]
        )
    return found


def check_dates(start: date, end: date) -> None:
    """Refuse a period that starts after it ends."""
    if start > end:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "from",
                    _("The period starts after it ends ({start} is after {end})."),
                    "period_reversed",
                    {"start": start.isoformat(), "end": end.isoformat()},
                )
            ]
        )


def statistic(
    session: Session,
    access: AccessContext,
    code: str,
    start: date,
    end: date,
    *,
    by_township: bool = False,
    today: date | None = None,
) -> Statistic:
    """The indicator over [start, end]; `today` (default: the bureau's) is what is
    known, bounding milestones."""
    found = indicator(code)
    check_dates(start, end)
    if by_township:
        _counted_by_township(found)
    v = figures.value(session, access, code, start, end, today=today)
    townships = (
        figures.by_township(session, access, code, start, end, today=today) if by_township else None
    )
    return Statistic(found, start, end, v.numerator, v.denominator, _shown(found, v), townships)


def statistics(
    session: Session,
    access: AccessContext,
    code: str,
    bounds: list[tuple[date, date]],
    *,
    today: date | None = None,
) -> list[Statistic]:
    """statistic() over each [start, end] of `bounds` (which may overlap: a month, the
    month before, the year to date), in one grouped statement per figure."""
    found = indicator(code)
    found_values = figures.values_by_period(session, access, code, bounds, today=today)
    return [
        Statistic(found, start, end, v.numerator, v.denominator, _shown(found, v))
        for (start, end), (v, _townships) in zip(bounds, found_values, strict=True)
    ]


def _counted_by_township(found: Indicator) -> None:
    if not found.by_township:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "by",
                    _("{code} is not counted by township."),
                    "not_by_township",
                    {"code": found.code},
                )
            ]
        )


def _shown(found: Indicator, v: statistics_repository.Value) -> float | int | None:
    if not found.is_rate:
        return v.numerator
    if not v.denominator:
        return None
    return round(100 * v.numerator / v.denominator, 1)


def target_progress(
    session: Session, access: AccessContext, pairing: Pairing, year: int, today: date
) -> list[TargetProgress]:
    """Each of the pairing's targets for the year, against what the records show from
    1 January up to today, and whether it is behind the share of the year gone by."""
    within = _within_pairing(access, pairing)
    start, year_end = date(year, 1, 1), date(year, 12, 31)
    days = (year_end - start).days + 1
    if today < start:
        elapsed = 0
    elif today > year_end:
        elapsed = days
    else:
        elapsed = (today - start).days + 1
    expected = round(100 * elapsed / days, 1)
    out = []
    order = list(PairingMetric)
    for target in sorted(
        (t for t in pairing.targets if t.year == year), key=lambda t: order.index(t.metric)
    ):
        found = BY_CODE[TARGET_INDICATORS[target.metric]]
        actual = (
            figures.value(
                session, within, found.code, start, min(today, year_end), today=today
            ).numerator
            if elapsed
            else 0
        )
        done = round(100 * actual / target.target, 1) if target.target else 100.0
        out.append(
            TargetProgress(
                metric=target.metric,
                indicator=found,
                target=target.target,
                actual=actual,
                percent_done=done,
                expected_percent=expected,
                behind=done < expected,
            )
        )
    return out


def _within_pairing(access: AccessContext, pairing: Pairing) -> AccessContext:
    """The caller's view narrowed to one pairing: its events, and the data of its two
    bureaus (never wider than what the caller reads)."""
    sides: frozenset[uuid.UUID] = frozenset({pairing.sending_org_id, pairing.receiving_org_id})
    readable = {kind: ids & sides for kind, ids in access.readable.items()}
    return dataclasses.replace(
        access, readable=readable, pairing_ids=access.pairing_ids & {pairing.id}
    )


MAX_PERIODS = 120  # ten years of months, two of weeks


@dataclass(frozen=True)
class Point:
    period: Period
    statistic: Statistic
    change: float | int | None  # against the period before (None for the first)


def trend(
    session: Session,
    access: AccessContext,
    code: str,
    kind: PeriodKind,
    start: date,
    end: date,
    *,
    today: date,
    by_township: bool = False,
) -> list[Point]:
    """The indicator for each period of `kind` touching [start, end], up to today: a
    stock as at the period's end (or today, for the period under way), a flow within it."""
    periods = periods_between(kind, start, min(end, today)) if start <= today else []
    if len(periods) > MAX_PERIODS:
        raise ValidationFailed(
            errors=[
                FieldError(
                    "period",
                    _("At most {limit} periods at once: shorten the dates or take longer periods."),
                    "too_many_periods",
                    {"limit": MAX_PERIODS},
                )
            ]
        )
    found = indicator(code)
    if by_township:
        _counted_by_township(found)
    ends = [min(period.end, today) for period in periods]
    # One grouped statement per figure for all the periods (not one per period); the
    # milestones' `today` is the bureau's, as statistic() reads it.
    values = figures.values_by_period(
        session,
        access,
        code,
        [(period.start, last) for period, last in zip(periods, ends, strict=True)],
        by_township=by_township,
    )
    points: list[Point] = []
    for period, last, (v, townships) in zip(periods, ends, values, strict=True):
        stat = Statistic(
            found, period.start, last, v.numerator, v.denominator, _shown(found, v), townships
        )
        before = points[-1].statistic.value if points else None
        change = (
            round(stat.value - before, 1) if stat.value is not None and before is not None else None
        )
        points.append(Point(period, stat, change))
    return points


@dataclass(frozen=True)
class WarningAnalysis:
    periods: list[Period]
    raised: dict[WarningRule, list[int]]  # per rule, the flags raised in each period
    open_now: dict[WarningRule, int]


def warning_analysis(
    session: Session, access: AccessContext, kind: PeriodKind, start: date, end: date, today: date
) -> WarningAnalysis:
    """Flags raised by rule in each period (the early-warning analysis), and those open now."""
    periods = periods_between(kind, start, min(end, today)) if start <= today else []
    raised = {rule: [0] * len(periods) for rule in WarningRule}
    if periods:
        rows = figures.warnings_by_rule(session, access, periods[0].start, periods[-1].end)
        for rule, day, n in rows:
            index = next(i for i, p in enumerate(periods) if p.contains(day))
            raised[WarningRule(rule)][index] += n
    counts = figures.open_warnings_by_rule(session, access)
    return WarningAnalysis(
        periods, raised, {rule: counts.get(rule.value, 0) for rule in WarningRule}
    )


# The stay milestones the dashboard watches (as the in_post_3/6_months indicators).
MILESTONES = (3, 6)


@dataclass(frozen=True)
class AtRisk:
    laborer_id: uuid.UUID
    name: str
    township: str
    rules: tuple[WarningRule, ...]
    months: int  # the next milestone
    due_on: date
    days_left: int


def at_risk(
    session: Session, access: AccessContext, today: date, within_days: int = 30
) -> list[AtRisk]:
    """People in post with a flag still open whose next stay milestone (3 or 6 months)
    falls within `within_days`: the ones to visit before the milestone is lost. Soonest
    first."""
    rules: dict[uuid.UUID, set[WarningRule]] = {}
    soonest: dict[uuid.UUID, AtRisk] = {}
    for row in risk_repository.open_flags_in_post(session, access, today, max(MILESTONES)):
        marks = [(n, add_months(row.started_on, n)) for n in MILESTONES]
        ahead = [(n, on) for n, on in marks if today < on <= today + timedelta(within_days)]
        if not ahead:
            continue
        rules.setdefault(row.laborer_id, set()).add(row.rule)
        months, due_on = ahead[0]
        known = soonest.get(row.laborer_id)
        if known is None or due_on < known.due_on:  # two placements: the sooner mark
            soonest[row.laborer_id] = AtRisk(
                row.laborer_id, row.name, row.township, (), months, due_on, (due_on - today).days
            )
    out = [
        dataclasses.replace(a, rules=tuple(sorted(rules[a.laborer_id]))) for a in soonest.values()
    ]
    return sorted(out, key=lambda a: (a.days_left, a.township, a.name))


@dataclass(frozen=True)
class RetentionPoint:
    months: int
    reached: int  # placements whose month mark has come (by today)
    stayed: int  # of those, still in post on that day

    @property
    def percent(self) -> float | None:
        return round(100 * self.stayed / self.reached, 1) if self.reached else None


def retention_curve(
    session: Session, access: AccessContext, start: date, end: date, today: date, months: int = 12
) -> list[RetentionPoint]:
    """Of the placements started in [start, end], the share still in post 1, 2, ...
    `months` months after their start (calendar months, as the subsidy milestones count),
    among those whose mark has come by today."""
    counts = figures.retention(session, access, start, min(end, today), today, months)
    return [
        RetentionPoint(n, reached, stayed) for n, (reached, stayed) in enumerate(counts, start=1)
    ]
