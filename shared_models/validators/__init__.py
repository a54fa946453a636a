"""Value validators for identifiers the bureaus type every day."""

from shared_models.validators.region import PROVINCES, RegionCodeError, validate_region_code

__all__ = ["PROVINCES", "RegionCodeError", "validate_region_code"]
