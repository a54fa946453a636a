"""The Jinja2 environment: translations, formatting filters, static URLs."""

from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Undefined, pass_context
from jinja2.runtime import Context
from starlette.datastructures import URL, URLPath
from starlette.responses import HTMLResponse

from api import clock
from api.demand.pool import effective_status
from api.i18n import SUPPORTED_LOCALES, get_locale, gettext, ngettext
from api.labels import label
from api.matching.reasons import sentence
from web import alerts
from web.flash import take

WEB_DIR = Path(__file__).resolve().parent

templates = Jinja2Templates(directory=WEB_DIR / "templates")
env = templates.env
env.add_extension("jinja2.ext.i18n")
# Added to the environment by the i18n extension, so not in its type.
env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=False)  # type: ignore[attr-defined]  # added by the i18n extension
env.globals["_"] = gettext
env.globals["get_locale"] = get_locale
env.globals["SUPPORTED_LOCALES"] = SUPPORTED_LOCALES
env.trim_blocks = True
env.lstrip_blocks = True

# Route paths by (name, parameters), per app: Starlette's url_for walks every route of
# the app (FastAPI's included routers rebuilt on the way) for each static link of the
# page head, a fifth of a roster page's Python time. The app's routes never change.
# Kept in the app's state: they die with the app, and the router (the key's id) with it.
_URL_PATHS_LIMIT = 1024
_UrlPaths = dict[tuple[int, str, tuple[tuple[str, Any], ...]], URLPath]


@pass_context
def url_for(context: Context, name: str, /, **path_params: Any) -> URL:
    """Starlette's `request.url_for` (the same absolute URL), its path remembered."""
    request: Request = context["request"]
    provider = request.scope.get("router") or request.scope["app"]
    paths: _UrlPaths | None = getattr(request.app.state, "url_paths", None)
    if paths is None:
        paths = request.app.state.url_paths = {}
    key = (id(provider), name, tuple(sorted(path_params.items())))
    path = paths.get(key)
    if path is None:
        if len(paths) >= _URL_PATHS_LIMIT:
            paths.clear()
        path = paths[key] = provider.url_path_for(name, **path_params)
    return path.make_absolute_url(base_url=request.base_url)


env.globals["url_for"] = url_for


def _babel_locale() -> str:
    return "zh_Hans_CN" if get_locale() == "zh_CN" else "en"


def datetime_filter(value: datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value, fmt, tzinfo=clock.zone(), locale=_babel_locale())


def date_filter(value: date | None, fmt: str = "medium") -> str:
    return "" if value is None else format_date(value, fmt, locale=_babel_locale())


def number_filter(value: float | int | None) -> str:
    return "" if value is None else format_decimal(value, locale=_babel_locale())


def age_filter(born: date | None, today: date) -> str:
    if born is None:
        return ""
    return str(today.year - born.year - ((today.month, today.day) < (born.month, born.day)))


def form_value(value: object) -> str:
    """What an input shows: '' for missing or None, an enum's value, else the text."""
    if value is None or isinstance(value, Undefined):
        return ""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)


env.filters["datetime"] = datetime_filter
env.filters["form_value"] = form_value
env.filters["age"] = age_filter
env.filters["date"] = date_filter
env.filters["number"] = number_filter
env.filters["label"] = label
env.filters["vacancy_status"] = effective_status  # as of the given day
env.filters["reason"] = sentence  # a match criterion as a sentence


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a page; an htmx request for a page that has a partial gets only the partial."""
    ctx = dict(context or {})
    ctx.setdefault("page", getattr(request.state, "web", None))
    ctx["is_htmx"] = request.headers.get("HX-Request") == "true"
    # Only a full page that succeeded shows (and so uses up) the message: a partial or
    # a rejected form (rolled back) would lose it unseen.
    if not ctx["is_htmx"] and status_code < 400 and "flash" not in ctx:
        ctx["flash"] = take(ctx["page"])
    ctx["alert"] = None if ctx["is_htmx"] else alerts.take(request)
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if ctx["alert"]:
        alerts.clear(response)
    return response
