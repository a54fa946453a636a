"""Drill-down: a figure split by a dimension, and the records behind any of its numbers
(issue 13). Dimensions go down the region hierarchy (county → township → village; the
receiving city → district) and across organizations and pairings."""

import uuid
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.errors import FieldError, ValidationFailed
from api.i18n import _
from api.oversight import records_repository
from api.oversight.records_repository import DIMENSIONS, ID_DIMENSIONS, NotListable, Row
from api.oversight.service import check_dates, indicator
from api.paging import Paging
from shared_models.validators.region import region_name


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Records:
    total: int
    rows: list[Row]


def _counted_code(code: str) -> str:
    """A rate drills down through its numerator (the people or records it counts)."""
    found = indicator(code)
    return found.numerator or code


def _refuse(field: str, message: str, error: str, **params: object) -> ValidationFailed:
    return ValidationFailed(errors=[FieldError(field, message, error, params)])


def _check(start: date, end: date, within: dict[str, str]) -> None:
    check_dates(start, end)
    for key, value in within.items():
        if key not in DIMENSIONS:
            raise _refuse(key, _("No dimension {dimension}."), "unknown_dimension", dimension=key)
        if key in ID_DIMENSIONS:
            try:
                uuid.UUID(value)
            except ValueError:
                raise _refuse(key, _("{value} is not an id."), "invalid_id", value=value) from None


def listable(code: str) -> bool:
    """Whether the records behind the indicator can be listed (every built-in one can)."""
    return records_repository.listable(_counted_code(code))


def records_link(code: str, start: date, end: date, **within: str) -> str | None:
    """The records page behind a number, or None when it cannot be listed."""
    if not listable(code):
        return None
    query = {"indicator": code, "from": start.isoformat(), "to": end.isoformat(), **within}
    return "/oversight/records?" + urlencode(query)


def dimensions(access: AccessContext, code: str, today: date) -> list[str]:
    return records_repository.dimensions_of(access, _counted_code(code), today)


def split(
    session: Session,
    access: AccessContext,
    code: str,
    start: date,
    end: date,
    dimension: str,
    *,
    today: date,
    within: dict[str, str] | None = None,
) -> list[Part]:
    """The indicator's count (a rate's numerator) per township, village, district,
    organization or pairing, largest first."""
    within = within or {}
    _check(start, end, within)
    counted = _counted_code(code)
    if dimension not in DIMENSIONS:
        raise _refuse(
            "by", _("No dimension {dimension}."), "unknown_dimension", dimension=dimension
        )
    try:
        shares = records_repository.spread(
            session, access, counted, start, end, dimension, today=today, within=within
        )
    except NotListable:
        raise _refuse(
            "by",
            _("{code} cannot be split by {dimension}."),
            "not_split",
            code=code,
            dimension=dimension,
        ) from None
    names = _names(session, access, dimension, [s.key for s in shares])
    return [Part(s.key, names.get(s.key, s.key), s.count) for s in shares]


def _names(
    session: Session, access: AccessContext, dimension: str, keys: list[str]
) -> dict[str, str]:
    """What a dimension's keys are called: a district's or an organization's name."""
    if dimension == "organization":
        return records_repository.organization_names(session, access, keys)
    if dimension == "pairing":
        return records_repository.pairing_names(session, access, keys)
    if dimension == "district":
        return {k: region_name(k) or k for k in keys}
    return {}


def described(
    session: Session, access: AccessContext, within: dict[str, str]
) -> list[tuple[str, str]]:
    """(dimension, what its value is called) of the limits a drill-down is under."""
    return [
        (dimension, _names(session, access, dimension, [key]).get(key, key))
        for dimension, key in within.items()
    ]


def records(
    session: Session,
    access: AccessContext,
    code: str,
    start: date,
    end: date,
    *,
    today: date,
    paging: Paging,
    within: dict[str, str] | None = None,
) -> Records:
    """One page of the people or records behind the indicator's number (a rate's
    numerator), within the places or organizations given."""
    within = within or {}
    _check(start, end, within)
    try:
        total, rows = records_repository.records(
            session,
            access,
            _counted_code(code),
            start,
            end,
            today=today,
            within=within,
            offset=paging.offset,
            limit=paging.limit,
        )
    except NotListable:
        raise _refuse(
            "indicator",
            _("The records behind {code} cannot be listed as asked."),
            "not_listable",
            code=code,
        ) from None
    return Records(total, rows)


def link(row: Row) -> str | None:
    """The page a record opens on."""
    pages = {
        "laborers": f"/laborers/{row.laborer_id}",
        "placements": f"/laborers/{row.laborer_id}/stay",
        "enrollments": f"/trainings/{row.parent_id}",
        "vacancies": f"/vacancies/{row.id}",
        "fairs": f"/fairs/{row.id}",
        "registrations": f"/fairs/{row.parent_id}",
        "intentions": f"/fairs/{row.parent_id}",
        "referrals": f"/laborers/{row.laborer_id}/referrals",
        "claims": f"/laborers/{row.laborer_id}/stay",
        "cases": f"/cases/{row.id}",
        "warnings": f"/laborers/{row.laborer_id}",
    }
    return pages.get(row.kind)
