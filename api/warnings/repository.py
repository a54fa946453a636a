"""All SQL of early-warning flags and thresholds (the rules' queries are in rules.py)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, func, select
from sqlalchemy.orm import Session

from api.access import AccessContext, DataKind
from api.sort_keys import WarningSort
from shared_models import Laborer, Membership, User, WarningFlag, WarningSettings
from shared_models.enums import WarningRule, WarningSeverity, WarningStatus


def visible(access: AccessContext) -> ColumnElement[bool]:
    return WarningFlag.tenant_id.in_(access.read_ids(DataKind.WARNING))


def get(session: Session, access: AccessContext, warning_id: uuid.UUID) -> WarningFlag | None:
    return session.scalars(
        select(WarningFlag).where(WarningFlag.id == warning_id, visible(access))
    ).first()


@dataclass(frozen=True)
class WarningFilter:
    status: WarningStatus | None = None
    open_only: bool = False  # open or acknowledged
    rule: WarningRule | None = None
    severity: WarningSeverity | None = None
    laborer_id: uuid.UUID | None = None
    assignee_id: uuid.UUID | None = None


def listing(
    session: Session,
    access: AccessContext,
    f: WarningFilter,
    *,
    offset: int = 0,
    limit: int = 50,
    sort: WarningSort | None = None,
    descending: bool = False,
) -> tuple[Sequence[tuple[WarningFlag, str]], int]:
    """Flags with the laborer's name, most severe first, then the oldest cause (or by
    `sort`, that order breaking ties)."""
    conditions = [visible(access)]
    if f.status is not None:
        conditions.append(WarningFlag.status == f.status)
    if f.open_only:
        conditions.append(WarningFlag.status != WarningStatus.CLOSED)
    if f.rule is not None:
        conditions.append(WarningFlag.rule == f.rule)
    if f.severity is not None:
        conditions.append(WarningFlag.severity == f.severity)
    if f.laborer_id is not None:
        conditions.append(WarningFlag.laborer_id == f.laborer_id)
    if f.assignee_id is not None:
        conditions.append(WarningFlag.assignee_id == f.assignee_id)
    rows = session.execute(
        select(WarningFlag, Laborer.name)
        .join(Laborer, Laborer.id == WarningFlag.laborer_id)
        .where(*conditions)
        .order_by(
            *_order(sort, descending),
            WarningFlag.severity_rank,
            WarningFlag.since,
            WarningFlag.id,
        )
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.scalar(select(func.count()).select_from(WarningFlag).where(*conditions)) or 0
    return [(flag, name) for flag, name in rows], total


def _order(sort: WarningSort | None, descending: bool) -> list[SQLColumnExpression[Any]]:
    if sort is WarningSort.AGE:  # the older the cause, the greater the age
        return [WarningFlag.since.asc() if descending else WarningFlag.since.desc()]
    column = {WarningSort.SEVERITY: WarningFlag.severity_rank, WarningSort.NAME: Laborer.name}
    if sort is None:
        return []
    return [column[sort].desc() if descending else column[sort].asc()]


def laborer_name(session: Session, access: AccessContext, flag: WarningFlag) -> str | None:
    """The name of a flag's laborer, through the flag the caller loaded under `access`."""
    return session.scalar(select(Laborer.name).where(Laborer.id == flag.laborer_id))


def member(session: Session, access: AccessContext, user_id: uuid.UUID) -> User | None:
    """An active user of the caller's tenant."""
    return session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.tenant_id == access.tenant_id,
            Membership.user_id == user_id,
            Membership.is_active.is_(True),
        )
    ).first()


def settings_row(
    session: Session, access: AccessContext, tenant_id: uuid.UUID
) -> WarningSettings | None:
    if not access.can_read(DataKind.WARNING, tenant_id):
        return None
    return session.get(WarningSettings, tenant_id)


def lock_county(session: Session, access: AccessContext, county_id: uuid.UUID) -> None:
    """Serialise the judging of one county's flags until this transaction ends. Two
    evaluations at once (the nightly command and an event's after-commit job) each saw
    no open flag and both raised it: the second failed on `uq_warning_flags_open`.
    An advisory lock, not FOR UPDATE: there may be no flag row yet to lock. SQLite
    locks the whole file on write."""
    if not access.can_read(DataKind.WARNING, county_id):
        raise PermissionError("warnings of a county outside the caller's view")
    if session.get_bind().dialect.name == "postgresql":
        key = func.hashtextextended("warning_flags:" + str(county_id), 0)
        session.execute(select(func.pg_advisory_xact_lock(key)))
