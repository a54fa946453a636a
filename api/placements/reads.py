"""What the stay pages show: thin service functions over the repository, so pages never
import it (import-linter keeps web → services → repositories)."""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.placements import repository
from shared_models import Placement


def of_laborer(session: Session, access: AccessContext, laborer_id: uuid.UUID) -> list[Placement]:
    return repository.of_laborer(session, access, laborer_id)


def month_sheet(
    session: Session, access: AccessContext, month: date, **page: Any
) -> tuple[Sequence[Placement], int]:
    return repository.month_sheet(session, access, month, **page)


def listing(
    session: Session, access: AccessContext, **filters: Any
) -> tuple[Sequence[Placement], int]:
    """A page of placements (by laborer, open only), and the total."""
    return repository.listing(session, access, **filters)
