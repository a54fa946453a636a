"""Value validators for identifiers the bureaus type every day."""

from shared_models.validators.region import (
    RegionCodeError,
    city_name,
    province_name,
    region_name,
    validate_region_code,
)

__all__ = ["RegionCodeError", "city_name", "province_name", "region_name", "validate_region_code"]
