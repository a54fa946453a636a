"""All SQL of the indicators: one small query builder per indicator (api/oversight/
indicators.py), each counting only rows the caller may read.

Person-based figures are of the caller's county: the laborers it reads (a county and its
liaison offices; a receiving bureau reads no register wholesale, so it counts none).
Pool and event figures are of what the caller reads through its pairings. Days are the
bureau's (api/clock.py): an instant belongs to the day it fell on in bureau time.
"""

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate, pairwise

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    and_,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from api import clock
from api.access import AccessContext, DataKind
from api.oversight.indicators import BY_CODE, POVERTY, RULE_NAMES
from api.subsidies import entitlements
from api.subsidies.rules import Person
from api.subsidies.stay import add_months
from api.supply.derived import MUNICIPALITIES
from shared_models import (
    Case,
    Entitlement,
    Fair,
    FairIntention,
    FairRegistration,
    HolidayLeave,
    Laborer,
    Organization,
    Pairing,
    Placement,
    Referral,
    ReferralEvent,
    SubsidyClaim,
    SubsidyPolicy,
    Training,
    TrainingEnrollment,
    Vacancy,
    WarningFlag,
)
from shared_models.enums import (
    CaseKind,
    ClaimStatus,
    EnrollmentStatus,
    FairStatus,
    IntentionOutcome,
    PlacementChannel,
    ReferralStatus,
    Sex,
    WarningRule,
    WarningStatus,
    WorkScope,
)

NINETY_DAYS = timedelta(days=90)


@dataclass(frozen=True)
class Value:
    numerator: int
    denominator: int | None = None


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    today: date  # what is known: a milestone after today is not reached yet

    @property
    def last(self) -> date:
        """The last day known: a milestone is reached by then or not yet."""
        return min(self.end, self.today)

    def since(self):  # type: ignore[no-untyped-def]
        """The instant the period's first bureau day begins."""
        return clock.start_of_day(self.start)

    def until(self):  # type: ignore[no-untyped-def]
        """The instant after the period's last bureau day."""
        return _until(self.end)

    def years_before_end(self, years: int) -> date:
        return add_months(self.end, -12 * years)

    def on_register(self, column) -> tuple[list[ColumnElement[bool]], bool]:  # type: ignore[no-untyped-def]
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
# The ages whose birthdays bound the age bands (_registered_aged): a period list carries
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
        self.entry: ColumnElement | None = None  # type: ignore[type-arg]

    def joined(self, query: Select) -> Select:  # type: ignore[type-arg]
        """The query over every period: its rows crossed with the period list (the
        builder's conditions on the period's columns pick each row's periods; the list
        is named as a join so that a builder using it only in a subquery, correlated,
        still has it in its FROM)."""
        left = next(f for f in query.get_final_froms() if f is not self.table)
        return query.join_from(left, self.table, true())

    def since(self):  # type: ignore[no-untyped-def]
        return self.table.c.since

    def until(self):  # type: ignore[no-untyped-def]
        return self.table.c.until

    def years_before_end(self, years: int):  # type: ignore[no-untyped-def]
        return self.table.c[f"born_{years}"]

    def on_register(self, column) -> tuple[list[ColumnElement[bool]], bool]:  # type: ignore[no-untyped-def]
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
        return _Bucket(
            self.entry, *(literal(p.until(), self.entry.type) for p in self.periods[:-1])
        )

    def started_between(self, months: int) -> tuple[date, date]:
        """The widest window of all the periods (it only narrows the rows read)."""
        windows = [p.started_between(months) for p in self.periods]
        return min(w[0] for w in windows), max(w[1] for w in windows)


class _Bucket(FunctionElement):  # type: ignore[type-arg]
    """The index of the first bound the value is before (the number of bounds at or
    before it): the period a row came in, without joining it to every period."""

    type = Integer()
    inherit_cache = True


@compiles(_Bucket)  # PostgreSQL, and str() of a statement
def _bucket_pg(element, compiler, **kw):  # type: ignore[no-untyped-def]
    value, *bounds = list(element.clauses)
    if not bounds:
        return "0"
    # width_bucket: a binary search of the sorted bounds.
    array = ", ".join(
        f"CAST({compiler.process(b, **kw)} AS TIMESTAMP WITH TIME ZONE)" for b in bounds
    )
    return f"width_bucket({compiler.process(value, **kw)}, ARRAY[{array}])"


@compiles(_Bucket, "sqlite")
def _bucket_sqlite(element, compiler, **kw):  # type: ignore[no-untyped-def]
    value, *bounds = list(element.clauses)
    if not bounds:
        return "0"
    column = compiler.process(value, **kw)
    cases = " ".join(
        f"WHEN {column} < {compiler.process(b, **kw)} THEN {i}" for i, b in enumerate(bounds)
    )
    return f"(CASE {cases} ELSE {len(bounds)} END)"


