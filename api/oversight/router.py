"""JSON API of the indicators: their definitions, and a value for a period."""

from datetime import date
from typing import Annotated, Literal, TypedDict

from fastapi import APIRouter, Query, Response

from api import clock
from api.deps import Access, ReadSession
from api.errors import FieldError, ValidationFailed
from api.i18n import _, gettext
from api.oversight import packs, report_standing, service, snapshots, supervision
from api.oversight.indicators import Indicator
from api.oversight.periods import PeriodKind
from api.oversight.schemas import (
    BureauValueOut,
    FigureOut,
    IndicatorOut,
    PeriodValueOut,
    RevisionOut,
    SnapshotOut,
    SnapshotValueOut,
    StatisticOut,
    SupervisedPeriodOut,
    SupervisedStatisticOut,
)
from api.routing import XLSX, JsonRoute, file_download, xlsx_attachment
from shared_models.enums import OrgKind

router = APIRouter(prefix="/api/v1", route_class=JsonRoute, tags=["statistics"])


def indicator_out(found: Indicator) -> IndicatorOut:
    return IndicatorOut(
        code=found.code,
        name=gettext(found.name_en),
        name_zh=found.name_zh,
        name_en=found.name_en,
        unit=found.unit,
        measure=found.measure,
        description=gettext(found.counts),
        numerator=found.numerator,
        denominator=found.denominator,
        by_township=found.by_township,
    )


class _Figure(TypedDict):
    """A figure's fields shared by the supervised outputs (a cell, or a row's total)."""

    numerator: int | None
    denominator: int | None
    value: int | float | None
    suppressed: bool
    reason: str | None


def _count(cell: supervision.Cell) -> int | None:
    """A numerator's or denominator's value. Counts (or sums in whole yuan) are ints;
    only a rate's own value is a float, and that is never read through here."""
    if isinstance(cell.value, float):
        raise TypeError(f"a numerator or denominator is a count, not {cell.value!r}")
    return cell.value


@router.get("/indicators", response_model=list[IndicatorOut])
def list_indicators(access: Access) -> list[IndicatorOut]:
    """Every built-in indicator, defined once: its unit, stock or flow, what it counts."""
    return [indicator_out(i) for i in service.indicators()]


@router.get(
    "/statistics",
    response_model=StatisticOut | SupervisedStatisticOut,
    response_model_by_alias=True,
)
def statistics(
    access: Access,
    session: ReadSession,
    indicator: str,
    start: Annotated[date, Query(alias="from", description="The first day (inclusive)")],
    end: Annotated[date, Query(alias="to", description="The last day (inclusive)")],
    by: Annotated[
        Literal["township", "bureau"] | None,
        Query(description="Break down by township (a bureau) or bureau (a supervisor)"),
    ] = None,
    period: Annotated[
        PeriodKind | None,
        Query(description="Also the value of each week, 旬 (xun), month, quarter or year"),
    ] = None,
) -> StatisticOut | SupervisedStatisticOut:
    """An indicator's value over [from, to], computed from the records the caller may
    read: a stock as at `to`, a flow during the period; with `period`, also each period's.
    For a supervising organization: the total of the bureaus it supervises (by=bureau:
    each one's), with counts from 1 to 4 withheld (null, `suppressed`)."""
    if access.tenant_kind is OrgKind.SUPERVISING:
        return _supervised(session, access, indicator, start, end, by, period)
    if by == "bureau":
        raise ValidationFailed(
            errors=[
                FieldError(
                    "by",
                    _("Only a supervising organization compares bureaus."),
                    "not_a_supervisor",
                    {},
                )
            ]
        )
    by_township = by == "township"
    stat = service.statistic(session, access, indicator, start, end, by_township=by_township)
    values = None
    if period is not None:
        points = service.trend(
            session,
            access,
            indicator,
            period,
            start,
            end,
            today=clock.today(),
            by_township=by_township,
        )
        values = [
            PeriodValueOut(
                period=p.period.code,
                start=p.statistic.start,
                end=p.statistic.end,
                numerator=p.statistic.numerator,
                denominator=p.statistic.denominator,
                value=p.statistic.value,
                by_township=p.statistic.by_township,
            )
            for p in points
        ]
    return StatisticOut(
        indicator=stat.indicator.code,
        unit=stat.indicator.unit,
        measure=stat.indicator.measure,
        start=stat.start,
        end=stat.end,
        numerator=stat.numerator,
        denominator=stat.denominator,
        value=stat.value,
        by_township=stat.by_township,
        values=values,
    )


