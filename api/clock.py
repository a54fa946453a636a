"""The business clock: "today" is the bureau's calendar day, not the server's or UTC's.

Instants are stored in UTC; days are read in the bureau's time zone (setting
`LB_TIME_ZONE`, default Asia/Shanghai), so 23:30 UTC is already tomorrow in Beijing.
Every "today" in api/ and web/ comes from here (ruff's DTZ rules refuse the others).
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TIME_ZONE = "Asia/Shanghai"

_zone = ZoneInfo(DEFAULT_TIME_ZONE)


def configure(time_zone: str) -> None:
    """Set the bureau's time zone (create_app and the CLI call this from settings)."""
    global _zone  # one process, one business clock
    _zone = ZoneInfo(time_zone)


def zone() -> ZoneInfo:
    return _zone


def now() -> datetime:
    """The current instant, aware, in UTC (what is stored)."""
    return datetime.now(UTC)


def today() -> date:
    """The bureau's calendar day now."""
    return datetime.now(_zone).date()


def local(instant: datetime) -> datetime:
    """An instant as the bureau's wall-clock time (for display)."""
    return instant.astimezone(_zone)


def day_of(instant: datetime) -> date:
    """The bureau's calendar day an instant fell on."""
    return instant.astimezone(_zone).date()


def start_of_day(day: date) -> datetime:
    """The UTC instant the bureau's day begins."""
    return datetime(day.year, day.month, day.day, tzinfo=_zone).astimezone(UTC)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of the bureau's day as UTC instants."""
    return start_of_day(day), start_of_day(day + timedelta(days=1))