class _MonthsAfter(FunctionElement):  # type: ignore[type-arg]
    """`day` plus whole calendar months, clamped to the month end (31 Jan + 1 month is
    28 Feb), as add_months (relativedelta) counts them."""

    type = Date()
    inherit_cache = True


@compiles(_MonthsAfter)  # PostgreSQL, and str() of a statement
def _months_after_pg(element, compiler, **kw):  # type: ignore[no-untyped-def]
    day, months = list(element.clauses)
    # date + interval clamps to the month end, as relativedelta does.
    return (
        f"CAST({compiler.process(day, **kw)} + make_interval(months => "
        f"{compiler.process(months, **kw)}) AS DATE)"
    )


@compiles(_MonthsAfter, "sqlite")
def _months_after_sqlite(element, compiler, **kw):  # type: ignore[no-untyped-def]
    day, months = (compiler.process(c, **kw) for c in element.clauses)
    # SQLite's '+N months' overflows into the next month (31 Jan + 1 month is 3 Mar):
    # the same day of the target month, or that month's last day if shorter.
    first = f"date({day}, 'start of month', '+' || ({months}) || ' months')"
    month_end = f"date({day}, 'start of month', '+' || ({months} + 1) || ' months', '-1 day')"
    same_day = f"date({first}, '+' || (CAST(strftime('%d', {day}) AS INTEGER) - 1) || ' days')"
    return f"min({same_day}, {month_end})"


# A counted query: its FROM, joins and conditions, and what to count or add up. With
# `Laborer` among its FROMs it can be grouped by the laborer's township.
@dataclass(frozen=True)
class Counted:
    query: Select  # type: ignore[type-arg]
    measure: ColumnElement[int]
    # Over a tiling period list: each row counted once, in the period it came in; the
    # stock at a period's end is the running sum (Periods.on_register).
    cumulative: bool = False


Builder = Callable[[AccessContext, Period], Counted]
# Figures worked out person by person (a window after an event, each policy's units):
# (laborer, township, what the person adds: 1 or 0 for a count, yuan for a sum).
RowBuilder = Callable[[Session, AccessContext, Period], list[tuple[uuid.UUID, str, int]]]


def _county(access: AccessContext) -> frozenset:  # type: ignore[type-arg]
    """The registers whose people the caller counts, placements included."""
    return access.read_ids(DataKind.LABORER) & access.read_ids(DataKind.PLACEMENT)


def _until(end: date):  # type: ignore[no-untyped-def]
    """Before the end of the bureau's day `end`."""
    return clock.start_of_day(end + timedelta(days=1))


def _during(column, period: Period) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    """An instant column within the period's bureau days."""
    return and_(column >= period.since(), column < period.until())


def _between(column, period: Period) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    return column.between(period.start, period.end)


_PEOPLE = func.count(func.distinct(Laborer.id))
PEOPLE = _PEOPLE  # a person count: its drill-down lists people (records_repository)
_ROWS = func.count()


# --- the register -----------------------------------------------------------------------


def _registered(*extra: ColumnElement[bool], fixed: bool = True) -> Builder:
    """On the register at the period's end; `fixed`: the extra conditions do not
    depend on the period, so once on it a laborer stays counted."""

    def build(access: AccessContext, period: Period) -> Counted:
        registered, cumulative = (
            period.on_register(Laborer.created_at)
            if fixed
            else ([Laborer.created_at < period.until()], False)
        )
        query = select(Laborer.id).where(
            Laborer.tenant_id.in_(access.read_ids(DataKind.LABORER)), *registered, *extra
        )
        # One row per laborer: counting rows counts people, without the sort that
        # count(DISTINCT) needs (a period list multiplies the rows).
        return Counted(query, _ROWS, cumulative)

    return build


def _registered_aged(youngest: int, oldest: int | None) -> Builder:
    """Registered and aged `youngest` to `oldest` (whole years) on the period's last day."""

    def build(access: AccessContext, period: Period) -> Counted:
        # Aged n or more on day d: born on or before d less n years.
        conditions = [Laborer.birth_date <= period.years_before_end(youngest)]
        if oldest is not None:
            conditions.append(Laborer.birth_date > period.years_before_end(oldest + 1))
        return _registered(*conditions, fixed=False)(access, period)

    return build


# --- placements ---------------------------------------------------------------------------


