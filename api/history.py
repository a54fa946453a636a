"""History entered as it happened: an occurred date may be given for steps recorded
later (a county moving its 2021 ledgers in), never ahead of the bureau's today, and
never before the step it follows. The checks return field errors, so a service can
report every wrong date of a request at once (422) and write nothing."""

from datetime import date, datetime

from api import clock
from api.errors import FieldError, ValidationFailed
from api.i18n import _


def not_ahead(field: str, day: date, today: date | None = None) -> FieldError | None:
    """A day after the bureau's today has not happened yet."""
    today = today or clock.today()
    if day <= today:
        return None
    return FieldError(
        field,
        _("{date} is after today, {today}: record what has happened, not what will."),
        "in_future",
        {"date": day.isoformat(), "today": today.isoformat()},
    )


def not_before(field: str, day: date, earliest: date, message: str, code: str) -> FieldError | None:
    """`message` names the earlier step, with `{date}` its day."""
    if day >= earliest:
        return None
    return FieldError(field, message, code, {"date": earliest.isoformat()})


def raise_any(*errors: FieldError | None) -> None:
    found = [e for e in errors if e is not None]
    if found:
        raise ValidationFailed(errors=found)


def instant_or_now(moment: datetime | None) -> datetime:
    """A given instant (a naive one is the bureau's wall clock), or now."""
    if moment is None:
        return clock.now()
    if moment.tzinfo is None:
        return moment.replace(tzinfo=clock.zone())
    return moment
