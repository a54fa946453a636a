"""All SQL of subsidy claims, their units and payment batches."""

import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, exists, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, joinedload

from api.access import AccessContext, DataKind
from api.sort_keys import ClaimSort
from shared_models import ClaimUnit, Entitlement, PaymentBatch, SubsidyClaim, SubsidyPolicy
from shared_models.enums import BatchStatus, ClaimStatus


def visible(access: AccessContext) -> ColumnElement[bool]:
    return SubsidyClaim.tenant_id.in_(access.read_ids(DataKind.SUBSIDY))


def has_claims(session: Session, access: AccessContext, policy: SubsidyPolicy) -> bool:
    """Whether any claim, whoever raised it, was made under the family of a policy the
    caller loaded under `access`."""
    return bool(session.scalar(select(exists().where(SubsidyClaim.family_id == policy.family_id))))


def held_units(
    session: Session, access: AccessContext, family_id: uuid.UUID, laborer_id: uuid.UUID
) -> set[int]:
    """Units of money a live claim already holds (raised, on the way, or paid), of a
    laborer and family the caller has checked: every claim's units count, so `access`
    filters nothing more."""
    return set(
        session.scalars(
            select(ClaimUnit.unit).where(
                ClaimUnit.family_id == family_id,
                ClaimUnit.laborer_id == laborer_id,
                ClaimUnit.active.is_(True),
            )
        )
    )


def held_amount(
    session: Session, access: AccessContext, family_id: uuid.UUID, laborer_id: uuid.UUID
) -> int:
    """Yuan in live claims (raised, on the way, or paid) for one laborer and policy."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(SubsidyClaim.amount), 0)).where(
                visible(access),
                SubsidyClaim.family_id == family_id,
                SubsidyClaim.laborer_id == laborer_id,
                SubsidyClaim.status != ClaimStatus.REJECTED,
            )
        )
        or 0
    )


def add(session: Session, access: AccessContext, *objects: object) -> None:
    access.check_rows(*objects)
    session.add_all(objects)
    session.flush()


def get(session: Session, access: AccessContext, claim_id: uuid.UUID) -> SubsidyClaim | None:
    return session.scalars(
        select(SubsidyClaim)
        .options(joinedload(SubsidyClaim.policy))
        .where(SubsidyClaim.id == claim_id, visible(access))
    ).first()


def listing(
    session: Session,
    access: AccessContext,
    *,
    status: ClaimStatus | None = None,
    laborer_id: uuid.UUID | None = None,
    batch_id: uuid.UUID | None = None,
    offset: int = 0,
    limit: int = 100,
    sort: ClaimSort | None = None,
    descending: bool = False,
) -> tuple[Sequence[SubsidyClaim], int, dict[str, int]]:
    """A page of claims, the soonest due first (or by `sort`, that order breaking ties),
    the true total, and the count at each step (whatever `status` is asked for)."""
    conditions = [visible(access)]
    if laborer_id is not None:
        conditions.append(SubsidyClaim.laborer_id == laborer_id)
    if batch_id is not None:
        conditions.append(SubsidyClaim.batch_id == batch_id)
    counts = dict(
        session.execute(
            select(SubsidyClaim.status, func.count())
            .where(*conditions)
            .group_by(SubsidyClaim.status)
        ).all()
    )
    if status is not None:
        conditions.append(SubsidyClaim.status == status)
    column = {
        None: None,
        ClaimSort.DUE: SubsidyClaim.due_on,
        ClaimSort.AMOUNT: SubsidyClaim.amount,
        ClaimSort.STATUS: SubsidyClaim.status,
    }[sort]
    chosen = [] if column is None else [column.desc() if descending else column.asc()]
    rows = session.scalars(
        select(SubsidyClaim)
        .options(joinedload(SubsidyClaim.policy))
        .where(*conditions)
        .order_by(*chosen, SubsidyClaim.due_on, SubsidyClaim.created_at, SubsidyClaim.id)
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.scalar(select(func.count()).select_from(SubsidyClaim).where(*conditions)) or 0
    return rows, total, {str(k): int(v) for k, v in counts.items()}


def release_units(session: Session, access: AccessContext, claim_id: uuid.UUID) -> None:
    session.execute(
        update(ClaimUnit)
        .where(ClaimUnit.claim_id == claim_id, ClaimUnit.tenant_id.in_(access.audit_tenant_ids))
        .values(active=False)
        .execution_options(synchronize_session=False)
    )


def sums_for_laborer(
    session: Session, access: AccessContext, laborer_id: uuid.UUID
) -> dict[uuid.UUID, tuple[int, int]]:
    """Per policy family: (yuan claimed in live claims, yuan paid)."""
    return {
        family_id: sums
        for (family_id, _), sums in sums_for_laborers(session, access, [laborer_id]).items()
    }


def sums_for_laborers(
    session: Session, access: AccessContext, laborer_ids: Sequence[uuid.UUID]
) -> dict[tuple[uuid.UUID, uuid.UUID], tuple[int, int]]:
    """Per (policy family, laborer): (yuan in live claims, yuan paid)."""
    if not laborer_ids:
        return {}
    rows = session.execute(
        select(
            SubsidyClaim.family_id,
            SubsidyClaim.laborer_id,
            SubsidyClaim.status,
            func.sum(SubsidyClaim.amount),
        )
        .where(visible(access), SubsidyClaim.laborer_id.in_(set(laborer_ids)))
        .group_by(SubsidyClaim.family_id, SubsidyClaim.laborer_id, SubsidyClaim.status)
    ).all()
    out: dict[tuple[uuid.UUID, uuid.UUID], tuple[int, int]] = {}
    for family_id, laborer_id, status, amount in rows:
        claimed, paid = out.get((family_id, laborer_id), (0, 0))
        if status is not ClaimStatus.REJECTED:
            claimed += int(amount)
        if status is ClaimStatus.PAID:
            paid += int(amount)
        out[(family_id, laborer_id)] = (claimed, paid)
    return out


def due_entitlements(session: Session, access: AccessContext) -> Sequence[Entitlement]:
    """Entitlements with money earned that live claims do not hold yet."""
    held = (
        select(func.count())
        .select_from(ClaimUnit)
        .where(
            ClaimUnit.family_id == Entitlement.family_id,
            ClaimUnit.laborer_id == Entitlement.laborer_id,
            ClaimUnit.active.is_(True),
        )
        .scalar_subquery()
    )
    return session.scalars(
        select(Entitlement).where(
            Entitlement.tenant_id == access.tenant_id,
            Entitlement.eligible.is_(True),
            Entitlement.earned_units > held,
        )
    ).all()


# --- payment batches ---------------------------------------------------------------------------


def batch(session: Session, access: AccessContext, batch_id: uuid.UUID) -> PaymentBatch | None:
    return session.scalars(
        select(PaymentBatch).where(
            PaymentBatch.id == batch_id,
            PaymentBatch.tenant_id.in_(access.read_ids(DataKind.SUBSIDY)),
        )
    ).first()


def batches(session: Session, access: AccessContext) -> Sequence[PaymentBatch]:
    return session.scalars(
        select(PaymentBatch)
        .where(PaymentBatch.tenant_id.in_(access.read_ids(DataKind.SUBSIDY)))
        .order_by(PaymentBatch.created_at.desc())
    ).all()


def approved_claims(
    session: Session,
    access: AccessContext,
    claim_ids: Sequence[uuid.UUID] | None,
    *,
    lock: bool = True,
) -> Sequence[SubsidyClaim]:
    """The bureau's approved claims (locked to batch them; unlocked to show them)."""
    conditions = [
        SubsidyClaim.tenant_id == access.tenant_id,
        SubsidyClaim.status == ClaimStatus.APPROVED,
    ]
    if claim_ids is not None:
        conditions.append(SubsidyClaim.id.in_(claim_ids))
    statement = select(SubsidyClaim).where(*conditions).order_by(SubsidyClaim.id)
    return session.scalars(statement.with_for_update() if lock else statement).all()