def _placements(access: AccessContext, *conditions: ColumnElement[bool]) -> Select:  # type: ignore[type-arg]
    return (
        select(Placement.id)
        .join(Laborer, Laborer.id == Placement.laborer_id)
        .where(Placement.tenant_id.in_(_county(access)), *conditions)
    )


def _scope() -> ColumnElement[str]:
    """区内 / 区外市内 / 市外 of the placement against the household (as
    api.supply.derived.work_scope): a municipality is a city of two digits."""
    city = case((func.substr(Laborer.region_code, 1, 2).in_(MUNICIPALITIES), 2), else_=4)
    return case(
        (Placement.region_code == Laborer.region_code, WorkScope.IN_DISTRICT.value),
        (
            func.substr(Placement.region_code, 1, city)
            == func.substr(Laborer.region_code, 1, city),
            WorkScope.IN_CITY.value,
        ),
        else_=WorkScope.OUT_OF_CITY.value,
    )


def _band() -> ColumnElement[str]:
    """乡外县内 / 县外市内 / 市外省内 / 省外 of the placement against the household: the
    same county, city (for a municipality: the province, so 市外省内 stays empty),
    province (two digits), or none."""
    city = case((func.substr(Laborer.region_code, 1, 2).in_(MUNICIPALITIES), 2), else_=4)
    return case(
        (Placement.region_code == Laborer.region_code, "county"),
        (
            func.substr(Placement.region_code, 1, city)
            == func.substr(Laborer.region_code, 1, city),
            "city",
        ),
        (
            func.substr(Placement.region_code, 1, 2) == func.substr(Laborer.region_code, 1, 2),
            "province",
        ),
        else_="out",
    )


def _in_pairing_city(access: AccessContext) -> ColumnElement[bool]:
    """The placement's region lies within the area of a receiving bureau of the caller's
    pairings: a code ending 0000 is a province, 00 a city, otherwise a county."""
    digits = case(
        (func.substr(Organization.region_code, 3, 4) == "0000", 2),
        (func.substr(Organization.region_code, 5, 2) == "00", 4),
        else_=6,
    )
    return (
        select(Pairing.id)
        .join(Organization, Organization.id == Pairing.receiving_org_id)
        .where(
            Pairing.id.in_(access.pairing_ids),
            func.substr(Placement.region_code, 1, digits)
            == func.substr(Organization.region_code, 1, digits),
        )
        .exists()
    )


def _employed(scope: WorkScope | None = None, *extra: ColumnElement[bool]) -> Builder:
    def build(access: AccessContext, period: Period) -> Counted:
        # In post on the period's last day (ended_on is the last day in post).
        conditions = [
            Placement.started_on <= period.end,
            or_(Placement.ended_on.is_(None), Placement.ended_on >= period.end),
            *extra,
        ]
        if scope is not None:
            conditions.append(_scope() == scope.value)
        return Counted(_placements(access, *conditions), _PEOPLE)

    return build


def _transfers(*extra: ColumnElement[bool]) -> Builder:
    def build(access: AccessContext, period: Period) -> Counted:
        return Counted(_placements(access, _between(Placement.started_on, period), *extra), _PEOPLE)

    return build


def _transfers_to_pairing_cities(access: AccessContext, period: Period) -> Counted:
    return _transfers(_in_pairing_city(access))(access, period)


# --- Spring Festival returns (返岗) ----------------------------------------------------------


def _spring_returns(access: AccessContext, period: Period) -> Counted:
    # The first day back at work after a holiday leave (返乡) falls in the period.
    query = (
        select(HolidayLeave.id)
        .join(Placement, Placement.id == HolidayLeave.placement_id)
        .join(Laborer, Laborer.id == HolidayLeave.laborer_id)
        .where(
            Placement.tenant_id.in_(_county(access)),
            _between(HolidayLeave.returned_on, period),
        )
    )
    return Counted(query, _PEOPLE)


def _employed_last_year_end(access: AccessContext, period: Period) -> Counted:
    """Employed on 31 December of the year before the period's last day: 去年务工人数,
    what the returns are compared with."""
    year_end = date(period.end.year - 1, 12, 31)
    return _employed()(access, Period(year_end, year_end, period.today))


# --- training -------------------------------------------------------------------------------


def _enrollments(access: AccessContext, *conditions: ColumnElement[bool]) -> Select:  # type: ignore[type-arg]
    return (
        select(TrainingEnrollment.id)
        .join(Training, Training.id == TrainingEnrollment.training_id)
        .join(Laborer, Laborer.id == TrainingEnrollment.laborer_id)
        .where(
            TrainingEnrollment.tenant_id.in_(access.read_ids(DataKind.LABORER)),
            Training.pairing_id.in_(access.pairing_ids),
            *conditions,
        )
    )


