"""Drill-down from the dashboard: a figure split by township, village, district,
organization or pairing, and the people or records behind any number (issue 13)."""

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api import clock
from api.access import AccessContext
from api.i18n import _, get_locale, gettext
from api.oversight import drilldown, service
from api.oversight.drilldown_params import Within
from api.paging import Pager
from web import charts
from web.deps import PageReadSession, TenantPage
from web.paging import list_view
from web.rendering import render

router = APIRouter(include_in_schema=False)

DIMENSION_NAMES = {
    "township": _("By township"),
    "village": _("By village"),
    "district": _("By district of work"),
    "organization": _("By organization"),
    "pairing": _("By pairing"),
}
# What a limit is called above a list ("Village: 上村").
LIMIT_NAMES = {
    "township": _("Township"),
    "village": _("Village"),
    "district": _("District of work"),
    "organization": _("Organization"),
    "pairing": _("Pairing"),
}


def _period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """By default the year to date."""
    end = end or today
    return start or date(end.year, 1, 1), end


def _limits(session: Session, access: AccessContext, within: dict[str, str]) -> list[str]:
    return [
        f"{gettext(LIMIT_NAMES[d])}: {value}"
        for d, value in drilldown.described(session, access, within)
    ]


@router.get("/oversight/breakdown")
def breakdown(
    request: Request,
    page: TenantPage,
    session: PageReadSession,
    within: Within,
    indicator: str = "registered",
    by: str = "township",
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> Response:
    access = page.ctx
    today = clock.today()
    found = service.indicator(indicator)
    start, end = _period(start, end, today)
    choices = drilldown.dimensions(access, found.code, today)
    if by not in choices and choices:
        by = choices[0]
    parts = (
        drilldown.split(session, access, found.code, start, end, by, today=today, within=within)
        if choices
        else []
    )
    name = gettext(found.name_en) if get_locale() == "en" else found.name_zh
    base = {"indicator": found.code, "from": start.isoformat(), "to": end.isoformat(), **within}
    rows = []
    for part in parts:
        here = {**base, by: part.key}
        deeper = (
            "/oversight/breakdown?" + urlencode({**here, "by": "village"})
            if by == "township" and "village" in choices
            else None
        )
        rows.append((part, "/oversight/records?" + urlencode(here), deeper))
    chart = (
        charts.bars(
            gettext(DIMENSION_NAMES[by]),
            [p.label for p in reversed(parts)],
            {name: [p.count for p in reversed(parts)]},
            horizontal=True,
        )
        if parts
        else None
    )
    return render(
        request,
        "oversight/breakdown.html",
        {
            "indicator": found,
            "name": name,
            "by": by,
            "dimensions": [(d, gettext(DIMENSION_NAMES[d])) for d in choices],
            "start": start,
            "end": end,
            "within": within,
            "limits": _limits(session, access, within),
            "rows": rows,
            "total": sum(p.count for p in parts),
            "chart": chart,
            "all_records": "/oversight/records?" + urlencode(base),
            "today": today,
        },
    )


@router.get("/oversight/records")
def records(
    request: Request,
    page: TenantPage,
    session: PageReadSession,
    pager: Pager,
    within: Within,
    indicator: str = "registered",
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> Response:
    access = page.ctx
    today = clock.today()
    found = service.indicator(indicator)
    start, end = _period(start, end, today)
    result = drilldown.records(
        session, access, found.code, start, end, today=today, paging=pager, within=within
    )
    links = {}
    for row in result.rows:
        target = drilldown.link(row)
        if target and page.uses(target.split("?")[0]):
            links[row.id] = target
    name = gettext(found.name_en) if get_locale() == "en" else found.name_zh
    return render(
        request,
        "oversight/records.html",
        {
            "indicator": found,
            "name": name,
            "start": start,
            "end": end,
            "limits": _limits(session, access, within),
            "result": result,
            "links": links,
            "view": list_view(request, pager, result.total),
        },
    )
