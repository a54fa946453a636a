"""What the training router and pages show: thin service functions over the repository,
so neither of them imports it (import-linter keeps web → services → repositories)."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.trainings import repository
from shared_models import Laborer, Training


def listing(session: Session, access: AccessContext, **page: Any) -> tuple[Sequence[Training], int]:
    return repository.listing(session, access, **page)


def status_counts(
    session: Session, access: AccessContext, training_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, int]]:
    return repository.status_counts(session, access, training_ids)


def attendance_counts(
    session: Session, access: AccessContext, training: Training
) -> dict[uuid.UUID, int]:
    """Sessions attended per enrollment, of a training loaded under `access`."""
    return repository.attendance_counts(session, access, training)


def suggestions(session: Session, access: AccessContext, training: Training) -> Sequence[Laborer]:
    return repository.suggestions(session, access, training)
