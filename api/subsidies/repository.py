"""All SQL of subsidy policies and entitlements."""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Row, SQLColumnExpression, delete, func, select, tuple_
from sqlalchemy.orm import Session

from api import bulk
from api.access import AccessContext, DataKind
from api.sort_keys import PolicySort
from shared_models import (
    Entitlement,
    HolidayLeave,
    Laborer,
    PayeeAccount,
    Placement,
    StayVerification,
    SubsidyPolicy,
)
from shared_models.enums import PlacementChannel, PovertyStatus


def policies_of(
    session: Session, access: AccessContext, tenant_id: uuid.UUID
) -> list[SubsidyPolicy]:
    """Every version of every policy a tenant pays; none unless the caller reads its
    subsidies."""
    if not access.can_read(DataKind.SUBSIDY, tenant_id):
        return []
    return list(
        session.scalars(
            select(SubsidyPolicy)
            .where(SubsidyPolicy.tenant_id == tenant_id)
            .order_by(SubsidyPolicy.family_id, SubsidyPolicy.version)
        )
    )


def policies(
    session: Session, access: AccessContext, *, current_only: bool = True
) -> Sequence[SubsidyPolicy]:
    conditions = [SubsidyPolicy.tenant_id.in_(access.read_ids(DataKind.SUBSIDY))]
    if current_only:
        conditions.append(SubsidyPolicy.superseded.is_(False))
    return session.scalars(
        select(SubsidyPolicy)
        .where(*conditions)
        .order_by(SubsidyPolicy.year.desc(), SubsidyPolicy.name, SubsidyPolicy.version)
    ).all()


