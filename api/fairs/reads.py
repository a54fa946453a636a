"""What the fair router and pages show: thin service functions over the repositories, so
neither of them imports one (import-linter keeps web → services → repositories)."""

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


def employers(session: Session, access: AccessContext, fair: Fair) -> Sequence[Row[Any]]:
    return repository.employers(session, access, fair)


def registrations(
    session: Session, access: AccessContext, fair: Fair, **page: Any
) -> tuple[Sequence[FairRegistration], int]:
    return repository.registrations(session, access, fair, **page)


def intentions(session: Session, access: AccessContext, fair: Fair) -> Sequence[FairIntention]:
    return repository.intentions(session, access, fair)


def vacancies(session: Session, access: AccessContext, fair: Fair) -> list[Vacancy]:
    """The fair's vacancies the caller can see, each with its employer loaded."""
    ids = list(repository.fair_vacancy_ids(session, access, fair))
    return list(matching_repository.vacancies_with_employer(session, access, ids).values())
