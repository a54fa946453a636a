"""The pool filter as query parameters, shared by the JSON API and the pages."""

import uuid
from typing import Annotated

from fastapi import Depends, Query

from api.demand.pool import Benefit, PoolFilter, PoolPaging, PoolSort
from api.deps import AppSettings
from api.paging import Pager
from shared_models.enums import EntryThreshold


def pool_filter(
    q: Annotated[str | None, Query(max_length=60, description="Part of title or employer")] = None,
    city: Annotated[str | None, Query(max_length=40)] = None,
    industry: Annotated[str | None, Query(max_length=40)] = None,
    wage: Annotated[
        int | None, Query(ge=0, le=100_000, description="Pays at least this much a month")
    ] = None,
    threshold: EntryThreshold | None = None,
    benefit: Annotated[list[Benefit] | None, Query(description="Must offer each one")] = None,
    open_only: bool = True,
    owner: uuid.UUID | None = None,
    employer: uuid.UUID | None = None,
    sort: PoolSort = PoolSort.NEWEST,
) -> PoolFilter:
    return PoolFilter(
        q=(q or "").strip() or None,
        city=(city or "").strip() or None,
        industry=(industry or "").strip() or None,
        wage_at_least=wage,
        threshold=threshold,
        benefits=tuple(dict.fromkeys(benefit or ())),
        open_only=open_only,
        owner_id=owner,
        employer_id=employer,
        sort=sort,
    )


Pool = Annotated[PoolFilter, Depends(pool_filter)]


def pool_paging(
    paging: Pager,
    settings: AppSettings,
    after: Annotated[
        str | None,
        Query(
            max_length=400,
            description="`next_after` of the page before: the page that follows it (keyset"
            " paging, `page` then only numbers the page)",
        ),
    ] = None,
) -> PoolPaging:
    return PoolPaging(paging.page, paging.page_size, after or None, settings.list_count_cap)


PoolPage = Annotated[PoolPaging, Depends(pool_paging)]
