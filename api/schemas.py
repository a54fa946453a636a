"""Pydantic types shared by several domains' schemas."""

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    """Response models read attributes off ORM objects."""

    model_config = ConfigDict(from_attributes=True)


class Input(BaseModel):
    """Request bodies: unknown fields are an error, strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class VersionIn(Input):
    """A step on a versioned record: the version the caller last read."""

    version: int
