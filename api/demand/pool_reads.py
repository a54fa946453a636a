"""Reading the shared demand pool a page at a time."""

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy.orm import Session

from api import clock, cursor
from api.access import AccessContext
from api.demand import repository
from api.demand.pool import PoolFilter, PoolPaging, sort_types, sort_values
from api.paging import COUNT_CAP, Paging, capped_total
from shared_models import Vacancy

CURSOR_KIND = "pool:"  # + the sort: a cursor of one order is refused by another


@dataclass
class VacancyPage:
    items: list[Vacancy]
    total: int
    total_capped: bool
    page: int
    page_size: int
    next_after: str | None = None  # the cursor of the page that follows


def pool(
    session: Session,
    access: AccessContext,
    f: PoolFilter,
    *,
    page: int = 1,
    page_size: int = 50,
    after: str | None = None,
    today: date | None = None,
    count_cap: int = COUNT_CAP,
) -> VacancyPage:
    """A page of the pool: page `page`, or the page after the cursor `after` (keyset
    paging; `page` then only numbers it). The count stops past `count_cap` (or this
    page's end): at 100,000 vacancies the full count was most of the page's time."""
    today = today or clock.today()
    paging = Paging(page, page_size)
    start = cursor.decode(after, CURSOR_KIND + f.sort, sort_types(f)) if after else None
    # One row more than the page tells whether another page follows.
    rows = repository.vacancies(
        session, access, f, today, offset=paging.offset, limit=paging.limit + 1, after=start
    )
    items, more = list(rows[: paging.limit]), len(rows) > paging.limit
    limit = paging.count_limit(count_cap)
    counted = repository.count_vacancies(session, access, f, today, limit)
    total, capped = capped_total(counted, limit)
    next_after = cursor.encode(CURSOR_KIND + f.sort, sort_values(f, items[-1])) if more else None
    return VacancyPage(items, total, capped, page, page_size, next_after)


def pool_page(
    session: Session, access: AccessContext, f: PoolFilter, at: PoolPaging
) -> VacancyPage:
    """The page of the pool a request asks for (its fields are `pool`'s parameters)."""
    return pool(session, access, f, **asdict(at))
