"""Turning what a person types in the search box into a roster filter."""

import re
from dataclasses import replace
from datetime import date
from typing import TypedDict

from api.security.pii import PiiCipher
from api.supply.convert import id_hash, phone_hash
from api.supply.rosters import RosterFilter
from shared_models.validators.idnumber import normalize

_FULL_ID = re.compile(r"\d{17}[\dX]")
_ID_TAIL = re.compile(r"(\d{6}\*{8})?\d{3}[\dX]")
_MOBILE = re.compile(r"1[3-9]\d{9}")


def apply_query(f: RosterFilter, q: str | None, cipher: PiiCipher) -> RosterFilter:
    """A full ID or mobile number is looked up by its keyed hash; the last four characters
    (or a masked number) match the masked ID; anything else is the start of a name."""
    text = (q or "").strip()
    if not text:
        return f
    compact = normalize(text)
    if _FULL_ID.fullmatch(compact):
        return replace(f, id_hash=id_hash(cipher, compact))
    if _MOBILE.fullmatch(compact):
        return replace(f, phone_hash=phone_hash(cipher, compact))
    if _ID_TAIL.fullmatch(compact):
        return replace(f, id_number=compact)
    return replace(f, name=text[:20])


class BirthBounds(TypedDict, total=False):
    """RosterFilter's birth-date fields, each only when its age is given."""

    born_before: date
    born_after: date


def birth_bounds(age_min: int | None, age_max: int | None, today: date) -> BirthBounds:
    """Ages in whole years → the birth-date range they mean."""
    bounds: BirthBounds = {}
    if age_min is not None:
        bounds["born_before"] = _years_before(today, age_min)
    if age_max is not None:
        day_after = _years_before(today, age_max + 1)
        bounds["born_after"] = date.fromordinal(day_after.toordinal() + 1)
    return bounds


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
