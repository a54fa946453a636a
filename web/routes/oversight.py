"""The oversight dashboard (统计调度): the pairings' yearly targets against what the
records show, an indicator's trend by week, 旬 or month, and its spread by township.
Every chart has its table; every figure is computed from the records (api/oversight)."""

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import clock
from api.errors import NotFound
from api.i18n import get_locale, gettext
from api.labels import label
from api.oversight import drilldown, packs, service, supervision_workbook
from api.oversight.periods import PeriodKind
from api.routing import xlsx_attachment
from api.tenancy import service as tenancy
from shared_models.enums import OrgKind
from web import charts
from web.deps import PageReadSession, TenantPage
from web.rendering import render
from web.routes import oversight_filters as filters
from web.routes import oversight_supervisor

router = APIRouter(include_in_schema=False)
# From the register to staying in post, over the year (each step its own indicator).
AT_RISK_SHOWN = 50  # the soonest; the visit queue has them all
FUNNEL = ("registered", "referrals", "hires", "in_post_3_months", "in_post_6_months")


@router.get("/oversight")
def dashboard(
    request: Request,
    page: TenantPage,
    session: PageReadSession,
    year: int | None = None,
    indicator: str = filters.DEFAULT_INDICATOR,
    period: PeriodKind = PeriodKind.MONTH,
) -> Response:
    access = page.ctx
    if access.tenant_kind is OrgKind.SUPERVISING:
        # Its bureaus' aggregates, suppressed: no register of its own to count.
        return oversight_supervisor.dashboard(request, page, session, year, indicator, period)
    today = clock.today()
    pairings = tenancy.visible_pairings(session, access)
    # The years of the agreements' targets and the last three; by default this year, or
    # the latest year with targets when this one has none yet.
    target_years = {t.year for v in pairings for t in v.pairing.targets if t.year <= today.year}
    if not (year and 2000 <= year <= today.year):
        year = today.year if today.year in target_years or not target_years else max(target_years)
    years = sorted(target_years | {today.year - i for i in range(3)} | {year}, reverse=True)
    period = filters.trend_kind(period)
    chosen = service.indicator(filters.indicator_code(indicator))
    name = filters.indicator_name()

    progress = []
    for view in pairings:
        rows = service.target_progress(session, access, view.pairing, year, today)
        if not rows:
            continue
        chart = charts.bars(
            gettext("Targets: done and expected by today"),
            [name(r.indicator) for r in rows],
            {
                gettext("Done"): [r.percent_done for r in rows],
                gettext("Expected by today"): [r.expected_percent for r in rows],
            },
            horizontal=True,
            percent=True,
        )
        progress.append({"view": view, "rows": rows, "chart": chart})

    first, last = date(year, 1, 1), date(year, 12, 31)
    funnel_steps = []
    if first <= today:
        for code in FUNNEL:
            stat = service.statistic(session, access, code, first, min(last, today))
            funnel_steps.append((name(stat.indicator), stat.numerator))
    funnel_chart = (
        charts.funnel(gettext("From the register to staying in post"), funnel_steps)
        if funnel_steps
        else None
    )
    points = service.trend(session, access, chosen.code, period, first, last, today=today)
    labels = [p.period.code for p in points]
    trend_chart = charts.line(
        name(chosen), labels, {name(chosen): [p.statistic.value for p in points]}
    )
    townships = None
    township_chart = None
    drill: dict[str, str] = {}
    if chosen.by_township and points:
        spread = (
            service.statistic(
                session, access, chosen.code, first, min(last, today), by_township=True
            ).by_township
            or {}
        )
        townships = sorted(spread.items(), key=lambda kv: (-kv[1], kv[0]))
        # Each number opens the people behind it (api/oversight/drilldown.py).
        drill = {
            t: link
            for t, _n in townships
            if (link := drilldown.records_link(chosen.code, first, min(last, today), township=t))
        }
        township_chart = charts.bars(
            gettext("By township"),
            [t for t, _n in reversed(townships)],
            {name(chosen): [n for _t, n in reversed(townships)]},
            horizontal=True,
        )
    curve = service.retention_curve(session, access, first, last, today)
    retention_chart = (
        charts.line(
            gettext("Still in post, months after the start (%)"),
            [str(p.months) for p in curve],
            {gettext("Still in post (%)"): [p.percent for p in curve]},
        )
        if any(p.reached for p in curve)
        else None
    )
    warnings = None
    warnings_chart = None
    at_risk: list[service.AtRisk] = []
    if page.uses("/warnings/queue"):
        at_risk = service.at_risk(session, access, today)
        warnings = service.warning_analysis(session, access, period, first, last, today)
        warnings_chart = charts.bars(
            gettext("Warnings raised, by rule"),
            [p.code for p in warnings.periods],
            {label(rule): counts for rule, counts in warnings.raised.items()},
            stacked=True,
        )
    return render(
        request,
        "oversight/dashboard.html",
        {
            **filters.form(year, years, chosen, period, name),
            "progress": progress,
            "points": points,
            "trend_chart": trend_chart,
            "townships": townships,
            "township_chart": township_chart,
            "drill": drill,
            "records_link": drilldown.records_link,
            "breakdown": "/oversight/breakdown?"
            + urlencode(
                {
                    "indicator": chosen.code,
                    "from": first.isoformat(),
                    "to": min(last, today).isoformat(),
                }
            ),
            "funnel_steps": funnel_steps,
            "funnel_chart": funnel_chart,
            "curve": curve,
            "retention_chart": retention_chart,
            "warnings": warnings,
            "warnings_chart": warnings_chart,
            "at_risk": at_risk[:AT_RISK_SHOWN],
            "at_risk_total": len(at_risk),
            "name": name,
            "english": get_locale() == "en",
            "today": today,
            "pack_month": packs.last_complete_month(today).code,
        },
    )


@router.get("/oversight/pack")
def dispatch_pack(
    page: TenantPage, session: PageReadSession, period: str | None = None
) -> Response:
    """The 月调度 pack of a month (by default the last complete one) as xlsx."""
    access = page.ctx
    today = clock.today()
    month = packs.month(period, today)
    content = packs.monthly_dispatch(session, access, month, today)
    return xlsx_attachment(content, "monthly-dispatch.xlsx", packs.file_name(access, month))


@router.get("/oversight/figures")
def supervised_figures(
    page: TenantPage,
    session: PageReadSession,
    year: int | None = None,
    indicator: str = filters.DEFAULT_INDICATOR,
    period: PeriodKind = PeriodKind.MONTH,
) -> Response:
    """A supervising organization's dashboard figures as xlsx, suppressed as shown."""
    access = page.ctx
    if access.tenant_kind is not OrgKind.SUPERVISING:
        raise NotFound()  # a bureau has its 月调度 pack
    today = clock.today()
    if not (year and 2000 <= year <= today.year):
        year = today.year
    period = filters.trend_kind(period)
    code = filters.indicator_code(indicator)
    content = supervision_workbook.workbook(session, access, code, year, period, today)
    name = f"{access.tenant_name}{year}年{service.indicator(code).name_zh}.xlsx"
    return xlsx_attachment(content, "supervised-figures.xlsx", name)
