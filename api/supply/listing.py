"""The JSON roster list read as rows: what service.list_page answers, without ORM objects.

The API's roster page is its hottest read; loading fifty laborers and their tags as ORM
objects took more CPU than the database spent on the statements. The same statements'
rows are read here (the laborers' named columns, their tags, the count, the duplicates)."""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.orm import Session

from api.access import AccessContext
from api.paging import COUNT_CAP, Paging, capped_total
from api.supply import convert, repository
from api.supply.rosters import RosterFilter

# What list_rows reads beside the caller's columns: the key and the duplicate check's hash.
_ALWAYS = ("id", "id_number_hash")


@dataclass
class LaborerRow:
    values: RowMapping
    lists: dict[str, tuple[Any, ...]]  # convert.tag_values: the record's list fields
    tags: list[repository.TagRow]  # every tag row, in Laborer.tags' order
    possible_duplicate: bool


@dataclass
class RowPage:
    items: list[LaborerRow]
    total: int
    total_capped: bool
    page: int
    page_size: int


def list_rows(
    session: Session,
    access: AccessContext,
    f: RosterFilter,
    *,
    columns: Sequence[str],
    page: int,
    page_size: int,
    count_cap: int = COUNT_CAP,
) -> RowPage:
    """A roster page as rows of `columns`, counted like service.list_page."""
    paging = Paging(page, page_size)
    wanted = [*_ALWAYS, *(c for c in columns if c not in _ALWAYS)]
    rows = repository.page_rows(
        session, access, f, columns=wanted, offset=paging.offset, limit=paging.limit
    )
    tags = _tags_by_laborer(repository.tag_rows(session, access, [r["id"] for r in rows]))
    limit = paging.count_limit(count_cap)
    total, capped = capped_total(repository.count(session, access, f, cap=limit), limit)
    duplicates = repository.registered_elsewhere(
        session, access, [r["id_number_hash"] for r in rows]
    )
    items = []
    for row in rows:
        own = tags.get(row["id"], [])
        items.append(
            LaborerRow(row, convert.tag_values(own), own, row["id_number_hash"] in duplicates)
        )
    return RowPage(items, total, capped, page, page_size)


def _tags_by_laborer(rows: Sequence[repository.TagRow]) -> dict[uuid.UUID, list[repository.TagRow]]:
    grouped: dict[uuid.UUID, list[repository.TagRow]] = defaultdict(list)
    for row in rows:
        grouped[row.laborer_id].append(row)
    return grouped
