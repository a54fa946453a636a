"""All SQL about organizations, pairings, pairing targets and supervisions."""

import uuid
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from api.access import AccessContext, DataKind
from shared_models import Organization, Pairing, PairingTarget, Supervision
from shared_models.enums import OrgKind


def visible_organizations(session: Session, access: AccessContext) -> Sequence[Organization]:
    return session.scalars(
        select(Organization)
        .where(Organization.id.in_(access.read_ids(DataKind.ORGANIZATION)))
        .order_by(Organization.kind, Organization.name)
    ).all()


def visible_organization(
    session: Session, access: AccessContext, org_id: uuid.UUID
) -> Organization | None:
    if org_id not in access.read_ids(DataKind.ORGANIZATION):
        return None
    return session.get(Organization, org_id)


def visible_pairings(session: Session, access: AccessContext) -> Sequence[Pairing]:
    return session.scalars(
        select(Pairing)
        .options(
            selectinload(Pairing.sending),
            selectinload(Pairing.receiving),
            selectinload(Pairing.targets),
        )
        .where(Pairing.id.in_(access.pairing_ids))
        .order_by(Pairing.agreement_year.desc(), Pairing.id)
    ).all()


def visible_pairing(
    session: Session, access: AccessContext, pairing_id: uuid.UUID
) -> Pairing | None:
    if pairing_id not in access.pairing_ids:
        return None
    return session.scalars(
        select(Pairing)
        .options(
            selectinload(Pairing.sending),
            selectinload(Pairing.receiving),
            selectinload(Pairing.targets),
        )
        .where(Pairing.id == pairing_id)
    ).first()


def liaison_offices(session: Session, pairing_ids: Sequence[uuid.UUID]) -> Sequence[Organization]:
    if not pairing_ids:
        return []
    return session.scalars(
        select(Organization)
        .where(Organization.kind == OrgKind.LIAISON, Organization.pairing_id.in_(pairing_ids))
        .order_by(Organization.name)
    ).all()


# --- platform operator (directory writes run as the schema owner) ---------------------


def organization_by_name(session: Session, name: str) -> Organization | None:
    return session.scalars(select(Organization).where(Organization.name == name)).first()


def organization_by_id(session: Session, org_id: uuid.UUID) -> Organization | None:
    return session.get(Organization, org_id)


def all_organizations(session: Session) -> Sequence[Organization]:
    return session.scalars(
        select(Organization).order_by(Organization.kind, Organization.name)
    ).all()


def pairing_between(
    session: Session, sending_id: uuid.UUID, receiving_id: uuid.UUID
) -> Pairing | None:
    return session.scalars(
        select(Pairing).where(
            Pairing.sending_org_id == sending_id, Pairing.receiving_org_id == receiving_id
        )
    ).first()


def pairing_by_id(session: Session, pairing_id: uuid.UUID) -> Pairing | None:
    return session.get(Pairing, pairing_id)


def pairings_of(session: Session, org_id: uuid.UUID) -> Sequence[Pairing]:
    return session.scalars(
        select(Pairing).where(
            or_(Pairing.sending_org_id == org_id, Pairing.receiving_org_id == org_id)
        )
    ).all()


def supervision(
    session: Session, supervisor_id: uuid.UUID, bureau_id: uuid.UUID
) -> Supervision | None:
    return session.get(Supervision, (supervisor_id, bureau_id))


def supervised_bureaus(session: Session, access: AccessContext) -> Sequence[Organization]:
    """The bureaus the caller supervises (none unless it is a supervising organization)."""
    if not access.supervised_ids:
        return []
    return session.scalars(
        select(Organization)
        .where(Organization.id.in_(access.supervised_ids))
        .order_by(Organization.kind, Organization.name)
    ).all()


def target(session: Session, pairing_id: uuid.UUID, year: int, metric: str) -> PairingTarget | None:
    return session.scalars(
        select(PairingTarget).where(
            PairingTarget.pairing_id == pairing_id,
            PairingTarget.year == year,
            PairingTarget.metric == metric,
        )
    ).first()


def add(session: Session, obj: object) -> None:
    session.add(obj)
    session.flush()
