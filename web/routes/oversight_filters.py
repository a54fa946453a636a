"""What both oversight dashboards are filtered by (a county's, and a supervising
organization's with its figures export): the trend's period kinds, the indicator shown
first, and the filter form's values and choices (templates/oversight/_filters.html)."""

from collections.abc import Callable

from api.i18n import get_locale, gettext
from api.labels import options
from api.oversight import service
from api.oversight.periods import PeriodKind

TREND_KINDS = (PeriodKind.WEEK, PeriodKind.XUN, PeriodKind.MONTH)
DEFAULT_INDICATOR = "transfers"


def trend_kind(period: PeriodKind) -> PeriodKind:
    """The trend's period kind: the one asked for if offered, else the month."""
    return period if period in TREND_KINDS else PeriodKind.MONTH


def indicator_code(indicator: str) -> str:
    """The indicator asked for if known, else the one shown first."""
    return indicator if service.known(indicator) else DEFAULT_INDICATOR


def indicator_name() -> Callable[[service.Indicator], str]:
    """An indicator's name in the page's language."""
    english = get_locale() == "en"

    def name(found: service.Indicator) -> str:
        return gettext(found.name_en) if english else found.name_zh

    return name


def form(
    year: int,
    years: list[int],
    chosen: service.Indicator,
    period: PeriodKind,
    name: Callable[[service.Indicator], str],
) -> dict[str, object]:
    """The filter form's values and choices, for the page's context."""
    return {
        "year": year,
        "years": [(str(y), str(y)) for y in years],
        "chosen": chosen,
        "indicators": [(i.code, name(i)) for i in service.indicators()],
        "period": period,
        "periods": [(v, text) for v, text in options(PeriodKind) if v in TREND_KINDS],
    }
