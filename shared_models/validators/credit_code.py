"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

18 characters: registration authority (1), organisation type (1), the registering
region's code (6), the organisation code (9) and a check character (MOD 31, computed by
python-stdnum)."""

from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from shared_models.validators.region import province_name


class CreditCodeError(ValueError):
    """`reason`: 'format', 'checksum' or 'region'."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def validate_credit_code(raw: str) -> str:
    code = "".join(raw.split()).upper()
    if len(code) != 18:
        raise CreditCodeError("format", "a credit code has 18 characters")
    try:
        uscc.validate(code)
    except ValidationError as exc:
        reason = "checksum" if type(exc).__name__ == "InvalidChecksum" else "format"
        raise CreditCodeError(reason, str(exc)) from None
    if province_name(code[2:8]) is None:
        raise CreditCodeError("region", "characters 3 to 8 are not a region code")
    return code


def with_check_character(first_17: str) -> str:
    """Complete 17 characters with their check character (demo data, tests)."""
    return first_17 + uscc.calc_check_digit(first_17)
