"""Resident identity card numbers (居民身份证号码, GB 11643-1999).

18 characters: region code (6), birth date YYYYMMDD (8), sequence (3, odd for men),
check character (ISO 7064 MOD 11-2, computed by python-stdnum). Birth date and sex are
derived from the number, never typed twice.
"""

import re
from dataclasses import dataclass
from datetime import date

from stdnum.cn import ric

from shared_models.enums import Sex
from shared_models.validators.region import province_name, region_name

_SHAPE = re.compile(r"\d{17}[\dX]")
EARLIEST_BIRTH = date(1900, 1, 1)


class IdNumberError(ValueError):
    """`reason`: 'format', 'checksum', 'date' or 'region'."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: date
    sex: Sex

    @property
    def region_code(self) -> str:
        return self.value[:6]


def normalize(raw: str) -> str:
    """Upper-case, without spaces (ledgers often hold '11010519491231002x ')."""
    return "".join(raw.split()).upper()


def parse(raw: str, *, today: date | None = None) -> IdNumber:
    value = normalize(raw)
    if not _SHAPE.fullmatch(value):
        raise IdNumberError("format", "an ID number has 17 digits and a digit or X")
    if ric.calc_check_digit(value) != value[-1]:
        raise IdNumberError("checksum", "the check character does not match")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdNumberError("date", "the birth date in the number does not exist") from None
    if not EARLIEST_BIRTH <= born <= (today or date.today()):  # noqa: DTZ011 - api callers pass the bureau's day
        raise IdNumberError("date", "the birth date in the number is impossible")
    if province_name(value[:6]) is None or region_name(value[:6]) is None:
        raise IdNumberError("region", "the first six digits are not a known region code")
    return IdNumber(value, born, Sex.MALE if int(value[16]) % 2 else Sex.FEMALE)


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except IdNumberError:
        return False
    return True


def with_check_character(first_17: str) -> str:
    """Complete 17 digits with their check character (demo data, tests)."""
    return first_17 + ric.calc_check_digit(first_17 + "0")