def batch_claims(
    session: Session, access: AccessContext, batch: PaymentBatch
) -> Sequence[SubsidyClaim]:
    """The claims of a batch the caller has already loaded (and so may read)."""
    return session.scalars(
        select(SubsidyClaim)
        .where(SubsidyClaim.tenant_id == access.tenant_id, SubsidyClaim.batch_id == batch.id)
        .order_by(SubsidyClaim.id)
    ).all()


def mark_paid(
    session: Session, access: AccessContext, batch_id: uuid.UUID, **values: object
) -> bool:
    """Exported → paid, once: a conditional UPDATE, so of two at once one wins."""
    result = cast(
        CursorResult[Any],
        session.execute(
            update(PaymentBatch)
            .where(
                PaymentBatch.id == batch_id,
                PaymentBatch.status == BatchStatus.EXPORTED,
                PaymentBatch.tenant_id.in_(access.audit_tenant_ids),
            )
            .values(status=BatchStatus.PAID, version=PaymentBatch.version + 1, **values)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1


def claims_in_batch(
    session: Session, access: AccessContext, batch: PaymentBatch
) -> Sequence[SubsidyClaim]:
    """The claims of a batch the caller loaded under `access`."""
    return session.scalars(
        select(SubsidyClaim)
        .where(SubsidyClaim.batch_id == batch.id)
        .order_by(SubsidyClaim.laborer_id, SubsidyClaim.family_id)
    ).all()


def count_at(
    session: Session,
    access: AccessContext,
    status: ClaimStatus,
    *,
    not_raised_by: uuid.UUID | None = None,
) -> int:
    """Claims at one step, leaving out those the caller raised (a second person approves)."""
    conditions = [visible(access), SubsidyClaim.status == status]
    if not_raised_by is not None:
        conditions.append(
            or_(SubsidyClaim.raised_by.is_(None), SubsidyClaim.raised_by != not_raised_by)
        )
    return session.scalar(select(func.count()).select_from(SubsidyClaim).where(*conditions)) or 0
