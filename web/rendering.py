"""The Jinja2 environment: translations, formatting filters, static URLs."""

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from api.i18n import SUPPORTED_LOCALES, get_locale, gettext, ngettext
from web.labels import label

WEB_DIR = Path(__file__).resolve().parent
DISPLAY_ZONE = ZoneInfo("Asia/Shanghai")  # what the bureaus' clocks say

templates = Jinja2Templates(directory=WEB_DIR / "templates")
env = templates.env
env.add_extension("jinja2.ext.i18n")
env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=False)  # type: ignore[attr-defined]
env.globals["_"] = gettext
env.globals["get_locale"] = get_locale
env.globals["SUPPORTED_LOCALES"] = SUPPORTED_LOCALES
env.trim_blocks = True
env.lstrip_blocks = True


def _babel_locale() -> str:
    return "zh_Hans_CN" if get_locale() == "zh_CN" else "en"


def datetime_filter(value: datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value, fmt, tzinfo=DISPLAY_ZONE, locale=_babel_locale())


def date_filter(value: date | None, fmt: str = "medium") -> str:
    return "" if value is None else format_date(value, fmt, locale=_babel_locale())


def number_filter(value: float | int | None) -> str:
    return "" if value is None else format_decimal(value, locale=_babel_locale())


env.filters["datetime"] = datetime_filter
env.filters["date"] = date_filter
env.filters["number"] = number_filter
env.filters["label"] = label


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a page; an htmx request for a page that has a partial gets only the partial."""
    ctx = dict(context or {})
    ctx.setdefault("page", getattr(request.state, "web", None))
    ctx["is_htmx"] = request.headers.get("HX-Request") == "true"
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)
