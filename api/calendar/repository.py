"""All SQL of the shared calendar: fairs and training sessions of the caller's pairings."""

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from api.access import AccessContext, DataKind
from shared_models import Fair, Organization, Training, TrainingSession
from shared_models.enums import OrgKind


def fairs(
    session: Session, access: AccessContext, since: date
) -> Sequence[Row[Fair, OrgKind, str]]:
    return session.execute(
        select(Fair, Organization.kind, Organization.name)
        .join(Organization, Organization.id == Fair.tenant_id)
        .where(
            Fair.pairing_id.in_(access.pairing_ids),
            Fair.tenant_id.in_(access.read_ids(DataKind.EVENT)),
            Fair.held_on >= since,
        )
        .order_by(Fair.held_on)
    ).all()


def sessions(
    session: Session, access: AccessContext, since: date
) -> Sequence[Row[TrainingSession, Training, OrgKind, str]]:
    return session.execute(
        select(TrainingSession, Training, Organization.kind, Organization.name)
        .join(Training, Training.id == TrainingSession.training_id)
        .join(Organization, Organization.id == Training.tenant_id)
        .where(
            Training.pairing_id.in_(access.pairing_ids),
            Training.tenant_id.in_(access.read_ids(DataKind.EVENT)),
            TrainingSession.held_on >= since,
        )
        .order_by(TrainingSession.held_on, TrainingSession.starts_at)
    ).all()