def _trained(access: AccessContext, period: Period) -> Counted:
    # On the roster when the course began: enrolled, completed, or withdrawn after the start.
    took_part = or_(
        TrainingEnrollment.status.in_([EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED]),
        and_(
            TrainingEnrollment.status == EnrollmentStatus.WITHDRAWN,
            TrainingEnrollment.withdrawn_on >= Training.starts_on,
        ),
    )
    return Counted(_enrollments(access, _between(Training.starts_on, period), took_part), _ROWS)


def _completed(access: AccessContext, period: Period) -> Counted:
    query = _enrollments(
        access,
        TrainingEnrollment.status == EnrollmentStatus.COMPLETED,
        _between(TrainingEnrollment.completed_on, period),
    )
    return Counted(query, _ROWS)


def _employed_after_training(
    session: Session, access: AccessContext, period: Period
) -> list[tuple[uuid.UUID, str, int]]:
    """Per laborer completing in the period: in work on some day of the 90 after."""
    completions = session.execute(
        _enrollments(
            access,
            TrainingEnrollment.status == EnrollmentStatus.COMPLETED,
            _between(TrainingEnrollment.completed_on, period),
        ).with_only_columns(
            TrainingEnrollment.laborer_id, TrainingEnrollment.completed_on, Laborer.township
        )
    ).all()
    if not completions:
        return []
    spells: dict[object, list[tuple[date, date | None]]] = {}
    for laborer_id, started, ended in session.execute(
        select(Placement.laborer_id, Placement.started_on, Placement.ended_on).where(
            Placement.tenant_id.in_(_county(access)),
            Placement.laborer_id.in_({c.laborer_id for c in completions}),
            Placement.started_on <= period.end + NINETY_DAYS,
        )
    ):
        spells.setdefault(laborer_id, []).append((started, ended))
    people: dict[uuid.UUID, tuple[str, bool]] = {}
    for laborer_id, completed, township in completions:
        employed = any(
            started <= completed + NINETY_DAYS and (ended is None or ended >= completed)
            for started, ended in spells.get(laborer_id, [])
        )
        _, before = people.get(laborer_id, (township, False))
        people[laborer_id] = (township, before or employed)
    return [(i, township, int(employed)) for i, (township, employed) in people.items()]


# --- the demand pool --------------------------------------------------------------------------


def _open_vacancies(measure: ColumnElement[int]) -> Builder:
    def build(access: AccessContext, period: Period) -> Counted:
        query = select(Vacancy.id).where(
            Vacancy.tenant_id.in_(access.read_ids(DataKind.DEMAND)),
            Vacancy.valid_from <= period.end,
            or_(Vacancy.valid_until.is_(None), Vacancy.valid_until >= period.start),
        )
        return Counted(query, measure)

    return build


# --- fairs and referrals ---------------------------------------------------------------------


def _fairs_held(access: AccessContext, period: Period) -> Select:  # type: ignore[type-arg]
    """The ids of the caller's pairings' fairs held in the period."""
    return select(Fair.id).where(
        Fair.pairing_id.in_(access.pairing_ids),
        Fair.tenant_id.in_(access.read_ids(DataKind.EVENT)),
        Fair.status.notin_([FairStatus.DRAFT, FairStatus.CANCELLED]),
        _between(Fair.held_on, period),
    )


def _fairs(access: AccessContext, period: Period) -> Counted:
    return Counted(_fairs_held(access, period), _ROWS)


def _attendees(access: AccessContext, period: Period) -> Counted:
    query = select(FairRegistration.id).where(
        FairRegistration.fair_id.in_(_fairs_held(access, period)),
        FairRegistration.checked_in_at.is_not(None),
    )
    return Counted(query, _ROWS)


def _intentions(access: AccessContext, period: Period) -> Counted:
    query = select(FairIntention.id).where(
        FairIntention.fair_id.in_(_fairs_held(access, period)),
        FairIntention.outcome == IntentionOutcome.AGREED,
    )
    return Counted(query, func.count(func.distinct(FairIntention.registration_id)))


def _referrals_of(access: AccessContext, *conditions: ColumnElement[bool]) -> Select:  # type: ignore[type-arg]
    return (
        select(Referral.id)
        .join(Laborer, Laborer.id == Referral.laborer_id)
        .where(
            Referral.tenant_id.in_(
                access.read_ids(DataKind.REFERRAL) & access.read_ids(DataKind.LABORER)
            ),
            *conditions,
        )
    )


