"""Pydantic types shared by several domains' schemas."""

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from api import text


class Schema(BaseModel):
    """Response models read attributes off ORM objects."""

    model_config = ConfigDict(from_attributes=True)


class Input(BaseModel):
    """Request bodies: unknown fields are an error, strings are trimmed, and text with
    control characters is refused naming the field (api/text.py)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: object, info: ValidationInfo) -> object:
        return text.check_field(info.field_name or "", value)


class VersionIn(Input):
    """A step on a versioned record: the version the caller last read."""

    version: int
