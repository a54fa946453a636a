"""What the fair router and pages show: thin service functions over the repositories, so
neither of them imports one (import-linter keeps web → services → repositories)."""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from api.access import AccessContext
from api.fairs import repository
from api.matching import repository as matching_repository
from shared_models import Fair, FairIntention, FairRegistration, Vacancy


def listing(
    session: Session, access: AccessContext, *, since: date | None = None
) -> Sequence[Fair]:
    return repository.listing(session, access, since=since)


def listing_page(
    session: Session, access: AccessContext, **page: Any
) -> tuple[Sequence[Fair], int]:
    """A page of the fairs list and its true total (`offset`, `limit`, `sort`, `descending`)."""
    return repository.listing_page(session, access, **page)


def employers(session: Session, fair_id: uuid.UUID) -> Sequence[Row[Any]]:
    return repository.employers(session, fair_id)


def registrations(
    session: Session, fair_id: uuid.UUID, **page: Any
) -> tuple[Sequence[FairRegistration], int]:
    return repository.registrations(session, fair_id, **page)


def intentions(session: Session, fair_id: uuid.UUID) -> Sequence[FairIntention]:
    return repository.intentions(session, fair_id)


def vacancies(session: Session, access: AccessContext, fair_id: uuid.UUID) -> list[Vacancy]:
    """The fair's vacancies the caller can see, each with its employer loaded."""
    ids = list(repository.fair_vacancy_ids(session, fair_id))
    return list(matching_repository.vacancies_with_employer(session, access, ids).values())
