"""Rosters (花名册): live views of the registry, and the filters every list takes."""

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true

from api.i18n import _
from shared_models import Laborer, LaborerTag
from shared_models.enums import (
    Education,
    EmploymentStatus,
    PovertyStatus,
    Sex,
    TagKind,
    TransferScope,
)


class Roster(StrEnum):
    ALL = "all"  # 全部劳动力
    EMPLOYED = "employed"  # 已就业
    UNEMPLOYED = "unemployed"  # 未就业
    INTENTION = "intention"  # 有就业创业意愿
    TRAINING_NEED = "training_need"  # 有培训需求
    TWO_AFTER = "two_after"  # 两后生


ROSTER_TITLES = {
    Roster.ALL: _("All laborers"),
    Roster.EMPLOYED: _("Employed"),
    Roster.UNEMPLOYED: _("Unemployed"),
    Roster.INTENTION: _("With employment or business intention"),
    Roster.TRAINING_NEED: _("With training need"),
    Roster.TWO_AFTER: _("Two-after youth (两后生)"),
}
# The Chinese names a roster keeps in exported file names and sheet titles.
ROSTER_FILE_NAMES = {
    Roster.ALL: "劳动力花名册",
    Roster.EMPLOYED: "已就业人员花名册",
    Roster.UNEMPLOYED: "未就业人员花名册",
    Roster.INTENTION: "就业创业意愿人员花名册",
    Roster.TRAINING_NEED: "培训需求人员花名册",
    Roster.TWO_AFTER: "两后生花名册",
}


def _has_tag(
    kind: TagKind, tenant_ids: Collection[uuid.UUID], value: str | None = None
) -> ColumnElement[bool]:
    """The tenants in the EXISTS as well as on the laborer: without them the planner
    cannot search the tag index led by `tenant_id` and scans every tag of every county
    (265–300 ms for a count at a million laborers)."""
    condition = and_(
        LaborerTag.tenant_id.in_(tenant_ids),
        LaborerTag.tenant_id == Laborer.tenant_id,
        LaborerTag.laborer_id == Laborer.id,
        LaborerTag.kind == kind,
    )
    if value is not None:
        condition = and_(condition, LaborerTag.value == value)
    return exists(select(LaborerTag.id).where(condition))


def roster_condition(roster: Roster, tenant_ids: Collection[uuid.UUID]) -> ColumnElement[bool]:
    match roster:
        case Roster.ALL:
            return true()
        case Roster.EMPLOYED:
            return Laborer.employment_status.in_(
                [EmploymentStatus.EMPLOYED, EmploymentStatus.SELF_EMPLOYED]
            )
        case Roster.UNEMPLOYED:
            return Laborer.employment_status == EmploymentStatus.UNEMPLOYED
        case Roster.INTENTION:
            return or_(
                Laborer.transfer_willing.is_(True), Laborer.entrepreneurship_intention.is_(True)
            )
        case Roster.TRAINING_NEED:
            return _has_tag(TagKind.TRAINING, tenant_ids)
        case Roster.TWO_AFTER:
            return Laborer.two_after.is_(True)
    raise ValueError(roster)


class SortKey(StrEnum):
    NAME = "name"
    VILLAGE = "village"
    AGE = "age"
    UPDATED = "updated"


@dataclass(frozen=True)
class RosterFilter:
    """What a roster page or export asks for."""

    roster: Roster = Roster.ALL
    name: str | None = None  # prefix
    id_number: str | None = None  # full number (exact) or its last characters
    phone_hash: str | None = None
    id_hash: str | None = None
    township: str | None = None
    village: str | None = None
    poverty_status: PovertyStatus | None = None
    employment_status: EmploymentStatus | None = None
    education: Education | None = None
    sex: Sex | None = None
    skill: str | None = None
    city: str | None = None
    transfer_scope: TransferScope | None = None
    born_after: date | None = None  # age at most
    born_before: date | None = None  # age at least
    sort: SortKey | None = None  # None: by name when searching a name, else by place
    descending: bool = False


def _name_starts_with(prefix: str) -> ColumnElement[bool]:
    """As a code-point range, not LIKE: under row-level security PostgreSQL may use only
    leakproof operators to search an index, and LIKE is not one (>= and < are). Names
    sort in code-point order on both databases, so the range is exactly the prefix."""
    if not prefix:
        return false()
    if ord(prefix[-1]) >= 0x10FFFF:
        return Laborer.name.like(prefix + "%")
    return and_(Laborer.name >= prefix, Laborer.name < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def filter_conditions(
    f: RosterFilter, tenant_ids: Collection[uuid.UUID]
) -> list[ColumnElement[bool]]:
    """`tenant_ids`: the registers the caller reads (the tag conditions name them)."""
    out = [roster_condition(f.roster, tenant_ids)]
    if f.name:
        out.append(_name_starts_with("".join(ch for ch in f.name if ch not in "%_\\")))
    if f.id_hash:
        out.append(Laborer.id_number_hash == f.id_hash)
    elif f.id_number:
        out.append(Laborer.id_number_tail == f.id_number[-4:].upper())
    if f.phone_hash:
        out.append(Laborer.phone_hash == f.phone_hash)
    for column, value in (
        (Laborer.township, f.township),
        (Laborer.village, f.village),
        (Laborer.poverty_status, f.poverty_status),
        (Laborer.employment_status, f.employment_status),
        (Laborer.education, f.education),
        (Laborer.sex, f.sex),
        (Laborer.transfer_scope, f.transfer_scope),
    ):
        if value is not None:
            out.append(column == value)
    if f.skill:
        out.append(_has_tag(TagKind.SKILL, tenant_ids, f.skill))
    if f.city:
        out.append(_has_tag(TagKind.CITY, tenant_ids, f.city))
    if f.born_after:
        out.append(Laborer.birth_date >= f.born_after)
    if f.born_before:
        out.append(Laborer.birth_date <= f.born_before)
    return out


def order_by(f: RosterFilter) -> list[Any]:
    sort = f.sort or (SortKey.NAME if f.name else SortKey.VILLAGE)
    by_key: dict[SortKey, list[Any]] = {
        SortKey.NAME: [Laborer.name],
        SortKey.VILLAGE: [Laborer.township, Laborer.village, Laborer.name],
        # Older first when ascending by age: earlier birth dates.
        SortKey.AGE: [Laborer.birth_date],
        SortKey.UPDATED: [Laborer.updated_at],
    }
    primary = by_key[sort]
    columns = [c.desc() if f.descending else c for c in primary]
    return [*columns, Laborer.id]
