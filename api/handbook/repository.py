"""All SQL of the job handbook: the laborers of a village or roster, household by
household, with their tags."""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from api.access import AccessContext
from api.supply.repository import matching
from api.supply.rosters import RosterFilter
from shared_models import Laborer


def count(session: Session, access: AccessContext, f: RosterFilter) -> int:
    return (
        session.scalar(select(func.count()).select_from(Laborer).where(*matching(access, f))) or 0
    )


def laborers(session: Session, access: AccessContext, f: RosterFilter) -> Sequence[Laborer]:
    """In household order: township, village, head of household, then name."""
    household = func.coalesce(Laborer.household_head, Laborer.name)
    return session.scalars(
        select(Laborer)
        .options(selectinload(Laborer.tags))
        .where(*matching(access, f))
        .order_by(Laborer.township, Laborer.village, household, Laborer.name, Laborer.id)
    ).all()
