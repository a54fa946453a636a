"""The roster filter as query parameters, shared by the JSON API and the pages."""

from typing import Annotated

from fastapi import Depends, Query

from api import clock
from api.deps import Cipher
from api.supply.rosters import Roster, RosterFilter, SortKey
from api.supply.search import apply_query, birth_bounds
from shared_models.enums import Education, EmploymentStatus, PovertyStatus, Sex, TransferScope


async def roster_filter(  # a coroutine: no I/O, so no thread-pool hop
    cipher: Cipher,
    roster: Roster = Roster.ALL,
    q: Annotated[str | None, Query(max_length=40, description="Name start, ID or phone")] = None,
    township: Annotated[str | None, Query(max_length=40)] = None,
    village: Annotated[str | None, Query(max_length=40)] = None,
    poverty_status: PovertyStatus | None = None,
    employment_status: EmploymentStatus | None = None,
    education: Education | None = None,
    sex: Sex | None = None,
    skill: Annotated[str | None, Query(max_length=60)] = None,
    city: Annotated[str | None, Query(max_length=60)] = None,
    transfer_scope: TransferScope | None = None,
    age_min: Annotated[int | None, Query(ge=0, le=120)] = None,
    age_max: Annotated[int | None, Query(ge=0, le=120)] = None,
    sort: SortKey | None = None,
    descending: bool = False,
) -> RosterFilter:
    f = RosterFilter(
        roster=roster,
        township=township or None,
        village=village or None,
        poverty_status=poverty_status,
        employment_status=employment_status,
        education=education,
        sex=sex,
        skill=skill or None,
        city=city or None,
        transfer_scope=transfer_scope,
        sort=sort,
        descending=descending,
        **birth_bounds(age_min, age_max, clock.today()),
    )
    return apply_query(f, q, cipher)


Filter = Annotated[RosterFilter, Depends(roster_filter)]
