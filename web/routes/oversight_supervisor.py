"""The supervising organization's dashboard (/oversight for 重庆市人社局 and the like): its
bureaus' targets against actual, an indicator's trend by bureau, and the bureaus side by
side. Every figure crosses tenants, so it comes suppressed from the service
(api/oversight/supervision.py): "<5" for a count from 1 to 4, "×" for one withheld so
that a "<5" cannot be worked out from a total. Each chart has its table."""

from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api import clock
from api.i18n import get_locale, gettext
from api.oversight import service, supervision
from api.oversight.periods import PeriodKind
from web import charts
from web.deps import WebPage
from web.rendering import render
from web.routes import oversight_filters as filters


def _data(cells: list[supervision.Cell]) -> list[Any]:
    return charts.withheld([(c.value, c.shown) for c in cells])


def dashboard(
    request: Request,
    page: WebPage,
    session: Session,
    year: int | None,
    indicator: str,
    period: PeriodKind,
) -> Response:
    access = page.ctx
    today = clock.today()
    if not (year and 2000 <= year <= today.year):
        year = today.year
    years = sorted({today.year - i for i in range(3)} | {year}, reverse=True)
    period = filters.trend_kind(period)
    chosen = service.indicator(filters.indicator_code(indicator))
    name = filters.indicator_name()

    progress = supervision.target_progress(session, access, year, today)
    progress_chart = (
        charts.bars(
            gettext("Targets of all the bureaus: done and expected by today"),
            [name(m.indicator) for m in progress],
            {
                gettext("Done"): _data([m.percent_done for m in progress]),
                gettext("Expected by today"): [m.expected_percent for m in progress],
            },
            horizontal=True,
            percent=True,
        )
        if progress
        else None
    )
    first, last = date(year, 1, 1), date(year, 12, 31)
    figures = supervision.grid(session, access, chosen.code, first, last, today=today, kind=period)
    bureaus = figures.bureaus
    trend_chart = charts.line(
        name(chosen),
        [r.period.code for r in figures.rows if r.period],
        {
            **{b.name: _data([r.cells[i] for r in figures.rows]) for i, b in enumerate(bureaus)},
            gettext("All the bureaus"): _data([r.total for r in figures.rows]),
        },
    )
    span = figures.span
    bureau_chart = charts.bars(
        gettext("By bureau"),
        [
            b.name + (f" ({c.shown})" if c.shown else "")
            for b, c in zip(bureaus, span.cells, strict=True)
        ],
        {name(chosen): _data(span.cells)},
        horizontal=True,
    )
    return render(
        request,
        "oversight/supervisor.html",
        {
            **filters.form(year, years, chosen, period, name),
            "bureaus": bureaus,
            "progress": progress,
            "progress_chart": progress_chart,
            "figures": figures,
            "trend_chart": trend_chart,
            "bureau_chart": bureau_chart,
            "name": name,
            "english": get_locale() == "en",
            "today": today,
        },
    )
