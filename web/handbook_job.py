"""The job handbook of a whole county (or any selection too large for one page load),
made by a background worker: the same book as the page, saved as one HTML file that
opens under the app's CSP and prints one household to a page.

It lives with the pages because the book is a page template; the worker process
registers it through this module (api/cli/worker.py, the one other exception to the
layers besides api.app)."""

from typing import Any

from api.handbook import service
from api.i18n import _, get_locale, set_locale
from api.jobs.runner import Outcome, Work, handler
from api.supply.rosters import ROSTER_FILE_NAMES, Roster, RosterFilter
from web.rendering import env

HANDBOOK = "handbook.build"


def title_of(tenant_name: str, f: RosterFilter) -> str:
    place = "".join(p for p in (f.township, f.village) if p)
    roster = "" if f.roster is Roster.ALL else f"（{ROSTER_FILE_NAMES[f.roster]}）"
    return f"{tenant_name}{place}岗位对接服务手册{roster}"


def params_of(f: RosterFilter) -> dict[str, Any]:
    return {"roster": f.roster.value, "township": f.township, "village": f.village}


def filter_of(params: dict[str, Any]) -> RosterFilter:
    return RosterFilter(
        roster=Roster(params.get("roster") or Roster.ALL.value),
        township=params.get("township") or None,
        village=params.get("village") or None,
    )


def static_url(_name: str, path: str) -> str:
    return f"/static/{path}"


def render_book(book: service.Handbook, tenant_name: str) -> str:
    """The handbook goes to households: always in Chinese, whatever the screen language."""
    screen_locale = get_locale()
    set_locale("zh_CN")
    try:
        template = env.get_template("handbook/handbook.html")
        return template.render(book=book, tenant_name=tenant_name, url_for=static_url)
    finally:
        set_locale(screen_locale)


@handler(HANDBOOK)
def make_handbook(work: Work) -> Outcome:
    f = filter_of(work.params)
    title = title_of(work.access.tenant_name, f)
    book = service.build(
        work.session,
        work.access,
        f,
        title=title,
        limit=service.MAX_LABORERS_JOB,
        progress=lambda done, total: work.progress("households", done, total),
    )
    html = render_book(book, work.access.tenant_name)
    return Outcome(
        message=_("The handbook holds {households} households and {laborers} people."),
        message_params={"households": len(book.households), "laborers": book.laborers},
        result=html.encode("utf-8"),
        result_name=f"{title}.html",
    )
