"""Laborers as other areas' routers and pages show them: thin service functions over the
repository, so none of them imports it (import-linter keeps web → services → repositories)."""

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.supply import repository
from shared_models import Laborer


def get(session: Session, access: AccessContext, laborer_id: uuid.UUID) -> Laborer | None:
    return repository.get(session, access, laborer_id)


def by_ids(
    session: Session, access: AccessContext, laborer_ids: Sequence[uuid.UUID]
) -> Sequence[Laborer]:
    return repository.by_ids(session, access, laborer_ids)


def names(
    session: Session, access: AccessContext, laborer_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """Laborer id → name, for the rows of a list that carry only the id."""
    return {lab.id: lab.name for lab in repository.by_ids(session, access, laborer_ids)}