def policies_page(
    session: Session,
    access: AccessContext,
    *,
    offset: int = 0,
    limit: int = 50,
    sort: PolicySort | None = None,
    descending: bool = False,
) -> tuple[Sequence[SubsidyPolicy], int]:
    """A page of every version of the policies, the latest year first (or by `sort`,
    that order breaking ties), each family's versions in order; and the true count."""
    condition = SubsidyPolicy.tenant_id.in_(access.read_ids(DataKind.SUBSIDY))
    column = {
        None: None,
        PolicySort.YEAR: SubsidyPolicy.year,
        PolicySort.NAME: SubsidyPolicy.name,
        PolicySort.KIND: SubsidyPolicy.kind,
        PolicySort.AMOUNT: SubsidyPolicy.amount,
    }[sort]
    chosen = [] if column is None else [column.desc() if descending else column.asc()]
    rows = session.scalars(
        select(SubsidyPolicy)
        .where(condition)
        .order_by(
            *chosen,
            SubsidyPolicy.year.desc(),
            SubsidyPolicy.name,
            SubsidyPolicy.version,
            SubsidyPolicy.id,
        )
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.scalar(select(func.count()).select_from(SubsidyPolicy).where(condition)) or 0
    return rows, total


def policy(session: Session, access: AccessContext, policy_id: uuid.UUID) -> SubsidyPolicy | None:
    return session.scalars(
        select(SubsidyPolicy).where(
            SubsidyPolicy.id == policy_id,
            SubsidyPolicy.tenant_id.in_(access.read_ids(DataKind.SUBSIDY)),
        )
    ).first()


def versions(session: Session, access: AccessContext, family_id: uuid.UUID) -> list[SubsidyPolicy]:
    """Every version of a policy family; none unless the caller reads its payer's subsidies."""
    return list(
        session.scalars(
            select(SubsidyPolicy)
            .where(
                SubsidyPolicy.family_id == family_id,
                SubsidyPolicy.tenant_id.in_(access.read_ids(DataKind.SUBSIDY)),
            )
            .order_by(SubsidyPolicy.version)
        )
    )


def add(session: Session, access: AccessContext, *objects: object) -> None:
    access.check_rows(*objects)
    session.add_all(objects)
    session.flush()


# --- a laborer's records -----------------------------------------------------------------------


def _laborers(
    column: SQLColumnExpression[uuid.UUID],
    ids: Sequence[uuid.UUID] | tuple[uuid.UUID, uuid.UUID],
) -> ColumnElement[bool]:
    """A few laborers by id, or (a page of the nightly run) every id in a closed range:
    a range is one index scan and a short statement, where 2,000 ids are neither.

    The callers loaded these laborers under the access context (a page of the nightly run
    under the bureau's operator context), so the reads of their records below take the
    context and filter nothing more: every spell, leave and verification counts toward a
    stay, whoever recorded it."""
    if isinstance(ids, tuple):
        return column.between(ids[0], ids[1])
    return column.in_(ids)


def placements_of(
    session: Session,
    access: AccessContext,
    laborer_ids: Sequence[uuid.UUID] | tuple[uuid.UUID, uuid.UUID],
) -> Sequence[Row[uuid.UUID, uuid.UUID, date, date | None, str, PlacementChannel]]:
    return session.execute(
        select(
            Placement.id,
            Placement.laborer_id,
            Placement.started_on,
            Placement.ended_on,
            Placement.region_code,
            Placement.channel,
        )
        .where(_laborers(Placement.laborer_id, laborer_ids))
        .order_by(Placement.laborer_id, Placement.started_on)
    ).all()


def leaves_of(
    session: Session,
    access: AccessContext,
    laborer_ids: Sequence[uuid.UUID] | tuple[uuid.UUID, uuid.UUID],
) -> Sequence[Row[uuid.UUID, uuid.UUID, date, date | None]]:
    return session.execute(
        select(
            HolidayLeave.laborer_id,
            HolidayLeave.placement_id,
            HolidayLeave.left_on,
            HolidayLeave.returned_on,
        ).where(_laborers(HolidayLeave.laborer_id, laborer_ids))
    ).all()


def verified_months(
    session: Session,
    access: AccessContext,
    laborer_ids: Sequence[uuid.UUID] | tuple[uuid.UUID, uuid.UUID],
) -> Sequence[Row[uuid.UUID, date]]:
    return session.execute(
        select(StayVerification.laborer_id, StayVerification.month).where(
            _laborers(StayVerification.laborer_id, laborer_ids),
            StayVerification.in_post.is_(True),
        )
    ).all()


def placed_laborers_after(
    session: Session,
    access: AccessContext,
    tenant_id: uuid.UUID,
    after: uuid.UUID | None,
    limit: int,
    upto: uuid.UUID | None = None,
) -> Sequence[Row[uuid.UUID, PovertyStatus, str]]:
    """The next `limit` of the county's laborers ever placed, by id (keyset pages: each
    page is its own short transaction), with what eligibility reads; none unless the
    caller reads the county's subsidies."""
    if not access.can_read(DataKind.SUBSIDY, tenant_id):
        return []
    placed = select(Placement.laborer_id).where(Placement.tenant_id == tenant_id)
    conditions = [Laborer.tenant_id == tenant_id, Laborer.id.in_(placed)]
    if after is not None:
        conditions.append(Laborer.id > after)
    if upto is not None:
        conditions.append(Laborer.id < upto)
    return session.execute(
        select(Laborer.id, Laborer.poverty_status, Laborer.region_code)
        .where(*conditions)
        .order_by(Laborer.id)
        .limit(limit)
    ).all()


def count_placed(session: Session, access: AccessContext, tenant_id: uuid.UUID) -> int:
    if not access.can_read(DataKind.SUBSIDY, tenant_id):
        return 0
    return (
        session.scalar(
            select(func.count(func.distinct(Placement.laborer_id))).where(
                Placement.tenant_id == tenant_id
            )
        )
        or 0
    )


# --- entitlements ------------------------------------------------------------------------------


ENTITLEMENT_FIELDS = (
    "tenant_id",
    "policy_id",
    "placement_id",
    "eligible",
    "reasons",
    "stay_started_on",
    "ongoing",
    "months",
    "earned",
    "earned_units",
    "total",
    "next_due_on",
    "next_due_amount",
    "schedule",
    "as_of",
    "fingerprint",
)


def stored_fingerprints(
    session: Session,
    access: AccessContext,
    laborer_ids: Sequence[uuid.UUID] | tuple[uuid.UUID, uuid.UUID],
) -> dict[tuple[uuid.UUID, uuid.UUID], str]:
    """What the stored rows of payers whose subsidies the caller reads hold, as
    fingerprints: enough to skip rows already right."""
    rows = session.execute(
        select(Entitlement.family_id, Entitlement.laborer_id, Entitlement.fingerprint).where(
            _laborers(Entitlement.laborer_id, laborer_ids),
            Entitlement.tenant_id.in_(access.read_ids(DataKind.SUBSIDY)),
        )
    ).all()
    return {(r[0], r[1]): r[2] for r in rows}


def upsert_entitlements(
    session: Session, access: AccessContext, rows: list[dict[str, Any]]
) -> None:
    """Insert or replace entitlement rows, set-based (COPY and one INSERT on PostgreSQL)."""
    access.check_rows(*rows)
    bulk.upsert_rows(session, Entitlement.__table__, rows, keys=("family_id", "laborer_id"))


def drop_entitlement_pairs(
    session: Session, access: AccessContext, pairs: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> None:
    """Remove (policy family, laborer) rows that no longer owe anything."""
    for chunk in bulk.chunks(list(pairs), 500):
        session.execute(
            delete(Entitlement).where(
                tuple_(Entitlement.family_id, Entitlement.laborer_id).in_(chunk),
                Entitlement.tenant_id.in_(access.audit_tenant_ids),
            )
        )


def entitlements_of(
    session: Session, access: AccessContext, laborer_id: uuid.UUID
) -> Sequence[Entitlement]:
    return session.scalars(
        select(Entitlement).where(
            Entitlement.laborer_id == laborer_id,
            Entitlement.tenant_id.in_(access.read_ids(DataKind.SUBSIDY)),
        )
    ).all()


def falling_due(session: Session, access: AccessContext, until: date) -> Sequence[Row[Any]]:
    """Entitlements with money falling due by `until` if the laborers stay."""
    return session.execute(
        select(Entitlement.family_id, Entitlement.schedule).where(
            Entitlement.tenant_id == access.tenant_id,
            Entitlement.tenant_id.in_(access.read_ids(DataKind.SUBSIDY)),
            Entitlement.next_due_on.is_not(None),
            Entitlement.next_due_on <= until,
        )
    ).all()


def payee_accounts(
    session: Session, access: AccessContext, laborer_ids: Sequence[uuid.UUID]
) -> Sequence[PayeeAccount]:
    if not laborer_ids:
        return []
    return session.scalars(
        select(PayeeAccount).where(
            PayeeAccount.laborer_id.in_(laborer_ids),
            PayeeAccount.tenant_id.in_(access.read_ids(DataKind.LABORER)),
        )
    ).all()


def payee_account(session: Session, access: AccessContext, laborer: Laborer) -> PayeeAccount | None:
    """The account of a laborer the caller loaded; none unless it reads the county's
    laborers."""
    if not access.can_read(DataKind.LABORER, laborer.tenant_id):
        return None
    return session.get(PayeeAccount, laborer.id)
