"""Administrative division codes (行政区划代码, GB/T 2260).

Six digits: province (2), prefecture (2), county (2). Known codes, past and present,
come from python-stdnum's copy of the national table: an ID number keeps the code of
the place that issued it even after the county was renamed (开县 500234 → 开州区 500154).
"""

import re
from functools import cache

from stdnum import numdb

_SIX_DIGITS = re.compile(r"\d{6}")


class RegionCodeError(ValueError):
    """Raised with a machine-readable `reason`: 'format', 'province' or 'unknown'."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@cache
def _lookup(code: str) -> dict[str, str]:
    info: dict[str, str] = {}
    for _part, props in numdb.get("cn/loc").info(code):
        info.update(props)
    return info


def province_name(code: str) -> str | None:
    return _lookup(code[:2] + "0000").get("province") if _SIX_DIGITS.fullmatch(code) else None


def region_name(code: str) -> str | None:
    """The current (or last) name of a division: '[2016-]开州区' → '开州区'."""
    county = _lookup(code).get("county") if _SIX_DIGITS.fullmatch(code) else None
    if not county:
        return None
    return county.split(",")[-1].split("]")[-1]


MUNICIPALITIES = frozenset({"11", "12", "31", "50"})  # 北京, 天津, 上海, 重庆


def city_name(code: str) -> str | None:
    """The city a division belongs to, as people name it in job ads: '370602' → '烟台'.
    In the four municipalities that is the district or county itself ('500154' → '开州')."""
    if not _SIX_DIGITS.fullmatch(code):
        return None
    name = region_name(code) if code[:2] in MUNICIPALITIES else region_name(code[:4] + "00")
    return short_place(name) if name else None


def short_place(name: str) -> str:
    """'烟台市' → '烟台', '开州区' → '开州': how intentions and job ads name a place."""
    name = name.strip()
    for suffix in ("市", "区", "县"):
        if len(name) > 2 and name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def validate_region_code(value: str, *, known: bool = False) -> str:
    """The code stripped of spaces, or RegionCodeError.

    Always: six digits with a real province prefix. With `known`, the whole code must be
    in the national table (any year)."""
    code = value.strip()
    if not _SIX_DIGITS.fullmatch(code):
        raise RegionCodeError("format", f"region code must be 6 digits, got {code!r}")
    if province_name(code) is None:
        raise RegionCodeError("province", f"{code[:2]} is not a province-level code")
    if known and region_name(code) is None:
        raise RegionCodeError("unknown", f"{code} is not a known region code")
    return code
