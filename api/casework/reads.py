"""What the case router and pages show: thin service functions over the repository, so
neither of them imports it (import-linter keeps web → services → repositories)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.casework import repository
from api.casework.repository import CaseFilter
from shared_models import Case, CaseAttachment
from shared_models.enums import CaseKind

__all__ = ["CaseFilter", "attachments", "listing", "status_counts"]


def listing(
    session: Session, access: AccessContext, f: CaseFilter, **page: Any
) -> tuple[Sequence[Case], int]:
    return repository.listing(session, access, f, **page)


def status_counts(session: Session, access: AccessContext, kind: CaseKind | None) -> dict[str, int]:
    return repository.status_counts(session, access, kind)


def attachments(session: Session, access: AccessContext, case: Case) -> Sequence[CaseAttachment]:
    """A case's files; the caller has already loaded the case through the context."""
    return repository.attachments(session, access, case)