def _supervised(
    session: ReadSession,
    access: Access,
    indicator: str,
    start: date,
    end: date,
    by: str | None,
    period: PeriodKind | None,
) -> SupervisedStatisticOut:
    if by == "township":
        raise ValidationFailed(
            errors=[
                FieldError(
                    "by",
                    _("A supervising organization compares bureaus: by=bureau."),
                    "not_by_township",
                    {},
                )
            ]
        )
    figures = supervision.grid(
        session, access, indicator, start, end, today=clock.today(), kind=period
    )
    with_bureaus = by == "bureau"
    found = figures.indicator

    def out(row: supervision.Row, column: int | None) -> _Figure:
        cell = row.total if column is None else row.cells[column]
        index = len(figures.bureaus) if column is None else column
        if found.is_rate:
            num, den = row.numerators[index], row.denominators[index]
        else:
            num, den = cell, supervision.Cell(None)
        reason = cell.suppressed or num.suppressed or den.suppressed
        return {
            "numerator": _count(num),
            "denominator": _count(den),
            "value": cell.value,
            "suppressed": reason is not None,
            "reason": reason,
        }

    def per_bureau(row: supervision.Row) -> list[BureauValueOut] | None:
        if not with_bureaus:
            return None
        return [
            BureauValueOut(bureau_id=b.id, bureau=b.name, **out(row, i))
            for i, b in enumerate(figures.bureaus)
        ]

    span = figures.span
    return SupervisedStatisticOut(
        indicator=found.code,
        unit=found.unit,
        measure=found.measure,
        start=span.start,
        end=end,
        bureaus=len(figures.bureaus),
        by_bureau=per_bureau(span),
        values=[
            SupervisedPeriodOut(
                period=r.period.code if r.period else "",
                start=r.start,
                end=r.end,
                by_bureau=per_bureau(r),
                **out(r, None),
            )
            for r in figures.rows
        ]
        if period is not None
        else None,
        **out(span, None),
    )


@router.get("/reports/monthly-dispatch", **file_download(XLSX))
def monthly_dispatch(
    access: Access,
    session: ReadSession,
    period: Annotated[
        str | None,
        Query(description="The month, such as 2026-11; by default the last complete one"),
    ] = None,
) -> Response:
    """The 月调度 pack: the month's dispatch tables as one xlsx, a sheet per table
    (目标进度, 本月指标, 分乡镇)."""
    today = clock.today()
    month = packs.month(period, today)
    content = packs.monthly_dispatch(session, access, month, today)
    return xlsx_attachment(content, "monthly-dispatch.xlsx", packs.file_name(access, month))


@router.get("/statistics/snapshots", response_model=list[SnapshotOut], response_model_by_alias=True)
def statistics_snapshots(
    access: Access,
    session: ReadSession,
    period: Annotated[
        str, Query(description="A period code: 2026-W49, 2026-12-2 (旬), 2026-12, 2026-Q4, 2026")
    ],
) -> list[SnapshotOut]:
    """The caller's frozen figures of the period, newest first, each with the
    indicators whose value for the same days differs now (revisions)."""
    found = report_standing.any_period(period)
    today = clock.today()
    return [
        SnapshotOut(
            id=s.id,
            period=s.period_code,
            kind=s.period_kind,
            start=s.period_start,
            end=s.period_end,
            as_of=s.as_of,
            taken_at=s.taken_at,
            taken_by=s.taken_by_label,
            reason=s.reason,
            values=[
                SnapshotValueOut(indicator=i.code, **_figure(f).model_dump())
                for i, f in snapshots.frozen(s)
            ],
            revisions=[
                RevisionOut(
                    indicator=r.indicator.code,
                    frozen=_figure(r.frozen),
                    now=_figure(r.now),
                    difference=r.difference,
                )
                for r in snapshots.revisions(session, access, s, today)
            ],
        )
        for s in snapshots.of_period(session, access, found)
    ]


def _figure(f: snapshots.Figure) -> FigureOut:
    return FigureOut(numerator=f.numerator, denominator=f.denominator, value=f.value)
