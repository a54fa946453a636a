"""A list page's paging and sorting as links: every link keeps the page's filters, so the
page, its size and its sort live in the URL and a list can be bookmarked or shared.
Rendered by the macros in templates/_paging.html."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from api.paging import PAGE_SIZES, Paging, Sorting

# Parameters the links set themselves; the rest of the query string is kept as is.
OWN = ("page", "page_size", "sort", "descending", "after")


@dataclass
class ListView:
    path: str
    params: list[tuple[str, str]]
    paging: Paging
    total: int
    sort: str | None = None
    descending: bool = False
    sizes: tuple[int, ...] = field(default=PAGE_SIZES)
    # The count stopped at `total`: more rows match (no "last page" link then).
    capped: bool = False
    # Where the next page starts (a keyset cursor), for the "next" link.
    cursor: str | None = None

    @property
    def page(self) -> int:
        return self.paging.page

    @property
    def pages(self) -> int:
        return self.paging.pages(self.total)

    @property
    def first_row(self) -> int:
        return min(self.paging.offset + 1, self.total)

    @property
    def last_row(self) -> int:
        return min(self.paging.offset + self.paging.page_size, self.total)

    def _state(self, **override: Any) -> list[tuple[str, str]]:
        state: dict[str, Any] = {
            "sort": self.sort,
            "descending": "true" if self.descending else None,
            "page_size": self.paging.page_size,
            "page": self.paging.page,
        }
        state.update(override)
        # The first page needs no mention in the address.
        own = [(k, str(v)) for k, v in state.items() if v is not None and (k, v) != ("page", 1)]
        return self.params + own

    def url(self, **override: Any) -> str:
        query = urlencode(self._state(**override))
        return f"{self.path}?{query}" if query else self.path

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or self.capped

    def page_url(self, number: int) -> str:
        if self.cursor and number == self.page + 1:
            return self.url(page=number, after=self.cursor)
        return self.url(page=number)

    def sort_url(self, key: str, toggle: bool = True) -> str:
        """Ascending first; the sorted column's link turns the order round (`toggle`
        off: a list whose keys each have one fixed order)."""
        descending = toggle and self.sort == key and not self.descending
        return self.url(sort=key, descending="true" if descending else None, page=1)

    def filter_url(self, name: str, value: str | None) -> str:
        """The same list with one filter set (or dropped, for `None`), from page 1: a
        board's tabs keep the other filters, the sort and the page size."""
        params = [(k, v) for k, v in self.params if k != name]
        if value:
            params.append((name, value))
        state = ListView(self.path, params, self.paging, self.total, self.sort, self.descending)
        return state.url(page=1)

    def hidden(self) -> list[tuple[str, str]]:
        """The fields the page-size form carries along (all but the size and the page)."""
        return [(k, v) for k, v in self._state(page=1) if k not in ("page", "page_size")]


def list_view(
    request: Request,
    pager: Paging,
    total: int,
    sorting: Sorting[Any] | None = None,
    *,
    path: str | None = None,
    params: dict[str, str] | None = None,
    capped: bool = False,
    cursor: str | None = None,
) -> ListView:
    """The links of the list at `request` (or, for a list shown after a POST, at `path`
    with `params`)."""
    if params is None:
        kept = [(k, v) for k, v in request.query_params.multi_items() if k not in OWN and v]
    else:
        kept = [(k, v) for k, v in params.items() if v]
    key = sorting.key if sorting else None
    return ListView(
        path=path or request.url.path,
        params=kept,
        paging=pager,
        total=total,
        sort=key.value if isinstance(key, StrEnum) else key,
        descending=bool(sorting and sorting.descending),
        capped=capped,
        cursor=cursor,
    )
