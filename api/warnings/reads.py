"""What the warning router and pages show: thin service functions over the repository,
so neither of them imports it (import-linter keeps web → services → repositories)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.warnings import repository
from api.warnings.repository import WarningFilter
from shared_models import WarningFlag

__all__ = ["WarningFilter", "laborer_name", "listing"]


def listing(
    session: Session, access: AccessContext, f: WarningFilter, **page: Any
) -> tuple[Sequence[tuple[WarningFlag, str]], int]:
    return repository.listing(session, access, f, **page)


def laborer_name(session: Session, access: AccessContext, flag: WarningFlag) -> str | None:
    return repository.laborer_name(session, access, flag)
