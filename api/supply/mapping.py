"""Request bodies (API and forms alike) to records and changes."""

from typing import Any

from api.errors import BadRequest
from api.i18n import _
from api.supply.fields import NOT_EMPTIABLE
from api.supply.records import LaborerRecord, Occupation, normalize_phone
from api.supply.schemas import LaborerCreate, LaborerUpdate, OccupationIO

# An update may not empty a required field or one with a default.
REQUIRED_ON_UPDATE = NOT_EMPTIABLE


def _occupations(items: list[OccupationIO] | None) -> tuple[Occupation, ...]:
    return tuple(Occupation(i.name.strip(), (i.code or "").strip() or None) for i in items or [])


def _strings(items: list[str] | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s.strip() for s in items or [] if s.strip()))


def record_from_create(body: LaborerCreate, default_region: str) -> LaborerRecord:
    data = body.model_dump()
    data.update(
        phone=normalize_phone(body.phone),
        region_code=body.region_code or default_region,
        skills=_occupations(body.skills),
        training_needs=_occupations(body.training_needs),
        preferred_cities=_strings(body.preferred_cities),
        preferred_industries=_strings(body.preferred_industries),
        certificates=_strings(body.certificates),
    )
    return LaborerRecord(**data)


def changes_from_update(body: LaborerUpdate) -> dict[str, Any]:
    data = body.model_dump(exclude_unset=True, exclude={"version"})
    for name in ("skills", "training_needs"):
        if name in data:
            data[name] = _occupations(getattr(body, name))
    for name in ("preferred_cities", "preferred_industries", "certificates"):
        if name in data:
            data[name] = _strings(getattr(body, name))
    if "phone" in data:
        data["phone"] = normalize_phone(body.phone)
    for name in REQUIRED_ON_UPDATE:
        if name in data and data[name] is None:
            raise BadRequest(_("{field} cannot be emptied."), params={"field": name})
    return data
