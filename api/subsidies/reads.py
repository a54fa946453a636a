"""What the subsidy router and pages show: thin service functions over the repositories,
so neither of them imports one (import-linter keeps web → services → repositories)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from api.access import AccessContext
from api.subsidies import claims_repository, repository
from shared_models import Laborer, PayeeAccount, PaymentBatch, SubsidyClaim, SubsidyPolicy


def policies(
    session: Session, access: AccessContext, *, current_only: bool = True
) -> Sequence[SubsidyPolicy]:
    return repository.policies(session, access, current_only=current_only)


def policies_page(
    session: Session, access: AccessContext, **page: Any
) -> tuple[Sequence[SubsidyPolicy], int]:
    """A page of every policy version and the true total (`offset`, `limit`, `sort`,
    `descending`)."""
    return repository.policies_page(session, access, **page)


def claims(
    session: Session, access: AccessContext, **filters: Any
) -> tuple[Sequence[SubsidyClaim], int, dict[str, int]]:
    """A page of the claims queue, its total and the count at each step."""
    return claims_repository.listing(session, access, **filters)


def batches(session: Session, access: AccessContext) -> Sequence[PaymentBatch]:
    return claims_repository.batches(session, access)


def approved_claims(session: Session, access: AccessContext) -> Sequence[SubsidyClaim]:
    """What a new payment batch would take, to show before it is made."""
    return claims_repository.approved_claims(session, access, None, lock=False)


def batch_claims(
    session: Session, access: AccessContext, batch: PaymentBatch
) -> Sequence[SubsidyClaim]:
    return claims_repository.batch_claims(session, access, batch)


def payee_account(session: Session, access: AccessContext, laborer: Laborer) -> PayeeAccount | None:
    """The payee account of a laborer the caller loaded."""
    return repository.payee_account(session, access, laborer)
