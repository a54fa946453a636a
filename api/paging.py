"""One way to page and sort a list, for the JSON API and the pages alike: the `Page[T]`
answer, the `page`/`page_size` parameters and the whitelisted `sort` key."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import Field

from api.schemas import Schema

T = TypeVar("T")
S = TypeVar("S", bound=StrEnum)

MAX_PAGE = 100_000
MAX_PAGE_SIZE = 200
PAGE_SIZES = (20, 50, 100, 200)  # the choices a page offers
# Big lists count their matches up to this many (LB_LIST_COUNT_CAP); beyond, "10,000+".
COUNT_CAP = 10_000


class Page(Schema, Generic[T]):
    """A page of a list. `total` is the true count of matches."""

    items: list[T]
    total: int
    page: int
    page_size: int


class CappedPage(Page[T], Generic[T]):
    """A page of a list that may stop counting (the roster, the vacancy pool)."""

    total_capped: bool = Field(
        False,
        description="True when counting stopped: more than `total` match (`total` is the"
        " count cap, 10,000 by default, or the end of this page if further). False:"
        " `total` is the true count",
    )


@dataclass(frozen=True)
class Paging:
    page: int = 1
    page_size: int = 50

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    @property
    def limit(self) -> int:
        return self.page_size

    def pages(self, total: int) -> int:
        return max(1, -(-total // self.page_size))

    def count_limit(self, cap: int) -> int:
        """How far a capped count goes: `cap`, or the end of this page if further, so
        that a deep page still knows whether another follows it."""
        return max(cap, self.offset + self.limit)


def capped_total(counted: int, limit: int) -> tuple[int, bool]:
    """A count that went up to `limit` + 1 rows → (total, whether more rows match)."""
    return (limit, True) if counted > limit else (counted, False)


def paging(default_size: int = 50) -> Callable[..., Awaitable[Paging]]:
    """The dependency: `page` from 1, `page_size` up to 200 (a list's default may differ)."""

    # A coroutine, as every dependency that does no I/O: no thread-pool hop.
    async def dependency(
        page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
        page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = default_size,
    ) -> Paging:
        return Paging(page, page_size)

    return dependency


Pager = Annotated[Paging, Depends(paging())]
Pager100 = Annotated[Paging, Depends(paging(100))]


@dataclass(frozen=True)
class Sorting(Generic[S]):
    key: S | None = None
    descending: bool = False


def sorting(keys: type[S]) -> Callable[..., Awaitable[Sorting[S]]]:
    """The dependency for a list's sort: only the keys of the list's enum are accepted
    (an unknown key is a 422 naming the choices), and the repository maps each key to
    its column, so no SQL ever comes from the client."""

    # `keys` is the list's enum, a variable here: FastAPI reads the annotation at run time.
    async def dependency(sort: keys | None = None, descending: bool = False) -> Sorting[S]:  # type: ignore[valid-type]  # see above
        return Sorting(sort, descending)

    return dependency