def _referrals(access: AccessContext, period: Period) -> Counted:
    # The day it was made, as recorded on its first step (it may be backdated).
    made = (
        select(ReferralEvent.id)
        .where(
            ReferralEvent.referral_id == Referral.id,
            ReferralEvent.from_status.is_(None),
            _between(ReferralEvent.occurred_on, period),
        )
        .exists()
    )
    return Counted(_referrals_of(access, made), _ROWS)


def _hires(access: AccessContext, period: Period) -> Counted:
    query = _referrals_of(
        access, Referral.status == ReferralStatus.HIRED, _between(Referral.hired_on, period)
    )
    return Counted(query, _ROWS)


# --- staying in post ----------------------------------------------------------------------------


def _milestone(months: int, stayed_only: bool) -> Builder:
    """Placements whose `months`-th month completed in the period (by today), and
    whether the laborer was still in post that day (as api/fairs/funnel.stayed): one
    row per placement, counted in SQL."""

    def build(access: AccessContext, period: Period) -> Counted:
        mark = _MonthsAfter(Placement.started_on, months)
        first, last = period.started_between(months)
        conditions = [
            # Narrows to a range of starts (an index range); the mark decides.
            Placement.started_on.between(first, last),
            mark.between(period.start, period.last),
        ]
        if stayed_only:
            conditions.append(or_(Placement.ended_on.is_(None), Placement.ended_on >= mark))
        return Counted(_placements(access, *conditions), _ROWS)

    return build


# --- subsidies, casework, warnings ------------------------------------------------------------


def _claimed(access: AccessContext, period: Period) -> Counted:
    query = select(SubsidyClaim.id).where(
        SubsidyClaim.tenant_id.in_(access.read_ids(DataKind.SUBSIDY)),
        SubsidyClaim.status != ClaimStatus.REJECTED,
        _during(SubsidyClaim.created_at, period),
    )
    return Counted(query, func.coalesce(func.sum(SubsidyClaim.amount), 0))


def _paid(access: AccessContext, period: Period) -> Counted:
    query = select(SubsidyClaim.id).where(
        SubsidyClaim.tenant_id.in_(access.read_ids(DataKind.SUBSIDY)),
        SubsidyClaim.status == ClaimStatus.PAID,
        _between(SubsidyClaim.paid_on, period),
    )
    return Counted(query, func.coalesce(func.sum(SubsidyClaim.amount), 0))


