"""The builders of person-based figures, of the caller's county: the register,
placements and transfers, Spring Festival returns, training, and staying in post."""

import uuid
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from api.access import AccessContext, DataKind
from api.oversight.statistics_repository.counted import (
    PEOPLE,
    ROWS,
    Builder,
    Counted,
    between,
    county,
)
from api.oversight.statistics_repository.counting_periods import Period
from api.oversight.statistics_repository.sql_functions import MonthsAfter
from api.sql_types import AnySelect
from api.supply.derived import MUNICIPALITIES
from shared_models import (
    HolidayLeave,
    Laborer,
    Organization,
    Pairing,
    Placement,
    Training,
    TrainingEnrollment,
)
from shared_models.enums import EnrollmentStatus, WorkScope

NINETY_DAYS = timedelta(days=90)


# --- the register -----------------------------------------------------------------------


def registered(*extra: ColumnElement[bool], fixed: bool = True) -> Builder:
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
        return Counted(query, ROWS, cumulative)

    return build


def registered_aged(youngest: int, oldest: int | None) -> Builder:
    """Registered and aged `youngest` to `oldest` (whole years) on the period's last day."""

    def build(access: AccessContext, period: Period) -> Counted:
        # Aged n or more on day d: born on or before d less n years.
        conditions = [Laborer.birth_date <= period.years_before_end(youngest)]
        if oldest is not None:
            conditions.append(Laborer.birth_date > period.years_before_end(oldest + 1))
        return registered(*conditions, fixed=False)(access, period)

    return build


# --- placements ---------------------------------------------------------------------------


def placements(access: AccessContext, *conditions: ColumnElement[bool]) -> AnySelect:
    return (
        select(Placement.id)
        .join(Laborer, Laborer.id == Placement.laborer_id)
        .where(Placement.tenant_id.in_(county(access)), *conditions)
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


def band() -> ColumnElement[str]:
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


def employed(scope: WorkScope | None = None, *extra: ColumnElement[bool]) -> Builder:
    def build(access: AccessContext, period: Period) -> Counted:
        # In post on the period's last day (ended_on is the last day in post).
        conditions = [
            Placement.started_on <= period.end,
            or_(Placement.ended_on.is_(None), Placement.ended_on >= period.end),
            *extra,
        ]
        if scope is not None:
            conditions.append(_scope() == scope.value)
        return Counted(placements(access, *conditions), PEOPLE)

    return build


def transfers(*extra: ColumnElement[bool]) -> Builder:
    def build(access: AccessContext, period: Period) -> Counted:
        return Counted(placements(access, between(Placement.started_on, period), *extra), PEOPLE)

    return build


def transfers_to_pairing_cities(access: AccessContext, period: Period) -> Counted:
    return transfers(_in_pairing_city(access))(access, period)


# --- Spring Festival returns (返岗) ----------------------------------------------------------


def spring_returns(access: AccessContext, period: Period) -> Counted:
    # The first day back at work after a holiday leave (返乡) falls in the period.
    query = (
        select(HolidayLeave.id)
        .join(Placement, Placement.id == HolidayLeave.placement_id)
        .join(Laborer, Laborer.id == HolidayLeave.laborer_id)
        .where(
            Placement.tenant_id.in_(county(access)),
            between(HolidayLeave.returned_on, period),
        )
    )
    return Counted(query, PEOPLE)


def employed_last_year_end(access: AccessContext, period: Period) -> Counted:
    """Employed on 31 December of the year before the period's last day: 去年务工人数,
    what the returns are compared with."""
    year_end = date(period.end.year - 1, 12, 31)
    return employed()(access, Period(year_end, year_end, period.today))


# --- training -------------------------------------------------------------------------------


def _enrollments(access: AccessContext, *conditions: ColumnElement[bool]) -> AnySelect:
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


def trained(access: AccessContext, period: Period) -> Counted:
    # On the roster when the course began: enrolled, completed, or withdrawn after the start.
    took_part = or_(
        TrainingEnrollment.status.in_([EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED]),
        and_(
            TrainingEnrollment.status == EnrollmentStatus.WITHDRAWN,
            TrainingEnrollment.withdrawn_on >= Training.starts_on,
        ),
    )
    return Counted(_enrollments(access, between(Training.starts_on, period), took_part), ROWS)


def completed(access: AccessContext, period: Period) -> Counted:
    query = _enrollments(
        access,
        TrainingEnrollment.status == EnrollmentStatus.COMPLETED,
        between(TrainingEnrollment.completed_on, period),
    )
    return Counted(query, ROWS)


def employed_after_training(
    session: Session, access: AccessContext, period: Period
) -> list[tuple[uuid.UUID, str, int]]:
    """Per laborer completing in the period: in work on some day of the 90 after."""
    completions = session.execute(
        _enrollments(
            access,
            TrainingEnrollment.status == EnrollmentStatus.COMPLETED,
            between(TrainingEnrollment.completed_on, period),
        ).with_only_columns(
            TrainingEnrollment.laborer_id, TrainingEnrollment.completed_on, Laborer.township
        )
    ).all()
    if not completions:
        return []
    spells: dict[object, list[tuple[date, date | None]]] = {}
    for laborer_id, started, ended in session.execute(
        select(Placement.laborer_id, Placement.started_on, Placement.ended_on).where(
            Placement.tenant_id.in_(county(access)),
            Placement.laborer_id.in_({c.laborer_id for c in completions}),
            Placement.started_on <= period.end + NINETY_DAYS,
        )
    ):
        spells.setdefault(laborer_id, []).append((started, ended))
    people: dict[uuid.UUID, tuple[str, bool]] = {}
    for laborer_id, completed, township in completions:
        if completed is None:  # between() left out NULL; the row type cannot say so
            continue
        employed = any(
            started <= completed + NINETY_DAYS and (ended is None or ended >= completed)
            for started, ended in spells.get(laborer_id, [])
        )
        _, before = people.get(laborer_id, (township, False))
        people[laborer_id] = (township, before or employed)
    return [(i, township, int(employed)) for i, (township, employed) in people.items()]


# --- staying in post ----------------------------------------------------------------------------


def milestone(months: int, stayed_only: bool) -> Builder:
    """Placements whose `months`-th month completed in the period (by today), and
    whether the laborer was still in post that day (as api/fairs/funnel.stayed): one
    row per placement, counted in SQL."""

    def build(access: AccessContext, period: Period) -> Counted:
        mark = MonthsAfter(Placement.started_on, months)
        first, last = period.started_between(months)
        conditions: list[ColumnElement[bool]] = [
            # Narrows to a range of starts (an index range); the mark decides.
            Placement.started_on.between(first, last),
            mark.between(period.start, period.last),
        ]
        if stayed_only:
            conditions.append(or_(Placement.ended_on.is_(None), Placement.ended_on >= mark))
        return Counted(placements(access, *conditions), ROWS)

    return build
