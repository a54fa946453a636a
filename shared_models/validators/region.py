"""Administrative division codes (行政区划代码, GB/T 2260): six digits whose first two
name a province-level division."""

import re

# Province-level divisions of GB/T 2260 (code prefix → name).
PROVINCES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省",
    "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}  # fmt: skip

_SIX_DIGITS = re.compile(r"\d{6}")


class RegionCodeError(ValueError):
    """Raised with a machine-readable `reason`: 'format' or 'province'."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def validate_region_code(value: str) -> str:
    """Return the code stripped of spaces, or raise RegionCodeError."""
    code = value.strip()
    if not _SIX_DIGITS.fullmatch(code):
        raise RegionCodeError("format", f"region code must be 6 digits, got {code!r}")
    if code[:2] not in PROVINCES:
        raise RegionCodeError("province", f"{code[:2]} is not a province-level code")
    return code


def province_name(code: str) -> str | None:
    return PROVINCES.get(code[:2])