def _due(
    session: Session, access: AccessContext, period: Period
) -> list[tuple[uuid.UUID, str, int]]:
    """Per laborer and policy the caller pays, the yuan of the units that fell due in the
    period: each policy judged again from the records as at the period's last day (or
    today), as the claims queue judges it. The stored entitlements only say who may be
    owed at all; they keep no day per earned unit."""
    last = min(period.end, period.today)
    if last < period.start:
        return []
    payers = access.read_ids(DataKind.SUBSIDY)
    grouped = entitlements.families(
        session.scalars(select(SubsidyPolicy).where(SubsidyPolicy.tenant_id.in_(payers)))
    )
    if not grouped:
        return []

    # A unit falls due on a day of its stay, so the stay began by `last` and lasted into
    # the period: one placement started by then, one not ended before it (a stay may join
    # spells across a gap). Not the stored stay's start: that may be a later stay's.
    def placed(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
        return select(Placement.id).where(Placement.laborer_id == Laborer.id, *conditions).exists()

    laborers = session.execute(
        select(
            Laborer.id,
            Laborer.tenant_id,
            Laborer.poverty_status,
            Laborer.region_code,
            Laborer.township,
        )
        .where(
            Laborer.id.in_(select(Entitlement.laborer_id).where(Entitlement.tenant_id.in_(payers))),
            placed(Placement.started_on <= last),
            placed(or_(Placement.ended_on.is_(None), Placement.ended_on >= period.start)),
        )
        .order_by(Laborer.id)
    ).all()
    out: list[tuple[uuid.UUID, str, int]] = []
    for first in range(0, len(laborers), entitlements.BATCH):
        batch = laborers[first : first + entitlements.BATCH]
        records = entitlements.load_records(session, [row.id for row in batch])
        for row in batch:
            person = Person(str(row.poverty_status), row.region_code)
            for versions in grouped.values():
                if versions[0].tenant_id != row.tenant_id:
                    continue  # a bureau pays its own register
                _, result = entitlements.judge(versions, person, records[row.id], last)
                if result.eligible:
                    due = sum(
                        u.amount for u in result.units if u.earned and period.start <= u.due_on
                    )
                    out.append((row.id, row.township, due))
    return out


def _cases(kind: CaseKind) -> Builder:
    def build(access: AccessContext, period: Period) -> Counted:
        # The county's casework (its offices'), not disputes merely read by an
        # employer's bureau.
        query = select(Case.id).where(
            Case.tenant_id.in_(access.read_ids(DataKind.CASE)),
            or_(
                Case.tenant_id == access.tenant_id,
                Case.county_id.in_(access.read_ids(DataKind.LABORER)),
            ),
            Case.kind == kind,
            _between(Case.occurred_on, period),
        )
        return Counted(query, _ROWS)

    return build


def _recovered(access: AccessContext, period: Period) -> Counted:
    # closed_on is set when a case is finished (resolved, handed over or closed).
    query = select(Case.id).where(
        Case.tenant_id.in_(access.read_ids(DataKind.CASE)),
        or_(
            Case.tenant_id == access.tenant_id,
            Case.county_id.in_(access.read_ids(DataKind.LABORER)),
        ),
        Case.kind == CaseKind.DISPUTE,
        _between(Case.closed_on, period),
    )
    return Counted(query, func.coalesce(func.sum(Case.amount_recovered), 0))


def _warnings(closed: bool, rule: WarningRule | None = None) -> Builder:
    def build(access: AccessContext, period: Period) -> Counted:
        conditions = [WarningFlag.tenant_id.in_(access.read_ids(DataKind.WARNING))]
        if rule is not None:
            conditions.append(WarningFlag.rule == rule)
        if closed:
            conditions += [
                WarningFlag.status == WarningStatus.CLOSED,
                _between(WarningFlag.closed_on, period),
            ]
        else:
            conditions.append(_between(WarningFlag.raised_on, period))
        return Counted(select(WarningFlag.id).where(*conditions), _ROWS)

    return build


BUILDERS: dict[str, Builder] = {
    "registered": _registered(),
    "registered_poverty": _registered(Laborer.poverty_status.in_(POVERTY)),
    "registered_female": _registered(Laborer.sex == Sex.FEMALE),
    "registered_two_after": _registered(Laborer.two_after.is_(True)),
    "registered_age_16_30": _registered_aged(16, 30),
    "registered_age_31_45": _registered_aged(31, 45),
    "registered_age_46_60": _registered_aged(46, 60),
    "registered_age_over_60": _registered_aged(61, None),
    "employed": _employed(),
    "employed_in_district": _employed(WorkScope.IN_DISTRICT),
    "employed_in_city": _employed(WorkScope.IN_CITY),
    "employed_out_of_city": _employed(WorkScope.OUT_OF_CITY),
    "public_posts": _employed(None, Placement.channel == PlacementChannel.PUBLIC_POST),
    "workshop_jobs": _employed(None, Placement.channel == PlacementChannel.WORKSHOP),
    "transfers": _transfers(),
    "transfers_organized": _transfers(Placement.channel == PlacementChannel.ORGANIZED),
    "transfers_poverty": _transfers(Laborer.poverty_status.in_(POVERTY)),
    "transfers_to_pairing_cities": _transfers_to_pairing_cities,
    "transfers_in_county": _transfers(_band() == "county"),
    "transfers_in_city": _transfers(_band() == "city"),
    "transfers_in_province": _transfers(_band() == "province"),
    "transfers_out_of_province": _transfers(_band() == "out"),
    "spring_returns": _spring_returns,
    "employed_last_year_end": _employed_last_year_end,
    "trained": _trained,
    "training_completed": _completed,
    "vacancies": _open_vacancies(_ROWS),
    "positions": _open_vacancies(func.coalesce(func.sum(Vacancy.headcount), 0)),
    "fairs_held": _fairs,
    "fair_attendees": _attendees,
    "fair_intentions": _intentions,
    "referrals": _referrals,
    "hires": _hires,
    "subsidies_claimed": _claimed,
    "subsidies_paid": _paid,
    "cases_visit": _cases(CaseKind.VISIT),
    "cases_hardship_aid": _cases(CaseKind.HARDSHIP_AID),
    "cases_onboarding": _cases(CaseKind.ONBOARDING),
    "cases_dispute": _cases(CaseKind.DISPUTE),
    "dispute_money_recovered": _recovered,
    "warnings_raised": _warnings(closed=False),
    "warnings_closed": _warnings(closed=True),
    **{f"warnings_raised_{rule.value}": _warnings(closed=False, rule=rule) for rule in RULE_NAMES},
    **{f"warnings_closed_{rule.value}": _warnings(closed=True, rule=rule) for rule in RULE_NAMES},
    "reached_3_months": _milestone(3, stayed_only=False),
    "in_post_3_months": _milestone(3, stayed_only=True),
    "reached_6_months": _milestone(6, stayed_only=False),
    "in_post_6_months": _milestone(6, stayed_only=True),
}

ROW_BUILDERS: dict[str, RowBuilder] = {
    "trained_employed_90_days": _employed_after_training,
    "subsidies_due": _due,
}

# The builders known to work on a period list (Periods) as well as on one Period: they
# use only the period's start, end and last day and its since(), until(),
# years_before_end() and started_between(), never Python arithmetic on its dates. A
# builder not listed here is counted period by period in a trend (correct, slower).
GROUPED: frozenset[str] = frozenset(
    {
        "registered",
        "registered_poverty",
        "registered_female",
        "registered_two_after",
        "registered_age_16_30",
        "registered_age_31_45",
        "registered_age_46_60",
        "registered_age_over_60",
        "employed",
        "employed_in_district",
        "employed_in_city",
        "employed_out_of_city",
        "public_posts",
        "workshop_jobs",
        "transfers",
        "transfers_organized",
        "transfers_poverty",
        "transfers_to_pairing_cities",
        "transfers_in_county",
        "transfers_in_city",
        "transfers_in_province",
        "transfers_out_of_province",
        "trained",
        "training_completed",
        "vacancies",
        "positions",
        "fairs_held",
        "fair_attendees",
        "fair_intentions",
        "referrals",
        "hires",
        "subsidies_claimed",
        "subsidies_paid",
        "cases_visit",
        "cases_hardship_aid",
        "cases_onboarding",
        "cases_dispute",
        "dispute_money_recovered",
        "warnings_raised",
        "warnings_closed",
        "reached_3_months",
        "in_post_3_months",
        "reached_6_months",
        "in_post_6_months",
        *(f"warnings_raised_{rule.value}" for rule in RULE_NAMES),
        *(f"warnings_closed_{rule.value}" for rule in RULE_NAMES),
    }
)


def value(
    session: Session,
    access: AccessContext,
    code: str,
    start: date,
    end: date,
    *,
    today: date | None = None,
) -> Value:
    """The indicator's value for [start, end]: a count or sum, or for a rate its
    numerator and denominator. `today` (default: the bureau's) bounds milestones."""
    period = Period(start, end, today or clock.today())
    indicator = BY_CODE[code]
    if indicator.numerator and indicator.denominator:
        top = _count(session, access, indicator.numerator, period)
        return Value(top, _count(session, access, indicator.denominator, period))
    return Value(_count(session, access, code, period))


def _count(session: Session, access: AccessContext, code: str, period: Period) -> int:
    if code in ROW_BUILDERS:
        rows = ROW_BUILDERS[code](session, access, period)
        return sum(counted for _laborer, _township, counted in rows)
    counted = BUILDERS[code](access, period)
    return int(session.scalar(counted.query.with_only_columns(counted.measure)) or 0)


def by_township(
    session: Session,
    access: AccessContext,
    code: str,
    start: date,
    end: date,
    *,
    today: date | None = None,
) -> dict[str, int]:
    """A person-based indicator's count per laborer township (a rate: its numerator)."""
    period = Period(start, end, today or clock.today())
    indicator = BY_CODE[code]
    if not indicator.by_township:
        raise ValueError(f"{code} is not counted by township")
    code = indicator.numerator or code
    if code in ROW_BUILDERS:
        spread: Counter[str] = Counter()
        for _laborer, township, counted in ROW_BUILDERS[code](session, access, period):
            spread[township] += counted
        return {township: n for township, n in spread.items() if n}
    counted = BUILDERS[code](access, period)
    rows = session.execute(
        counted.query.with_only_columns(Laborer.township, counted.measure).group_by(
            Laborer.township
        )
    ).all()
    return {township: int(n) for township, n in rows if n}


_spread = by_township  # values_by_period's flag shadows the name


def values_by_period(
    session: Session,
    access: AccessContext,
    code: str,
    bounds: list[tuple[date, date]],
    *,
    by_township: bool = False,
    today: date | None = None,
) -> list[tuple[Value, dict[str, int] | None]]:
    """value() (and by_township() if asked) for each [start, end] of `bounds`, in one
    grouped statement per figure (numerator, denominator, township spread) instead of
    one per period: the period list joined to the rows, grouped by period."""
    if not bounds:
        return []
    indicator = BY_CODE[code]
    codes = [c for c in (indicator.numerator, indicator.denominator) if c] or [code]
    if not all(c in GROUPED for c in codes):
        return [
            (
                value(session, access, code, start, end, today=today),
                _spread(session, access, code, start, end, today=today) if by_township else None,
            )
            for start, end in bounds
        ]
    periods = Periods(bounds, today or clock.today())
    counts = [_counts(session, access, c, periods) for c in codes]
    townships: list[dict[str, int]] | None = None
    if by_township:
        if not indicator.by_township:
            raise ValueError(f"{code} is not counted by township")
        counted = BUILDERS[codes[0]](access, periods)  # type: ignore[arg-type]
        rows = session.execute(_grouped(counted, periods, Laborer.township, counted.measure)).all()
        townships = [{} for _ in bounds]
        for i, township, n in rows:
            if n:
                townships[i][township] = int(n)
        if counted.cumulative:
            for before, now in pairwise(townships):
                for township, n in before.items():
                    now[township] = now.get(township, 0) + n
    out = []
    for i in range(len(bounds)):
        v = Value(counts[0][i], counts[1][i]) if len(counts) == 2 else Value(counts[0][i])
        out.append((v, townships[i] if townships is not None else None))
    return out


def _grouped(counted: Counted, periods: Periods, *columns: ColumnElement) -> Select:  # type: ignore[type-arg]
    """The counted query by period: the period list joined, or for a stock that only
    grows, each row in the period it came in."""
    # The last column is the measure; the ones before it (the period's index, then any
    # of `columns`) the groups.
    if counted.cumulative:
        # Grouped by its name: the bucket's bounds are parameters, which PostgreSQL
        # would not match between the select list and a repeated GROUP BY expression.
        bucket = periods.bucket().label("period_index")
        query = counted.query.with_only_columns(bucket, *columns)
        return query.group_by(literal_column("period_index"), *columns[:-1])
    query = periods.joined(counted.query.with_only_columns(periods.index, *columns))
    return query.group_by(periods.index, *columns[:-1])


def _counts(session: Session, access: AccessContext, code: str, periods: Periods) -> list[int]:
    counted = BUILDERS[code](access, periods)  # type: ignore[arg-type]
    found = dict(session.execute(_grouped(counted, periods, counted.measure)).all())
    counts = [int(found.get(i) or 0) for i in range(len(periods.periods))]
    return list(accumulate(counts)) if counted.cumulative else counts


def warnings_by_rule(
    session: Session, access: AccessContext, start: date, end: date
) -> list[tuple[str, date, int]]:
    """(rule, day raised, flags) for the flags the caller reads raised in [start, end]:
    one grouped query for the early-warning analysis, bucketed into periods by the caller."""
    rows = session.execute(
        select(WarningFlag.rule, WarningFlag.raised_on, func.count())
        .where(
            WarningFlag.tenant_id.in_(access.read_ids(DataKind.WARNING)),
            WarningFlag.raised_on.between(start, end),
        )
        .group_by(WarningFlag.rule, WarningFlag.raised_on)
    ).all()
    return [(str(rule), day, n) for rule, day, n in rows]


def open_warnings_by_rule(session: Session, access: AccessContext) -> dict[str, int]:
    """Flags still open (or acknowledged) now, by rule: who is at risk today."""
    rows = session.execute(
        select(WarningFlag.rule, func.count())
        .where(
            WarningFlag.tenant_id.in_(access.read_ids(DataKind.WARNING)),
            WarningFlag.status != WarningStatus.CLOSED,
        )
        .group_by(WarningFlag.rule)
    ).all()
    return {str(rule): n for rule, n in rows}


def placement_spans(
    session: Session, access: AccessContext, start: date, end: date
) -> list[tuple[date, date | None]]:
    """(started, ended) of the county's placements started in [start, end]: the cohort
    a retention curve follows."""
    return [
        (started, ended)
        for started, ended in session.execute(
            _placements(access, Placement.started_on.between(start, end)).with_only_columns(
                Placement.started_on, Placement.ended_on
            )
        ).all()
    ]


def retention(
    session: Session, access: AccessContext, start: date, end: date, today: date, months: int
) -> list[tuple[int, int]]:
    """For n = 1 .. `months`: of the county's placements started in [start, end], how
    many have reached their n-th month mark by today, and how many of those were still
    in post that day; one statement (the rows stay in the database)."""
    columns = []
    for n in range(1, months + 1):
        mark = _MonthsAfter(Placement.started_on, n)
        reached = mark <= today
        stayed = and_(reached, or_(Placement.ended_on.is_(None), Placement.ended_on >= mark))
        columns += [
            func.coalesce(func.sum(case((reached, 1), else_=0)), 0),
            func.coalesce(func.sum(case((stayed, 1), else_=0)), 0),
        ]
    row = session.execute(
        _placements(access, Placement.started_on.between(start, end)).with_only_columns(*columns)
    ).one()
    return [(int(row[2 * i]), int(row[2 * i + 1])) for i in range(months)]
